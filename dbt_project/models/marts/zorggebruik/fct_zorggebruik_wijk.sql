-- Grain: one row per wijk per year, on that year's own wijk classification (indeling_jaar = jaar); see
-- fct_zorggebruik_wijk_geharmoniseerd for the same series on one classification. Wmo clients per 1,000
-- inhabitants computed from the (CBS-rounded) counts. Cells with fewer than 10 clients, cells CBS kept secret and
-- years whose Kerncijfers edition has no Wmo figures (2017 and earlier) are suppressed: value NULL, is_onderdrukt
-- true, with the reason.
with wijken as (
    select *, {{ onderdrukt_reden('wmo_clienten', 'wmo_gepubliceerd') }} as onderdrukt_reden
    from {{ ref('int_kerncijfers_per_regio_jaar') }}
    where soort_regio = 'wijk'
)

select
    gemeente_code,
    gemeente_naam,
    regio_code                                                           as wijk_code,
    regio_naam                                                           as wijk_naam,
    jaar,
    make_date(jaar, 1, 1)                                                as peildatum,
    jaar                                                                 as indeling_jaar,
    inwoners::integer                                                    as inwoners,
    case when onderdrukt_reden is null then wmo_clienten::integer end    as wmo_clienten,
    case when onderdrukt_reden is null and inwoners > 0
         then round(wmo_clienten * 1000.0 / inwoners, 1) end             as wmo_per_1000,
    onderdrukt_reden is not null                                         as is_onderdrukt,
    onderdrukt_reden,
    is_voorlopig,
    is_synthetisch,
    'CBS Kerncijfers wijken en buurten'                                  as bron,
    cbs_tabel
from wijken
