-- Grain: one row per gemeente-file source x reason a row was quarantined (the first failing check; see the
-- README, "Quarantine") with what it means in Dutch (seed quarantaineredenen), over all loads: how many rows, from how many files, in which columns, and when last.
-- The rows themselves stay in quarantine.<source>, for the data team; nothing of their content is published.
with rows_ as (
    select rijen.*, loads.started_at
    from {{ ref('stg_gemeentebestanden__rijen') }} as rijen
    left join {{ ref('stg_meta__file_loads') }} as loads
        on loads.bron = rijen.bron
        and loads.file_sha256 = rijen.file_sha256
        and loads.load_id = rijen.load_id
        and loads.status = 'loaded'
    where rijen.tabel = 'quarantine'
)

select
    rows_.bron,
    rows_.reden_code,
    any_value(redenen.reden)                                    as reden,
    any_value(bronnen.bron_naam)                                as bron_naam,
    count(*)                                                    as rijen,
    count(distinct file_sha256)                                 as bestanden,
    string_agg(distinct kolom, ', ' order by kolom)             as kolommen,
    max(started_at)                                             as laatste_lading
from rows_
left join {{ ref('quarantaineredenen') }} as redenen on redenen.reden_code = rows_.reden_code
left join {{ ref('bronnen') }} as bronnen on bronnen.bron = rows_.bron
group by rows_.bron, rows_.reden_code
