"""Jobs and schedules: named selections of the asset graph that a user or a schedule runs."""

import dagster as dg

full_refresh = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every source, build and test every dbt model, run the GX checks and publish to Superset.",
)

cbs_refresh = dg.define_asset_job(
    name="cbs_refresh",
    # the seeds too (crosswalks, code lists): models downstream of CBS join them, and an edited crosswalk applies
    selection=dg.AssetSelection.groups("cbs", "seeds").downstream(),
    description="CBS open data: fetch new releases (SBM_CBS_MODE=online) or reload the snapshots, then rebuild and "
    "test everything downstream and publish.",
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
