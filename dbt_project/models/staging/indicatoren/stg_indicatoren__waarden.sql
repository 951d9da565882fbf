-- One value per indicator, region and period, from the latest delivery of that indicator for the gemeente and
-- period. Periods are CBS-style keys (2023JJ00 year, 2023HJ01 half year, ...).
with latest as (
    {{ latest_load_per_scope(source('raw', 'indicatoren')) }}
)

select
    indicator_code,
    indicator_naam,
    regio_code,
    regio_niveau(regio_code)                                                                          as regio_niveau,
    gemeente_van(regio_code)                                                                          as gemeente_code,
    periode,
    cast(left(periode, 4) as integer)                                                                 as jaar,
    waarde,
    eenheid,
    bron,
    {{ file_provenance() }}
from latest
