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
    is_synthetic            as is_synthetisch,
    source_file,
    source_sheet,
    source_row,
    file_sha256
from latest
