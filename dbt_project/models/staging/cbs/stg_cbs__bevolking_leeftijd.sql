{{ stg_cbs('cbs_bevolking_leeftijd', {'Leeftijd': 'leeftijd'}) }}
