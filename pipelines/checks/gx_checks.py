"""Blocking asset checks that run a Great Expectations suite on rows of a warehouse table.

A failing check stops everything downstream of its asset in the same run: a bad raw load never reaches dbt,
a bad mart is never published to Superset.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.assets.dbt import MART_KEYS
from pipelines.checks.gx import suite_path, validate
from pipelines.checks.results import CheckResult, record
from pipelines.config import Settings
from pipelines.resources import WAREHOUSE_POOL
from pipelines.sources.cbs.registry import load_registry


def gx_check(asset_key: dg.AssetKey, suites: list[str], query: str) -> dg.AssetChecksDefinition:
    """One blocking check running every suite in `suites` on the rows `query` returns."""
    paths = [suite_path(name) for name in suites]

    @dg.asset_check(
        asset=asset_key,
        name=f"gx_{asset_key.path[-1]}",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description="Great Expectations: " + ", ".join(f"expectations/{p.name}" for p in paths),
    )
    def _check(
        context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource, settings: dg.ResourceParam[Settings]
    ) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            frame = con.execute(query).df()
        outcomes = [validate(frame, path, settings.installation.suite_parameters()) for path in paths]
        failures = [failure for outcome in outcomes for failure in outcome.failures]
        for failure in failures:
            context.log.error(f"{asset_key.to_user_string()}: {failure.describe()}")
        passed = all(outcome.success for outcome in outcomes)
        with warehouse.get_connection() as con:  # the outcome for the data-quality marts, without failing values
            record(con, context.run.run_id, [CheckResult(
                kind="gx",
                target=".".join(asset_key.path),
                check_name=f"gx_{asset_key.path[-1]}",
                status="pass" if passed else "fail",
                failures=len(failures),
                rows_checked=len(frame),
                details="; ".join(failure.describe(examples=False) for failure in failures) or None,
            )])  # fmt: skip
        return dg.AssetCheckResult(
            passed=passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "suites": ", ".join(f"expectations/{p.name}" for p in paths),
                "rows_checked": len(frame),
                "expectations_evaluated": sum(outcome.evaluated for outcome in outcomes),
                "expectations_failed": len(failures),
                "failures": [failure.describe() for failure in failures],
            },
        )

    return _check


def latest_release_rows(table: str) -> str:
    """The rows staging reads: the newest snapshot of each CBS table."""
    return f"""
        SELECT * FROM raw.{table}
        WHERE snapshot_id IN (SELECT arg_max(snapshot_id, retrieved_at) FROM raw.{table} GROUP BY table_id)
    """


MAY_BE_NEGATIVE = {"iv3_lasten"}  # Iv3 amounts include corrections below zero

gx_checks = [
    *(
        gx_check(
            dg.AssetKey(["raw", family.raw_table]),
            ["raw_cbs"] if name in MAY_BE_NEGATIVE else ["raw_cbs", "raw_cbs_non_negative"],
            latest_release_rows(family.raw_table),
        )
        for name, family in load_registry().items()
    ),
    # every mart has a suite named after it (tests/unit/test_gx_suites.py insists)
    *(gx_check(key, [key.path[-1]], f"SELECT * FROM marts.{key.path[-1]}") for key in MART_KEYS),
]
