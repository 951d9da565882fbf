-- Invoice lines (323): delivered volume, tariff and amount in euro; bedrag_euro is negative for a credit line,
-- so summing lines gives the net amount invoiced.
select
    wet,
    gemeente_code,
    aanbieder,
    client_id,
    postcode,
    toewijzing_nummer,
    product_categorie,
    product_code,
    begindatum,
    einddatum,
    volume                        as geleverd_volume,
    eenheid,
    tarief_euro,
    debet_credit,
    bedrag_euro,
    declaratie_nummer,
    referentie_nummer,
    vorig_referentie_nummer,
    dagtekening,
    bericht_sleutel,
    is_synthetisch,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_zorg__berichtregels') }}
where berichttype = '323'
