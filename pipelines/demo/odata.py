"""Build CBS OData response bodies: v3 (TableInfos, DataProperties, category lists, data pages) and v4
(Properties, MeasureCodes, Dimensions, <Dimension>Codes, Observations pages).

Used by the demo generator and by tests (which serve them through an HTTP mock) to produce tables in exactly the
shape the CBS API returns, paging links included.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

SYNTHETIC_LABEL = "SYNTHETISCHE DEMODATA"


def pad(key: str, width: int = 10) -> str:
    """CBS dimension keys are fixed-width and space-padded."""
    return key.ljust(width)


def number_properties(entries: Sequence[dict]) -> list[dict]:
    """Give DataProperties entries their ID and suffix every topic key with it, as CBS does (``WmoClienten_93``)."""
    numbered = []
    for position, entry in enumerate(entries):
        entry = {**entry, "ID": position, "Position": position}
        if entry["Type"] == "Topic":
            entry["Key"] = f"{entry['Key']}_{position}"
            entry.setdefault("Decimals", 0)
        numbered.append(entry)
    return numbered


def topic_keys(properties: Sequence[dict]) -> dict[str, str]:
    """Stem -> suffixed key, for filling rows: ``{'WmoClienten': 'WmoClienten_93', ...}``."""
    return {p["Key"].rsplit("_", 1)[0] if p["Type"] == "Topic" else p["Key"]: p["Key"] for p in properties}


V3_FEED = "https://opendata.cbs.nl/ODataFeed/odata"
V4_BASE = "https://datasets.cbs.nl/odata/v1/CBS"


def _dump(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _body(table_id: str, entity: str, value: list[dict], **extra: str) -> bytes:
    metadata = f"https://opendata.cbs.nl/ODataApi/odata/{table_id}/$metadata#Cbs.OData.WebAPI.{entity}"
    return _dump({"odata.metadata": metadata, "value": value, **extra})


def _pages(rows: Sequence[dict], page_size: int) -> list[tuple[int, list[dict], bool]]:
    """(offset, rows, is_last) per page; an empty table still has one (empty) page."""
    starts = list(range(0, max(len(rows), 1), page_size))
    return [(start, list(rows[start : start + page_size]), start == starts[-1]) for start in starts]


def v3_documents(
    table_id: str,
    *,
    title: str,
    period: str,
    modified: str,
    properties: Sequence[dict],
    rows: Sequence[Mapping],
    categories: Mapping[str, list[dict]],
    page_size: int = 10_000,
    dataset: str = "TypedDataSet",
    feed: str = V3_FEED,
) -> dict[str, bytes]:
    """All response bodies of one table, keyed by their file name in a snapshot. Data pages link the next page
    the way the ODataFeed does (``odata.nextLink`` with ``$skip``)."""
    dimensions = [p["Key"] for p in properties if p["Type"] != "Topic" and p["Type"] != "TopicGroup"]
    empty = {p["Key"]: None for p in properties if p["Type"] == "Topic"}  # every topic is a column of every row
    full_rows = [{"ID": i, **{d: row[d] for d in dimensions}, **empty, **row} for i, row in enumerate(rows)]
    info = {
        "ID": 0,
        "Identifier": table_id,
        "Title": title,
        "ShortTitle": title,
        "Period": period,
        "Modified": modified,
        "Catalog": "CBS",
    }
    documents = {
        "TableInfos.json": _body(table_id, "TableInfos", [info]),
        "DataProperties.json": _body(table_id, "DataProperties", list(properties)),
        **{f"{dim}.json": _body(table_id, dim, cats) for dim, cats in categories.items()},
    }
    for number, (start, page, last) in enumerate(_pages(full_rows, page_size), start=1):
        link = {} if last else {"odata.nextLink": f"{feed}/{table_id}/{dataset}?$format=json&$skip={start + page_size}"}
        documents[f"{dataset}/{number:04d}.json"] = _body(table_id, dataset, page, **link)
    return documents


def v4_documents(
    table_id: str,
    *,
    title: str,
    dimensions: Sequence[tuple[str, str, list[dict]]],
    measures: Sequence[dict],
    observations: Sequence[dict],
    page_size: int = 10_000,
    base: str = V4_BASE,
) -> dict[str, bytes]:
    """A v4 table: ``dimensions`` are (identifier, kind, codes) with codes like ``{"Identifier": .., "Title": ..}``;
    ``measures`` are MeasureCodes entries; ``observations`` rows carry Measure, the dimensions, Value,
    StringValue and ValueAttribute (``Id`` is added)."""
    context = f"{base}/{table_id}/$metadata"
    documents = {
        "Properties.json": _dump(
            {"@odata.context": context, "Identifier": table_id, "Title": title, "ObservationCount": len(observations)}
        ),
        "MeasureCodes.json": _dump({"@odata.context": context, "value": list(measures)}),
        "Dimensions.json": _dump(
            {
                "@odata.context": context,
                "value": [
                    {"Identifier": identifier, "Title": identifier, "Kind": kind} for identifier, kind, _ in dimensions
                ],
            }
        ),
        **{
            f"{identifier}Codes.json": _dump({"@odata.context": context, "value": codes})
            for identifier, _, codes in dimensions
        },
    }
    rows = [{"Id": i, **row} for i, row in enumerate(observations)]
    for number, (start, page, last) in enumerate(_pages(rows, page_size), start=1):
        link = {} if last else {"@odata.nextLink": f"{base}/{table_id}/Observations?$skip={start + page_size}"}
        documents[f"Observations/{number:04d}.json"] = _dump({"@odata.context": context, "value": page, **link})
    return documents
