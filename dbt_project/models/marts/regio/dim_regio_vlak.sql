-- Grain: one row per polygon (part) of a region's shape per classification year, from the Wijk- en buurtkaart:
-- simplified WGS84 GeoJSON for the dashboards' maps. in_doelindeling marks the shapes of the target
-- classification (var doelindeling), on which every harmonised figure (fct_indicator, the ecosystem scores) is.
with vlakken as (
    select * from {{ ref('stg_kaart__vlakken') }}
),

gemeenten as (
    select distinct indeling_jaar, regio_code as gemeente_code, regio_naam as gemeente_naam
    from vlakken
    where soort_regio = 'gemeente'
)

select
    vlakken.regio_code,
    vlakken.regio_naam,
    vlakken.soort_regio,
    vlakken.indeling_jaar,
    vlakken.gemeente_code,
    gemeenten.gemeente_naam,
    vlakken.deel,
    vlakken.geojson,
    vlakken.label_lon,
    vlakken.label_lat,
    vlakken.is_hersteld,
    vlakken.is_synthetisch,
    vlakken.indeling_jaar = {{ var('doelindeling') }} as in_doelindeling
from vlakken
left join gemeenten using (indeling_jaar, gemeente_code)
