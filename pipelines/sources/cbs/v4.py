"""Read an OData v4 snapshot (datasets.cbs.nl: long ``Observations``) as observations, in DuckDB.

v4 is long already: one row per measure code (stable across years, e.g. ``T001036`` Aantal inwoners) with
``Value``, ``StringValue`` and ``ValueAttribute``, which says why a value is missing (``Confidential``,
``NotAvailable``, ``Impossible``); ``None`` marks an ordinary value. ``Dimensions`` gives each dimension's
``Kind`` (``GeoDimension`` or ``GeoDetail``, ``TimeDimension``, ``Dimension``); ``MeasureCodes`` the measures,
grouped by ``MeasureGroups``. Codes are not padded in v4, but they are trimmed all the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.sources.cbs.observations import (
    CategoryFiles,
    SnapshotFormatError,
    TableLayout,
    Topic,
    pages_read,
    placeholder,
    project,
    topic_values,
)
from pipelines.sources.cbs.snapshots import Snapshot
from pipelines.sql import literal, quote

CATEGORIES = CategoryFiles(suffix="Codes", key_field="Identifier")
GEO_KINDS = {"GeoDimension", "GeoDetail"}


def layout_of(
    dimensions: Sequence[dict], measures: Sequence[dict], groups: Sequence[dict], where: object
) -> TableLayout:
    """The layout that ``Dimensions``, ``MeasureCodes`` and ``MeasureGroups`` describe."""
    if not dimensions:
        raise SnapshotFormatError(f"{where}: Dimensions has no 'value' list")
    geo = next((d for d in dimensions if d.get("Kind") in GEO_KINDS), None)
    time = next((d["Identifier"] for d in dimensions if d.get("Kind") == "TimeDimension"), None)
    geo_id = geo["Identifier"] if geo else None
    by_id = {g.get("Id"): g for g in groups}

    def group_path(group_id: str | None) -> tuple[str, ...]:
        titles, seen = [], set()
        while group_id in by_id and group_id not in seen:
            seen.add(group_id)
            titles.append((by_id[group_id].get("Title") or "").strip())
            group_id = by_id[group_id].get("ParentId")
        return tuple(reversed(titles))

    topics = tuple(
        Topic(
            key=m["Identifier"],
            title=(m.get("Title") or "").strip(),
            datatype=m.get("DataType") or "Double",
            unit=(m.get("Unit") or "").strip() or None,
            decimals=m.get("Decimals"),
            stem=m["Identifier"],
            groups=group_path(m.get("MeasureGroupId")),
        )
        for m in measures
    )
    return TableLayout(
        geo=geo_id,
        time=time,
        dimensions=tuple(d["Identifier"] for d in dimensions if d["Identifier"] not in (geo_id, time)),
        topics=topics,
        geo_kind=geo.get("Kind") if geo else None,
    )


def table_layout(snapshot: Snapshot) -> TableLayout:
    groups_file = snapshot.path / "MeasureGroups.json"
    groups = snapshot.read_json("MeasureGroups.json").get("value", []) if groups_file.exists() else []
    return layout_of(
        snapshot.read_json("Dimensions.json").get("value"),
        snapshot.read_json("MeasureCodes.json").get("value", []),
        groups,
        snapshot.path,
    )


def observations_sql(
    snapshot: Snapshot,
    layout: TableLayout,
    measures: dict[str, Topic],
    not_published: Sequence[str] = (),
    *,
    period_key: str | None,
    store_root: str,
) -> str:
    pages = snapshot.pages("Observations")
    if not pages:
        raise SnapshotFormatError(f"{snapshot.path}: no Observations pages")
    dims = ", ".join(f"{quote(d)} VARCHAR" for d in layout.all_dimensions)
    fields = (
        f'STRUCT("Id" BIGINT, "Measure" VARCHAR, {dims}, "Value" VARCHAR, "StringValue" VARCHAR, '
        f'"ValueAttribute" VARCHAR)[]'
    )
    dim_columns = ", ".join(f"r.{quote(d)}" for d in layout.all_dimensions)
    # a measure this edition lacks: one row per cell (combination of dimension categories) the table has
    absent = "".join(
        f"""
    UNION ALL
    SELECT cells.filename, cells.row_id, {", ".join(f"cells.{quote(d)}" for d in layout.all_dimensions)}, topic.*,
           NULL AS v, NULL AS value_attribute
    FROM cells JOIN topic ON topic.measure_key = {literal(placeholder(name))}"""
        for name in not_published
    )
    ctes = f"""
pages AS (
    SELECT filename, unnest(value) AS r
    FROM {pages_read(pages, fields)}
),
cells AS (SELECT min(filename) AS filename, min(r.Id) AS row_id, {dim_columns} FROM pages GROUP BY ALL),
{topic_values(measures, not_published)},
classified AS (
    SELECT pages.filename, r.Id AS row_id, {dim_columns}, topic.*, coalesce(trim(r.Value), trim(r.StringValue)) AS v,
           trim(r.ValueAttribute) AS value_attribute
    FROM pages JOIN topic ON topic.measure_key = r.Measure{absent}
)"""
    return project(ctes, snapshot, layout, CATEGORIES, period_key=period_key, store_root=store_root)
