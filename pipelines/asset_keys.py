"""Every asset key of the graph, in one place: assets declare them, checks, jobs and publish point at them.

A key names the warehouse table an asset writes, ``<schema>/<table>``: ``raw/<table>`` for what the ingest assets
load, ``meta/<table>`` and ``quarantine/<source>`` for the bookkeeping, ``<layer>/<model>`` for the dbt models and
seeds (the schema dbt writes them to; a dbt source is the asset that loads its table), ``serving/serving_duckdb``
for the published file. The marts are read from the dbt manifest (``python -m pipelines prepare`` writes it), so
this module needs neither the assets nor dbt's Dagster integration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg

from pipelines.instance import MANIFEST
from pipelines.sources.geo.load import SOURCE as MAP_SOURCE
from pipelines.sources.geo.shapes import TABLE as MAP_SHAPES_TABLE
from pipelines.sources.regions import KNOWN_REGIONS_SOURCE

DATA_QUALITY_TAG = "datakwaliteit"  # dbt models built after the other marts and their checks
DBT_ASSET_TYPES = ("model", "seed", "snapshot")


def table_key(table: str) -> dg.AssetKey:
    """The asset that writes ``schema.table``."""
    return dg.AssetKey(table.split("."))


def raw(table: str) -> dg.AssetKey:
    """The ingest asset of ``raw.<table>`` (a CBS family's table or an inbox source)."""
    return dg.AssetKey(["raw", table])


def quarantine(source: str) -> dg.AssetKey:
    return dg.AssetKey(["quarantine", source])


KNOWN_REGIONS = table_key(KNOWN_REGIONS_SOURCE)  # the CBS table the gemeente files' region codes are checked against
MAP = raw(MAP_SOURCE)
MAP_SHAPES = table_key(MAP_SHAPES_TABLE)
FILE_LOADS = dg.AssetKey(["meta", "file_loads"])
CHECK_RESULTS = dg.AssetKey(["meta", "check_results"])
SERVING = dg.AssetKey(["serving", "serving_duckdb"])


def dbt_key(resource: Mapping[str, Any]) -> dg.AssetKey:
    """A dbt node's key (the translator in pipelines/assets/dbt.py uses it): ``<source name>/<table>`` for a
    source, ``<schema>/<name>`` for a model, seed or snapshot."""
    if resource["resource_type"] == "source":
        return dg.AssetKey([resource["source_name"], resource["name"]])
    return dg.AssetKey([resource["config"]["schema"], resource["name"]])


def mart_keys(manifest: Mapping[str, Any]) -> tuple[list[dg.AssetKey], list[dg.AssetKey]]:
    """The marts of a dbt manifest: every one but the data-quality ones, and those."""
    nodes = manifest["nodes"].values()
    marts = [n for n in nodes if n["resource_type"] in DBT_ASSET_TYPES and n["config"]["schema"] == "marts"]
    return (
        sorted(dbt_key(n) for n in marts if DATA_QUALITY_TAG not in n["tags"]),
        sorted(dbt_key(n) for n in marts if DATA_QUALITY_TAG in n["tags"]),
    )


CORE_MARTS, DATA_QUALITY_MARTS = mart_keys(json.loads(MANIFEST.read_text()))
MARTS = CORE_MARTS + DATA_QUALITY_MARTS
