{{ stg_cbs('cbs_wmo_kosten', {'voorziening': 'TypeMaatwerkvoorziening'}) }}
