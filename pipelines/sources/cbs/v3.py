"""Read an OData v3 snapshot (wide ``TypedDataSet`` or ``UntypedDataSet``) as long observations, in DuckDB.

Metadata-driven: ``DataProperties`` says which columns are dimensions and which are topics (measures), with their
units and decimals. Column keys carry a numeric suffix that changes per edition (``WmoClienten_89`` one year,
``WmoClienten_93`` the next), so measures are matched on the stem. Dimension keys are fixed-width and
space-padded (``'GM0141    '``): they are trimmed. The data pages are read and unpivoted by DuckDB's JSON reader,
never row by row in Python.
"""

from __future__ import annotations

import re

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

SUFFIX = re.compile(r"_\d+$")
DATASETS = ("TypedDataSet", "UntypedDataSet")
CATEGORIES = CategoryFiles(suffix="", key_field="Key")

# StatLine symbols and map-file sentinels: a missing value is NULL with a reason, never a zero. The
# TypedDataSet has null where StatLine shows '.'; the UntypedDataSet keeps the symbols.
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


def stem(key: str) -> str:
    """``WmoClienten_93`` -> ``WmoClienten``; keys without a suffix are returned unchanged."""
    return SUFFIX.sub("", key)


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


def observations_sql(
    snapshot: Snapshot,
    layout: TableLayout,
    measures: dict[str, Topic],
    *,
    period_key: str | None,
    store_root: str,
) -> str:
    """SELECT producing one row per (data row, measure), in the column order of the raw observation table."""
    dataset = next((d for d in DATASETS if snapshot.pages(d)), None)
    if dataset is None:
        raise SnapshotFormatError(f"{snapshot.path}: no TypedDataSet or UntypedDataSet pages")
    # Every column is read as text: the JSON reader then never guesses a type, and '.' or 'x' survive to be
    # classified instead of failing the read.
    struct_fields = ", ".join(
        f"{quote(c)} VARCHAR" for c in (*layout.all_dimensions, *(t.key for t in measures.values()))
    )
    files = "[" + ", ".join(literal(str(p)) for p in snapshot.pages(dataset)) + "]"
    unpivot_on = ", ".join(quote(t.key) for t in measures.values())
    ctes = f"""
pages AS (
    SELECT filename, unnest(value) AS r
    FROM read_json({files}, columns={{'value': 'STRUCT("ID" BIGINT, {struct_fields})[]'}},
                   filename = true, maximum_object_size = 1073741824)
),
wide AS (SELECT filename, r.* FROM pages),
long AS (SELECT * FROM wide UNPIVOT INCLUDE NULLS (value_raw FOR measure_key IN ({unpivot_on}))),
{topic_values(measures)},
classified AS (
    SELECT long.* EXCLUDE ("ID"), long."ID" AS row_id, topic.* EXCLUDE (measure_key), trim(long.value_raw) AS v
    FROM long JOIN topic USING (measure_key)
),
o AS (SELECT *, {VALUE_STATUS} AS value_status FROM classified)"""
    return project(ctes, snapshot, layout, CATEGORIES, period_key=period_key, store_root=store_root)
