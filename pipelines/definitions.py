"""The Dagster code location (loaded by workspace.yaml): it only assembles the pieces."""

import dagster as dg

from pipelines.assets.cbs import cbs_assets
from pipelines.assets.dbt import data_quality_dbt_assets, sbm_dbt_assets
from pipelines.assets.gemeente_files import gemeente_file_assets
from pipelines.assets.kaart import kaart_assets
from pipelines.assets.meta import meta_assets
from pipelines.checks.cbs_checks import cbs_checks
from pipelines.checks.gx_checks import gx_checks
from pipelines.config import Settings
from pipelines.console import one_line_console
from pipelines.jobs import cbs_check, cbs_refresh, cbs_refresh_weekly, full_refresh, gemeente_files
from pipelines.publish import publish
from pipelines.resources import build_resources
from pipelines.retention import archive_purge, archive_purge_daily
from pipelines.sensors import dead_run_sensor, inbox_sensor


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            *cbs_assets,
            *gemeente_file_assets,
            *kaart_assets,
            sbm_dbt_assets,
            *meta_assets,
            data_quality_dbt_assets,
            publish,
        ],  # fmt: skip
        asset_checks=[*gx_checks, cbs_checks],
        jobs=[full_refresh, cbs_refresh, cbs_check, gemeente_files, archive_purge],
        schedules=[cbs_refresh_weekly, archive_purge_daily],
        sensors=[inbox_sensor, dead_run_sensor],
        resources=build_resources(settings),
        loggers={"console": one_line_console},  # the terminal gets one line per event (pipelines/console.py)
        # Steps run one after another in the run's process: DuckDB allows a single writer (see resources).
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """What `dagster dev` loads (workspace.yaml): the installation of this environment, read when loaded, not on
    import, so that importing the pipeline needs no installation file."""
    return build_definitions(Settings.from_env())
