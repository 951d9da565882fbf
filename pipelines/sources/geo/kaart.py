"""Reading the CBS/Kadaster Wijk- en buurtkaart, one GeoPackage per classification year, and checking its features.

The real file (``wijkenbuurten_2024.gpkg``, ``wijkenbuurten_2023_v1.gpkg``, from CBS or PDOK) holds three layers
in RD New (EPSG:28992), geometry column ``geom``, with CBS's key figures beside the codes:

==========  =====================================================================================
layer       columns read here
==========  =====================================================================================
gemeenten   ``gemeentecode``, ``gemeentenaam``, ``water``, ``jaar``
wijken      ``wijkcode``, ``wijknaam``, ``gemeentecode``, ``water``, ``jaar``
buurten     ``buurtcode``, ``buurtnaam``, ``wijkcode``, ``gemeentecode``, ``water``, ``jaar``
==========  =====================================================================================

A region can have a land part (``water`` = ``NEE``) and a part of large water (``JA``), as separate features.
Only the features of the installation's gemeenten are read (a GDAL attribute filter: the national file has ~18,000
features); the other columns (key figures) are not read. ``jaar`` is the classification year; a file without it
takes the year from its name.

Checks per feature, vectorised with GEOS (shapely): a code of the layer's form that belongs to the feature's
gemeente, a polygon geometry. An invalid polygon (a self-intersection, a ring that touches itself) is repaired
with GEOS's make-valid ("structure": the area is kept, collapsed lines dropped) and flagged with the reason it
was invalid; a feature without a usable code or polygon goes to quarantine with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely

from pipelines.sources.files.errors import MissingColumnError, UnknownFormatError, UnreadableFileError

RD_NEW = "EPSG:28992"
YEAR_IN_NAME = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])")
POLYGONAL = {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}


@dataclass(frozen=True)
class Layer:
    name: str  # layer in the GeoPackage
    niveau: str  # gemeente, wijk or buurt
    code: str  # column with the region's code
    naam: str  # column with its name
    pattern: str  # the form of the code
    parents: tuple[str, ...]  # columns with the codes of the regions it lies in

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys([self.code, self.naam, *self.parents, "gemeentecode", "water"]))


LAYERS = (
    Layer("gemeenten", "gemeente", "gemeentecode", "gemeentenaam", r"GM[0-9]{4}", ()),
    Layer("wijken", "wijk", "wijkcode", "wijknaam", r"WK[0-9]{6}", ("gemeentecode",)),
    Layer("buurten", "buurt", "buurtcode", "buurtnaam", r"BU[0-9]{8}", ("wijkcode", "gemeentecode")),
)
# reason_code -> what the quarantine says (the first that applies)
REASONS = {
    "missing_code": "geen regiocode",
    "bad_code": "regiocode niet van de vorm {pattern} of niet van gemeente {gemeente}",
    "missing_geometry": "geen geometrie",
    "not_a_polygon": "geometrie is geen vlak maar {type}",
    "unrepairable_geometry": "ongeldige geometrie die niet te herstellen is ({reason})",
}


@dataclass
class KaartRead:
    """The features of one file, checked: ``features`` can be loaded, ``rejected`` go to quarantine."""

    year: int
    features: pd.DataFrame  # layer, fid, niveau, regio_code, regio_naam, gemeente_code, wijk_code, water, geometrie,
    #                         is_hersteld, herstel_reden
    rejected: pd.DataFrame  # layer, fid, reason_code, reason, column_name, cell_text, record, geometrie (as found)
    details: dict = field(default_factory=dict)  # how it was read, for meta.file_loads.read_as

    @property
    def rows(self) -> int:
        return len(self.features) + len(self.rejected)


def _check_layers(path: Path, label: str) -> None:
    try:
        found = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as error:  # GDAL says what is wrong with the file
        raise UnreadableFileError(label, None, "a GeoPackage (the CBS Wijk- en buurtkaart)", str(error)) from None
    if missing := [layer.name for layer in LAYERS if layer.name not in found]:
        raise UnknownFormatError(label, None, f"layers {', '.join(layer.name for layer in LAYERS)}",
                                 f"layers {found} (missing {missing})")  # fmt: skip


def _year(label: str, years: set[int]) -> int:
    """The classification year: the layers' ``jaar`` column, else the year in the delivered file's name (the
    label: the archived copy is named by its sha256)."""
    if len(years) > 1:
        raise UnknownFormatError(label, "column jaar", "one classification year per file", f"years {sorted(years)}")
    if years:
        return years.pop()
    if match := YEAR_IN_NAME.search(Path(label).stem):
        return int(match.group(1))
    raise UnknownFormatError(label, "column jaar", "a classification year (column jaar or a year in the file name)",
                             "neither")  # fmt: skip


def _read_layer(path: Path, label: str, layer: Layer, gemeenten: list[str]) -> tuple[pd.DataFrame, dict]:
    info = pyogrio.read_info(path, layer=layer.name)
    if info["crs"] != RD_NEW:
        raise UnknownFormatError(label, f"layer {layer.name}", f"coordinates in RD New ({RD_NEW})", str(info["crs"]))
    fields = [str(name) for name in info["fields"]]
    if missing := [c for c in layer.columns if c not in fields]:
        raise MissingColumnError(label, f"layer {layer.name}", f"column(s) {', '.join(missing)}", f"columns {fields}")
    columns = layer.columns + (["jaar"] if "jaar" in fields else [])
    where = "gemeentecode IN ({})".format(", ".join(f"'{code}'" for code in gemeenten))
    meta, fids, geometry, values = pyogrio.raw.read(
        path, layer=layer.name, columns=columns, where=where, return_fids=True
    )
    frame = pd.DataFrame({name: data for name, data in zip(meta["fields"], values, strict=True)})
    frame.insert(0, "fid", fids.astype("int64"))
    frame["geometrie"] = geometry
    details = {"features_in_layer": int(info["features"]), "features_read": len(frame), "columns": columns,
               "ignored_columns": [c for c in fields if c not in columns]}  # fmt: skip
    return frame, details


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().replace("", pd.NA)


def check_features(layer: Layer, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(features to load, features to quarantine) of one layer; geometry as WKB in both."""
    code, gemeente = _text(frame[layer.code]), _text(frame["gemeentecode"])
    geoms = shapely.from_wkb(frame["geometrie"].to_numpy())
    types = shapely.get_type_id(geoms)  # -1 for a missing geometry
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    polygonal = np.isin(types, [int(t) for t in POLYGONAL])
    valid = np.zeros(len(frame), dtype=bool)
    valid[polygonal & ~empty] = shapely.is_valid(geoms[polygonal & ~empty])
    invalid_reason = np.full(len(frame), None, dtype=object)
    to_repair = polygonal & ~empty & ~valid
    repaired = geoms.copy()
    if to_repair.any():
        invalid_reason[to_repair] = shapely.is_valid_reason(geoms[to_repair])
        repaired[to_repair] = shapely.make_valid(geoms[to_repair], method="structure", keep_collapsed=False)
    unrepairable = to_repair & (shapely.is_empty(repaired) | ~np.isin(shapely.get_type_id(repaired), [3, 6]))

    same_gemeente = code.str.slice(2, 6).eq(gemeente.str.slice(2, 6)).fillna(False).to_numpy(dtype=bool)
    well_formed = code.str.fullmatch(layer.pattern).fillna(False).to_numpy(dtype=bool)
    reason = np.select(
        [code.isna().to_numpy(), ~(well_formed & same_gemeente), empty, ~polygonal, unrepairable],
        ["missing_code", "bad_code", "missing_geometry", "not_a_polygon", "unrepairable_geometry"],
        default="",
    )
    ok = reason == ""
    features = pd.DataFrame({
        "layer": layer.name,
        "fid": frame["fid"].to_numpy()[ok],
        "niveau": layer.niveau,
        "regio_code": code.to_numpy()[ok],
        "regio_naam": _text(frame[layer.naam]).to_numpy()[ok],
        "gemeente_code": gemeente.to_numpy()[ok],
        "wijk_code": _text(frame["wijkcode"]).to_numpy()[ok] if layer.niveau == "buurt" else code.to_numpy()[ok]
        if layer.niveau == "wijk" else None,
        "water": _text(frame["water"]).to_numpy()[ok],
        "geometrie": shapely.to_wkb(repaired[ok]),
        "is_hersteld": to_repair[ok],
        "herstel_reden": invalid_reason[ok],
    })  # fmt: skip
    bad = ~ok
    messages = [
        REASONS[r].format(pattern=layer.pattern, gemeente=g, type=t, reason=why)
        for r, g, t, why in zip(reason[bad], gemeente.to_numpy()[bad], _type_names(types[bad]), invalid_reason[bad],
                                strict=True)
    ]  # fmt: skip
    records = frame.drop(columns=["fid", "geometrie"])[bad].astype("string").to_dict("records")
    rejected = pd.DataFrame({
        "layer": layer.name,
        "fid": frame["fid"].to_numpy()[bad],
        "reason_code": reason[bad],
        "reason": messages,
        "column_name": np.where(np.isin(reason[bad], ["missing_code", "bad_code"]), layer.code, "geom"),
        "cell_text": code.to_numpy()[bad],
        "record": [{k: (None if pd.isna(v) else str(v)) for k, v in r.items()} for r in records],
        "geometrie": frame["geometrie"].to_numpy()[bad],
    })  # fmt: skip
    return features, rejected


def _type_names(type_ids: np.ndarray) -> list[str]:
    names = {int(t): t.name.lower() for t in shapely.GeometryType}
    return [names.get(int(t), "geen") for t in type_ids]


def read_kaart(path: Path, label: str, gemeenten: list[str]) -> KaartRead:
    """Read and check the three layers of one Wijk- en buurtkaart for ``gemeenten`` (CBS codes); ``label`` names
    the delivered file."""
    if path.suffix.lower() != ".gpkg":
        raise UnknownFormatError(label, None, "a GeoPackage (.gpkg)", path.suffix or "a file without extension")
    _check_layers(path, label)
    features, rejected, details, years = [], [], {"format": "gpkg", "crs": RD_NEW, "gemeenten": gemeenten}, set()
    for layer in LAYERS:
        frame, layer_details = _read_layer(path, label, layer, gemeenten)
        if "jaar" in frame:
            years |= {int(y) for y in pd.to_numeric(frame["jaar"], errors="coerce").dropna().unique()}
        good, bad = check_features(layer, frame)
        layer_details |= {"loaded": len(good), "quarantined": len(bad), "repaired": int(good["is_hersteld"].sum()),
                          "water_parts": int((good["water"] == "JA").sum())}  # fmt: skip
        features.append(good)
        rejected.append(bad)
        details[layer.name] = layer_details
    year = _year(label, years)
    return KaartRead(year, pd.concat(features, ignore_index=True), pd.concat(rejected, ignore_index=True),
                     details | {"year": year})  # fmt: skip
