"""Blocking asset checks: the Great Expectations suites (``expectations/*.json``) on what a run loaded or built.

What each check reads:

- a raw table: the rows of its loads (``load_id``) that have not passed the table's suites yet, so a load is
  checked once, not again on every run; for a CBS table only the rows of each table's newest release among them
  (what staging reads). A load that failed is checked again in the next run and keeps blocking until it is fixed
  or removed; a changed suite file checks every load again (``meta.checked_loads`` remembers what passed which
  version of the suites);
- a mart: all of it, after every build.

Suites run as DuckDB SQL where SQL can express them, else with GX (pipelines/checks/expectations.py). A failing
check stops everything downstream of its asset in the same run: a bad raw load never reaches dbt, a bad mart is
never published to Superset. Every outcome goes into ``meta.check_results``.

The checks run in a few steps rather than one step per table (Dagster's cost is per step), grouped by what waits
for them: the CBS regions (the gemeente files are checked against them), the other CBS tables, the gemeente
files' tables (dbt waits for all raw tables), the marts (publish waits for all) and the data-quality marts.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines import asset_keys
from pipelines.asset_keys import KNOWN_REGIONS
from pipelines.checks.expectations import validate_relation
from pipelines.checks.gx import Outcome, suite_path
from pipelines.config import Settings
from pipelines.resources import WAREHOUSE_POOL
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.files.spec import source_specs
from pipelines.sources.geo.load import SOURCE as MAP_SOURCE
from pipelines.sql import literal
from pipelines.warehouse.check_results import CheckResult, record, record_checked_loads, unchecked_loads

MAY_BE_NEGATIVE = {"iv3_lasten"}  # Iv3 amounts include corrections below zero


@dataclass(frozen=True)
class Target:
    """One check: the suites that guard an asset's table, and which of its rows they read."""

    asset_key: dg.AssetKey
    suites: tuple[str, ...]
    new_loads: bool = False  # raw: the loads not yet checked; else the whole table
    newest_release: bool = False  # CBS: of those, only each table's newest snapshot
    select: str = "*"  # the columns the suites read

    @property
    def table(self) -> str:
        return ".".join(self.asset_key.path)

    @property
    def check_name(self) -> str:
        return f"gx_{self.asset_key.path[-1]}"

    def contract(self, parameters: dict[str, Any]) -> str:
        """The version of the suites and the installation's parameters: a load that passed one version is checked
        again under another."""
        digest = hashlib.sha256(json.dumps(parameters, sort_keys=True).encode())
        for name in self.suites:
            digest.update(name.encode() + b"\0" + suite_path(name).read_bytes())
        return digest.hexdigest()

    def describe(self) -> str:
        rows = "the whole table"
        if self.new_loads:
            rows = "the loads not checked before" + (", newest release of each table" if self.newest_release else "")
        return f"Great Expectations ({rows}): " + ", ".join(f"expectations/{s}.json" for s in self.suites)


def batch(con: duckdb.DuckDBPyConnection, target: Target, contract: str) -> tuple[str, list[str]]:
    """The rows to check, as a relation, and the loads among them (none for a whole table)."""
    if not target.new_loads:
        return target.table, []
    loads = unchecked_loads(con, target.table, contract)
    where = f"load_id IN ({', '.join(literal(load) for load in loads)})" if loads else "false"
    if target.newest_release:
        where += (
            f" AND snapshot_id IN (SELECT arg_max(snapshot_id, retrieved_at) FROM {target.table} GROUP BY table_id)"
        )
    return f"(SELECT {target.select} FROM {target.table} WHERE {where}) AS batch", loads


def run_check(
    context: dg.AssetCheckExecutionContext,
    con: duckdb.DuckDBPyConnection,
    target: Target,
    parameters: dict[str, Any],
) -> dg.AssetCheckResult:
    """Run a target's suites, with the installation's parameters (minimum cell size, target classification)."""
    contract = target.contract(parameters)
    relation, loads = batch(con, target, contract)
    rows = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    if target.new_loads and rows == 0:  # nothing new: every load of the table passed these suites before
        outcomes = [Outcome(name, True, 0, 0, []) for name in target.suites]
    else:
        outcomes = [validate_relation(con, relation, suite_path(name), parameters) for name in target.suites]
    failures = [failure for outcome in outcomes for failure in outcome.failures]
    for failure in failures:
        context.log.error(f"{target.table}: {failure.describe()}")
    passed = all(outcome.success for outcome in outcomes)
    nothing_new = "no new load to check" if target.new_loads and rows == 0 else None
    record(
        con,
        context.run.run_id,
        [
            CheckResult(
                kind="gx",
                target=target.table,
                check_name=target.check_name,
                status="pass" if passed else "fail",
                failures=len(failures),
                rows_checked=rows,
                details="; ".join(failure.describe(examples=False) for failure in failures) or nothing_new,
            )
        ],
    )  # fmt: skip  (the outcome for the data-quality marts, without failing values)
    if passed and loads:
        record_checked_loads(con, context.run.run_id, target.table, contract, loads)
    return dg.AssetCheckResult(
        asset_key=target.asset_key,
        check_name=target.check_name,
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "suites": ", ".join(f"expectations/{name}.json" for name in target.suites),
            "rows_checked": rows,
            "loads_checked": len(loads),
            "expectations_evaluated": sum(outcome.evaluated for outcome in outcomes),
            "expectations_failed": len(failures),
            "failures": [failure.describe() for failure in failures],
        },
    )


def suite_checks(name: str, targets: list[Target], description: str) -> dg.AssetChecksDefinition:
    """One step running the blocking checks of `targets` (those a run selects)."""
    specs = [
        dg.AssetCheckSpec(t.check_name, asset=t.asset_key, blocking=True, description=t.describe()) for t in targets
    ]

    @dg.multi_asset_check(name=name, specs=specs, can_subset=True, pool=WAREHOUSE_POOL, description=description)
    def _checks(
        context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource, settings: dg.ResourceParam[Settings]
    ):
        selected = context.selected_asset_check_keys
        parameters = settings.installation.suite_parameters()
        with warehouse.get_connection() as con:
            for target in targets:
                if dg.AssetCheckKey(target.asset_key, target.check_name) in selected:
                    yield run_check(context, con, target, parameters)

    return _checks


CBS = [
    Target(
        asset_keys.raw(family.raw_table),
        ("raw_cbs",) if name in MAY_BE_NEGATIVE else ("raw_cbs", "raw_cbs_non_negative"),
        new_loads=True,
        newest_release=True,
    )
    for name, family in load_registry().items()
]
GEMEENTE = [Target(asset_keys.raw(source), (f"raw_{source}",), new_loads=True) for source in source_specs()]
# the map's polygons are checked for being there, not read whole (GEOS checked them on loading)
MAP = Target(
    asset_keys.MAP, (f"raw_{MAP_SOURCE}",), new_loads=True,
    select="* EXCLUDE (geometrie), octet_length(geometrie) AS geometrie_bytes",
)  # fmt: skip
# every mart has a suite named after it (tests/unit/test_gx_suites.py insists)
MARTS = [Target(key, (key.path[-1],)) for key in asset_keys.CORE_MARTS]
DATA_QUALITY_MARTS = [Target(key, (key.path[-1],)) for key in asset_keys.DATA_QUALITY_MARTS]

gx_checks = [
    suite_checks("gx_cbs_regions", [t for t in CBS if t.asset_key == KNOWN_REGIONS],
                 "The CBS table the gemeente files' region codes are checked against, before those files load."),
    suite_checks("gx_cbs", [t for t in CBS if t.asset_key != KNOWN_REGIONS], "The other CBS tables' new loads."),
    suite_checks("gx_gemeente_files", [*GEMEENTE, MAP],
                 "The new loads of the gemeente files and the Wijk- en buurtkaart, before dbt reads them."),
    suite_checks("gx_marts", MARTS, "Every mart but the data-quality ones, before they are published."),
    suite_checks("gx_data_quality_marts", DATA_QUALITY_MARTS, "The data-quality marts, before they are published."),
]  # fmt: skip
