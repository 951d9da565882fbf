"""Jobs and schedules: named selections of the asset graph that a user, a sensor or a schedule runs."""

import dagster as dg

from pipelines import asset_keys
from pipelines.assets.dbt import data_quality_dbt_assets
from pipelines.checks.cbs_checks import cbs_checks
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.files.spec import source_specs
from pipelines.sources.geo.load import SOURCE as MAP_SOURCE

full_refresh = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every source, build and test every dbt model, run the GX checks and publish to Superset.",
)


def refresh_selection(raw_tables: list[str]) -> dg.AssetSelection:
    """What loading some sources touches: their raw assets and everything downstream, plus what those downstream
    models read besides (seeds, other staging views), so a view never points at a missing table. Other ingest
    assets are not re-run (a CBS refresh must not load files waiting in the inbox, nor the other way round)."""
    raw = dg.AssetSelection.assets(*(asset_keys.raw(table) for table in raw_tables))
    other_ingest = dg.AssetSelection.key_prefixes("raw") - raw
    downstream = raw.downstream() - other_ingest
    return downstream | (downstream.upstream() - dg.AssetSelection.key_prefixes("raw"))


cbs_refresh = dg.define_asset_job(
    name="cbs_refresh",
    selection=refresh_selection([family.raw_table for family in load_registry().values()]),
    description="CBS open data: fetch new releases (cbs mode online in installation.yaml) or reload the snapshots, "
    "then rebuild and "
    "test everything downstream and publish.",
)

cbs_check = dg.define_asset_job(
    name="cbs_check",
    selection=dg.AssetSelection.checks(cbs_checks)
    | dg.AssetSelection.assets(data_quality_dbt_assets)
    | dg.AssetSelection.assets(asset_keys.SERVING),
    description="Hold every CBS registry table against CBS's metadata (online) or the stored snapshots (offline), "
    "without loading anything, and show the outcome on the data-quality dashboard (`python -m pipelines "
    "cbs-check` prints the same report in the terminal).",
)

INBOX_SOURCES = [*source_specs(), MAP_SOURCE]  # every folder of the inbox

gemeente_files = dg.define_asset_job(
    name="gemeente_files",
    selection=refresh_selection(INBOX_SOURCES),
    description="Load the files waiting in the inbox (subsidies, care, initiatives, voorzieningen, indicators, "
    "postcodes, the Wijk- en buurtkaart) and rebuild what reads them. The inbox sensor runs it once per file.",
)

# CBS publishes most of these tables once or twice a year, on dates that vary; a weekly look costs little, since
# an unchanged table yields the same snapshot and loads nothing. Off by default: turn it on in the Dagster UI
# (Automation) once the pipeline runs online against the CBS API.
cbs_refresh_weekly = dg.ScheduleDefinition(
    name="cbs_refresh_weekly",
    job=cbs_refresh,
    cron_schedule="0 6 * * 1",
    execution_timezone="Europe/Amsterdam",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Monday 06:00: look for new CBS releases.",
)
