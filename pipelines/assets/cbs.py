"""Ingest assets for CBS open data: one asset per table family in the registry.

Online, the asset first fetches every table of its family from CBS and stores each response as a snapshot;
offline (the default) it uses the snapshots already on disk. Either way it then loads every snapshot not yet in
the warehouse into ``raw.<family table>``. A registry measure a release does not publish is loaded as
``not_published`` cells and logged: as information where the registry says that edition lacks it, as a warning
where it does not (CBS may have renamed or dropped it; ``python -m pipelines cbs-check`` tells more).
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import asset_keys
from pipelines.resources import WAREHOUSE_POOL, CbsSource
from pipelines.sources.cbs.fetch import fetch_family
from pipelines.sources.cbs.load import load_family
from pipelines.sources.cbs.registry import TableFamily, load_registry


def cbs_family_asset(family: TableFamily) -> dg.AssetsDefinition:
    @dg.asset(
        key=asset_keys.raw(family.raw_table),
        group_name="cbs",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description=f"CBS {family.title} ({family.api}, tables {', '.join(family.tables.values())}): every "
        "snapshot loaded append-only in long form (one row per region x period x measure).",
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: DuckDBResource, cbs: CbsSource) -> dg.MaterializeResult:
        store = cbs.store()
        used = cbs.editions(family)
        new_releases: list[str] = []
        if cbs.online:
            fetched = fetch_family(cbs.client(), store, used, tuple(cbs.gemeenten))
            new_releases = fetched.new
            context.log.info(f"{family.title}: fetched {len(fetched.snapshots)} table(s), new releases: {new_releases}")
        with warehouse.get_connection() as con:
            result = load_family(con, store, used, load_id=context.run.run_id)
            total = con.execute(f"SELECT count(*) FROM raw.{family.raw_table}").fetchall()[0][0]
        context.log.info(
            f"{family.title}: {len(result.snapshots_loaded)} snapshot(s) loaded "
            f"({result.observations_loaded} observations), {len(result.snapshots_skipped)} already present"
        )
        if result.tables_without_snapshot:
            context.log.warning(f"no snapshot on disk for table(s) {result.tables_without_snapshot} in {store.root}")
        unexpected = result.unexpected(family)
        for table_id, names in result.not_published.items():
            if table_id in unexpected:
                context.log.warning(
                    f"{table_id}: registry measure(s) {unexpected[table_id]} are not in this release (loaded as "
                    "not_published); the registry does not expect that: run `python -m pipelines cbs-check`"
                )
            else:
                context.log.info(f"{table_id}: {names} not published in this edition, as the registry says")
        return dg.MaterializeResult(
            metadata={
                "mode": "online" if cbs.online else "offline (snapshots only)",
                "new_releases": ", ".join(new_releases) or "none",
                "snapshots_loaded": len(result.snapshots_loaded),
                "snapshots_already_loaded": len(result.snapshots_skipped),
                "observations_loaded": result.observations_loaded,
                "observations_total": total,
                "tables_without_snapshot": ", ".join(result.tables_without_snapshot) or "none",
                "not_published": "; ".join(f"{t}: {', '.join(n)}" for t, n in result.not_published.items()) or "none",
                "not_published_unexpected": ", ".join(unexpected) or "none",
            }
        )

    return _asset


cbs_assets = [cbs_family_asset(family) for family in load_registry().values()]
