"""Command line for the data team: ``python -m pipelines <command>`` (the Makefile calls these).

init       write a new installation file: `init --gemeente GM0193 [--peers GM0150,GM0153]` (a proposed peer group)
prepare    write $DAGSTER_HOME/dagster.yaml, parse the dbt project (dagster-dbt needs the manifest), make the inbox
refresh    run the full_refresh job (ingest, dbt build, GX checks, publish) on the persistent instance
intake     load one gemeente file now: `intake <path> --source subsidies [--gemeente GM0141]` (as the sensor does)
cbs-check  hold every CBS registry table against its metadata: the stored snapshots, or with --online (or cbs
           mode online in installation.yaml) the CBS API; prints a report and exits 1 when something differs
dbt        run dbt on the warehouse with the installation's vars: `dbt -- docs generate --static`

The demo's data come from `python -m demo` (make demo-data).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from pipelines.config import Settings
from pipelines.installation import InstallationError
from pipelines.instance import parse_dbt_project, prepare_dagster_home

log = logging.getLogger("pipelines")


def prepare(settings: Settings) -> None:
    from pipelines.sources.files.inbox import ensure_inbox
    from pipelines.sources.files.spec import source_specs

    instance = prepare_dagster_home(settings)
    manifest = parse_dbt_project(settings)
    ensure_inbox(settings.inbox, source_specs())
    log.info("prepared: Dagster instance %s, dbt manifest %s, inbox %s", instance, manifest, settings.inbox)


def dbt(settings: Settings, args: list[str]) -> int:
    """dbt by hand, on this installation's warehouse with its vars (what the pipeline passes)."""
    import subprocess

    from pipelines.config import DBT_PROJECT_DIR
    from pipelines.instance import dbt_command

    return subprocess.run(dbt_command(settings, *args), cwd=DBT_PROJECT_DIR).returncode


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


def refresh(settings: Settings) -> int:
    import dagster as dg

    result = _run(settings, "full_refresh")
    failed = [evaluation for evaluation in result.get_asset_check_evaluations() if not evaluation.passed]
    # a failed warning (cbs_check: CBS changed a table) is reported, it does not fail the refresh
    failed_checks = [e.asset_check_key.to_user_string() for e in failed if e.severity == dg.AssetCheckSeverity.ERROR]
    if warnings := [e.asset_check_key.to_user_string() for e in failed if e.severity != dg.AssetCheckSeverity.ERROR]:
        log.warning("checks with a warning (see the data-quality dashboard): %s", ", ".join(warnings))
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    checks = result.get_asset_check_evaluations()
    log.info(
        "run %s: %d asset(s) materialised, %d of %d checks passed",
        result.run_id,
        len(materialized),
        len(checks) - len(failed),
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


def cbs_check(settings: Settings, online: bool) -> int:
    """Print the registry check; exit status 1 when a table differs from the registry or could not be read."""
    from pipelines.sources.cbs.check import check_offline, check_online, report
    from pipelines.sources.cbs.client import CbsClient
    from pipelines.sources.cbs.registry import load_registry
    from pipelines.sources.cbs.snapshots import SnapshotStore

    families = load_registry()
    if online:
        tables = sum(len(f.tables) for f in families.values())
        log.info("cbs-check online: the metadata of %d tables from the CBS API", tables)
        client = CbsClient()
        checks = [check_online(family, client) for family in families.values()]
    else:
        store = SnapshotStore(settings.snapshots / "cbs")
        log.info("cbs-check offline: the newest stored snapshot of each table in %s", store.root)
        checks = [check_offline(family, store) for family in families.values()]
    print(report(checks))
    return 1 if any(fc.differs for fc in checks) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["init", "prepare", "refresh", "intake", "cbs-check", "dbt"])
    parser.add_argument("path", nargs="?", type=Path, help="intake: the file to load")
    parser.add_argument("--source", help="intake: subsidies, zorg, initiatieven, voorzieningen, indicatoren, postcodes")
    parser.add_argument(
        "--gemeente", help="init: the installation's own gemeente; intake: whose file it is (GM + 4 digits)"
    )
    parser.add_argument("--peers", help="init: the peer group's members (GM codes, comma-separated); else proposed")
    parser.add_argument("--force", action="store_true", help="init: overwrite an existing installation file")
    parser.add_argument("--online", action="store_true", help="cbs-check: ask the CBS API (default: cbs mode)")
    argv = sys.argv[1:] if argv is None else argv
    dbt_args = argv[argv.index("--") + 1 :] if argv[:1] == ["dbt"] and "--" in argv else []
    args = parser.parse_args(argv[: len(argv) - len(dbt_args)])
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S"))
    log.addHandler(handler)  # only our logger: Dagster prints run events through its own console logger
    log.setLevel(logging.INFO)
    try:
        settings = Settings.from_env()
        if args.command == "init":
            if not args.gemeente:
                parser.error("init needs --gemeente GM.... (the installation's own gemeente)")
            from pipelines.init import init, parse_peers

            for line in init(settings, args.gemeente, parse_peers(args.peers), args.force):
                print(line)
            return 0
        log.info("installation: %s", settings.installation.path)  # a missing or bad file stops here
    except InstallationError as error:
        log.error("%s", error)
        return 2
    if args.command == "prepare":
        prepare(settings)
    elif args.command == "dbt":
        return dbt(settings, dbt_args)
    elif args.command == "intake":
        if args.path is None or not args.path.is_file():
            parser.error("intake needs the path of an existing file")
        return intake(settings, args.path, args.source, args.gemeente)
    elif args.command == "cbs-check":
        return cbs_check(settings, args.online or settings.installation.cbs_online)
    else:
        return refresh(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
