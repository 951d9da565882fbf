{{ stg_cbs('cbs_iv3', {'TaakveldBalanspost': 'taakveld', 'Categorie': 'categorie', 'Verslagsoort': 'verslagsoort'}) }}
