"""Command line for the data team: ``python -m pipelines <command>`` (the Makefile calls these).

prepare    write $DAGSTER_HOME/dagster.yaml and parse the dbt project (dagster-dbt needs the manifest)
demo-data  write the SYNTHETIC demo region's source data into the state folder
refresh    run the full_refresh job (ingest, dbt build, GX checks, publish) on the persistent instance
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from pipelines.config import Settings
from pipelines.instance import parse_dbt_project, prepare_dagster_home

log = logging.getLogger("pipelines")


def prepare(settings: Settings) -> None:
    instance = prepare_dagster_home(settings)
    manifest = parse_dbt_project(settings)
    log.info("prepared: Dagster instance %s, dbt manifest %s", instance, manifest)


def demo_data(settings: Settings) -> None:
    from pipelines.demo.cbs import write_cbs_demo
    from pipelines.sources.cbs.registry import load_registry
    from pipelines.sources.cbs.snapshots import SnapshotStore

    store = SnapshotStore(settings.snapshots / "cbs")
    snapshots = write_cbs_demo(store, load_registry())
    log.info("demo data (SYNTHETIC): %d CBS snapshots in %s", len(snapshots), store.root)


def refresh(settings: Settings) -> int:
    import dagster as dg

    from pipelines.definitions import build_definitions

    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    with dg.DagsterInstance.get() as instance:
        result = (
            build_definitions(settings)
            .resolve_job_def("full_refresh")
            .execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            )
        )
    failed_checks = [
        evaluation.asset_check_key.to_user_string()
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    checks = result.get_asset_check_evaluations()
    log.info(
        "run %s: %d asset(s) materialised, %d of %d checks passed",
        result.run_id,
        len(materialized),
        len(checks) - len(failed_checks),
        len(checks),
    )
    if failed_checks:
        log.error("failed checks (downstream assets were not built): %s", ", ".join(failed_checks))
    if not result.success or failed_checks:
        log.error("refresh FAILED; open the run in the Dagster UI for details (run id %s)", result.run_id)
        return 1
    log.info("serving file for Superset: %s", settings.serving)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["prepare", "demo-data", "refresh"])
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S"))
    log.addHandler(handler)  # only our logger: Dagster prints run events through its own console logger
    log.setLevel(logging.INFO)
    settings = Settings.from_env()
    if args.command == "prepare":
        prepare(settings)
    elif args.command == "demo-data":
        demo_data(settings)
    else:
        return refresh(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
