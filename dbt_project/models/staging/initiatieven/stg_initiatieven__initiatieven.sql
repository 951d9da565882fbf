-- One row per citizen initiative per year, from the latest list per gemeente and year.
with latest as (
    {{ latest_load_per_scope(source('raw', 'initiatieven')) }}
)

select
    gemeente_code,
    wijk_code,
    jaar,
    naam,
    thema,
    status,
    startdatum,
    einddatum,
    bedrag                  as bedrag_toegekend,
    partners,
    aantal_vrijwilligers,
    aantal_deelnemers,
    {{ file_provenance() }}
from latest
