"""Build CBS OData v3 response bodies (TableInfos, DataProperties, category lists, TypedDataSet pages).

Used by the demo generator and by tests to produce tables in exactly the shape the CBS API returns.
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


def _body(table_id: str, entity: str, value: list[dict]) -> bytes:
    document = {
        "odata.metadata": f"https://opendata.cbs.nl/ODataApi/odata/{table_id}/$metadata#Cbs.OData.WebAPI.{entity}",
        "value": value,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


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
) -> dict[str, bytes]:
    """All response bodies of one table, keyed by their file name in a snapshot."""
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
    for page, start in enumerate(range(0, max(len(full_rows), 1), page_size), start=1):
        documents[f"TypedDataSet/{page:04d}.json"] = _body(
            table_id, "TypedDataSet", full_rows[start : start + page_size]
        )
    return documents
