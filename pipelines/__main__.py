"""Command line for the data team: ``python -m pipelines <command>`` (the Makefile calls these).

prepare    write $DAGSTER_HOME/dagster.yaml, parse the dbt project if it changed (dagster-dbt needs the manifest),
           make the inbox
demo-data  write the SYNTHETIC demo region's source data into the state folder (CBS snapshots, inbox files)
refresh    run the full_refresh job (ingest, dbt build, GX checks, publish) on the persistent instance;
           `refresh --full-refresh` rebuilds the incremental models from every load in raw
intake     load one gemeente file now: `intake <path> --source subsidies [--gemeente GM0141]` (as the sensor does)
dbt        run dbt on the warehouse with the pipeline's settings: `dbt build --select stg_zorg__berichtregels+`
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from pipelines.config import Settings
from pipelines.instance import dbt_command, parse_dbt_project, prepare_dagster_home

log = logging.getLogger("pipelines")


def prepare(settings: Settings) -> None:
    from pipelines.sources.files.inbox import ensure_inbox
    from pipelines.sources.files.spec import source_specs

    instance = prepare_dagster_home(settings)
    manifest = parse_dbt_project(settings)
    ensure_inbox(settings.inbox, source_specs())
    log.info("prepared: Dagster instance %s, dbt manifest %s, inbox %s", instance, manifest, settings.inbox)


def demo_data(settings: Settings) -> None:
    from pipelines.demo.cbs import write_cbs_demo
    from pipelines.demo.gemeente_files import write_gemeente_files
    from pipelines.sources.cbs.registry import load_registry
    from pipelines.sources.cbs.snapshots import SnapshotStore
    from pipelines.sources.privacy import load_key

    store = SnapshotStore(settings.snapshots / "cbs")
    snapshots = write_cbs_demo(store, load_registry())
    log.info("demo data (SYNTHETIC): %d CBS snapshots in %s", len(snapshots), store.root)
    files = write_gemeente_files(settings.inbox)
    load_key(settings.pseudonym_key_file)  # the demo's pseudonym key, generated once (unless SBM_PSEUDONYM_KEY)
    log.info("demo data (SYNTHETIC): %d gemeente files in %s", len(files), settings.inbox)


def _run(settings: Settings, job: str, run_config: dict | None = None, asset_selection: list | None = None):
    """Execute a job in this process on the persistent instance, logging at INFO to the terminal."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    with dg.DagsterInstance.get() as instance:
        return (
            build_definitions(settings)
            .resolve_job_def(job)
            .execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={**(run_config or {}), "loggers": {"console": {"config": {"log_level": "INFO"}}}},
                asset_selection=asset_selection,
            )
        )


def refresh(settings: Settings, full_refresh: bool = False) -> int:
    config = {"ops": {"sbm_dbt_assets": {"config": {"full_refresh": True}}}} if full_refresh else None
    result = _run(settings, "full_refresh", run_config=config)
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


def intake(settings: Settings, path: Path, source: str | None, gemeente: str | None) -> int:
    """Put a file into the inbox (unless it is there already) and load it in a run of its own."""
    import shutil

    from pipelines.definitions import build_definitions
    from pipelines.sensors import file_run_assets, file_run_config
    from pipelines.sources.files.inbox import GEMEENTE_FOLDER, inbox_file
    from pipelines.sources.files.spec import source_specs

    sources = list(source_specs())
    if gemeente is not None and not GEMEENTE_FOLDER.match(gemeente):
        log.error("--gemeente must be GM followed by 4 digits, e.g. GM0141; got %r", gemeente)
        return 2
    path = path.expanduser().resolve()
    entry = inbox_file(settings.inbox, path, sources)
    if entry is None:
        if source not in sources:
            log.error("give --source, one of %s (or put the file in %s/<source>/)", ", ".join(sources), settings.inbox)
            return 2
        folder = settings.inbox / source / (gemeente or "")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / path.name)
        entry = inbox_file(settings.inbox, folder / path.name, sources)
    graph = build_definitions(settings).get_repository_def().asset_graph
    result = _run(
        settings,
        "gemeente_files",
        asset_selection=file_run_assets(entry.source, graph),
        run_config=file_run_config(entry),
    )
    failed_checks = [e.asset_check_key.to_user_string() for e in result.get_asset_check_evaluations() if not e.passed]
    if not result.success or failed_checks:
        log.error("intake of %s FAILED (checks failed: %s); see the log above", path.name, failed_checks or "none")
        return 1
    log.info("intake of %s done; meta.file_loads has the counts", path.name)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["dbt"]:  # everything after `dbt` is dbt's
        return dbt_command(Settings.from_env(), *argv[1:], check=False).returncode
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["prepare", "demo-data", "refresh", "intake", "dbt"])
    parser.add_argument("path", nargs="?", type=Path, help="intake: the file to load")
    parser.add_argument("--source", help="intake: subsidies, zorg, initiatieven, voorzieningen, indicatoren, postcodes")
    parser.add_argument("--gemeente", help="intake: whose file it is (GM + 4 digits), when the file does not say")
    parser.add_argument(
        "--full-refresh", action="store_true", help="refresh: rebuild the incremental dbt models from all of raw"
    )
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
    elif args.command == "intake":
        if args.path is None or not args.path.is_file():
            parser.error("intake needs the path of an existing file")
        return intake(settings, args.path, args.source, args.gemeente)
    else:
        return refresh(settings, args.full_refresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
