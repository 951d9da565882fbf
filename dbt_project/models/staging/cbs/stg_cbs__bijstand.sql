{{ stg_cbs('cbs_bijstand', {'Uitkeringsgrondslag': 'grondslag'}) }}
