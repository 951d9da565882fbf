{{ stg_cbs('cbs_wmo_clienten_type_wijk', {'voorziening': ['TypeMaatwerkarrangement', 'TypeMaatwerkvoorziening']}) }}
