"""Read an OData v3 snapshot (wide ``TypedDataSet`` or ``UntypedDataSet``) as long observations, in DuckDB.

Metadata-driven: ``DataProperties`` says which columns are dimensions (``Dimension``, ``GeoDimension`` or
``GeoDetail``, ``TimeDimension``) and which are topics (measures), with their units and decimals; ``TopicGroup``
entries (``Key`` "", ``Position`` null) group topics through ``ParentID``. A topic's key carries a numeric suffix,
its 1-based order among the topics (``AantalInwoners_5``), which changes per edition (``WmoClienten_89`` one
year, ``WmoClienten_93`` the next): measures are found by stem, and where a stem repeats (KWB 2020:
``Appartement_48`` under electricity, ``Appartement_56`` under gas) by title or group. Dimension keys are
fixed-width and space-padded (``'GM0141    '``, Iv3 ``'L1.1    '``): they are trimmed. The data pages are read
and unpivoted by DuckDB's JSON reader, never row by row in Python.
"""

from __future__ import annotations

import re
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
from pipelines.sql import quote

SUFFIX = re.compile(r"_\d+$")
DATASETS = ("TypedDataSet", "UntypedDataSet")
CATEGORIES = CategoryFiles(suffix="", key_field="Key")
GEO_KINDS = ("GeoDimension", "GeoDetail")


def stem(key: str) -> str:
    """``WmoClienten_93`` -> ``WmoClienten``; keys without a suffix are returned unchanged."""
    return SUFFIX.sub("", key)


def layout_of(properties: Sequence[dict], where: object) -> TableLayout:
    """The layout a ``DataProperties`` list describes."""
    if not properties:
        raise SnapshotFormatError(f"{where}: DataProperties has no 'value' list")
    by_id = {p.get("ID"): p for p in properties}

    def groups(entry: dict) -> tuple[str, ...]:
        titles, parent, seen = [], entry.get("ParentID"), set()
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            titles.append((by_id[parent].get("Title") or "").strip())
            parent = by_id[parent].get("ParentID")
        return tuple(reversed(titles))

    geo = time = geo_kind = None
    dimensions: list[str] = []
    topics: list[Topic] = []
    for prop in properties:
        kind, key = prop.get("Type"), prop.get("Key")
        if kind in GEO_KINDS:
            geo, geo_kind = key, kind
        elif kind == "TimeDimension":
            time = key
        elif kind == "Dimension":
            dimensions.append(key)
        elif kind == "Topic":
            topics.append(
                Topic(
                    key=key,
                    title=(prop.get("Title") or "").strip(),
                    datatype=prop.get("Datatype") or "Double",
                    unit=(prop.get("Unit") or "").strip() or None,
                    decimals=prop.get("Decimals"),
                    stem=stem(key),
                    groups=groups(prop),
                )
            )
    return TableLayout(geo=geo, time=time, dimensions=tuple(dimensions), topics=tuple(topics), geo_kind=geo_kind)


def table_layout(snapshot: Snapshot) -> TableLayout:
    return layout_of(snapshot.read_json("DataProperties.json").get("value"), snapshot.path)


def observations_sql(
    snapshot: Snapshot,
    layout: TableLayout,
    measures: dict[str, Topic],
    not_published: Sequence[str] = (),
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
    absent = "".join(f", NULL::VARCHAR AS {quote(placeholder(name))}" for name in not_published)
    unpivot_on = ", ".join([quote(t.key) for t in measures.values()] + [quote(placeholder(n)) for n in not_published])
    ctes = f"""
pages AS (
    SELECT filename, unnest(value) AS r
    FROM {pages_read(snapshot.pages(dataset), f'STRUCT("ID" BIGINT, {struct_fields})[]')}
),
wide AS (SELECT filename, r.*{absent} FROM pages),
long AS (SELECT * FROM wide UNPIVOT INCLUDE NULLS (value_raw FOR measure_key IN ({unpivot_on}))),
{topic_values(measures, not_published)},
classified AS (
    SELECT long.* EXCLUDE ("ID"), long."ID" AS row_id, topic.* EXCLUDE (measure_key),
           trim(long.value_raw) AS v, NULL::VARCHAR AS value_attribute
    FROM long JOIN topic USING (measure_key)
)"""
    return project(ctes, snapshot, layout, CATEGORIES, period_key=period_key, store_root=store_root)
