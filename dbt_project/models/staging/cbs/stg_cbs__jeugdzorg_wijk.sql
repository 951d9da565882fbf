{{ stg_cbs('cbs_jeugdzorg_wijk') }}
