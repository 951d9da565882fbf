{{ stg_cbs('cbs_jeugdhulp_verwijzer', {'verwijzer': 'VerwijzerJeugdzorg'}) }}
