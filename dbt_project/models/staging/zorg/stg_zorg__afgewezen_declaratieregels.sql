-- Invoice lines the gemeente rejected, from its declaration answers (325), with the return codes. The amount is
-- the one invoiced (signed as in the answer); what was accepted is the invoice minus these lines.
select
    wet,
    gemeente_code,
    aanbieder,
    client_id,
    declaratie_nummer,
    referentie_nummer,
    toewijzing_nummer,
    product_categorie,
    product_code,
    begindatum,
    einddatum,
    debet_credit,
    bedrag_euro,
    retourcodes,
    dagtekening,
    bericht_sleutel,
    is_synthetisch,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_zorg__berichtregels') }}
where berichttype = '325'
