{{ stg_cbs('cbs_jeugdhulp_verwijzer', {'VerwijzerJeugdzorg': 'verwijzer'}) }}
