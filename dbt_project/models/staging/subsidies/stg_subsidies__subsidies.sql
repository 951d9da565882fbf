-- One row per granted subsidy, from the latest file per gemeente and subsidy year (a corrected register for a
-- year replaces the earlier one). Natural persons arrive without a name (aanvrager NULL, is_particulier).
with latest as (
    {{ latest_load_per_scope(source('raw', 'subsidies')) }}
)

select
    gemeente_code,
    wijk_code,
    subsidiejaar                 as jaar,
    dossiernummer,
    regeling,
    beleidsterrein,
    organisatieonderdeel,
    project,
    periodiciteit,
    taakveld,
    aanvrager,
    aanvrager_is_particulier     as is_particulier,
    bedrag_aangevraagd,
    bedrag_verleend,
    bedrag_vastgesteld,
    datum_verlening,
    {{ file_provenance() }}
from latest
