-- Grain: one row per gemeente-file source x gemeente x reason a row was quarantined (the first failing check; see
-- the README, "Quarantine") with what it means in Dutch (seed quarantaineredenen), over all loads: how many rows,
-- from how many files, in which columns, and when last.
-- A row's gemeente is the one it names, else its file's (fct_datakwaliteit_ladingen); none when neither is known.
-- The rows themselves stay in quarantine.<source>, for the data team; nothing of their content is published.
with rows_ as (
    select
        rijen.*,
        coalesce(rijen.gemeente_code, ladingen.gemeente_code) as gemeente,
        ladingen.geladen_op
    from {{ ref('stg_gemeentebestanden__rijen') }} as rijen
    left join {{ ref('fct_datakwaliteit_ladingen') }} as ladingen
        on ladingen.bron = rijen.bron
        and ladingen.lading = rijen.file_sha256
        and ladingen.load_id = rijen.load_id
        and ladingen.status = 'geladen'
    where rijen.tabel = 'quarantine'
)

select
    rows_.bron,
    any_value(bronnen.bron_naam)                                as bron_naam,
    rows_.gemeente                                              as gemeente_code,
    any_value(namen.gemeente_naam)                              as gemeente_naam,
    rows_.reden_code,
    any_value(redenen.reden)                                    as reden,
    count(*)                                                    as rijen,
    count(distinct file_sha256)                                 as bestanden,
    string_agg(distinct kolom, ', ' order by kolom)             as kolommen,
    max(geladen_op)                                             as laatste_lading
from rows_
left join {{ ref('quarantaineredenen') }} as redenen on redenen.reden_code = rows_.reden_code
left join {{ ref('bronnen') }} as bronnen on bronnen.bron = rows_.bron
left join ({{ gemeentenamen() }}) as namen on namen.gemeente_code = rows_.gemeente
group by rows_.bron, rows_.gemeente, rows_.reden_code
