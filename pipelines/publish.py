"""Publish the marts to ``serving.duckdb``, the only file Superset reads, and the load log and quarantine to
``intake.duckdb`` beside it (pipelines/assets/meta.py), the data team's view while a refresh holds the warehouse.

The pipeline never writes a file someone has open: it builds a complete new file next to it, closes it and
``os.replace``s it over the old one. Readers that already opened the old file keep reading it; new
connections see the new one. (Within one process DuckDB shares an open database per path, so a connection
opened while another still holds the old file sees the old file until that one closes; Superset opens a
connection per query.) There is never a half-written serving file, and a build that was killed leaves nothing
behind for long: the next publish removes the half-built files of processes that no longer run.

Data leaves here for spreadsheets (Superset's CSV and Excel export, copies of the intake view): a text cell that
a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@`` first) gets a leading apostrophe.
"""

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines import asset_keys
from pipelines.resources import WAREHOUSE_POOL, ServingFile
from pipelines.sources.files.inbox import pid_alive
from pipelines.sql import literal, quote

# a cell a spreadsheet evaluates: =, +, -, @ (also | and %, and after spaces or quotes), but not a negative number
FORMULA = r'^(\s|")*[=+\-@|%]'
NEGATIVE_NUMBER = r"-[0-9]+([.,][0-9]+)*"


def remove_stale(target: Path) -> list[Path]:
    """Half-built files (and their WAL) of a publish whose process is gone, e.g. killed with kill -9."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.new(\.wal)?$")
    stale = []
    for path in target.parent.glob(f".{target.name}.*.new*") if target.parent.is_dir() else []:
        match = pattern.match(path.name)
        if match and not pid_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            stale.append(path)
    return stale


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A path beside ``target`` to build the new file in; when the block ends without an error it replaces
    ``target`` (mode 0600: only the service user, Superset included, reads it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.new")
    wal = staging.with_name(staging.name + ".wal")
    staging.unlink(missing_ok=True)
    try:
        yield staging
        staging.chmod(0o600)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)


def neutralised_select(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> str:
    """``SELECT *`` from a table with every text column's formula-like cells neutralised."""
    texts = [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ? "
            "AND data_type = 'VARCHAR' ORDER BY column_index",
            [database, schema, table],
        ).fetchall()
    ]
    replaced = ", ".join(
        f"CASE WHEN regexp_matches({quote(c)}, {literal(FORMULA)}) AND NOT regexp_full_match({quote(c)}, "
        f"{literal(NEGATIVE_NUMBER)}) THEN '''' || {quote(c)} ELSE {quote(c)} END AS {quote(c)}"
        for c in texts
    )
    source = f"{quote(database)}.{quote(schema)}.{quote(table)}"
    return f"SELECT * REPLACE ({replaced}) FROM {source}" if texts else f"SELECT * FROM {source}"


def _tables(con: duckdb.DuckDBPyConnection, database: str, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    marks = ", ".join("?" for _ in schemas)
    return con.execute(
        f"SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name IN ({marks}) "
        "ORDER BY ALL",
        [database, *schemas],
    ).fetchall()


def publish_marts(warehouse: Path, serving: Path, config: Mapping[str, str] | None = None) -> dict[str, int]:
    """Copy every table of the warehouse's ``marts`` schema into a fresh serving file; returns rows per table.
    `config`: DuckDB settings for the copy (the warehouse's memory limit and spill folder)."""
    counts: dict[str, int] = {}
    with staged(serving) as staging:
        con = duckdb.connect(str(staging), config=dict(config or {}))
        try:
            con.execute(f"ATTACH {literal(str(warehouse))} AS wh (READ_ONLY)")
            for _, table in _tables(con, "wh", ("marts",)):
                con.execute(f"CREATE TABLE main.{quote(table)} AS {neutralised_select(con, 'wh', 'marts', table)}")
                counts[table] = con.execute(f"SELECT count(*) FROM main.{quote(table)}").fetchall()[0][0]
            con.execute("DETACH wh")
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return counts


def publish_intake_view(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """Copy ``meta.file_loads``, ``meta.file_replacements`` and every ``quarantine`` table from the warehouse
    connection ``con`` into ``target`` (same schema and table names); returns rows per table."""
    counts: dict[str, int] = {}
    database = con.execute("SELECT current_database()").fetchall()[0][0]
    with staged(target) as staging:
        con.execute(f"ATTACH {literal(str(staging))} AS intake_view")
        try:
            for schema, table in _tables(con, database, ("meta", "quarantine")):
                if schema == "meta" and not table.startswith("file_"):
                    continue
                con.execute(f"CREATE SCHEMA IF NOT EXISTS intake_view.{schema}")
                select = neutralised_select(con, database, schema, table)
                con.execute(f"CREATE TABLE intake_view.{schema}.{quote(table)} AS {select}")
                counts[f"{schema}.{table}"] = con.execute(
                    f"SELECT count(*) FROM intake_view.{schema}.{quote(table)}"
                ).fetchall()[0][0]
            con.execute("CHECKPOINT intake_view")
        finally:
            con.execute("DETACH intake_view")
    return counts


@dg.asset(
    key=asset_keys.SERVING,
    deps=asset_keys.MARTS,
    group_name="serving",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="Every mart copied into serving.duckdb (read by Superset), replaced atomically.",
)
def publish(context: dg.AssetExecutionContext, warehouse: DuckDBResource, serving: ServingFile) -> dg.MaterializeResult:
    for path in remove_stale(Path(serving.path)):
        context.log.info(f"removed {path.name}, left behind by a publish that did not finish")
    counts = publish_marts(Path(warehouse.database), Path(serving.path), warehouse.connection_config)
    context.log.info(f"published {len(counts)} table(s) to {serving.path}: {counts}")
    return dg.MaterializeResult(metadata={"path": serving.path, **{f"rows.{t}": n for t, n in counts.items()}})
