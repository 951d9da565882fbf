-- Allocations (toewijzingen, message 301): which product a client may receive, from when to when, how much.
-- The client's postcode comes with the allocation; invoices (323) do not carry it.
select
    wet,
    gemeente_code,
    aanbieder,
    client_id,
    geboortejaar,
    postcode,
    toewijzing_nummer,
    product_categorie,
    product_code,
    begindatum                    as ingangsdatum,
    einddatum,
    volume,
    eenheid,
    frequentie,
    dagtekening,
    bericht_sleutel,
    is_synthetisch,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_zorg__berichtregels') }}
where berichttype = '301'
