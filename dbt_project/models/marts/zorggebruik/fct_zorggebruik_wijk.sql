-- Wmo clients per 1,000 inhabitants per wijk per year, on each year's own wijk classification.
-- The rate is computed from the (CBS-rounded) counts. Cells with fewer than 10 clients, and cells CBS kept
-- secret, are suppressed: value NULL, is_onderdrukt true, with the reason.
with wijken as (
    select * from {{ ref('int_kerncijfers_per_regio_jaar') }}
    where soort_regio = 'wijk'
),

suppressed as (
    select
        *,
        case
            when wmo_clienten is null then 'CBS: geheim of onbekend'
            when wmo_clienten < {{ var('min_cell_size', 10) }} then 'minder dan 10 cliënten'
        end as onderdrukt_reden
    from wijken
)

select
    gemeente_code,
    gemeente_naam,
    regio_code                                                           as wijk_code,
    regio_naam                                                           as wijk_naam,
    jaar,
    make_date(jaar, 1, 1)                                                as peildatum,
    inwoners,
    case when onderdrukt_reden is null then wmo_clienten end             as wmo_clienten,
    case when onderdrukt_reden is null and inwoners > 0
         then round(wmo_clienten * 1000.0 / inwoners, 1) end             as wmo_per_1000,
    onderdrukt_reden is not null                                         as is_onderdrukt,
    onderdrukt_reden,
    is_voorlopig,
    is_synthetisch,
    'CBS Kerncijfers wijken en buurten'
        || case when is_synthetisch then ' (synthetische demodata)' else '' end as bron,
    table_id                                                             as cbs_tabel,
    snapshot_id
from suppressed
