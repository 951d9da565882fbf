"""``cbs_check`` asset checks: each CBS family's tables held against the registry (pipelines/sources/cbs/check.py),
online against the CBS API's metadata, offline against the stored snapshots.

Not blocking and only a warning: a table that changed at CBS is for the data team to look into (the loader
already records a measure an edition lacks as ``not_published``), not a reason to stop the refresh. Every table's
outcome goes into meta.check_results, which the data-quality dashboard shows.
"""

from collections.abc import Iterable

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import asset_keys
from pipelines.resources import WAREHOUSE_POOL, CbsSource
from pipelines.sources.cbs.check import FamilyCheck, check_offline, check_online
from pipelines.sources.cbs.registry import TableFamily, load_registry
from pipelines.warehouse.check_results import CheckResult, record

STATUS = {"ok": "pass", "no_snapshot": "skipped", "deviation": "warn", "error": "error"}  # -> check_results


def check_results(fc: FamilyCheck) -> list[CheckResult]:
    """One outcome per table, and one for the catalogue when it lists an edition the registry does not."""
    target = f"raw.{fc.family.raw_table}"
    results = [
        CheckResult(
            kind="cbs_check",
            target=target,
            check_name=f"cbs_check_{t.table_id}",
            status=STATUS[t.status],
            failures=len(t.missing) + len(t.dimensions_missing) + len(t.dimensions_unknown) + int(t.discontinued),
            details=f"{fc.family.title} {t.edition}: {t.describe()}",
        )
        for t in fc.tables
    ]
    if fc.newer:
        editions = ", ".join(f"{e.get('Identifier')} ({(e.get('Title') or '').strip()})" for e in fc.newer)
        results.append(
            CheckResult(
                kind="cbs_check",
                target=target,
                check_name=f"cbs_check_{fc.family.name}_catalogus",
                status="warn",
                failures=len(fc.newer),
                details=f"{fc.family.title}: newer edition(s) not in the registry: {editions}",
            )
        )
    return results


def cbs_check_step(families: Iterable[TableFamily]) -> dg.AssetChecksDefinition:
    """One step (Dagster's cost is per step) with a ``cbs_check`` per family, on the family's raw table."""
    families = {asset_keys.raw(family.raw_table): family for family in families}
    specs = [
        dg.AssetCheckSpec(
            "cbs_check",
            asset=key,
            blocking=False,
            description=f"The tables of {family.title} ({', '.join(family.tables.values())}) against the registry: "
            "measures, dimensions, periods on offer, and (online) newer editions in the CBS catalogue.",
        )
        for key, family in families.items()
    ]

    @dg.multi_asset_check(
        name="cbs_checks",
        specs=specs,
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description="Every CBS family's tables against the registry (a warning, never blocking).",
    )
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource, cbs: CbsSource):
        selected = {check.asset_key for check in context.selected_asset_check_keys}
        for key, family in families.items():
            if key not in selected:
                continue
            fc = check_online(family, cbs.client()) if cbs.online else check_offline(family, cbs.store())
            for table in fc.tables:
                log = context.log.warning if table.status in ("deviation", "error") else context.log.info
                log(f"{table.table_id} ({table.edition}): {table.status}: {table.describe()}")
            with warehouse.get_connection() as con:  # not held while CBS answers
                record(con, context.run.run_id, check_results(fc))
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name="cbs_check",
                passed=not fc.differs,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "mode": "online" if cbs.online else "offline (stored snapshots)",
                    "catalogue": fc.catalogue,
                    **{f"{t.edition} {t.table_id}": f"{t.status}: {t.describe()}" for t in fc.tables},
                },
            )

    return _checks


cbs_checks = cbs_check_step(load_registry().values())
