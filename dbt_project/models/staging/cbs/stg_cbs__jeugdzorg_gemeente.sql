{{ stg_cbs('cbs_jeugdzorg_gemeente', {'vorm': 'VormenVanJeugdzorg'}) }}
