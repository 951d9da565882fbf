"""The warehouse's bookkeeping tables as assets, so the data-quality marts hang in the graph where their facts
come from. Once the files of a run are in, the load log and the quarantine are also published to
``intake.duckdb`` beside serving.duckdb: the data team can read them there while a refresh holds the warehouse.

``quarantine.<source>`` and ``meta.file_loads`` are written by the ingest assets of the inbox (raw/<source>), in
the same transaction as the raw rows; ``meta.check_results`` by every GX check as it runs and after every dbt
build (pipelines/warehouse/check_results.py). None of them is written here. These assets make sure the tables
exist, mark the point in a run after which each is complete for that run (after every ingest asset; after every
mart and its checks), and report what they hold. The data-quality marts (dbt models tagged `datakwaliteit`) read them.
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import asset_keys
from pipelines.jobs import INBOX_SOURCES
from pipelines.publish import publish_intake_view, remove_stale
from pipelines.resources import WAREHOUSE_POOL, Intake
from pipelines.sources.files.load import ensure_tables
from pipelines.sources.files.spec import source_specs
from pipelines.sources.geo import load as kaart
from pipelines.warehouse.check_results import ensure_table

GROUP = "meta"
INGEST = [asset_keys.raw(source) for source in INBOX_SOURCES]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            asset_keys.FILE_LOADS,
            deps=INGEST,
            group_name=GROUP,
            kinds={"duckdb"},
            description="meta.file_loads: one line per delivered file and attempt (rows in the file, loaded, "
            "quarantined by reason, status), written by the gemeente-file ingest assets.",
        ),
        *(
            dg.AssetSpec(
                asset_keys.quarantine(source),
                deps=[asset_keys.raw(source)],
                group_name=GROUP,
                kinds={"duckdb"},
                description=f"quarantine.{source}: the rejected rows of {source} files with their reasons, written "
                f"by raw/{source} in the same transaction as raw.{source}.",
            )
            for source in INBOX_SOURCES
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def gemeente_file_bookkeeping(context: dg.AssetExecutionContext, warehouse: DuckDBResource, intake: Intake):
    view = Path(intake.view)
    with warehouse.get_connection() as con:
        for spec in source_specs().values():
            ensure_tables(con, spec)
        kaart.ensure_tables(con)
        for path in remove_stale(view):
            context.log.info(f"removed {path.name}, left behind by a run that did not finish")
        published = publish_intake_view(con, view)
        files = con.execute("SELECT source, status, count(*) FROM meta.file_loads GROUP BY ALL").fetchall()
        reasons = {
            source: con.execute(
                f"SELECT reason_code, count(*) FROM quarantine.{source} GROUP BY ALL ORDER BY ALL"
            ).fetchall()
            for source in INBOX_SOURCES
        }
    context.log.info(f"load log and quarantine published to {view} (readable while a refresh runs)")
    yield dg.MaterializeResult(
        asset_key=asset_keys.FILE_LOADS,
        metadata={
            "intake_view": str(view),
            **{f"files_{status}.{source}": n for source, status, n in sorted(files)},
            **{f"view_rows.{t}": n for t, n in published.items()},
        },
    )
    for source, counts in reasons.items():
        yield dg.MaterializeResult(
            asset_key=asset_keys.quarantine(source),
            metadata={"rows": sum(n for _, n in counts), **{f"rows.{reason}": n for reason, n in counts}},
        )


@dg.asset(
    key=asset_keys.CHECK_RESULTS,
    deps=asset_keys.CORE_MARTS,
    group_name=GROUP,
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="meta.check_results: the outcome of every GX check and dbt test per run, appended by the checks "
    "and the dbt builds; complete for a run once every mart but the data-quality ones has been built and checked.",
)
def check_results(warehouse: DuckDBResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        ensure_table(con)
        counts = con.execute(
            """SELECT kind, status, count(*) FROM (
                   SELECT * FROM meta.check_results
                   QUALIFY row_number() OVER (PARTITION BY kind, target, check_name ORDER BY checked_at DESC) = 1
               ) GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
    return dg.MaterializeResult(metadata={f"latest_{status}.{kind}": n for kind, status, n in counts})


meta_assets = [gemeente_file_bookkeeping, check_results]
