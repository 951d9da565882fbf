-- Start (305) and stop (307) of care per allocated product, as reported by the provider.
select
    wet,
    case berichttype when '305' then 'start' else 'stop' end as melding,
    gemeente_code,
    aanbieder,
    client_id,
    toewijzing_nummer,
    product_categorie,
    product_code,
    begindatum,
    einddatum,
    reden_beeindiging,
    status_aanlevering,
    dagtekening,
    bericht_sleutel,
    is_synthetisch,
    source_file,
    source_row,
    loaded_at
from {{ ref('stg_zorg__berichtregels') }}
where berichttype in ('305', '307')
