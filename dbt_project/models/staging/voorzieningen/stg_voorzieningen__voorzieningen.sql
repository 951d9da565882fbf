-- One row per voorziening per peiljaar, from the latest list per gemeente and year.
with latest as (
    {{ latest_load_per_scope(source('raw', 'voorzieningen')) }}
)

select
    gemeente_code,
    wijk_code,
    postcode,
    peiljaar,
    naam,
    soort,
    capaciteit,
    uren_open_per_week,
    is_synthetic            as is_synthetisch,
    source_file,
    source_sheet,
    source_row,
    file_sha256
from latest
