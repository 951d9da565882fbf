-- Grain: one row per gemeente of the target classification (var doelindeling) per year: care use from
-- Kerncijfers, summed over merged gemeenten where needed (is_geschat) and rates recomputed from the sums.
with gemeenten as (
    select * from {{ ref('int_kerncijfers_geharmoniseerd') }}
    where soort_regio = 'gemeente'
),

names as (
    select regio_code, regio_naam
    from {{ ref('dim_regio') }}
    where indeling_jaar = {{ var('doelindeling') }} and soort_regio = 'gemeente'
)

select
    gemeenten.regio_code                                                         as gemeente_code,
    names.regio_naam                                                             as gemeente_naam,
    jaar,
    make_date(jaar, 1, 1)                                                        as peildatum,
    {{ var('doelindeling') }}                                                    as indeling_jaar,
    round(inwoners)::integer                                                     as inwoners,
    round(wmo_clienten)::integer                                                 as wmo_clienten,
    round(wmo_clienten * 1000.0 / nullif(inwoners, 0), 1)                        as wmo_per_1000,
    round(jongeren_met_jeugdzorg)::integer                                       as jongeren_met_jeugdzorg,
    round(jongeren_met_jeugdzorg * 100.0 / nullif(jongeren_afgeleid, 0), 1)      as pct_jongeren_met_jeugdzorg,
    round(personen_met_bijstand * 1000.0 / nullif(inwoners, 0), 1)               as bijstand_per_1000,
    is_geschat,
    is_voorlopig,
    is_synthetisch,
    'CBS Kerncijfers wijken en buurten'
        || case when is_synthetisch then ' (synthetische demodata)' else '' end  as bron
from gemeenten
inner join names using (regio_code)
