"""The Wijk- en buurtkaart as assets: ``raw/wijkenbuurtkaart`` loads GeoPackages from ``inbox/wijkenbuurtkaart/``,
``geo/kaartvlakken`` turns the newest map per classification year into shapes for the dashboards' maps.

Reading, checking and preparing the geometry are in ``pipelines/sources/geo/``; the assets pick files, log and
report, as the gemeente-file assets do: a map that cannot be loaded never stops the run; it is logged as failed
and moved to ``rejected/``.
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.asset_keys import MAP, MAP_SHAPES
from pipelines.assets.gemeente_files import GROUP, IntakeConfig, file_metadata, inbox_entries, report
from pipelines.config import Settings
from pipelines.resources import WAREHOUSE_POOL, Intake
from pipelines.sources.geo.load import SOURCE, ensure_tables, ingest_kaart
from pipelines.sources.geo.shapes import TABLE, build_map_shapes


@dg.asset(
    key=MAP,
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
    intake: Intake,
    settings: dg.ResourceParam[Settings],
) -> dg.MaterializeResult:
    entries = inbox_entries(SOURCE, intake, config, context.log)
    context.log.info(f"{SOURCE}: {len(entries)} file(s) to load from {Path(intake.inbox) / SOURCE}")
    places, results, gemeenten = intake.places(), [], list(settings.installation.gemeenten)
    with warehouse.get_connection() as con:
        ensure_tables(con)  # the staging views need the tables before the first map arrives
        for entry in entries:
            result = ingest_kaart(con, entry, places, load_id=context.run.run_id, gemeenten=gemeenten)
            report(context.log, result)
            results.append(result)
        totals = tuple(con.execute(f"SELECT count(*) FROM {schema}.{SOURCE}").fetchall()[0][0]
                       for schema in ("raw", "quarantine"))  # fmt: skip
        years = con.execute(f"SELECT list(DISTINCT indeling_jaar ORDER BY indeling_jaar) FROM raw.{SOURCE}").fetchone()
    return dg.MaterializeResult(
        metadata={**file_metadata(results, totals), "classification_years": dg.MetadataValue.json(years[0] or [])}
    )


@dg.asset(
    key=MAP_SHAPES,
    deps=[MAP],
    group_name=GROUP,
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="geo.kaartvlakken: per classification year (the newest map) every gemeente, wijk and buurt as "
    "simplified WGS84 GeoJSON polygons without holes, one row per part, for the dashboards' maps.",
)
def kaart_shapes(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        rows = build_map_shapes(con)
        per_year = con.execute(f"SELECT indeling_jaar, niveau, count(DISTINCT regio_code) FROM {TABLE} GROUP BY ALL "
                               "ORDER BY ALL").fetchall()  # fmt: skip
    context.log.info(f"{TABLE}: {rows} polygon(s); regions per year and level: {per_year}")
    return dg.MaterializeResult(
        metadata={"polygons": rows, **{f"regions.{year}.{level}": n for year, level, n in per_year}}
    )


kaart_assets = [wijkenbuurtkaart, kaart_shapes]
