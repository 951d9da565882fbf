-- Grain: one row per wijk of the target classification (var doelindeling) per year. Earlier years are converted
-- with the wijk conversion matrix: converted values are estimates (is_geschat). Rates are recomputed from the
-- converted counts. Small and secret cells suppressed, as in fct_zorggebruik_wijk.
with harmonised as (
    select * from {{ ref('int_kerncijfers_geharmoniseerd') }}
    where soort_regio = 'wijk'
),

names as (
    select regio_code, regio_naam, gemeente_code, gemeente_naam
    from {{ ref('dim_regio') }}
    where indeling_jaar = {{ var('doelindeling') }}
),

suppressed as (
    select *, {{ onderdrukt_reden('wmo_clienten') }} as onderdrukt_reden
    from harmonised
)

select
    names.gemeente_code,
    names.gemeente_naam,
    suppressed.regio_code                                                       as wijk_code,
    names.regio_naam                                                            as wijk_naam,
    suppressed.jaar,
    make_date(suppressed.jaar, 1, 1)                                            as peildatum,
    {{ var('doelindeling') }}                                                   as indeling_jaar,
    round(suppressed.inwoners)::integer                                         as inwoners,
    case when onderdrukt_reden is null then round(wmo_clienten)::integer end    as wmo_clienten,
    case when onderdrukt_reden is null and inwoners > 0
         then round(wmo_clienten * 1000.0 / inwoners, 1) end                    as wmo_per_1000,
    onderdrukt_reden is not null                                                as is_onderdrukt,
    onderdrukt_reden,
    is_geschat,
    is_voorlopig,
    is_synthetisch,
    'CBS Kerncijfers wijken en buurten, omgezet naar wijkindeling {{ var("doelindeling") }}'
        || case when is_synthetisch then ' (synthetische demodata)' else '' end as bron
from suppressed
inner join names using (regio_code)
