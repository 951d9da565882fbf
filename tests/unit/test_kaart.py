"""The Wijk- en buurtkaart: reading a GeoPackage in the real file's layout, checking and repairing its features,
loading it with reconciled counts, and the shapes prepared for the browser.

The maps here are written by the test itself, feature by feature, in the layout of CBS's wijkenbuurten_2023_v1.gpkg
(layers gemeenten, wijken, buurten; columns as CBS names them, key figures with CBS's -99995 for "no figure";
RD New; geometry column geom), with the expected outcome computed by hand next to each feature.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyogrio.raw
import pytest
import shapely

from pipelines.sources.files.errors import MissingColumnError, UnknownFormatError
from pipelines.sources.files.inbox import inbox_file
from pipelines.sources.files.load import Places
from pipelines.sources.geo.kaart import read_kaart
from pipelines.sources.geo.load import SOURCE, ingest_kaart
from pipelines.sources.geo.shapes import TABLE, build_map_shapes, region_shapes, without_holes

X, Y = 234_000, 488_000  # a spot in Almelo, RD New metres
COLUMNS = {  # the real layers' columns (a selection of CBS's key figures included, as the real file has them)
    "gemeenten": ["gemeentecode", "gemeentenaam", "water", "aantal_inwoners", "jaarstatcode", "jaar"],
    "wijken": ["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "indelingswijziging_wijken_en_buurten",
               "water", "aantal_inwoners", "jaarstatcode", "jaar"],
    "buurten": ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam",
                "indelingswijziging_wijken_en_buurten", "water", "meest_voorkomende_postcode", "aantal_inwoners",
                "jaarstatcode", "jaar"],
}  # fmt: skip


def square(x: float, y: float, size: float = 100) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def write_map(path: Path, layers: dict[str, list[tuple[dict, shapely.Geometry | None]]], crs: str = "EPSG:28992",
              columns: dict[str, list[str]] = COLUMNS) -> Path:  # fmt: skip
    for layer, features in layers.items():
        names = columns[layer]
        data = [np.array([attributes.get(name, -99995 if name == "aantal_inwoners" else "")
                          for attributes, _ in features], dtype=object) for name in names]  # fmt: skip
        for i, name in enumerate(names):
            if name in ("aantal_inwoners", "jaar"):
                data[i] = data[i].astype(np.int64)
        wkb = np.array([None if g is None else shapely.to_wkb(shapely.multipolygons(shapely.get_parts(g)))
                        for _, g in features], dtype=object)  # fmt: skip
        pyogrio.raw.write(path, wkb, data, names, layer=layer, driver="GPKG", geometry_type="MultiPolygon", crs=crs)
    return path


def almelo(code: str, name: str, water: str = "NEE", **more: object) -> dict:
    return {"gemeentecode": "GM0141", "gemeentenaam": "Almelo", "water": water, "jaar": 2023, "jaarstatcode": code,
            **({"buurtcode": code, "buurtnaam": name, "wijkcode": code[:8].replace("BU", "WK")}
               if code.startswith("BU") else {}),
            **({"wijkcode": code, "wijknaam": name} if code.startswith("WK") else {}), **more}  # fmt: skip


BOWTIE = shapely.Polygon([(X, Y + 200), (X + 100, Y + 300), (X + 100, Y + 200), (X, Y + 300)])  # crosses itself


def demo_layers() -> dict[str, list[tuple[dict, shapely.Geometry | None]]]:
    return {
        "gemeenten": [
            (almelo("GM0141", "Almelo"), square(X, Y, 300)),
            (
                {"gemeentecode": "GM0153", "gemeentenaam": "Enschede", "water": "NEE", "jaar": 2023},
                square(X + 10_000, Y),
            ),
        ],  # fmt: skip
        "wijken": [(almelo("WK014101", "Binnenstad"), square(X, Y, 300))],
        "buurten": [
            (almelo("BU01410101", "Binnenstad A", aantal_inwoners=1200), square(X, Y)),  # loaded as it is
            (almelo("BU01410101", "Binnenstad A", water="JA"), square(X, Y + 100)),  # its water: loaded, not drawn
            (almelo("BU01410102", "Binnenstad B"), BOWTIE),  # repaired: two triangles of 100 x 100 / 4 = 2,500 m2
            (almelo("BU01410103", "Binnenstad C"), None),  # no geometry: quarantined
            (almelo("BU01530101", "Van Enschede"), square(X + 200, Y)),  # Enschede's code in Almelo: quarantined
            (
                {
                    "buurtcode": "BU01530102",
                    "buurtnaam": "Elders",
                    "wijkcode": "WK015301",
                    "gemeentecode": "GM0153",
                    "gemeentenaam": "Enschede",
                    "water": "NEE",
                    "jaar": 2023,
                },
                square(X + 10_000, Y),
            ),  # not read
        ],
    }


def test_a_map_in_the_real_layout_is_read_checked_and_repaired(tmp_path: Path) -> None:
    path = write_map(tmp_path / "wijkenbuurten_2023_v1.gpkg", demo_layers())
    read = read_kaart(path, "wijkenbuurtkaart/wijkenbuurten_2023_v1.gpkg", ["GM0141"])
    assert read.year == 2023  # the layers' column jaar
    # buurten: 6 features, 1 of Enschede not read; of the 5: 3 loaded (one repaired), 2 quarantined
    assert read.details["buurten"] | {"columns": None, "ignored_columns": None} == {
        "features_in_layer": 6, "features_read": 5, "loaded": 3, "quarantined": 2, "repaired": 1, "water_parts": 1,
        "columns": None, "ignored_columns": None,
    }  # fmt: skip
    assert "aantal_inwoners" in read.details["buurten"]["ignored_columns"]
    assert read.rows == 1 + 1 + 5  # one gemeente, one wijk, five buurten of Almelo
    rejected = read.rejected.set_index("cell_text")
    assert rejected.loc["BU01410103", "reason_code"] == "missing_geometry"
    assert rejected.loc["BU01530101", "reason_code"] == "bad_code"
    assert "niet van gemeente GM0141" in rejected.loc["BU01530101", "reason"]
    assert rejected.loc["BU01530101", "record"]["buurtnaam"] == "Van Enschede"  # the attributes as found
    repaired = read.features[read.features.regio_code == "BU01410102"].iloc[0]
    assert repaired.is_hersteld and repaired.herstel_reden.startswith("Self-intersection")
    shape = shapely.from_wkb(repaired.geometrie)
    assert shape.is_valid and shape.area == pytest.approx(2 * 2_500)


def test_a_file_that_is_no_map_of_wijken_and_buurten_is_refused_with_what_is_missing(tmp_path: Path) -> None:
    layers = demo_layers()
    without_buurten = write_map(tmp_path / "a.gpkg", {k: v for k, v in layers.items() if k != "buurten"})
    with pytest.raises(UnknownFormatError, match=r"a.gpkg: expected layers gemeenten, wijken, buurten.*'buurten'"):
        read_kaart(without_buurten, "a.gpkg", ["GM0141"])
    wgs84 = write_map(tmp_path / "b.gpkg", layers, crs="EPSG:4326")
    with pytest.raises(UnknownFormatError, match=r"layer gemeenten: expected coordinates in RD New \(EPSG:28992\)"):
        read_kaart(wgs84, "b.gpkg", ["GM0141"])
    columns = {**COLUMNS, "wijken": [c for c in COLUMNS["wijken"] if c != "wijknaam"]}
    no_names = write_map(tmp_path / "c.gpkg", layers, columns=columns)
    with pytest.raises(MissingColumnError, match=r"c.gpkg, layer wijken: expected column\(s\) wijknaam"):
        read_kaart(no_names, "c.gpkg", ["GM0141"])


def _places(inbox: Path) -> Places:
    return Places(inbox, *(inbox.parent / name for name in ("archive", "rejected", "held", "scratch")))


def _ingest(con: duckdb.DuckDBPyConnection, inbox: Path, name: str, layers: dict, load_id: str):
    path = write_map(inbox / SOURCE / name, layers)
    return ingest_kaart(con, inbox_file(inbox, path, [SOURCE]), _places(inbox), load_id=load_id, gemeenten=["GM0141"])


def test_a_map_is_loaded_with_reconciled_counts_and_the_newest_map_of_a_year_is_drawn(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / SOURCE).mkdir(parents=True)
    con = duckdb.connect()
    first = _ingest(con, inbox, "wijkenbuurten_2023_v1.gpkg", demo_layers(), "run-1")
    assert (first.status, first.rows_in_file, first.rows_loaded, first.rows_quarantined) == ("loaded", 7, 5, 2)
    assert first.reasons == {"missing_geometry": 1, "bad_code": 1}
    logged = con.execute(f"SELECT status, rows_in_file, replace_scopes FROM meta.file_loads WHERE source = '{SOURCE}'")
    assert logged.fetchall() == [("loaded", 7, ["2023"])]
    # a corrected map for 2023: Binnenstad A twice as wide; the drawn shapes follow the newest file
    layers = demo_layers()
    layers["buurten"][0] = (layers["buurten"][0][0], square(X, Y, 100).union(square(X + 100, Y, 100)))
    assert _ingest(con, inbox, "wijkenbuurten_2023_v2.gpkg", layers, "run-2").status == "loaded"
    # gemeente, wijk, buurt A (one rectangle now) and the repaired B (two triangles); the water part is not drawn
    assert build_map_shapes(con) == 1 + 1 + 1 + 2
    (shape,) = con.execute(f"SELECT geojson FROM {TABLE} WHERE regio_code = 'BU01410101'").fetchone()
    ring = json.loads(shape)["coordinates"][0]
    lons = [lon for lon, _ in ring]
    # 200 m wide now: at 52.35 N a degree of longitude is 111.32 km x cos(52.35) = 68.0 km, so about 0.0029
    assert max(lons) - min(lons) == pytest.approx(200 / 68_000, rel=0.02)


def test_a_map_that_cannot_be_loaded_is_logged_with_its_reason_and_moved_to_rejected(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / SOURCE).mkdir(parents=True)
    con = duckdb.connect()
    no_buurten = {k: v for k, v in demo_layers().items() if k != "buurten"}
    result = _ingest(con, inbox, "wijkenbuurten_2023_v1.gpkg", no_buurten, "run-1")
    assert result.status == "failed" and "expected layers gemeenten, wijken, buurten" in result.error
    assert result.moved_to == tmp_path / "rejected" / SOURCE / "wijkenbuurten_2023_v1.gpkg"
    assert not (inbox / SOURCE / "wijkenbuurten_2023_v1.gpkg").exists()
    logged = con.execute(f"SELECT status, rows_loaded, error FROM meta.file_loads WHERE source = '{SOURCE}'").fetchall()
    assert logged == [("failed", None, result.error)]
    assert con.execute(f"SELECT count(*) FROM raw.{SOURCE}").fetchall() == [(0,)]  # nothing of it kept


def test_a_polygon_with_holes_becomes_pieces_without_holes_covering_the_same_area() -> None:
    # 10 x 10 with two 2 x 2 holes: 100 - 4 - 4 = 92
    polygon = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)],
                              [[(2, 2), (4, 2), (4, 4), (2, 4)], [(6, 6), (8, 6), (8, 8), (6, 8)]])  # fmt: skip
    pieces = without_holes(polygon)
    assert all(not piece.interiors for piece in pieces)
    assert sum(piece.area for piece in pieces) == pytest.approx(92)
    assert shapely.union_all(pieces).symmetric_difference(polygon).area == pytest.approx(0)


def test_shapes_are_in_wgs84_one_ring_each_at_the_place_rd_new_says() -> None:
    # RD New's base point, the tower of Amersfoort: x 155,000, y 463,000 = 52.15517 N, 5.38721 E (WGS84)
    village = square(155_000, 463_000, 1_000)
    around = square(154_000, 462_000, 3_000).difference(village)  # a rural wijk with the village as a hole
    raw = {
        "indeling_jaar": [2024, 2024], "niveau": ["wijk", "wijk"], "regio_code": ["WK999901", "WK999902"],
        "regio_naam": ["Dorp", "Buitengebied"], "gemeente_code": ["GM9999", "GM9999"], "is_hersteld": [False, False],
        "is_synthetic": [True, True], "file_sha256": ["a" * 64] * 2,
        "geometrie": [shapely.to_wkb(village), shapely.to_wkb(around)],
    }  # fmt: skip
    shapes = region_shapes(pd.DataFrame(raw))
    rings = {code: [json.loads(g)["coordinates"] for g in rows.geojson] for code, rows in shapes.groupby("regio_code")}
    assert all(len(polygon) == 1 for polygons in rings.values() for polygon in polygons)  # no holes
    assert len(rings["WK999902"]) >= 2  # the ring around the village is cut into pieces
    lon, lat = rings["WK999901"][0][0][0]  # the village's south-west corner: the base point
    assert (lat, lon) == pytest.approx((52.15517, 5.38721), abs=2e-4)
