-- Grain: one row per gemeente of the target classification per year: care use from fct_indicator side by side
-- (inhabitants, Wmo clients per 1,000, youths with jeugdzorg, bijstand per 1,000); merged gemeenten summed
-- (is_geschat), rates recomputed from the sums.
with indicators as (
    select * from {{ ref('fct_indicator') }}
    where regio_niveau = 'gemeente'
      and indicator_code in ('INWONERS', 'WMO_CLIENTEN_PER_1000', 'JEUGDZORG_PCT', 'BIJSTAND_PER_1000')
)

select
    regio_code                                                                       as gemeente_code,
    any_value(regio_naam)                                                            as gemeente_naam,
    jaar,
    make_date(jaar, 1, 1)                                                            as peildatum,
    {{ var('doelindeling') }}                                                        as indeling_jaar,
    max(waarde) filter (where indicator_code = 'INWONERS')::integer                  as inwoners,
    max(teller) filter (where indicator_code = 'WMO_CLIENTEN_PER_1000')::integer     as wmo_clienten,
    max(waarde) filter (where indicator_code = 'WMO_CLIENTEN_PER_1000')              as wmo_per_1000,
    max(teller) filter (where indicator_code = 'JEUGDZORG_PCT')::integer             as jongeren_met_jeugdzorg,
    max(waarde) filter (where indicator_code = 'JEUGDZORG_PCT')                      as pct_jongeren_met_jeugdzorg,
    max(waarde) filter (where indicator_code = 'BIJSTAND_PER_1000')                  as bijstand_per_1000,
    bool_or(is_geschat)                                                              as is_geschat,
    bool_or(is_voorlopig)                                                            as is_voorlopig,
    bool_or(is_synthetisch)                                                          as is_synthetisch,
    'CBS Kerncijfers wijken en buurten'
        || case when bool_or(is_synthetisch) then ' (synthetische demodata)' else '' end as bron
from indicators
where not is_halfjaar
group by regio_code, jaar
