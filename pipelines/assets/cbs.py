"""Ingest assets for CBS open data: one asset per table family in the registry, loading snapshots into raw."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import WAREHOUSE_POOL, StateFolders
from pipelines.sources.cbs.load import load_family
from pipelines.sources.cbs.registry import TableFamily, load_registry
from pipelines.sources.cbs.snapshots import SnapshotStore


def cbs_family_asset(family: TableFamily) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", family.raw_table],
        group_name="cbs",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description=f"CBS {family.title}: every snapshot of tables {', '.join(family.tables.values())}, "
        "loaded append-only in long form (one row per region x measure).",
    )
    def _asset(
        context: dg.AssetExecutionContext, warehouse: DuckDBResource, state: StateFolders
    ) -> dg.MaterializeResult:
        store = SnapshotStore(Path(state.snapshots) / "cbs")
        with warehouse.get_connection() as con:
            result = load_family(con, store, family, load_id=context.run.run_id)
            total = con.execute(f"SELECT count(*) FROM raw.{family.raw_table}").fetchall()[0][0]
        context.log.info(
            f"{family.title}: {len(result.snapshots_loaded)} snapshot(s) loaded "
            f"({result.observations_loaded} observations), {len(result.snapshots_skipped)} already present"
        )
        if result.tables_without_snapshot:
            context.log.warning(f"no snapshot on disk for table(s) {result.tables_without_snapshot} in {store.root}")
        for table_id, stems in result.missing_measures.items():
            context.log.warning(f"{table_id}: registry measure(s) {stems} are not topics of this table")
        return dg.MaterializeResult(
            metadata={
                "snapshots_loaded": len(result.snapshots_loaded),
                "snapshots_already_loaded": len(result.snapshots_skipped),
                "observations_loaded": result.observations_loaded,
                "observations_total": total,
                "tables_without_snapshot": ", ".join(result.tables_without_snapshot) or "none",
            }
        )

    return _asset


cbs_assets = [cbs_family_asset(family) for family in load_registry().values()]
