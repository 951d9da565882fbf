"""Build CBS OData response bodies in the shape the real API returns, as the client stores them in a snapshot:
v3 (TableInfos, DataProperties, paged dimension lists, paged data) and v4 (Properties, MeasureCodes, MeasureGroups,
Dimensions, paged <Dimension>Codes, paged Observations).

The shape follows the real responses in ../shared/reference-data/cbs-statline (84799NED, 83765NED, 45012NED):
DataProperties entries carry ``odata.type``, ``ID``, ``Position``, ``ParentID``, ``Description`` and, for topics,
``Datatype``, ``Unit``, ``Decimals``, ``Default`` and ``PresentationType``; ``ID`` counts every entry, ``Position``
counts dimensions and topics (null for a TopicGroup, whose ``Key`` is ""), and a topic's key is its stem with its
1-based order among the topics as suffix (``AantalInwoners_5``), so one stem can occur twice (``Appartement_48``,
``Appartement_56``). A table is described as a tree of ``dimension``, ``group`` and ``topic`` nodes.

Used by the SYNTHETIC demo generator and by tests.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence

SYNTHETIC_LABEL = "SYNTHETISCHE DEMODATA"
HOSTS = {"opendata": "https://opendata.cbs.nl", "dataderden": "https://dataderden.cbs.nl"}
V4_BASE = "https://datasets.cbs.nl/odata/v1/CBS"
GEO_KINDS = ("GeoDimension", "GeoDetail")


def pad(key: str, width: int = 10) -> str:
    """CBS dimension keys are fixed-width and space-padded; the width differs per dimension."""
    return key.ljust(width)


def dimension(key: str, title: str, kind: str = "Dimension", map_year: int | None = None) -> dict:
    return {"dimension": key, "title": title, "kind": kind, "map_year": map_year}


def topic(
    stem: str,
    title: str,
    unit: str | None = "aantal",
    datatype: str = "Long",
    decimals: int = 0,
    presentation: str = "Absolute",
    default: str = "Impossible",
) -> dict:
    return {
        "topic": stem,
        "title": title,
        "datatype": datatype,
        "unit": unit,
        "decimals": decimals,
        "default": default,
        "presentation": presentation if datatype != "String" else "",
    }


def group(title: str, *items: dict) -> dict:
    return {"group": title, "items": list(items)}


def data_properties(tree: Sequence[dict]) -> list[dict]:
    """Number a table's tree as CBS does (see the module docstring)."""
    entries: list[dict] = []
    positions = topics = 0

    def walk(nodes: Sequence[dict], parent: int | None) -> None:
        nonlocal positions, topics
        for node in nodes:
            entry_id = len(entries)
            if "group" in node:
                entries.append({"odata.type": "Cbs.OData.TopicGroup", "ID": entry_id, "Position": None,
                                "ParentID": parent, "Type": "TopicGroup", "Key": "", "Title": node["group"],
                                "Description": None})  # fmt: skip
                walk(node["items"], entry_id)
                continue
            entry = {"ID": entry_id, "Position": positions, "ParentID": parent}
            positions += 1
            if "dimension" in node:
                kind = node["kind"]
                entry |= {"Type": kind, "Key": node["dimension"], "Title": node["title"], "Description": ""}
                if kind in GEO_KINDS:
                    entry["MapYear"] = node["map_year"]
            else:
                topics += 1
                entry |= {"Type": "Topic", "Key": f"{node['topic']}_{topics}", "Title": node["title"],
                          "Description": None, "Datatype": node["datatype"], "Unit": node["unit"],
                          "Decimals": node["decimals"], "Default": node["default"],
                          "PresentationType": node["presentation"]}  # fmt: skip
            entries.append({"odata.type": f"Cbs.OData.{entry['Type']}", **entry})

    walk(tree, None)
    return entries


def topic_keys(properties: Sequence[dict]) -> dict[str, str]:
    """Stem -> key of the topics whose stem occurs once (a repeated stem has no single key)."""
    topics = [p["Key"] for p in properties if p["Type"] == "Topic"]
    counts = Counter(key.rsplit("_", 1)[0] for key in topics)
    return {key.rsplit("_", 1)[0]: key for key in topics if counts[key.rsplit("_", 1)[0]] == 1}


def _dump(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _pages(rows: Sequence[dict], page_size: int) -> list[tuple[int, list[dict], bool]]:
    """(offset, rows, is_last) per page; an empty set still has one (empty) page."""
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
    select: Sequence[str] | None = None,
    page_size: int = 10_000,
    dataset: str = "TypedDataSet",
    catalog: str = "opendata",
) -> dict[str, bytes]:
    """All response bodies of one table, keyed by their file name in a snapshot. ``select`` are the topic keys the
    client asked for (``$select``: only these are columns of the data rows; all topics when None). Dimension lists
    and data pages link the next page the way the ODataFeed does (``odata.nextLink`` with ``$skip``)."""
    api, feed = f"{HOSTS[catalog]}/ODataApi/odata/{table_id}", f"{HOSTS[catalog]}/ODataFeed/odata/{table_id}"
    dimensions = [p["Key"] for p in properties if p["Type"] not in ("Topic", "TopicGroup")]
    topics = list(select) if select is not None else [p["Key"] for p in properties if p["Type"] == "Topic"]
    full_rows = [
        {"ID": i, **{d: row[d] for d in dimensions}, **{t: row.get(t) for t in topics}} for i, row in enumerate(rows)
    ]

    def body(base: str, entity: str, value: list, **extra: str) -> bytes:
        return _dump({"odata.metadata": f"{base}/$metadata#Cbs.OData.WebAPI.{entity}", "value": value, **extra})

    def paged(entity: str, values: Sequence[dict]) -> dict[str, bytes]:
        documents = {}
        for number, (start, page, last) in enumerate(_pages(values, page_size), start=1):
            link = {} if last else {"odata.nextLink": f"{feed}/{entity}?$format=json&$skip={start + page_size}"}
            documents[f"{entity}/{number:04d}.json"] = body(feed, entity, page, **link)
        return documents

    info = {
        "Updated": modified, "ID": 0, "Identifier": table_id, "Title": title, "ShortTitle": title,
        "ShortDescription": f"\n{SYNTHETIC_LABEL}: gemaakt door de sociale basis monitor, niet door het CBS.\n",
        "Modified": modified, "MetaDataModified": modified, "ReasonDelivery": "Actualisering",
        "OutputStatus": "Regulier", "Source": "CBS.", "Language": "nl",
        "Catalog": "CBS" if catalog == "opendata" else "IV3", "Frequency": "Perjaar", "Period": period,
        "ApiUrl": api, "FeedUrl": feed, "RecordCount": len(full_rows), "ColumnCount": 1 + len(dimensions) + len(topics),
    }  # fmt: skip
    documents = {
        "TableInfos.json": body(api, "TableInfos", [info]),
        "DataProperties.json": body(api, "DataProperties", list(properties)),
    }
    for name, values in categories.items():
        documents |= paged(name, values)
    return documents | paged(dataset, full_rows)


def v4_documents(
    table_id: str,
    *,
    title: str,
    modified: str,
    temporal_coverage: str,
    dimensions: Sequence[tuple[str, str, str, list[dict]]],
    measures: Sequence[dict],
    groups: Sequence[dict],
    observations: Sequence[dict],
    page_size: int = 10_000,
) -> dict[str, bytes]:
    """A v4 table: ``dimensions`` are (identifier, title, kind, codes), codes like ``{"Identifier": .., "Title": ..,
    "Index": ..}``; ``measures`` are MeasureCodes entries, ``groups`` MeasureGroups entries; ``observations`` rows
    carry Measure, the dimensions, Value, StringValue and ValueAttribute (``Id`` is added)."""
    base = f"{V4_BASE}/{table_id}"

    def doc(entity: str, **content: object) -> bytes:
        return _dump({"@odata.context": f"{base}/$metadata#{entity}", **content})

    def paged(entity: str, values: Sequence[dict]) -> dict[str, bytes]:
        documents = {}
        for number, (start, page, last) in enumerate(_pages(values, page_size), start=1):
            link = {} if last else {"@odata.nextLink": f"{base}/{entity}?$skip={start + page_size}"}
            documents[f"{entity}/{number:04d}.json"] = doc(entity, value=page, **link)
        return documents

    properties = {
        "Identifier": table_id, "Title": title, "Description": f"{SYNTHETIC_LABEL}: gemaakt door de sociale basis "
        "monitor, niet door het CBS.", "Language": "nl", "Modified": modified, "TemporalCoverage": temporal_coverage,
        "Catalog": "CBS", "Status": "Regulier", "Frequency": "Perjaar", "ObservationCount": len(observations),
        "DatasetType": "Numeric", "License": "https://creativecommons.org/licenses/by/4.0/", "Source": "CBS.",
    }  # fmt: skip
    documents = {
        "Properties.json": doc("Properties", **properties),
        "MeasureCodes.json": doc("MeasureCodes", value=list(measures)),
        "MeasureGroups.json": doc("MeasureGroups", value=list(groups)),
        "Dimensions.json": doc(
            "Dimensions",
            value=[
                {
                    "Identifier": identifier,
                    "Title": dim_title,
                    "Description": "",
                    "Kind": kind,
                    "MapYear": temporal_coverage[:4] if kind in GEO_KINDS else None,
                    "ReleasePolicy": None,
                }
                for identifier, dim_title, kind, _ in dimensions
            ],
        ),  # fmt: skip
    }
    for identifier, _, _, codes in dimensions:
        documents |= paged(f"{identifier}Codes", codes)
    return documents | paged("Observations", [{"Id": i, **row} for i, row in enumerate(observations)])
