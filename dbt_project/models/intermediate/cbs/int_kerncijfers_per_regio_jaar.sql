-- Kerncijfers pivoted to one row per region per year, with the gemeente each region belongs to.
-- Codes: gemeente GM + 4 digits, wijk WK + gemeente's 4 + 2, buurt BU + wijk's 6 + 2.
select
    regio_code,
    any_value(regio_naam)                                                 as regio_naam,
    jaar,
    periode,
    lower(trim(max(value_text) filter (where measure = 'SoortRegio')))    as soort_regio,
    'GM' || substr(regio_code, 3, 4)                                      as gemeente_code,
    trim(max(value_text) filter (where measure = 'Gemeentenaam'))         as gemeente_naam,
    cast(max(value) filter (where measure = 'AantalInwoners') as integer) as inwoners,
    cast(max(value) filter (where measure = 'WmoClienten') as integer)    as wmo_clienten,
    max(value_status) filter (where measure = 'WmoClienten')              as wmo_clienten_status,
    bool_or(is_voorlopig)                                                 as is_voorlopig,
    bool_or(is_synthetisch)                                               as is_synthetisch,
    any_value(table_id)                                                   as table_id,
    any_value(snapshot_id)                                                as snapshot_id
from {{ ref('stg_cbs__kerncijfers_wijken_buurten') }}
group by regio_code, jaar, periode
