{{ stg_cbs('cbs_iv3', {'taakveld': ['TaakveldBalanspost', 'FunctieKostenplaatsBalanspost'], 'categorie': 'Categorie', 'verslagsoort': 'Verslagsoort'}) }}
