{{ stg_cbs('cbs_bevolking_leeftijd', {'geslacht': 'Geslacht', 'leeftijd': 'Leeftijd', 'burgerlijke_staat': 'BurgerlijkeStaat'}) }}
