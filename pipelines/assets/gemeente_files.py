"""Ingest assets for the gemeente's own files: one asset per source (``raw/subsidies``, ``raw/zorg``, ...).

Each asset loads files from its inbox folder (all settled files, or the ones named in the run config, which is
how the inbox sensor and ``python -m pipelines intake`` ask for one file per run). Reading, validation and
loading are in ``pipelines/sources/files/``; the asset only picks the files, logs and reports. A file that
cannot be loaded never stops the run: it is logged as failed (one line; the details in this run's log) and moved
to ``rejected/``, the other files load, and downstream assets build and publish. A file still being written
waits for the next run.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import asset_keys
from pipelines.config import Settings
from pipelines.resources import WAREHOUSE_POOL, Intake
from pipelines.sources.files import inbox
from pipelines.sources.files.load import FileLoad, ensure_tables, ingest_file
from pipelines.sources.files.spec import SourceSpec, source_specs, with_headers
from pipelines.sources.privacy import load_key

GROUP = "gemeente_files"
PROGRESS_EVERY = 30.0  # seconds between the progress lines of a long intake


class IntakeConfig(dg.Config):
    files: list[str] | None = None  # paths in the inbox; None: every settled file waiting in this source's folder
    replace: bool = False  # the user consents to what these files replace (intake --vervang)


def inbox_entries(
    source: str, intake: Intake, config: IntakeConfig, log: dg.DagsterLogManager
) -> list[inbox.InboxFile]:
    """The files a run loads for ``source``: the ones its config names, else every settled file waiting."""
    root = Path(intake.inbox)
    if config.files is None:
        waiting = inbox.pending_files(root, [source])
        now = time.time()
        settled = [e for e in waiting if inbox.settled(e.path, intake.settle_seconds, now)]
        for entry in waiting:
            if entry not in settled:
                log.info(f"{entry.label(root)} changed in the last {intake.settle_seconds:g} s: left for the next run")
        return settled
    entries = []
    for name in config.files:
        entry = inbox.inbox_file(root, Path(name), [source])
        if entry is None:
            raise dg.Failure(f"{name} is not in the inbox folder {root / source}")
        if entry.path.exists() or entry.path.is_symlink():
            entries.append(entry)
        else:  # taken by an earlier run (e.g. a full refresh) since the sensor saw it
            log.info(f"{entry.label(root)} is no longer in the inbox; it was loaded by an earlier run")
    return entries


def file_metadata(results: list[FileLoad], totals: tuple[int, int]) -> dict[str, object]:
    loaded = [r for r in results if r.status == "loaded"]
    table = "\n".join(
        f"| {r.file} | {r.status} | {r.rows_in_file if r.rows_in_file is not None else ''} | "
        f"{r.rows_loaded if r.status == 'loaded' else ''} | {r.rows_quarantined if r.status == 'loaded' else ''} | "
        f"{(r.error or '; '.join(r.warnings)).replace('|', '/')} |"
        for r in results
    )
    return {
        "files_loaded": len(loaded),
        "files_duplicate": sum(r.status == "duplicate" for r in results),
        "files_failed": sum(r.status == "failed" for r in results),
        "files_held": sum(r.status == "held" for r in results),
        "files_waiting": sum(r.status == "waiting" for r in results),
        "rows_in_files": sum(r.rows_in_file or 0 for r in loaded),
        "rows_loaded": sum(r.rows_loaded for r in loaded),
        "rows_quarantined": sum(r.rows_quarantined for r in loaded),
        "rows_total_raw": totals[0],
        "rows_total_quarantine": totals[1],
        "files": dg.MetadataValue.md(
            "| file | status | rows in file | loaded | quarantined | error or warning |\n|---|---|---|---|---|---|\n"
            + table
            if results
            else "no files waiting"
        ),
    }


def report(log: dg.DagsterLogManager, result: FileLoad) -> None:
    if result.exception is not None:  # unexpected: the details (traceback) for this run's log, not the terminal
        log.debug(f"{result.file}: details of the failure", exc_info=result.exception)
    if result.status in ("failed", "held"):
        log.error(result.summary())
    elif result.warnings:
        log.warning(result.summary())
    else:
        log.info(result.summary())


@dataclass
class Progress:
    """Where an intake of many files stands: files and rows done, the rate, and the time left by the bytes still
    to read (files differ in size, so bytes say more than files)."""

    source: str
    files: int
    total_bytes: int
    clock: Callable[[], float] = time.monotonic
    done_files: int = 0
    done_bytes: int = 0
    rows: int = 0
    started: float = field(init=False)
    reported: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.reported = self.clock()

    def file_done(self, size: int, rows: int | None) -> str | None:
        """Count a file; a progress line when ``PROGRESS_EVERY`` seconds have passed since the last, else None."""
        self.done_files, self.done_bytes, self.rows = (
            self.done_files + 1,
            self.done_bytes + size,
            self.rows + (rows or 0),
        )
        now = self.clock()
        if now - self.reported < PROGRESS_EVERY or self.done_files == self.files:
            return None
        self.reported = now
        elapsed = now - self.started
        left = elapsed * (self.total_bytes - self.done_bytes) / max(self.done_bytes, 1)
        return (
            f"{self.source}: {self.done_files} of {self.files} files, {self.rate(now)}; about {left / 60:.0f} min left"
        )

    def rate(self, now: float | None = None) -> str:
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-9)
        return f"{self.rows:,} rows in {elapsed:.0f} s ({self.rows / elapsed:,.0f} rows/s)"


def _size(entry: inbox.InboxFile) -> int:
    try:
        return entry.path.lstat().st_size
    except OSError:  # gone since it was listed: the intake says so
        return 0


def gemeente_file_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    checks_regions = any(c.type == "region" and c.known for c in spec.columns.values())

    @dg.asset(
        key=asset_keys.raw(spec.name),
        group_name=GROUP,
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        deps=[asset_keys.KNOWN_REGIONS] if checks_regions else [],
        description=f"{spec.title}. {spec.description.strip()} Files from inbox/{spec.name}/, validated row by row "
        f"(pipelines/sources/mappings/{spec.name}.yaml); good rows append to raw.{spec.name}, rejected rows to "
        f"quarantine.{spec.name}, one line per file to meta.file_loads.",
    )
    def _asset(
        context: dg.AssetExecutionContext,
        config: IntakeConfig,
        warehouse: DuckDBResource,
        intake: Intake,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        entries = inbox_entries(spec.name, intake, config, context.log)
        context.log.info(f"{spec.name}: {len(entries)} file(s) to load from {Path(intake.inbox) / spec.name}")
        key = load_key(Path(intake.pseudonym_key_file), settings.pseudonym_key)
        # the installation's own header names (installation.yaml column_mappings) on top of the product's mapping
        installed = with_headers(spec, settings.installation.column_mappings.get(spec.name, {}))
        places, rules = intake.places(), intake.rules()
        for leftover in inbox.remove_leftovers(places.archive, places.scratch):
            context.log.info(f"removed {leftover.name}, left behind by an intake that did not finish")
        results: list[FileLoad] = []
        sizes = [_size(entry) for entry in entries]
        progress = Progress(spec.name, len(entries), sum(sizes))
        with warehouse.get_connection() as con:
            ensure_tables(con, spec)  # staging views need the tables even before the first file arrives
            for entry, size in zip(entries, sizes, strict=True):
                result = ingest_file(
                    con,
                    installed,
                    entry,
                    places,
                    load_id=context.run.run_id,
                    key=key,
                    rules=rules,
                    replace=config.replace,
                )
                report(context.log, result)
                results.append(result)
                if line := progress.file_done(size, result.rows_in_file if result.status == "loaded" else 0):
                    context.log.info(line)
            totals = tuple(
                con.execute(f"SELECT count(*) FROM {schema}.{spec.name}").fetchall()[0][0]
                for schema in ("raw", "quarantine")
            )
        if len(entries) > 1:
            context.log.info(f"{spec.name}: {len(entries)} files done, {progress.rate()}")
        return dg.MaterializeResult(metadata=file_metadata(results, totals))

    return _asset


gemeente_file_assets = [gemeente_file_asset(spec) for spec in source_specs().values()]
