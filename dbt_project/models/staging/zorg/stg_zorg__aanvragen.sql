-- Requests for an allocation (315), sent by a provider; for youth care with the referrer (verwijzer_type:
-- 01 gemeente, 02 huisarts, 03 jeugdarts, 04 gecertificeerde instelling, 05 medisch specialist, 06 zelf, 08 rechter).
select
    wet,
    gemeente_code,
    aanbieder,
    client_id,
    geboortejaar,
    product_categorie,
    product_code,
    begindatum                    as gevraagde_ingangsdatum,
    einddatum                     as gevraagde_einddatum,
    volume,
    eenheid,
    frequentie,
    verwijzer_type,
    dagtekening,
    bericht_sleutel,
    is_synthetisch,
    source_file,
    source_row
from {{ ref('stg_zorg__berichtregels') }}
where berichttype = '315'
