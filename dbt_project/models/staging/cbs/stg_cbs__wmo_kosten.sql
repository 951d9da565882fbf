{{ stg_cbs('cbs_wmo_kosten', {'TypeMaatwerkvoorziening': 'voorziening'}) }}
