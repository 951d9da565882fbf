-- Grain: one row per gemeente of the target classification per year: care use from fct_indicator side by side
-- (inhabitants, Wmo clients per 1,000, youths with jeugdzorg, bijstand per 1,000); merged gemeenten summed
-- (is_geschat), rates recomputed from the sums.
{%- set columns = {
    'inwoners': 'INWONERS.waarde::integer',
    'wmo_clienten': 'WMO_CLIENTEN_PER_1000.teller::integer',
    'wmo_per_1000': 'WMO_CLIENTEN_PER_1000.waarde',
    'jongeren_met_jeugdzorg': 'JEUGDZORG_PCT.teller::integer',
    'pct_jongeren_met_jeugdzorg': 'JEUGDZORG_PCT.waarde',
    'bijstand_per_1000': 'BIJSTAND_PER_1000.waarde',
} %}
with indicators as (
    select * from {{ ref('fct_indicator') }}
    where regio_niveau = 'gemeente' and indicator_code in ({{ indicator_codes(columns) }})
)

select
    regio_code                                  as gemeente_code,
    any_value(regio_naam)                       as gemeente_naam,
    jaar,
    make_date(jaar, 1, 1)                       as peildatum,
    {{ var('doelindeling') }}                   as indeling_jaar,
    {{ pivot_indicators(columns) }},
    'CBS Kerncijfers wijken en buurten'         as bron
from indicators
where not is_halfjaar
group by regio_code, jaar
