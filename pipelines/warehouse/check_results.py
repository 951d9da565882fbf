"""Check outcomes kept in the warehouse: ``meta.check_results``, appended, one row per check per run; and
``meta.checked_loads``, the loads of each raw table that passed its suites (so they are not checked again).

Two kinds of writer, both in the warehouse pool (``duckdb_warehouse``) like every writer:

- every Great Expectations check (pipelines/checks/gx_checks.py) records its outcome as it runs;
- each dbt build (pipelines/assets/dbt.py) records the outcome of every data test and unit test it ran, read from
  dbt's ``run_results.json`` once dbt has finished (so also when tests failed).

Only what a data team needs to judge a check is stored: which check, on which table, pass or fail, how many rows
or expectations failed, and a short reason. Never the failing values themselves: a GX example could be a BSN
that slipped into a pseudonym column, and the data-quality marts are published to Superset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

CHECK_RESULTS = """
    run_id VARCHAR NOT NULL,
    checked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    kind VARCHAR NOT NULL,
    target VARCHAR,
    check_name VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    failures BIGINT,
    rows_checked BIGINT,
    details VARCHAR
"""
CHECKED_LOADS = """
    target VARCHAR NOT NULL,
    contract VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    checked_at TIMESTAMP WITH TIME ZONE NOT NULL
"""
KINDS = {"test": "dbt_test", "unit_test": "dbt_unit_test"}  # dbt resource type -> kind


@dataclass(frozen=True)
class CheckResult:
    kind: str  # gx, dbt_test, dbt_unit_test
    target: str | None  # the warehouse table checked, schema.table
    check_name: str
    status: str  # pass, fail, warn, error, skipped
    failures: int | None = None  # failed expectations (GX) or failing rows (dbt)
    rows_checked: int | None = None
    details: str | None = None


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(f"CREATE TABLE IF NOT EXISTS meta.check_results ({CHECK_RESULTS})")
    con.execute(f"CREATE TABLE IF NOT EXISTS meta.checked_loads ({CHECKED_LOADS})")


def record(
    con: duckdb.DuckDBPyConnection, run_id: str, results: Iterable[CheckResult], checked_at: datetime | None = None
) -> int:
    """Append the outcomes of one run; returns how many were recorded."""
    ensure_table(con)
    when = checked_at or datetime.now(UTC)
    rows = [
        (run_id, when, r.kind, r.target, r.check_name, r.status, r.failures, r.rows_checked, r.details) for r in results
    ]
    if rows:
        con.executemany("INSERT INTO meta.check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def unchecked_loads(con: duckdb.DuckDBPyConnection, table: str, contract: str) -> list[str]:
    """The loads of a raw table that have not passed its suites in this version (`contract`)."""
    ensure_table(con)
    return [
        load
        for (load,) in con.execute(
            f"""SELECT DISTINCT load_id FROM {table}
                EXCEPT SELECT load_id FROM meta.checked_loads WHERE target = ? AND contract = ?
                ORDER BY 1""",
            [table, contract],
        ).fetchall()
    ]


def record_checked_loads(
    con: duckdb.DuckDBPyConnection, run_id: str, table: str, contract: str, loads: list[str]
) -> None:
    """These loads passed the suites of this contract."""
    ensure_table(con)
    when = datetime.now(UTC)
    rows = [(table, contract, load, run_id, when) for load in loads]
    con.executemany("INSERT INTO meta.checked_loads VALUES (?, ?, ?, ?, ?)", rows)


def _target(node: Mapping[str, Any] | None) -> str | None:
    if not node:
        return None
    return f"{node['schema']}.{node.get('alias') or node['name']}"


def dbt_check_results(run_results: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[CheckResult]:
    """The data tests and unit tests of one dbt invocation, each with the table it checks (the model a test is
    attached to, else the first node it depends on)."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    results = []
    for result in run_results.get("results", []):
        unique_id = result["unique_id"]
        kind = KINDS.get(unique_id.split(".", 1)[0])
        if kind is None:
            continue
        test = manifest.get("nodes", {}).get(unique_id) or manifest.get("unit_tests", {}).get(unique_id) or {}
        checked = test.get("attached_node") or next(iter(test.get("depends_on", {}).get("nodes", [])), None)
        failures = result.get("failures")
        results.append(
            CheckResult(
                kind=kind,
                target=_target(nodes.get(checked)),
                check_name=test.get("name") or unique_id.rsplit(".", 1)[-1],
                status=str(result["status"]),
                failures=int(failures) if failures is not None else None,
                details=(result.get("message") or None) if result["status"] != "pass" else None,
            )
        )
    return results
