"""Region shapes for the browser, from the loaded Wijk- en buurtkaart: ``geo.kaartvlakken``.

Per classification year the newest loaded file counts (its replace scope is the year). Per region its land parts
are joined (large water is not drawn), the shapes of a level are simplified together as a coverage so that
neighbours keep one shared border (``TOLERANCE_M`` metres in RD New, far below what a dashboard map shows), turned
into WGS84 (what web maps draw) and written as GeoJSON polygons, one row per part.

Superset 6.1's deck.gl polygon chart draws only the outer ring of a polygon, so a polygon with holes (a rural wijk
around a village) would cover what lies in its holes. Each such polygon is cut, through its holes, into pieces
without holes that together cover exactly the same area.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyproj
import shapely

from pipelines.sources.geo.load import SOURCE

TABLE = "geo.kaartvlakken"
TOLERANCE_M = 10.0  # simplification, in metres: about a pixel when a gemeente fills a dashboard map
DECIMALS = 5  # of a degree: about a metre
TO_WGS84 = pyproj.Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
COLUMNS = """
    indeling_jaar INTEGER NOT NULL,
    niveau VARCHAR NOT NULL,
    regio_code VARCHAR NOT NULL,
    regio_naam VARCHAR,
    gemeente_code VARCHAR NOT NULL,
    deel INTEGER NOT NULL,
    geojson VARCHAR NOT NULL,
    label_lon DOUBLE NOT NULL,
    label_lat DOUBLE NOT NULL,
    is_hersteld BOOLEAN NOT NULL,
    is_synthetisch BOOLEAN NOT NULL,
    file_sha256 VARCHAR NOT NULL
"""
LATEST_LAND = f"""
    SELECT * FROM raw.{SOURCE}
    WHERE water = 'NEE' OR water IS NULL
    QUALIFY dense_rank() OVER (PARTITION BY indeling_jaar ORDER BY loaded_at DESC, file_sha256) = 1
    ORDER BY indeling_jaar, niveau, regio_code
"""


def without_holes(polygon: shapely.Polygon) -> list[shapely.Polygon]:
    """``polygon`` as pieces without holes: cut in two at a vertical line through a point inside a hole, until no
    piece has one (each cut opens at least that hole; overlay with two half-planes, which GEOS does robustly)."""
    pieces, done = [polygon], []
    while pieces:
        piece = pieces.pop()
        if not piece.interiors:
            done.append(piece)
            continue
        x = shapely.Polygon(piece.interiors[0]).representative_point().x
        xmin, ymin, xmax, ymax = piece.bounds
        halves = [shapely.box(xmin - 1, ymin - 1, x, ymax + 1), shapely.box(x, ymin - 1, xmax + 1, ymax + 1)]
        parts = shapely.get_parts([piece.intersection(half) for half in halves])
        pieces += [part for part in parts if part.geom_type == "Polygon"]
    return done


def _simplify(shapes: np.ndarray) -> np.ndarray:
    """Simplified together when they form a valid coverage (shared borders stay shared), else one by one."""
    if len(shapes) > 1 and shapely.coverage_is_valid(shapes):
        return shapely.coverage_simplify(shapes, TOLERANCE_M, simplify_boundary=True)
    return shapely.simplify(shapes, TOLERANCE_M, preserve_topology=True)


def _to_wgs84(coords: np.ndarray) -> np.ndarray:
    lon, lat = TO_WGS84.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def region_shapes(features: pd.DataFrame) -> pd.DataFrame:
    """One row per region part: the land features of ``features`` (raw rows) joined per region, simplified per
    level and year, without holes, in WGS84 as GeoJSON."""
    if features.empty:
        return pd.DataFrame(columns=[c.split()[0] for c in COLUMNS.strip().splitlines()])
    keys = ["indeling_jaar", "niveau", "regio_code"]
    features = features.assign(shape=shapely.from_wkb([bytes(wkb) for wkb in features["geometrie"]]))
    regions = features.groupby(keys, sort=True).agg(
        regio_naam=("regio_naam", "first"), gemeente_code=("gemeente_code", "first"),
        is_hersteld=("is_hersteld", "any"), is_synthetisch=("is_synthetic", "any"),
        file_sha256=("file_sha256", "first"),
        shape=("shape", lambda parts: shapely.union_all(parts.to_numpy())),
    ).reset_index()  # fmt: skip
    simplified = np.empty(len(regions), dtype=object)
    for _, rows in regions.groupby(["indeling_jaar", "niveau"]).indices.items():
        simplified[rows] = _simplify(regions["shape"].to_numpy()[rows])
    polygons, owners = shapely.get_parts(simplified, return_index=True)
    pieces, piece_owner = [], []
    for polygon, owner in zip(polygons, owners, strict=True):
        parts = without_holes(polygon) if polygon.interiors else [polygon]
        pieces += parts
        piece_owner += [owner] * len(parts)
    pieces = shapely.set_precision(shapely.transform(np.array(pieces, dtype=object), _to_wgs84), 10.0**-DECIMALS)
    labels = shapely.transform(shapely.point_on_surface(simplified), _to_wgs84)
    out = regions.drop(columns=["shape"]).iloc[piece_owner].reset_index(drop=True)
    out["deel"] = out.groupby(keys).cumcount() + 1
    out["geojson"] = shapely.to_geojson(pieces)
    out["label_lon"] = shapely.get_x(labels)[piece_owner]
    out["label_lat"] = shapely.get_y(labels)[piece_owner]
    return out[~shapely.is_empty(pieces)]


def build_map_shapes(con: duckdb.DuckDBPyConnection) -> int:
    """Replace ``geo.kaartvlakken`` with the shapes of the newest map per classification year; returns its rows."""
    con.execute("CREATE SCHEMA IF NOT EXISTS geo")
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} ({COLUMNS})")
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = ?", [SOURCE]
    ).fetchall()[0][0]
    if not exists:
        return 0
    shapes = region_shapes(con.execute(LATEST_LAND).df())
    con.register("_kaartvlakken", shapes)
    try:
        con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM _kaartvlakken")
    finally:
        con.unregister("_kaartvlakken")
    return len(shapes)
