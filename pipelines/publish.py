"""Publish the marts to ``serving.duckdb``, the only file Superset reads.

The pipeline never writes the file Superset has open: it builds a complete new file next to it, closes it and
``os.replace``s it over the old one. Readers that already opened the old file keep reading it; new
connections see the new one. (Within one process DuckDB shares an open database per path, so a connection
opened while another still holds the old file sees the old file until that one closes; Superset opens a
connection per query.) There is never a half-written serving file.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.assets.dbt import MART_KEYS
from pipelines.resources import WAREHOUSE_POOL, ServingFile
from pipelines.sql import literal, quote


def publish_marts(warehouse: Path, serving: Path, config: Mapping[str, str] | None = None) -> dict[str, int]:
    """Copy every table of the warehouse's ``marts`` schema into a fresh serving file; returns rows per table.
    `config`: DuckDB settings for the copy (the warehouse's memory limit and spill folder)."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    staging = serving.with_name(f".{serving.name}.{os.getpid()}.new")
    staging.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(staging), config=dict(config or {}))
        try:
            con.execute(f"ATTACH {literal(str(warehouse))} AS wh (READ_ONLY)")
            tables = [
                row[0]
                for row in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh' AND schema_name = 'marts' "
                    "ORDER BY table_name"
                ).fetchall()
            ]
            for table in tables:
                con.execute(f"CREATE TABLE main.{quote(table)} AS SELECT * FROM wh.marts.{quote(table)}")
                counts[table] = con.execute(f"SELECT count(*) FROM main.{quote(table)}").fetchall()[0][0]
            con.execute("DETACH wh")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(staging, serving)
    finally:
        staging.unlink(missing_ok=True)
    return counts


@dg.asset(
    key=["serving", "serving_duckdb"],
    deps=MART_KEYS,
    group_name="serving",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="Every mart copied into serving.duckdb (read by Superset), replaced atomically.",
)
def publish(context: dg.AssetExecutionContext, warehouse: DuckDBResource, serving: ServingFile) -> dg.MaterializeResult:
    counts = publish_marts(Path(warehouse.database), Path(serving.path), warehouse.connection_config)
    context.log.info(f"published {len(counts)} table(s) to {serving.path}: {counts}")
    return dg.MaterializeResult(metadata={"path": serving.path, **{f"rows.{t}": n for t, n in counts.items()}})
