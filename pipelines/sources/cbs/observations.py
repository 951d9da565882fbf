"""What the v3 and v4 readers share: the table layout, finding the registry's measures in it, and the projection
onto the raw observation columns.

Each reader turns its pages into a CTE ``o`` with one row per (data row, measure): ``filename``, ``row_id``,
the dimension columns as they appear in the data, ``measure_key``, ``measure``, ``measure_title``, ``unit``,
``decimals``, ``topic_is_text``, ``v`` (the value as text) and ``value_status``. ``project`` adds the region and
period (trimmed keys, titles and status from the category lists) and the other dimensions as maps.

A registry measure an edition does not publish still gets a row per data row, with ``value_status``
``not_published`` and no value: the marts can then tell "CBS has no such figure in this edition" from "secret".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.sources.cbs.registry import Measure
from pipelines.sources.cbs.snapshots import Snapshot
from pipelines.sql import literal, quote


class SnapshotFormatError(ValueError):
    """A snapshot does not have the shape of a CBS table; the message names snapshot and field."""


class AmbiguousMeasureError(SnapshotFormatError):
    """A registry measure matches more than one topic of a table; the registry must say which (title, group)."""


@dataclass(frozen=True)
class Topic:
    key: str  # the column key (v3, e.g. WmoClienten_93) or measure code (v4, e.g. M001342_1)
    title: str
    datatype: str
    unit: str | None
    decimals: int | None
    stem: str = ""  # v3: the key without its numeric suffix; v4: the measure code
    groups: tuple[str, ...] = ()  # titles of the topic groups above it, outermost first

    @property
    def is_text(self) -> bool:
        return self.datatype == "String"

    def describe(self) -> str:
        return " > ".join((*self.groups, f"{self.title} ({self.key})"))


@dataclass(frozen=True)
class TableLayout:
    geo: str | None
    time: str | None
    dimensions: tuple[str, ...]  # the other dimensions (e.g. Categorie, TaakveldBalanspost)
    topics: tuple[Topic, ...]
    geo_kind: str | None = None  # GeoDimension or GeoDetail

    @property
    def all_dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in (self.geo, self.time, *self.dimensions) if d)


def same_text(a: str, b: str) -> bool:
    """Titles compared as people read them: CBS pads them with spaces and non-breaking spaces."""
    return " ".join(a.replace("\xa0", " ").split()).casefold() == " ".join(b.replace("\xa0", " ").split()).casefold()


def find_measure(layout: TableLayout, measure: Measure, where: object) -> Topic | None:
    """The one topic a registry measure stands for, or None when this edition does not publish it. A stem that
    occurs more than once is only an error when the registry measure asks for it without saying which."""
    candidates = [t for t in layout.topics if t.stem in measure.stems]
    if measure.title:
        candidates = [t for t in candidates if same_text(t.title, measure.title)]
    if measure.group:
        candidates = [t for t in candidates if any(same_text(g, measure.group) for g in t.groups)]
    if len(candidates) > 1:
        found = "; ".join(t.describe() for t in candidates)
        raise AmbiguousMeasureError(
            f"{where}: registry measure {measure.name!r} matches {len(candidates)} topics ({found}); give it a "
            "`title` or `group` in the registry to say which"
        )
    return candidates[0] if candidates else None


def resolve(layout: TableLayout, measures: Iterable[Measure], where: object) -> tuple[dict[str, Topic], list[str]]:
    """(registry name -> topic, for the measures this table has; the names of those it does not publish)."""
    found, missing = {}, []
    for measure in measures:
        topic = find_measure(layout, measure, where)
        if topic is None:
            missing.append(measure.name)
        else:
            found[measure.name] = topic
    return found, missing


DUCKDB_OBJECT_SIZE = 16 * 1024 * 1024  # read_json's default maximum_object_size


def pages_read(pages: Sequence[Path], columns: str) -> str:
    """``read_json`` of a table's data pages (one JSON document each) with ``filename``. Its maximum_object_size
    is the largest page, not a fixed large number: the reader reserves twice that per page it reads at once, so
    1 GB ran out of SBM_DUCKDB_MEMORY_LIMIT on a table of many pages."""
    largest = max((page.stat().st_size for page in pages), default=0)
    files = "[" + ", ".join(literal(str(page)) for page in pages) + "]"
    return (
        f"read_json({files}, columns={{'value': {literal(columns)}}}, filename = true, "
        f"maximum_object_size = {max(largest, DUCKDB_OBJECT_SIZE)})"
    )


@dataclass(frozen=True)
class CategoryFiles:
    """Where a snapshot keeps a dimension's categories: v3 ``<Dim>`` keyed ``Key``; v4 ``<Dim>Codes`` keyed
    ``Identifier``; each either one document (``<name>.json``) or pages (``<name>/0001.json``, ...)."""

    suffix: str
    key_field: str

    def files(self, snapshot: Snapshot, dimension: str) -> list[str]:
        name = f"{dimension}{self.suffix}"
        single = snapshot.path / f"{name}.json"
        found = [single] if single.exists() else snapshot.pages(name)
        if not found:
            raise SnapshotFormatError(f"{snapshot.path}: category list {name} (.json or pages) is missing")
        return [str(p) for p in found]

    def subquery(self, snapshot: Snapshot, dimension: str, alias: str) -> str:
        files = "[" + ", ".join(literal(f) for f in self.files(snapshot, dimension)) + "]"
        fields = f'STRUCT("{self.key_field}" VARCHAR, "Title" VARCHAR, "Status" VARCHAR)[]'
        return (
            f"(SELECT trim(c.{quote(self.key_field)}) AS key, any_value(trim(c.Title)) AS title, "
            f"any_value(trim(c.Status)) AS status "
            f"FROM (SELECT unnest(value) AS c FROM read_json({files}, columns={{'value': '{fields}'}})) GROUP BY 1"
            f") AS {alias}"
        )


def placeholder(name: str) -> str:
    """The column a measure an edition does not publish gets in the unpivot."""
    return f"not_published:{name}"


def topic_values(measures: dict[str, Topic], not_published: Sequence[str]) -> str:
    """A VALUES list with the metadata of the selected measures, joined to the data by ``measure_key``."""

    def num(value: int | None) -> str:
        return "NULL" if value is None else str(value)

    def text(value: str | None) -> str:
        return "NULL" if value is None else literal(value)

    rows = [
        f"({literal(t.key)}, {literal(name)}, {text(t.title)}, {text(t.unit)}, {num(t.decimals)}, "
        f"{str(t.is_text).upper()}, false)"
        for name, t in measures.items()
    ]
    rows += [f"({literal(placeholder(n))}, {literal(n)}, NULL, NULL, NULL, false, true)" for n in not_published]
    columns = "measure_key, measure, measure_title, unit, decimals, topic_is_text, is_not_published"
    return f"topic ({columns}) AS (VALUES {', '.join(rows)})"


# StatLine symbols and map-file sentinels: a missing value is NULL with a reason, never a zero. The
# TypedDataSet has null where StatLine shows '.' (but keeps '.' in text columns); the UntypedDataSet keeps the
# symbols. v4 says why in ValueAttribute.
VALUE_STATUS = """
    CASE
        WHEN is_not_published THEN 'not_published'
        WHEN value_attribute = 'Confidential' THEN 'secret'
        WHEN value_attribute = 'NotAvailable' THEN 'not_yet_available'
        WHEN v IS NULL OR v IN ('.', '') OR value_attribute NOT IN ('None', '') THEN 'missing'
        WHEN topic_is_text THEN 'text'
        WHEN v IN ('x', '-99997') THEN 'secret'
        WHEN v IN ('..', '-99995') THEN 'not_yet_available'
        WHEN v = '-99991' THEN 'discontinued'
        WHEN try_cast(v AS DOUBLE) IS NULL THEN 'unparseable'
        ELSE 'ok'
    END"""


def _map(entries: list[str]) -> str:
    return "MAP {" + ", ".join(entries) + "}" if entries else "MAP {}::MAP(VARCHAR, VARCHAR)"


def project(
    ctes: str,
    snapshot: Snapshot,
    layout: TableLayout,
    categories: CategoryFiles,
    *,
    period_key: str | None,
    store_root: str,
) -> str:
    """The final SELECT over CTE ``o``, in the column order of the raw observation table (after provenance)."""
    if layout.geo is None:
        raise SnapshotFormatError(f"{snapshot.path}: no geographic dimension in the metadata")
    if layout.time is None and period_key is None:
        raise SnapshotFormatError(f"{snapshot.path}: no time dimension and no period from the registry")
    other = layout.dimensions
    joins = [f"LEFT JOIN {categories.subquery(snapshot, layout.geo, 'gc')} ON gc.key = trim(o.{quote(layout.geo)})"]
    joins += [
        f"LEFT JOIN {categories.subquery(snapshot, d, f'd{i}')} ON d{i}.key = trim(o.{quote(d)})"
        for i, d in enumerate(other)
    ]
    if layout.time:
        period_sql, status_sql = f"trim(o.{quote(layout.time)})", "tc.status"
        joins.append(f"LEFT JOIN {categories.subquery(snapshot, layout.time, 'tc')} ON tc.key = {period_sql}")
    else:
        period_sql, status_sql = literal(period_key), "NULL"
    newline = "\n"
    return f"""
WITH {ctes},
o AS (SELECT *, {VALUE_STATUS} AS value_status FROM classified)
SELECT
    replace(o.filename, {literal(store_root + "/")}, '') AS source_file,
    o.row_id AS source_row,
    trim(o.{quote(layout.geo)}) AS region_code,
    gc.title AS region_name,
    {period_sql} AS period_key,
    {status_sql} AS period_status,
    -- 'Voorlopig' and 'Nader voorlopig' (v4: 'NaderVoorlopig') are both provisional
    coalesce({status_sql} ILIKE '%voorlopig%', false) AS is_voorlopig,
    {_map([f"{literal(d)}: trim(o.{quote(d)})" for d in other])} AS dimensions,
    {_map([f"{literal(d)}: d{i}.title" for i, d in enumerate(other)])} AS dimension_titles,
    o.measure,
    CASE WHEN NOT o.is_not_published THEN o.measure_key END AS measure_key,
    o.measure_title,
    o.unit,
    o.decimals,
    CASE WHEN o.value_status = 'text' THEN o.v END AS value_text,
    CASE WHEN o.value_status = 'ok' THEN CAST(o.v AS DOUBLE) END AS value,
    o.value_status
FROM o
{newline.join(joins)}
"""
