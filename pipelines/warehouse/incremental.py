"""Which definition each incremental dbt model was built with (``meta.dbt_incremental_models``), so a changed
model, macro or config rebuilds it from raw (pipelines/assets/dbt.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from pipelines.warehouse.build_inputs import node_digest

INCREMENTAL_STATE = "meta.dbt_incremental_models"


def incremental_fingerprints(manifest: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Per incremental model (dbt unique id): its table and a hash of its definition (build_inputs.node_digest)."""
    macros = manifest.get("macros", {})
    return {
        unique_id: (f"{node['schema']}.{node['name']}", node_digest(node, macros))
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    }


def stale_incremental_models(con: duckdb.DuckDBPyConnection, fingerprints: Mapping[str, tuple[str, str]]) -> list[str]:
    """Incremental models whose table exists but was built with another definition (or before fingerprints were
    kept)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(f"CREATE TABLE IF NOT EXISTS {INCREMENTAL_STATE} (model VARCHAR PRIMARY KEY, fingerprint VARCHAR)")
    built = dict(con.execute(f"SELECT model, fingerprint FROM {INCREMENTAL_STATE}").fetchall())
    tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
    existing = {f"{schema}.{table}" for schema, table in tables}
    return sorted(table for table, digest in fingerprints.values() if table in existing and built.get(table) != digest)


def remember_incremental_models(
    con: duckdb.DuckDBPyConnection, fingerprints: Mapping[str, tuple[str, str]], run_results: Mapping[str, Any]
) -> None:
    """The definitions the incremental models this dbt call built (successfully) were built with."""
    rows = [fingerprints[r["unique_id"]] for r in run_results["results"]
            if r["unique_id"] in fingerprints and r["status"] == "success"]  # fmt: skip
    if rows:
        con.executemany(f"INSERT OR REPLACE INTO {INCREMENTAL_STATE} VALUES (?, ?)", rows)
