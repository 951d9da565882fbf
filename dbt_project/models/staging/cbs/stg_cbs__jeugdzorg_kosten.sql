{{ stg_cbs('cbs_jeugdzorg_kosten', {'VormenVanJeugdzorg': 'vorm'}) }}
