{{ stg_cbs('cbs_bijstand', {'grondslag': 'Uitkeringsgrondslag'}) }}
