"""Blocking asset checks that run a Great Expectations suite on rows of a warehouse table.

A failing check stops everything downstream of its asset in the same run: a bad raw load never reaches dbt,
a bad mart is never published to Superset.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.checks.gx import suite_path, validate
from pipelines.resources import WAREHOUSE_POOL
from pipelines.sources.cbs.registry import load_registry


def gx_check(asset_key: dg.AssetKey, suite: str, query: str) -> dg.AssetChecksDefinition:
    path = suite_path(suite)

    @dg.asset_check(
        asset=asset_key,
        name=f"gx_{suite}",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite expectations/{path.name}",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            frame = con.execute(query).df()
        outcome = validate(frame, path)
        for failure in outcome.failures:
            context.log.error(f"{suite}: {failure.describe()}")
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "suite": f"expectations/{path.name}",
                "rows_checked": outcome.rows,
                "expectations_evaluated": outcome.evaluated,
                "expectations_failed": len(outcome.failures),
                "failures": [failure.describe() for failure in outcome.failures],
            },
        )

    return _check


def latest_release_rows(table: str) -> str:
    """The rows staging reads: the newest snapshot of each CBS table."""
    return f"""
        SELECT * FROM raw.{table}
        WHERE snapshot_id IN (SELECT arg_max(snapshot_id, retrieved_at) FROM raw.{table} GROUP BY table_id)
    """


kerncijfers = load_registry()["kerncijfers_wijken_buurten"].raw_table
gx_checks = [
    gx_check(dg.AssetKey(["raw", kerncijfers]), f"raw_{kerncijfers}", latest_release_rows(kerncijfers)),
    gx_check(
        dg.AssetKey(["marts", "fct_zorggebruik_wijk"]),
        "fct_zorggebruik_wijk",
        "SELECT * FROM marts.fct_zorggebruik_wijk",
    ),
]
