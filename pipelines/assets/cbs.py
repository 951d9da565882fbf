"""Ingest assets for CBS open data: one asset per table family in the registry.

Online, the asset first fetches every table of its family from CBS and stores each response as a snapshot;
offline (the default) it uses the snapshots already on disk. Either way it then loads every snapshot not yet in
the warehouse into ``raw.<family table>``.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import WAREHOUSE_POOL, CbsSource
from pipelines.sources.cbs.fetch import fetch_family
from pipelines.sources.cbs.load import load_family
from pipelines.sources.cbs.registry import TableFamily, load_registry


def cbs_family_asset(family: TableFamily) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", family.raw_table],
        group_name="cbs",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description=f"CBS {family.title} ({family.api}, tables {', '.join(family.tables.values())}): every "
        "snapshot loaded append-only in long form (one row per region x period x measure).",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: DuckDBResource, cbs: CbsSource) -> dg.MaterializeResult:
        store = cbs.store()
        new_releases: list[str] = []
        if cbs.online:
            fetched = fetch_family(cbs.client(), store, family, tuple(cbs.gemeenten))
            new_releases = fetched.new
            context.log.info(f"{family.title}: fetched {len(fetched.snapshots)} table(s), new releases: {new_releases}")
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
            context.log.warning(f"{table_id}: registry measure(s) {stems} are not in this table")
        return dg.MaterializeResult(
            metadata={
                "mode": "online" if cbs.online else "offline (snapshots only)",
                "new_releases": ", ".join(new_releases) or "none",
                "snapshots_loaded": len(result.snapshots_loaded),
                "snapshots_already_loaded": len(result.snapshots_skipped),
                "observations_loaded": result.observations_loaded,
                "observations_total": total,
                "tables_without_snapshot": ", ".join(result.tables_without_snapshot) or "none",
            }
        )

    return _asset


cbs_assets = [cbs_family_asset(family) for family in load_registry().values()]
