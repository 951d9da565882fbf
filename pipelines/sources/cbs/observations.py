"""What the v3 and v4 readers share: the table layout and the projection onto the raw observation columns.

Each reader turns its pages into a CTE ``o`` with one row per (data row, measure): ``filename``, ``row_id``,
the dimension columns as they appear in the data, ``measure_key``, ``measure``, ``measure_title``, ``unit``,
``decimals``, ``topic_is_text``, ``v`` (the value as text) and ``value_status``. ``project`` adds the region and
period (trimmed keys, titles and status from the category lists) and the other dimensions as maps.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.sources.cbs.snapshots import Snapshot
from pipelines.sql import literal, quote


class SnapshotFormatError(ValueError):
    """A snapshot does not have the shape of a CBS table; the message names snapshot and field."""


@dataclass(frozen=True)
class Topic:
    key: str  # the column key (v3, e.g. WmoClienten_93) or measure code (v4, e.g. M001342_1)
    title: str
    datatype: str
    unit: str | None
    decimals: int | None

    @property
    def is_text(self) -> bool:
        return self.datatype == "String"


@dataclass(frozen=True)
class TableLayout:
    geo: str | None
    time: str | None
    dimensions: tuple[str, ...]  # the other dimensions (e.g. Categorie, TaakveldBalanspost)
    topics: dict[str, Topic]  # measure name (v3: column stem; v4: measure code) -> topic

    @property
    def all_dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in (self.geo, self.time, *self.dimensions) if d)


@dataclass(frozen=True)
class CategoryFiles:
    """Where a snapshot keeps a dimension's categories: v3 ``<Dim>.json`` keyed ``Key``; v4 ``<Dim>Codes.json``
    keyed ``Identifier``."""

    suffix: str
    key_field: str

    def subquery(self, snapshot: Snapshot, dimension: str, alias: str) -> str:
        path = snapshot.path / f"{dimension}{self.suffix}.json"
        if not path.exists():
            raise SnapshotFormatError(f"{snapshot.path}: category list {path.name} is missing")
        fields = f'STRUCT("{self.key_field}" VARCHAR, "Title" VARCHAR, "Status" VARCHAR)[]'
        return (
            f"(SELECT trim(c.{quote(self.key_field)}) AS key, trim(c.Title) AS title, trim(c.Status) AS status "
            f"FROM (SELECT unnest(value) AS c FROM read_json({literal(str(path))}, columns={{'value': '{fields}'}}))"
            f") AS {alias}"
        )


def topic_values(measures: dict[str, Topic]) -> str:
    """A VALUES list with the metadata of the selected measures, joined to the data by ``measure_key``."""
    rows = ", ".join(
        f"({literal(t.key)}, {literal(name)}, {literal(t.title)}, {literal(t.unit) if t.unit else 'NULL'}, "
        f"{t.decimals if t.decimals is not None else 'NULL'}, {str(t.is_text).upper()})"
        for name, t in measures.items()
    )
    return f"topic (measure_key, measure, measure_title, unit, decimals, topic_is_text) AS (VALUES {rows})"


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
WITH {ctes}
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
    o.measure_key,
    o.measure_title,
    o.unit,
    o.decimals,
    CASE WHEN o.topic_is_text THEN o.v END AS value_text,
    CASE WHEN o.value_status = 'ok' THEN CAST(o.v AS DOUBLE) END AS value,
    o.value_status
FROM o
{newline.join(joins)}
"""
