"""Read an OData v4 snapshot (datasets.cbs.nl: long ``Observations``) as observations, in DuckDB.

v4 is long already: one row per measure code (stable across years, e.g. ``M001342_1``) with ``Value``,
``StringValue`` and ``ValueAttribute``, which says why a value is missing (``Confidential``, ``NotAvailable``,
``Impossible``); ``None`` marks an ordinary value.
"""

from __future__ import annotations

from pipelines.sources.cbs.observations import (
    CategoryFiles,
    SnapshotFormatError,
    TableLayout,
    Topic,
    project,
    topic_values,
)
from pipelines.sources.cbs.snapshots import Snapshot
from pipelines.sql import literal, quote

CATEGORIES = CategoryFiles(suffix="Codes", key_field="Identifier")
GEO_KINDS = {"GeoDimension", "GeoDetail"}

VALUE_STATUS = """
    CASE
        WHEN topic_is_text THEN 'text'
        WHEN value_attribute = 'Confidential' THEN 'secret'
        WHEN value_attribute = 'NotAvailable' THEN 'not_yet_available'
        WHEN v IS NULL OR value_attribute NOT IN ('None', '') THEN 'missing'
        WHEN try_cast(v AS DOUBLE) IS NULL THEN 'unparseable'
        ELSE 'ok'
    END"""


def table_layout(snapshot: Snapshot) -> TableLayout:
    dimensions = snapshot.read_json("Dimensions.json").get("value")
    if not dimensions:
        raise SnapshotFormatError(f"{snapshot.path}: Dimensions.json has no 'value' list")
    geo = next((d["Identifier"] for d in dimensions if d.get("Kind") in GEO_KINDS), None)
    time = next((d["Identifier"] for d in dimensions if d.get("Kind") == "TimeDimension"), None)
    others = tuple(d["Identifier"] for d in dimensions if d["Identifier"] not in (geo, time))
    topics = {
        m["Identifier"]: Topic(
            key=m["Identifier"],
            title=(m.get("Title") or "").strip(),
            datatype=m.get("DataType") or "Double",
            unit=(m.get("Unit") or "").strip() or None,
            decimals=m.get("Decimals"),
        )
        for m in snapshot.read_json("MeasureCodes.json").get("value", [])
    }
    return TableLayout(geo=geo, time=time, dimensions=others, topics=topics)


def observations_sql(
    snapshot: Snapshot,
    layout: TableLayout,
    measures: dict[str, Topic],
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
    files = "[" + ", ".join(literal(str(p)) for p in pages) + "]"
    ctes = f"""
pages AS (
    SELECT filename, unnest(value) AS r
    FROM read_json({files}, columns={{'value': '{fields}'}}, filename = true, maximum_object_size = 1073741824)
),
{topic_values(measures)},
classified AS (
    SELECT pages.filename, r.Id AS row_id, {", ".join(f"r.{quote(d)}" for d in layout.all_dimensions)},
           topic.*, coalesce(trim(r.Value), trim(r.StringValue)) AS v, trim(r.ValueAttribute) AS value_attribute
    FROM pages JOIN topic ON topic.measure_key = r.Measure
),
o AS (SELECT *, {VALUE_STATUS} AS value_status FROM classified)"""
    return project(ctes, snapshot, layout, CATEGORIES, period_key=period_key, store_root=store_root)
