-- Grain: one row per gemeente-file source x gemeente x reason a row was quarantined (the first failing check; see
-- the README, "Quarantine"), over all loads: how many rows, from how many files, in which columns, and when last.
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
    bron,
    gemeente                                                    as gemeente_code,
    reden_code,
    count(*)                                                    as rijen,
    count(distinct file_sha256)                                 as bestanden,
    string_agg(distinct kolom, ', ' order by kolom)             as kolommen,
    max(geladen_op)                                             as laatste_lading
from rows_
group by bron, gemeente, reden_code
