-- One row per part of a region's shape in one classification year (the newest map delivered for that year).
select
    indeling_jaar,
    niveau          as soort_regio,
    regio_code,
    regio_naam,
    gemeente_code,
    deel,
    geojson,
    label_lon,
    label_lat,
    is_hersteld,
    is_synthetisch
from {{ source('geo', 'kaartvlakken') }}
