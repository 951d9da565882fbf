{{ stg_cbs('cbs_jeugdzorg_wijk', {'vorm': ['VormenVanJeugdzorg', 'TypeJeugdzorg', 'Vormen']}) }}
