"""The demo's maps and comparisons through the whole pipeline (the state `make demo` builds): every wijk CBS knows has
a shape on the map, shapes keep their area, a repaired polygon is flagged; and the band a gemeente is compared with
is the median, lowest and highest of its peers, recomputed here from the raw CBS rows."""

import json
import statistics

import duckdb
import pyproj
import pytest
import shapely

from demo import kaart
from demo.geography import demo_region

pytestmark = pytest.mark.integration


def query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_map_is_loaded_per_classification_year_with_its_features_accounted_for(demo_pipeline):
    rows = query(
        demo_pipeline.warehouse,
        """SELECT replace_scope, niveau, water, count(*) FROM raw.wijkenbuurtkaart GROUP BY ALL ORDER BY ALL""",
    )
    counts = {(int(year), level, water): n for year, level, water, n in rows}
    for year in kaart.YEARS:
        wijken = sum(len(gemeente.wijken_in(year)) for gemeente in demo_region())
        areas = sum(len(gemeente.areas) for gemeente in demo_region())  # a buurt per area, every year
        # land: 14 gemeenten, the wijken of that year, a buurt per area; large water: the lake in one of each
        assert counts[(year, "gemeente", "NEE")] == 14 and counts[(year, "gemeente", "JA")] == 1
        assert counts[(year, "wijk", "NEE")] == wijken
        assert counts[(year, "buurt", "NEE")] == areas
    # stored per classification year: Almelo's Ossenkoppelerhoek on the 2020 map, its two halves on the 2024 map
    wijken = query(
        demo_pipeline.warehouse,
        "SELECT DISTINCT replace_scope, regio_code FROM raw.wijkenbuurtkaart "
        "WHERE regio_code IN ('WK014102', 'WK014111', 'WK014112') ORDER BY ALL",
    )
    assert wijken == [("2020", "WK014102"), ("2024", "WK014111"), ("2024", "WK014112")]
    repaired = query(demo_pipeline.warehouse, "SELECT DISTINCT regio_code FROM raw.wijkenbuurtkaart WHERE is_hersteld")
    assert repaired == [(kaart.REPAIRED_BUURT,)]
    stored = query(demo_pipeline.warehouse, f"SELECT geometrie FROM raw.wijkenbuurtkaart WHERE regio_code = "
                                            f"'{kaart.REPAIRED_BUURT}' AND water = 'NEE'")  # fmt: skip
    assert all(shapely.from_wkb(bytes(wkb)).is_valid for (wkb,) in stored)


def test_every_wijk_cbs_knows_has_a_shape_on_the_map_of_the_target_classification(demo_pipeline):
    """Two sources that must agree: CBS Kerncijfers' wijken of 2024 (dim_regio) and the Wijk- en buurtkaart 2024."""
    cbs = set(query(demo_pipeline.serving, "SELECT regio_code FROM dim_regio WHERE soort_regio = 'wijk' "
                                           "AND indeling_jaar = 2024"))  # fmt: skip
    drawn = set(query(demo_pipeline.serving, "SELECT DISTINCT regio_code FROM dim_regio_vlak "
                                             "WHERE soort_regio = 'wijk' AND in_doelindeling"))  # fmt: skip
    assert cbs == drawn and len(drawn) == 79


def test_shapes_are_simple_polygons_in_wgs84_that_keep_the_wijks_area(demo_pipeline):
    shapes = query(demo_pipeline.serving, "SELECT regio_code, geojson FROM dim_regio_vlak "
                                          "WHERE soort_regio = 'wijk' AND in_doelindeling")  # fmt: skip
    to_rd = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    drawn: dict[str, float] = {}
    for code, geojson in shapes:
        polygon = json.loads(geojson)
        assert polygon["type"] == "Polygon" and len(polygon["coordinates"]) == 1  # no holes (deck.gl draws none)
        lon, lat = zip(*polygon["coordinates"][0], strict=True)
        assert min(lon) > 6.2 and max(lon) < 7.2 and min(lat) > 52.0 and max(lat) < 52.7  # Twente
        x, y = to_rd.transform(lon, lat)
        drawn[code] = drawn.get(code, 0) + shapely.Polygon(zip(x, y, strict=True)).area
    land = query(
        demo_pipeline.warehouse,
        "SELECT regio_code, geometrie FROM raw.wijkenbuurtkaart "
        "WHERE niveau = 'wijk' AND water = 'NEE' AND replace_scope = '2024'",
    )
    for code, wkb in land:
        # simplified at 10 m: a wijk of a few km2 keeps its area within 1%
        assert drawn[code] == pytest.approx(shapely.from_wkb(bytes(wkb)).area, rel=0.01), code


def test_a_gemeente_is_compared_with_the_median_lowest_and_highest_of_its_peers(demo_pipeline):
    """Wmo clients per 1,000 in 2024 of the 14 Twentse gemeenten, recomputed from raw CBS rows (clients * 1000 /
    inhabitants, one decimal as the catalogue says), against the band fct_gemeente_vergelijking gives Almelo."""
    raw = query(
        demo_pipeline.warehouse,
        """SELECT region_code, max(value) FILTER (WHERE measure = 'WmoClienten'),
                  max(value) FILTER (WHERE measure = 'AantalInwoners')
           FROM raw.cbs_kerncijfers_wijken_buurten
           WHERE region_code LIKE 'GM%' AND period_key = '2024JJ00' GROUP BY 1""",
    )
    rates = [round(clients * 1000 / inhabitants, 1) for _, clients, inhabitants in raw]
    assert len(rates) == 14
    band = dict(
        query(
            demo_pipeline.serving,
            """SELECT reeks_soort, waarde FROM fct_gemeente_vergelijking
               WHERE indicator_code = 'WMO_CLIENTEN_PER_1000' AND gemeente_code = 'GM0141' AND periode = '2024JJ00'""",
        )
    )
    assert band["gemeente"] == pytest.approx(round(6_224 * 1000 / 74_283, 1))  # Almelo (tests/e2e: 83.8)
    assert band["mediaan"] == pytest.approx(statistics.median(rates))
    assert (band["laagste"], band["hoogste"]) == (pytest.approx(min(rates)), pytest.approx(max(rates)))
    # the band names no gemeente: a reader of one gemeente sees where it stands, not the others' names
    names = {name for (name,) in query(demo_pipeline.serving, "SELECT DISTINCT reeks FROM fct_gemeente_vergelijking "
                                                               "WHERE gemeente_code = 'GM0141'")}  # fmt: skip
    assert names == {"Almelo", "Mediaan groep", "Hoogste in groep", "Laagste in groep"}
