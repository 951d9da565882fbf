"""A SYNTHETIC Wijk- en buurtkaart for the demo region, in the layout of the real CBS/Kadaster GeoPackage.

Only the gemeente codes and names are real, and the gemeenten lie roughly where they lie; every boundary is
invented: the gemeenten are the Voronoi cells of a point per gemeente within an outline of Twente, a gemeente's
wijken the cells of points inside it, and the demo's *areas* (demo/geography.py) the cells inside those.
A buurt is an area and a wijk the areas it holds in that classification year, so Almelo's 2021 re-division shows on
the map exactly as in the figures. One file per classification year (``wijkenbuurten_<jaar>_synthetisch.gpkg``,
layers ``gemeenten``, ``wijken``, ``buurten`` in RD New, geometry column ``geom``), with what real files bring
along: a lake as separate ``water = 'JA'`` parts, the "Buitenland" features outside every gemeente, one buurt whose
ring crosses itself (to be repaired) and one without geometry (to be quarantined).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import shapely

from demo.geography import Gemeente, demo_region, placements, rng
from demo.population import area_year, total

YEARS = (2020, 2024)  # Almelo's wijken before and after its 2021 re-division
# Roughly where each gemeente's centre lies, in RD New metres (the real places; the shapes around them are not).
CENTRES = {
    "GM0141": (234_500, 488_000), "GM0147": (251_000, 481_000), "GM1774": (257_000, 490_000),
    "GM0153": (257_500, 471_500), "GM0158": (246_500, 461_000), "GM0163": (226_500, 494_500),
    "GM0164": (248_500, 476_000), "GM1735": (236_500, 470_500), "GM0168": (268_000, 477_500),
    "GM0173": (263_000, 485_000), "GM1742": (221_500, 479_500), "GM0183": (248_000, 497_000),
    "GM1700": (235_000, 499_000), "GM0189": (229_000, 483_500),
}  # fmt: skip
GRID_M = 1.0  # coordinates in whole metres
OUTLINE_MARGIN = 6_500  # metres around the outermost centres
LAKE = ((239_200, 485_600), 650)  # a lake in Almelo's south-east (centre, radius): water parts in every layer
BUITENLAND = ("GM0998", "WK099899", "BU09989999", "Buitenland")  # real files have it; outside every gemeente
REPAIRED_BUURT = "BU01410101"  # its ring crosses itself: the intake repairs it
EMPTY_BUURT = ("BU01410599", "Kerkelanden (nieuwbouw)")  # no geometry yet: the intake quarantines it
GDAL_FIXED_DATE = {"OGR_CURRENT_DATE": "2025-01-01T00:00:00Z"}  # GeoPackage timestamps: same bytes on every run


def _cells(seeds: list[tuple[float, float]], within: shapely.Geometry) -> list[shapely.Geometry]:
    """The Voronoi cells of ``seeds`` cut to ``within``, in the order of the seeds."""
    if len(seeds) == 1:
        return [within]
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=within, ordered=True)
    return [cell.intersection(within) for cell in shapely.get_parts(cells)]


def _points_in(shape: shapely.Geometry, count: int, *key: object) -> list[tuple[float, float]]:
    """``count`` points spread over ``shape``, the first at its centre: rejection sampling, fixed by ``key``."""
    r = rng("kaart", *key)
    centre = shape.representative_point()
    points = [(centre.x, centre.y)]
    xmin, ymin, xmax, ymax = shape.bounds
    while len(points) < count:
        x, y = r.uniform(xmin, xmax), r.uniform(ymin, ymax)
        if shape.contains(shapely.Point(x, y)) and all(np.hypot(x - px, y - py) > 400 for px, py in points):
            points.append((x, y))
    return points


@cache
def area_shapes() -> dict[str, shapely.Geometry]:
    """Every demo area's polygon (RD New), the same in every year.

    Seeds are placed top-down (a point per gemeente, points for its wijken inside its cell, points for a wijk's
    areas inside the wijk's cell), then every area is the cell of its seed in one Voronoi diagram of all area seeds:
    neighbours share their border exactly, as in the real map, so wijken and gemeenten (unions of areas) have no
    cracks. Coordinates on a 1 m grid, like the real file's millimetre ones.
    """
    region = demo_region()
    outline = shapely.convex_hull(shapely.multipoints(list(CENTRES.values()))).buffer(OUTLINE_MARGIN, quad_segs=4)
    seeds: dict[str, tuple[float, float]] = {}
    for gemeente, cell in zip(region, _cells([CENTRES[g.code] for g in region], outline), strict=True):
        base_wijken: dict[str, list[str]] = {}  # the wijk an area was generated for: its key without the letter
        for area in gemeente.areas:
            base_wijken.setdefault(area.key[:-1], []).append(area.key)
        wijk_seeds = _points_in(cell, len(base_wijken), gemeente.code)
        for (base, keys), wijk_cell in zip(base_wijken.items(), _cells(wijk_seeds, cell), strict=True):
            seeds |= dict(zip(keys, _points_in(wijk_cell, len(keys), base), strict=True))
    grid = shapely.set_precision(shapely.GeometryCollection(_cells(list(seeds.values()), outline)), GRID_M)
    return dict(zip(seeds, shapely.get_parts(grid), strict=True))


def _land_and_water(shape: shapely.Geometry) -> list[tuple[str, shapely.Geometry]]:
    lake = shapely.Point(LAKE[0]).buffer(LAKE[1], quad_segs=8)
    parts = [("NEE", shape.difference(lake)), ("JA", shape.intersection(lake))]
    return [(water, part) for water, part in parts if not part.is_empty]


def _self_crossing(shape: shapely.Geometry) -> shapely.Geometry:
    """The polygon with two neighbouring corners swapped: its ring crosses itself (GEOS: invalid)."""
    ring = list(shape.exterior.coords)[:-1]
    ring[1], ring[2] = ring[2], ring[1]
    return shapely.Polygon([*ring, ring[0]])


def _regions(gemeente: Gemeente, year: int) -> dict[str, list[dict]]:
    """Rows per layer (attributes and shape) of one gemeente in one classification year."""
    shapes, rows = area_shapes(), {"gemeenten": [], "wijken": [], "buurten": []}
    postcode = {p.buurt_code: p.area.postcodes[0][:4] for p in placements(gemeente, year)}
    common = {"gemeentecode": gemeente.code, "gemeentenaam": gemeente.name, "jaar": year}
    wijken = gemeente.wijken_in(year)
    regions = [("gemeenten", {}, gemeente.areas)]
    regions += [("wijken", {"wijkcode": w.code, "wijknaam": w.name}, [gemeente.area_by_key[k] for k in w.areas])
                for w in wijken]  # fmt: skip
    regions += [
        ("buurten", {"buurtcode": p.buurt_code, "buurtnaam": p.buurt_name, "wijkcode": p.wijk.code,
                     "meest_voorkomende_postcode": postcode[p.buurt_code]}, [p.area])
        for p in placements(gemeente, year)
    ]  # fmt: skip
    for layer, attributes, areas in regions:
        shape = shapely.union_all([shapes[a.key] for a in areas], grid_size=GRID_M)
        inhabitants = round(total(list(areas), year).population) if len(areas) > 1 else round(
            area_year(areas[0], year).population)  # fmt: skip
        for water, part in _land_and_water(shape):
            if attributes.get("buurtcode") == REPAIRED_BUURT and water == "NEE" and part.geom_type == "Polygon":
                part = _self_crossing(part)
            inhabitants_here = inhabitants if water == "NEE" else -99995  # CBS: -99995 = no figure
            rows[layer].append({**attributes, **common, "water": water, "aantal_inwoners": inhabitants_here,
                                "geom": part})  # fmt: skip
    if gemeente.code == "GM0141":
        rows["buurten"].append({"buurtcode": EMPTY_BUURT[0], "buurtnaam": EMPTY_BUURT[1], "wijkcode": "WK014105",
                                **common, "water": "NEE", "meest_voorkomende_postcode": "7605",
                                "aantal_inwoners": -99995, "geom": None})  # fmt: skip
    return rows


def _buitenland(year: int) -> dict[str, dict]:
    gm, wk, bu, name = BUITENLAND
    shape = shapely.box(280_000, 470_000, 284_000, 480_000)
    common = {"gemeentecode": gm, "gemeentenaam": name, "water": "B", "aantal_inwoners": -99995, "jaar": year,
              "geom": shape}  # fmt: skip
    return {
        "gemeenten": common,
        "wijken": {"wijkcode": wk, "wijknaam": name, **common},
        "buurten": {"buurtcode": bu, "buurtnaam": name, "wijkcode": wk, "meest_voorkomende_postcode": "", **common},
    }


@contextmanager
def _gdal_options(options: dict[str, str]) -> Iterator[None]:
    previous = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


COLUMNS = {  # the real layers' leading columns, then CBS's key figures (here only the number of inhabitants)
    "gemeenten": ["gemeentecode", "gemeentenaam", "water"],
    "wijken": ["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "water"],
    "buurten": ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "water",
                "meest_voorkomende_postcode"],
}  # fmt: skip


def kaart_file(year: int) -> bytes:
    """The GeoPackage of one classification year, as bytes."""
    layers: dict[str, list[dict]] = {name: [] for name in COLUMNS}
    for gemeente in demo_region():
        for layer, rows in _regions(gemeente, year).items():
            layers[layer] += rows
    for layer, row in _buitenland(year).items():
        layers[layer].append(row)
    with tempfile.TemporaryDirectory(prefix="sbm-kaart-") as folder, _gdal_options(GDAL_FIXED_DATE):
        path = Path(folder) / f"wijkenbuurten_{year}.gpkg"
        for layer, rows in layers.items():
            fields = [*COLUMNS[layer], "aantal_inwoners", "jaarstatcode", "jaar"]
            data = [np.array([row.get(name, "") for row in rows], dtype=object) for name in COLUMNS[layer]]
            data.append(np.array([row["aantal_inwoners"] for row in rows], dtype=np.int64))
            code_column = COLUMNS[layer][0]
            data.append(np.array([f"{year}{row[code_column]}" for row in rows], dtype=object))
            data.append(np.array([year] * len(rows), dtype=np.int32))
            geometry = shapely.to_wkb(
                np.array(
                    [
                        shapely.multipolygons(shapely.get_parts(row["geom"])) if row["geom"] is not None else None
                        for row in rows
                    ],
                    dtype=object,
                )
            )
            pyogrio.raw.write(path, geometry, data, fields, layer=layer, driver="GPKG",
                              geometry_type="MultiPolygon", crs="EPSG:28992")  # fmt: skip
        return path.read_bytes()


def write_kaart_files(inbox: Path) -> list[Path]:
    """Write the demo's maps into ``inbox/wijkenbuurtkaart/`` (an unchanged file is left as it is)."""
    written = []
    for year in YEARS:
        path, body = inbox / "wijkenbuurtkaart" / f"wijkenbuurten_{year}_synthetisch.gpkg", kaart_file(year)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != body:
            path.write_bytes(body)
        written.append(path)
    return written
