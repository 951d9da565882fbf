-- Grain: one row per delivered file x replace scope (the period a file speaks for, e.g. gemeente and year) that
-- already held rows: which earlier delivery staging no longer reads, and the rows (and regions) before and
-- after. A delivery that removes more than the threshold of its scope's rows is only loaded with the user's
-- consent (is_bevestigd); until then it waits in held/ (status 'wacht op bevestiging' in the load log).
-- gemeente_code: the delivered file's, as in the load log (so row-level security shows a gemeente only its own).
select
    vervangingen.bron,
    ladingen.bron_naam,
    vervangen_op,
    source_file                                                   as bestand,
    file_sha256                                                   as lading,
    vervangbereik                                                 as periode,
    vervangen_bestand,
    rijen_voor,
    rijen_na,
    rijen_na - rijen_voor                                         as rijen_verschil,
    round(100.0 * (rijen_voor - rijen_na) / rijen_voor, 1)        as pct_verwijderd,
    regios_voor,
    regios_na,
    is_bevestigd,
    vervangingen.load_id,
    ladingen.gemeente_code,
    ladingen.gemeente_naam
from {{ ref('stg_meta__file_replacements') }} as vervangingen
left join {{ ref('fct_datakwaliteit_ladingen') }} as ladingen
    on ladingen.load_id = vervangingen.load_id
    and ladingen.lading = vervangingen.file_sha256
    and ladingen.bron = vervangingen.bron
