"""Read an OData v3 snapshot (wide ``TypedDataSet``) as long observations, in DuckDB.

Metadata-driven: ``DataProperties`` says which columns are dimensions and which are topics (measures), with their
units and decimals. Column keys carry a numeric suffix that changes per edition (``WmoClienten_89`` one year,
``WmoClienten_93`` the next), so measures are matched on the stem. Dimension keys are fixed-width and
space-padded (``'GM0141    '``): they are trimmed. The data pages are read and unpivoted by DuckDB's JSON reader,
never row by row in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.sources.cbs.snapshots import Snapshot
from pipelines.sql import literal, quote

DIMENSION_TYPES = {"Dimension", "GeoDimension", "GeoDetail", "TimeDimension"}
SUFFIX = re.compile(r"_\d+$")


class SnapshotFormatError(ValueError):
    """A snapshot does not have the shape of a CBS OData v3 table; the message names snapshot and field."""


def stem(key: str) -> str:
    """``WmoClienten_93`` -> ``WmoClienten``; keys without a suffix are returned unchanged."""
    return SUFFIX.sub("", key)


@dataclass(frozen=True)
class Topic:
    key: str
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
    topics: dict[str, Topic]  # stem -> topic

    @property
    def all_dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in (self.geo, self.time, *self.dimensions) if d)


def table_layout(snapshot: Snapshot) -> TableLayout:
    properties = snapshot.read_json("DataProperties.json").get("value")
    if not properties:
        raise SnapshotFormatError(f"{snapshot.path}: DataProperties.json has no 'value' list")
    geo = time = None
    dimensions: list[str] = []
    topics: dict[str, Topic] = {}
    for prop in properties:
        kind, key = prop.get("Type"), prop.get("Key")
        if kind in ("GeoDimension", "GeoDetail"):
            geo = key
        elif kind == "TimeDimension":
            time = key
        elif kind == "Dimension":
            dimensions.append(key)
        elif kind == "Topic":
            name = stem(key)
            if name in topics:
                raise SnapshotFormatError(
                    f"{snapshot.path}: topics {topics[name].key!r} and {key!r} share the stem {name!r}"
                )
            topics[name] = Topic(
                key=key,
                title=(prop.get("Title") or "").strip(),
                datatype=prop.get("Datatype") or "Double",
                unit=(prop.get("Unit") or "").strip() or None,
                decimals=prop.get("Decimals"),
            )
    return TableLayout(geo=geo, time=time, dimensions=tuple(dimensions), topics=topics)


def _categories(snapshot: Snapshot, dimension: str, alias: str) -> str:
    """A subquery over a dimension's category list: trimmed key, title and (for periods) status."""
    path = snapshot.path / f"{dimension}.json"
    if not path.exists():
        raise SnapshotFormatError(f"{snapshot.path}: category list {dimension}.json is missing")
    return (
        f"(SELECT trim(c.Key) AS key, trim(c.Title) AS title, trim(c.Status) AS status "
        f"FROM (SELECT unnest(value) AS c FROM read_json({literal(str(path))}, "
        f'columns={{\'value\': \'STRUCT("Key" VARCHAR, "Title" VARCHAR, "Status" VARCHAR)[]\'}})) '
        f") AS {alias}"
    )


# StatLine symbols and map-file sentinels: a missing value is NULL with a reason, never a zero.
VALUE_STATUS = """
    CASE
        WHEN topic_is_text THEN 'text'
        WHEN v IS NULL OR v IN ('.', '') THEN 'missing'
        WHEN v IN ('x', '-99997') THEN 'secret'
        WHEN v IN ('..', '-99995') THEN 'not_yet_available'
        WHEN v = '-99991' THEN 'discontinued'
        WHEN try_cast(v AS DOUBLE) IS NULL THEN 'unparseable'
        ELSE 'ok'
    END"""


def observations_sql(
    snapshot: Snapshot,
    layout: TableLayout,
    measures: dict[str, Topic],
    *,
    period_key: str | None,
    store_root: str,
) -> str:
    """SELECT producing one row per (data row, measure), in the column order of the raw observation table."""
    pages = snapshot.pages("TypedDataSet")
    if not pages:
        raise SnapshotFormatError(f"{snapshot.path}: no TypedDataSet pages")
    if layout.geo is None:
        raise SnapshotFormatError(f"{snapshot.path}: no GeoDimension in DataProperties")
    if layout.time is None and period_key is None:
        raise SnapshotFormatError(f"{snapshot.path}: no TimeDimension and no period from the registry")

    # Every column is read as text: the JSON reader then never guesses a type, and '.' or 'x' survive to be
    # classified below instead of failing the read.
    struct_fields = ", ".join(
        f"{quote(c)} VARCHAR" for c in (*layout.all_dimensions, *(t.key for t in measures.values()))
    )
    files = "[" + ", ".join(literal(str(p)) for p in pages) + "]"
    unpivot_on = ", ".join(quote(t.key) for t in measures.values())
    topic_meta = ", ".join(
        f"({literal(t.key)}, {literal(name)}, {literal(t.title)}, {literal(t.unit) if t.unit else 'NULL'}, "
        f"{t.decimals if t.decimals is not None else 'NULL'}, {str(t.is_text).upper()})"
        for name, t in measures.items()
    )
    other = layout.dimensions
    dims_map = (
        "MAP {" + ", ".join(f"{literal(d)}: trim(o.{quote(d)})" for d in other) + "}"
        if other
        else "MAP {}::MAP(VARCHAR, VARCHAR)"
    )
    titles_map = (
        "MAP {" + ", ".join(f"{literal(d)}: d{i}.title" for i, d in enumerate(other)) + "}"
        if other
        else "MAP {}::MAP(VARCHAR, VARCHAR)"
    )
    other_joins = "\n".join(
        f"LEFT JOIN {_categories(snapshot, d, f'd{i}')} ON d{i}.key = trim(o.{quote(d)})" for i, d in enumerate(other)
    )
    if layout.time:
        period_sql, period_status_sql = f"trim(o.{quote(layout.time)})", "tc.status"
        time_join = f"LEFT JOIN {_categories(snapshot, layout.time, 'tc')} ON tc.key = trim(o.{quote(layout.time)})"
    else:
        period_sql, period_status_sql, time_join = literal(period_key), "NULL", ""

    return f"""
WITH pages AS (
    SELECT filename, unnest(value) AS r
    FROM read_json({files}, columns={{'value': 'STRUCT("ID" BIGINT, {struct_fields})[]'}},
                   filename = true, maximum_object_size = 1073741824)
),
wide AS (SELECT filename, r.* FROM pages),
long AS (
    SELECT * FROM wide UNPIVOT INCLUDE NULLS (value_raw FOR measure_key IN ({unpivot_on}))
),
topic (measure_key, measure, measure_title, unit, decimals, topic_is_text) AS (VALUES {topic_meta}),
classified AS (
    SELECT long.*, topic.* EXCLUDE (measure_key), trim(long.value_raw) AS v
    FROM long JOIN topic USING (measure_key)
),
o AS (SELECT *, {VALUE_STATUS} AS value_status FROM classified)
SELECT
    replace(o.filename, {literal(store_root + "/")}, '') AS source_file,
    o."ID" AS source_row,
    trim(o.{quote(layout.geo)}) AS region_code,
    gc.title AS region_name,
    {period_sql} AS period_key,
    {period_status_sql} AS period_status,
    coalesce({period_status_sql} ILIKE '%voorlopig%', false) AS is_voorlopig,
    {dims_map} AS dimensions,
    {titles_map} AS dimension_titles,
    o.measure,
    o.measure_key,
    o.measure_title,
    o.unit,
    o.decimals,
    CASE WHEN o.topic_is_text THEN o.v END AS value_text,
    CASE WHEN o.value_status = 'ok' THEN CAST(o.v AS DOUBLE) END AS value,
    o.value_status
FROM o
LEFT JOIN {_categories(snapshot, layout.geo, "gc")} ON gc.key = trim(o.{quote(layout.geo)})
{time_join}
{other_joins}
"""
