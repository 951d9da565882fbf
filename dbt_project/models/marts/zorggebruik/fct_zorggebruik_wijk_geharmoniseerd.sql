-- Grain: one row per wijk of the target classification (var doelindeling) per year: the Wmo figures of
-- fct_indicator side by side for the Zorggebruik dashboard. Years before a re-division are converted with the wijk
-- conversion matrix (is_geschat); small and secret cells suppressed, and so are years whose Kerncijfers edition
-- has no Wmo figures (fct_indicator has no Wmo row for them).
{%- set columns = {
    'inwoners': 'INWONERS.waarde::integer',
    'wmo_clienten': 'WMO_CLIENTEN_PER_1000.teller::integer',
    'wmo_per_1000': 'WMO_CLIENTEN_PER_1000.waarde',
} %}
with indicators as (
    select * from {{ ref('fct_indicator') }}
    where regio_niveau = 'wijk' and indicator_code in ({{ indicator_codes(columns) }})
)

select
    any_value(gemeente_code)                                                              as gemeente_code,
    any_value(gemeente_naam)                                                              as gemeente_naam,
    regio_code                                                                            as wijk_code,
    any_value(regio_naam)                                                                 as wijk_naam,
    jaar,
    make_date(jaar, 1, 1)                                                                 as peildatum,
    {{ var('doelindeling') }}                                                             as indeling_jaar,
    {{ pivot_indicators(columns) }},
    coalesce(bool_or(is_onderdrukt) filter (where indicator_code = 'WMO_CLIENTEN_PER_1000'), true)
                                                                                          as is_onderdrukt,
    coalesce(
        max(onderdrukt_reden) filter (where indicator_code = 'WMO_CLIENTEN_PER_1000'),
        case when count(*) filter (where indicator_code = 'WMO_CLIENTEN_PER_1000') = 0
             then 'CBS: niet gepubliceerd in deze editie' end
    )                                                                                     as onderdrukt_reden,
    'CBS Kerncijfers wijken en buurten, omgezet naar wijkindeling {{ var("doelindeling") }}' as bron
from indicators
group by regio_code, jaar
