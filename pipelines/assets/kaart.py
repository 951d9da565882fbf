"""The Wijk- en buurtkaart as assets: ``raw/wijkenbuurtkaart`` loads GeoPackages from ``inbox/wijkenbuurtkaart/``,
``geo/kaartvlakken`` turns the newest map per classification year into shapes for the dashboards' maps.

Reading, checking and preparing the geometry are in ``pipelines/sources/geo/``; the assets pick files, log and
report. A file that cannot be read fails the asset with the reader's message after the other files are loaded.
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.assets.gemeente_files import GROUP, IntakeConfig
from pipelines.resources import WAREHOUSE_POOL, CbsSource, IntakeFolders
from pipelines.sources.files import inbox
from pipelines.sources.files.load import FileLoad
from pipelines.sources.geo.load import SOURCE, ensure_tables, ingest_kaart, pending_maps
from pipelines.sources.geo.vlakken import TABLE, build_kaartvlakken

RAW_KEY = dg.AssetKey(["raw", SOURCE])
SHAPES_KEY = dg.AssetKey(TABLE.split("."))


def _files(config: IntakeConfig, root: Path, log: dg.DagsterLogManager) -> list[inbox.InboxFile]:
    if config.files is None:
        return pending_maps(root)
    entries = [inbox.inbox_file(root, Path(name), [SOURCE]) for name in config.files]
    if missing := [name for name, entry in zip(config.files, entries, strict=True) if entry is None]:
        raise dg.Failure(f"{missing} not in the inbox folder {root / SOURCE}")
    for entry in entries:
        if not entry.path.exists():  # taken by an earlier run since the sensor saw it
            log.info(f"{entry.label(root)} is no longer in the inbox; it was loaded by an earlier run")
    return [entry for entry in entries if entry.path.exists()]


def _summary(result: FileLoad) -> str:
    if result.status != "loaded":
        return result.summary()
    reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(result.reasons.items()))
    return (f"{result.file}: {result.rows_in_file} features = {result.rows_loaded} loaded + "
            f"{result.rows_quarantined} quarantined{f' ({reasons})' if reasons else ''}")  # fmt: skip


@dg.asset(
    key=RAW_KEY,
    group_name=GROUP,
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="CBS/Kadaster Wijk- en buurtkaart (GeoPackage per classification year, layers gemeenten, wijken, "
    "buurten in RD New) from inbox/wijkenbuurtkaart/: the features of the installation's gemeenten, invalid "
    "polygons repaired and flagged, unusable features to quarantine.wijkenbuurtkaart with their reason, one line "
    "per file to meta.file_loads.",
)
def wijkenbuurtkaart(
    context: dg.AssetExecutionContext,
    config: IntakeConfig,
    warehouse: DuckDBResource,
    intake: IntakeFolders,
    cbs: CbsSource,
) -> dg.MaterializeResult:
    root = Path(intake.inbox)
    entries = _files(config, root, context.log)
    context.log.info(f"{SOURCE}: {len(entries)} file(s) to load from {root / SOURCE}")
    results: list[FileLoad] = []
    with warehouse.get_connection() as con:
        ensure_tables(con)  # the staging views need the tables before the first map arrives
        for entry in entries:
            result = ingest_kaart(con, entry, inbox_dir=root, archive_dir=Path(intake.archive),
                                  load_id=context.run.run_id, gemeenten=list(cbs.gemeenten))  # fmt: skip
            (context.log.error if result.status == "failed" else context.log.info)(_summary(result))
            results.append(result)
        years = con.execute(f"SELECT list(DISTINCT indeling_jaar ORDER BY indeling_jaar) FROM raw.{SOURCE}").fetchone()
    metadata = {
        "files_loaded": sum(r.status == "loaded" for r in results),
        "files_duplicate": sum(r.status == "duplicate" for r in results),
        "files_failed": sum(r.status == "failed" for r in results),
        "features_loaded": sum(r.rows_loaded for r in results if r.status == "loaded"),
        "features_quarantined": sum(r.rows_quarantined for r in results if r.status == "loaded"),
        "classification_years": dg.MetadataValue.json(years[0] or []),
    }
    if failed := [r for r in results if r.status == "failed"]:
        raise dg.Failure(description=f"{len(failed)} map file(s) could not be loaded:\n"
                         + "\n".join(r.error or "" for r in failed), metadata=metadata)  # fmt: skip
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=SHAPES_KEY,
    deps=[RAW_KEY],
    group_name=GROUP,
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="geo.kaartvlakken: per classification year (the newest map) every gemeente, wijk and buurt as "
    "simplified WGS84 GeoJSON polygons without holes, one row per part, for the dashboards' maps.",
)
def kaartvlakken(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        rows = build_kaartvlakken(con)
        per_year = con.execute(f"SELECT indeling_jaar, niveau, count(DISTINCT regio_code) FROM {TABLE} GROUP BY ALL "
                               "ORDER BY ALL").fetchall()  # fmt: skip
    context.log.info(f"{TABLE}: {rows} polygon(s); regions per year and level: {per_year}")
    return dg.MaterializeResult(
        metadata={"polygons": rows, **{f"regions.{year}.{level}": n for year, level, n in per_year}}
    )


kaart_assets = [wijkenbuurtkaart, kaartvlakken]
