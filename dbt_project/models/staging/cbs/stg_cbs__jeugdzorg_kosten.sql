{{ stg_cbs('cbs_jeugdzorg_kosten', {'vorm': 'VormenVanJeugdzorg'}) }}
