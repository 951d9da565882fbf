"""Command line for the data team: ``python -m pipelines <command>`` (the Makefile calls these).

init       write a new installation file: `init --gemeente GM0193 [--peers GM0150,GM0153]` (a proposed peer group)
prepare    write $DAGSTER_HOME/dagster.yaml, parse the dbt project if it changed (dagster-dbt needs the manifest),
           make the inbox, and make the state folder private (an existing installation's modes are repaired)
refresh    run the full_refresh job (ingest, dbt build, GX checks, publish) on the persistent instance;
           `refresh --full-refresh` rebuilds the incremental models from every load in raw; with nothing new since
           the last successful refresh, dbt, the checks and the publish are skipped (`refresh --force` builds anyway)
intake     load one gemeente file now: `intake <path> --source subsidies [--gemeente GM0141] [--vervang]`
cbs-check  hold every CBS registry table against its metadata: the stored snapshots, or with --online (or cbs
           mode online in installation.yaml) the CBS API; prints a report and exits 1 when something differs
purge      remove delivered originals older than the installation's archive_retention_days (also a daily
           Dagster schedule)
serve      start Superset (provisioned with the installation's dashboards) and the Dagster UI behind its guard on
           127.0.0.1; Ctrl-C stops both (pipelines/serve.py)
dbt        run dbt on the warehouse with the installation's vars, once no run holds it:
           `dbt -- build --select stg_zorg__berichtregels+` (everything after `--` is dbt's)

Every command runs with a private umask, and a run starts only when the warehouse is free: runs that died are
recovered first, a live one is waited for (pipelines/runs.py). The demo's data come from `python -m demo`
(make demo-data).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from pipelines.config import Settings
from pipelines.installation import InstallationError
from pipelines.instance import parse_dbt_project, prepare_dagster_home
from pipelines.state import make_private, private_folder, private_umask

log = logging.getLogger("pipelines")


def prepare(settings: Settings) -> None:
    from pipelines.sources.files.inbox import ensure_inbox
    from pipelines.sources.files.spec import source_specs
    from pipelines.sources.geo.load import SOURCE as MAP_SOURCE

    private_folder(settings.home)
    instance = prepare_dagster_home(settings)
    manifest = parse_dbt_project(settings)
    ensure_inbox(settings.inbox, [*source_specs(), MAP_SOURCE])  # jobs.INBOX_SOURCES, before dbt is parsed
    make_private(settings)
    log.info("prepared: Dagster instance %s, dbt manifest %s, inbox %s", instance, manifest, settings.inbox)


def _run(settings: Settings, job: str, run_config: dict | None = None, asset_selection: list | None = None):
    """Execute a job in this process on the persistent instance, once the warehouse is free; one line per event
    in the terminal (pipelines/console.py)."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.runs import run_tags, wait_for_warehouse

    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    with dg.DagsterInstance.get() as instance:
        wait_for_warehouse(instance, settings.warehouse, log)
        return (
            build_definitions(settings)
            .resolve_job_def(job)
            .execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={**(run_config or {}), "loggers": {"console": {"config": {"log_level": "INFO"}}}},
                asset_selection=asset_selection,
                tags=run_tags(),
            )
        )


def _file_loads(settings: Settings, run_id: str) -> list[tuple]:
    """What the run did with each file: (status, source_file, one-line error, warnings)."""
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            "SELECT status, source_file, error, warnings FROM meta.file_loads WHERE load_id = ? ORDER BY started_at",
            [run_id],
        ).fetchall()


def refresh(settings: Settings, full_refresh: bool = False, force: bool = False) -> int:
    import dagster as dg

    config = {"ops": {"sbm_dbt_assets": {"config": {"full_refresh": full_refresh, "force": force}}}}
    result = _run(settings, "full_refresh", run_config=config)
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
    if settings.warehouse.exists():
        for status, file, error, _ in _file_loads(settings, result.run_id):
            if status in ("failed", "held"):
                folder = settings.rejected if status == "failed" else settings.held
                log.warning("%s %s (now in %s): %s", file, status.upper(), folder, error)
    if failed_checks:
        log.error("failed checks (downstream assets were not built): %s", ", ".join(failed_checks))
    if not result.success or failed_checks:
        log.error("refresh FAILED; open the run in the Dagster UI for details (run id %s)", result.run_id)
        return 1
    log.info("serving file for Superset: %s", settings.serving)
    return 0


def _wait_until_settled(path: Path, seconds: float) -> None:
    from pipelines.sources.files.inbox import settled

    said = 0.0
    while not settled(path, seconds):
        if time.monotonic() - said > 5:
            log.info("%s changed in the last %g s (still being written?): waiting; Ctrl-C stops", path.name, seconds)
            said = time.monotonic()
        time.sleep(0.5)


def intake(settings: Settings, path: Path, source: str | None, gemeente: str | None, replace: bool = False) -> int:
    """Put a file into the inbox (unless it is there already) and load it in a run of its own; only when rows
    were loaded, rebuild what depends on them in a second run."""
    from pipelines.asset_keys import raw
    from pipelines.assets.meta import gemeente_file_bookkeeping
    from pipelines.definitions import build_definitions
    from pipelines.sensors import file_run_assets, file_run_config
    from pipelines.sources.files.inbox import GEMEENTE_FOLDER, inbox_file
    from pipelines.sources.files.spec import source_specs

    sources = list(source_specs())
    if gemeente is not None and not GEMEENTE_FOLDER.match(gemeente):
        log.error("--gemeente must be GM followed by 4 digits, e.g. GM0141; got %r", gemeente)
        return 2
    path = Path(os.path.abspath(path.expanduser()))  # not resolve(): a symlink stays a symlink, to be refused
    if path.is_relative_to(settings.held):  # a held file, delivered again with consent: back to its inbox place
        target = settings.inbox / path.relative_to(settings.held)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        path = target
    entry = inbox_file(settings.inbox, path, sources)
    if entry is None:
        if source not in sources:
            log.error("give --source, one of %s (or put the file in %s/<source>/)", ", ".join(sources), settings.inbox)
            return 2
        folder = settings.inbox / source / (gemeente or "")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / path.name, follow_symlinks=False)
        entry = inbox_file(settings.inbox, folder / path.name, sources)
    _wait_until_settled(entry.path, settings.settle_seconds)
    graph = build_definitions(settings).get_repository_def().asset_graph
    ingest = [raw(entry.source), *gemeente_file_bookkeeping.keys]
    result = _run(settings, "gemeente_files", asset_selection=ingest, run_config=file_run_config(entry, replace))
    loads = _file_loads(settings, result.run_id) if settings.warehouse.exists() else []
    if not result.success or not loads:
        log.error("intake of %s FAILED; the run's log has the details (run id %s)", path.name, result.run_id)
        return 1
    status, file, error, warnings = loads[-1]
    if status in ("failed", "held"):
        where = settings.rejected if status == "failed" else settings.held
        log.error("intake of %s %s (now in %s): %s", file, status.upper(), where, error)
        return 1
    for warning in warnings or []:
        log.warning("%s: %s", file, warning)
    if status != "loaded":
        log.info("intake of %s: %s, nothing to rebuild", file, status)
        return 0
    rest = [key for key in file_run_assets(entry.source, graph) if key not in ingest]
    result = _run(settings, "gemeente_files", asset_selection=rest)
    failed_checks = [e.asset_check_key.to_user_string() for e in result.get_asset_check_evaluations() if not e.passed]
    if not result.success or failed_checks:
        log.error("intake of %s loaded, but the rebuild FAILED (checks failed: %s)", file, failed_checks or "none")
        return 1
    log.info("intake of %s done; meta.file_loads has the counts", file)
    return 0


def purge(settings: Settings) -> int:
    from pipelines.retention import purge_originals

    days = settings.installation.archive_retention_days
    purged = purge_originals([settings.archive, settings.rejected, settings.held], days)
    for item in purged:
        log.info(item.line())
    log.info("%d original(s) older than %d days removed", len(purged), days)
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


def dbt(settings: Settings, args: list[str]) -> int:
    """dbt by hand, on this installation's warehouse with its vars (what the pipeline passes), once no run holds
    it (dbt needs the one writer's lock)."""
    import subprocess

    import dagster as dg

    from pipelines.config import DBT_PROJECT_DIR
    from pipelines.instance import dbt_command
    from pipelines.runs import wait_for_warehouse

    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    try:
        with dg.DagsterInstance.get() as instance:
            wait_for_warehouse(instance, settings.warehouse, log)
    except KeyboardInterrupt:
        log.error("stopped (Ctrl-C)")
        return 130
    return subprocess.run(dbt_command(settings, *args), cwd=DBT_PROJECT_DIR).returncode


def main(argv: list[str] | None = None) -> int:
    private_umask()  # before anything is written; the servers, dbt and run workers inherit it
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["init", "prepare", "refresh", "intake", "cbs-check", "purge", "dbt", "serve"]
    )
    parser.add_argument("path", nargs="?", type=Path, help="intake: the file to load")
    parser.add_argument("--source", help="intake: subsidies, zorg, initiatieven, voorzieningen, indicatoren, postcodes")
    parser.add_argument(
        "--gemeente",
        help="init: the installation's own gemeente; intake: whose file it is (GM + 4 digits), if it does not say",
    )
    parser.add_argument("--peers", help="init: the peer group's members (GM codes, comma-separated); else proposed")
    parser.add_argument(
        "--force",
        action="store_true",
        help="init: overwrite an existing installation file; refresh: build even if nothing changed",
    )
    parser.add_argument(
        "--vervang", action="store_true", help="intake: load a held file although it removes much of what it replaces"
    )
    parser.add_argument("--online", action="store_true", help="cbs-check: ask the CBS API (default: cbs mode)")
    parser.add_argument(
        "--full-refresh", action="store_true", help="refresh: rebuild the incremental dbt models from all of raw"
    )
    argv = sys.argv[1:] if argv is None else argv
    dbt_args = argv[1:] if argv[:1] == ["dbt"] else []  # everything after `dbt` (and an optional `--`) is dbt's
    args = parser.parse_args(argv[: len(argv) - len(dbt_args)])
    dbt_args = dbt_args[1:] if dbt_args[:1] == ["--"] else dbt_args
    if not log.handlers:  # only our logger: Dagster prints run events through its own console logger
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S"))
        log.addHandler(handler)
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
    try:
        if args.command == "prepare":
            prepare(settings)
        elif args.command == "dbt":
            return dbt(settings, dbt_args)
        elif args.command == "intake":
            if args.path is None or not (args.path.exists() or args.path.is_symlink()):
                parser.error("intake needs the path of an existing file")
            return intake(settings, args.path, args.source, args.gemeente, args.vervang)
        elif args.command == "cbs-check":
            return cbs_check(settings, args.online or settings.installation.cbs_online)
        elif args.command == "purge":
            return purge(settings)
        elif args.command == "serve":
            from pipelines.serve import serve

            return serve(settings)
        else:
            return refresh(settings, args.full_refresh, args.force)
    except KeyboardInterrupt:
        log.error("stopped (Ctrl-C)")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
