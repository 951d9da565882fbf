{{ stg_cbs('cbs_kerncijfers_wijken_buurten') }}
