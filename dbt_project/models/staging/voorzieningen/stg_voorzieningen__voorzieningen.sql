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
    {{ file_provenance() }}
from latest
