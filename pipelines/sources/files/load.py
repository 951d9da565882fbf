"""Load one delivered file: take it into the archive, read it, validate it, and append its rows to raw and
quarantine.

Tables (created on first use; a column added to a mapping file is added to the table):

- ``raw.<source>``: the rows that passed validation, typed, append-only, each with ``load_id`` (the Dagster run),
  ``file_sha256``, ``source_file`` (path below the inbox), ``source_sheet``, ``source_row`` (line or sheet row)
  and ``replace_scope`` (the period a file speaks for; staging keeps the latest load per scope).
- ``quarantine.<source>``: every rejected row with all its reasons, the first failing column and cell, and the
  row's cells (as quarantine shows them: see validate.py).
- ``meta.file_loads``: one row per file and attempt: rows in the file, loaded, quarantined, blank rows skipped,
  status (``loaded``, ``duplicate``, ``failed``, ``held``), a one-line error, warnings; how it was read.
- ``meta.file_replacements``: per load and replace scope that already had rows, the rows before and after.
- ``meta.file_scopes``: per loaded file and replace scope, its rows (and regions covered): what a new delivery
  is compared with, so that comparing reads this small index, not every earlier load in raw.

A file is loaded in one transaction, and only if ``rows in file = loaded + quarantined``. The same file (same
sha256) loaded before is not loaded again. Whatever goes wrong with one file is caught here: the file gets a
load-log row with a one-line reason and moves to ``rejected/``, and the caller goes on with the next file. A
delivery that would remove more than ``Rules.replace_max_share`` of the rows it replaces, or regions they
cover, is held in ``held/`` until it is delivered again with consent (``replace``).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.sources.care.xml import read_message
from pipelines.sources.catalog import indicator_catalog
from pipelines.sources.files import inbox
from pipelines.sources.files.errors import IntakeError, RefusedFileError, UnknownFormatError, describe
from pipelines.sources.files.file_checks import flag_incomplete_messages, flag_summary_sheets, totals_warnings
from pipelines.sources.files.grid import GridRead, create_grid, scratch_database
from pipelines.sources.files.spec import SourceSpec
from pipelines.sources.files.validate import (
    INTAKE,
    Context,
    build_intake,
    decimal_styles,
    output_columns,
    quarantine_sql,
    rejected_rows,
)
from pipelines.sources.regions import load_known_regions
from pipelines.sql import quote

SYNTHETIC_MARK = "synthetisch"  # a file whose name says it is synthetic demo data is flagged as such
PROVENANCE = {
    "load_id": "VARCHAR NOT NULL",
    "loaded_at": "TIMESTAMP WITH TIME ZONE NOT NULL",
    "file_sha256": "VARCHAR NOT NULL",
    "source_file": "VARCHAR NOT NULL",
    "is_synthetic": "BOOLEAN NOT NULL",
    "source_sheet": "VARCHAR",
    "source_row": "BIGINT NOT NULL",
    "replace_scope": "VARCHAR",
}
QUARANTINE = {
    "reason_code": "VARCHAR NOT NULL",
    "reason": "VARCHAR NOT NULL",
    "column_name": "VARCHAR",
    "cell_text": "VARCHAR",
    "errors": "STRUCT(code VARCHAR, column_name VARCHAR, cell VARCHAR, message VARCHAR)[] NOT NULL",
    "record": "MAP(VARCHAR, VARCHAR) NOT NULL",
}
FILE_LOADS = {
    "load_id": "VARCHAR NOT NULL",
    "source": "VARCHAR NOT NULL",
    "file_sha256": "VARCHAR",  # NULL: refused before it was read (a link, a special file)
    "source_file": "VARCHAR NOT NULL",
    "archive_file": "VARCHAR",
    "file_bytes": "BIGINT NOT NULL",
    "gemeente_code": "VARCHAR",
    "is_synthetic": "BOOLEAN NOT NULL",
    "format": "VARCHAR",
    "read_as": "VARCHAR",
    "status": "VARCHAR NOT NULL",
    "error": "VARCHAR",
    "rows_in_file": "BIGINT",
    "rows_loaded": "BIGINT",
    "rows_quarantined": "BIGINT",
    "blank_rows": "BIGINT",
    "quarantine_reasons": "MAP(VARCHAR, BIGINT)",
    "replace_scopes": "VARCHAR[]",
    "warnings": "VARCHAR[]",
    "started_at": "TIMESTAMP WITH TIME ZONE NOT NULL",
    "finished_at": "TIMESTAMP WITH TIME ZONE NOT NULL",
}
FILE_REPLACEMENTS = {
    "load_id": "VARCHAR NOT NULL",
    "source": "VARCHAR NOT NULL",
    "file_sha256": "VARCHAR NOT NULL",
    "source_file": "VARCHAR NOT NULL",
    "replace_scope": "VARCHAR NOT NULL",
    "replaced_sha256": "VARCHAR NOT NULL",
    "replaced_file": "VARCHAR NOT NULL",
    "rows_before": "BIGINT NOT NULL",
    "rows_after": "BIGINT NOT NULL",
    "regions_before": "BIGINT",
    "regions_after": "BIGINT",
    "is_confirmed": "BOOLEAN NOT NULL",  # delivered with consent (intake --vervang)
    "replaced_at": "TIMESTAMP WITH TIME ZONE NOT NULL",
}
FILE_SCOPES = {
    "source": "VARCHAR NOT NULL",
    "file_sha256": "VARCHAR NOT NULL",
    "source_file": "VARCHAR NOT NULL",
    "loaded_at": "TIMESTAMP WITH TIME ZONE NOT NULL",  # the rows' loaded_at in raw
    "replace_scope": "VARCHAR",
    "rows": "BIGINT NOT NULL",
    "regions": "BIGINT",  # distinct values of the source's coverage column (NULL: the source has none)
    "covered": "VARCHAR[]",  # those values
}
READERS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xml": "xml"}
SHOWN_SCOPES = 3  # replacements named in a hold message


@dataclass(frozen=True)
class Places:
    """Where files come from and go to."""

    inbox: Path
    archive: Path
    rejected: Path
    held: Path
    scratch: Path  # private work folders, one per file (a decoded copy of it, its scratch database)

    @classmethod
    def of(cls, settings: Settings) -> Places:
        return cls(settings.inbox, settings.archive, settings.rejected, settings.held, settings.scratch)


@dataclass(frozen=True)
class Rules:
    """The installation's intake rules (pipelines/config.py decides them)."""

    earliest_date: date
    replace_max_share: float

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        return cls(settings.earliest_date, settings.replace_max_share)


@dataclass(frozen=True)
class Replacement:
    """What loading a file does to one replace scope that already has rows in staging."""

    scope: str
    replaced_sha256: str
    replaced_file: str
    rows_before: int
    rows_after: int
    regions_before: int | None
    regions_after: int | None
    regions_missing: int

    def removes_too_much(self, max_share: float) -> bool:
        removed = (self.rows_before - self.rows_after) / self.rows_before
        return removed > max_share or self.regions_missing > 0

    def describe(self) -> str:
        regions = f", {self.regions_before} -> {self.regions_after} regions" if self.regions_before is not None else ""
        return f"{self.scope}: {self.rows_before:,} rows ({self.replaced_file}) -> {self.rows_after:,}{regions}"


class HeldForConsent(Exception):
    """The file would remove too much of what it replaces; it waits in held/ for the user's consent."""


@dataclass
class FileLoad:
    """What happened to one file; reported in the Dagster log and as metadata."""

    source: str
    file: str
    sha256: str | None
    status: str  # loaded, duplicate, failed, held; waiting: still being written, left in the inbox
    rows_in_file: int | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    blank_rows: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    read_as: dict | None = None
    moved_to: Path | None = None  # rejected/ or held/
    exception: BaseException | None = field(default=None, repr=False)  # an unexpected error, for the Dagster log

    def summary(self) -> str:
        """One line."""
        if self.status == "loaded":
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.reasons.items()))
            warned = f"; WARNING: {'; '.join(self.warnings)}" if self.warnings else ""
            return (
                f"{self.file}: {self.rows_in_file} rows = {self.rows_loaded} loaded + {self.rows_quarantined} "
                f"quarantined{f' ({reasons})' if reasons else ''}; {self.blank_rows} blank rows skipped{warned}"
            )
        if self.status == "duplicate":
            return f"{self.file}: already loaded (same content, sha256 {self.sha256[:12]}...), nothing to do"
        if self.status == "waiting":
            return f"{self.file}: still being written; it stays in the inbox for the next run"
        where = f" (moved to {self.moved_to})" if self.moved_to else ""
        return f"{self.file}: {'HELD' if self.status == 'held' else 'FAILED'}: {self.error}{where}"


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
    """The table, with any column it has gained since it was made. One look at the catalog when nothing is
    missing (every file checks its tables: statements that change nothing still cost a commit each)."""
    schema, name = table.split(".")
    found = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name <> 'temp' AND schema_name = ? "
            "AND table_name = ?",
            [schema, name],
        ).fetchall()
    }
    if not found:
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{quote(n)} {t}' for n, t in columns.items())})")
    for column, kind in columns.items():
        if column not in found:
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {quote(column)} {kind.replace(' NOT NULL', '')}")


def ensure_log_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The schemas and the load log (``meta.file_loads``, ``meta.file_replacements``) every inbox source writes."""
    for schema in ("raw", "quarantine", "meta"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    ensure_table(con, "meta.file_loads", FILE_LOADS)
    nullable = (
        "SELECT is_nullable FROM duckdb_columns() WHERE database_name <> 'temp' AND schema_name = 'meta' "
        "AND table_name = 'file_loads' AND column_name = 'file_sha256'"
    )
    if not con.execute(nullable).fetchall()[0][0]:  # a load log made before refused files were logged
        con.execute("ALTER TABLE meta.file_loads ALTER COLUMN file_sha256 DROP NOT NULL")
    ensure_table(con, "meta.file_replacements", FILE_REPLACEMENTS)
    ensure_table(con, "meta.file_scopes", FILE_SCOPES)


def ensure_tables(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """raw, quarantine and the load log, with any column the mapping has gained since the table was made."""
    ensure_log_tables(con)
    ensure_table(con, f"raw.{spec.name}", {**PROVENANCE, **output_columns(spec)})
    ensure_table(con, f"quarantine.{spec.name}", {**PROVENANCE, **QUARANTINE})
    _index_earlier_loads(con, spec)


def _scope_summary(spec: SourceSpec) -> str:
    """SQL select-list, per replace scope (a GROUP BY of the caller): rows, regions covered and which."""
    coverage = quote(spec.coverage) if spec.coverage else None
    regions = f"count(DISTINCT {coverage})" if coverage else "NULL::BIGINT"
    covered = f"list(DISTINCT {coverage})" if coverage else "NULL::VARCHAR[]"
    return f"count(*) AS rows, {regions} AS regions, {covered} AS covered"


def _index_earlier_loads(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """``meta.file_scopes`` for the loads of a warehouse made before the index existed: once, from raw. The scope
    is the one staging keeps the latest load by: the stored column, or for a source whose mapping has narrowed
    its scope since (``scope_recomputed``) the mapping's expression over raw's columns."""
    indexed = "SELECT count(*) FROM meta.file_scopes WHERE source = ?"
    if con.execute(indexed, [spec.name]).fetchall()[0][0]:
        return
    scope = f"({spec.scope})::VARCHAR" if spec.scope_recomputed else "replace_scope"
    con.execute(
        f"""INSERT INTO meta.file_scopes BY NAME
        SELECT ? AS source, file_sha256, any_value(source_file) AS source_file, max(loaded_at) AS loaded_at,
               {scope} AS replace_scope, {_scope_summary(spec)}
        FROM raw.{spec.name} GROUP BY file_sha256, {scope}""",
        [spec.name],
    )


def _record_scopes(con: duckdb.DuckDBPyConnection, spec: SourceSpec, sha256: str, source_file: str) -> None:
    """The loaded rows' scopes into ``meta.file_scopes``, in the load's transaction (``now()``: raw's loaded_at)."""
    con.execute(
        f"""INSERT INTO meta.file_scopes BY NAME
        SELECT ? AS source, ? AS file_sha256, ? AS source_file, now() AS loaded_at, replace_scope,
               {_scope_summary(spec)}
        FROM {INTAKE} WHERE len(errors) = 0 GROUP BY replace_scope""",
        [spec.name, sha256, source_file],
    )


def _read(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path, label: str, workdir: Path) -> GridRead:
    reader = READERS.get(path.suffix.lower())
    if reader is None or reader not in spec.formats:
        accepted = sorted(s for s, r in READERS.items() if r in spec.formats)
        raise UnknownFormatError(label, None, f"a file of type {', '.join(accepted)} for {spec.name}", path.suffix)
    if reader == "csv":
        from pipelines.sources.files.csvfile import read_csv

        return read_csv(con, spec, path, label, workdir)
    create_grid(con, spec)
    if reader == "xlsx":
        from pipelines.sources.files.xlsxfile import read_xlsx  # openpyxl only when needed

        return read_xlsx(con, spec, path, label)
    return read_message(con, spec, path, label)


def _already_loaded(con: duckdb.DuckDBPyConnection, source: str, sha256: str) -> bool:
    return (
        con.execute(
            "SELECT count(*) FROM meta.file_loads WHERE source = ? AND file_sha256 = ? AND status = 'loaded'",
            [source, sha256],
        ).fetchall()[0][0]
        > 0
    )


def log_load(con: duckdb.DuckDBPyConnection, result: FileLoad, **values: object) -> None:
    loaded = result.status == "loaded"
    columns = {
        "source": result.source,
        "file_sha256": result.sha256,
        "source_file": result.file,
        "status": result.status,
        "error": result.error,
        "rows_in_file": result.rows_in_file,
        "rows_loaded": result.rows_loaded if loaded else None,
        "rows_quarantined": result.rows_quarantined if loaded else None,
        "blank_rows": result.blank_rows if loaded else None,
        "quarantine_reasons": result.reasons or None,
        "warnings": result.warnings or None,
        "read_as": json.dumps(result.read_as, ensure_ascii=False) if result.read_as else None,
        "finished_at": datetime.now(UTC),
        **values,
    }
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    con.execute(f"INSERT INTO meta.file_loads ({names}) VALUES ({marks})", list(columns.values()))


def _insert(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, ctx: Context, provenance: list[object]
) -> tuple[int, int]:
    head = "SELECT ? AS load_id, now() AS loaded_at, ? AS file_sha256, ? AS source_file, ? AS is_synthetic"
    rows = ", ".join(quote(c) for c in ("source_sheet", "source_row", "replace_scope", *output_columns(spec)))
    loaded = con.execute(
        f"INSERT INTO raw.{spec.name} BY NAME {head}, {rows} FROM {INTAKE} WHERE len(errors) = 0", provenance
    ).fetchall()[0][0]
    if not rejected_rows(con):
        return loaded, 0
    quarantined = con.execute(
        f"""INSERT INTO quarantine.{spec.name} BY NAME {head}, * EXCLUDE (source_sheet, source_row, replace_scope),
            source_sheet, source_row, replace_scope FROM ({quarantine_sql(spec, ctx)})""",
        provenance,
    ).fetchall()[0][0]
    return loaded, quarantined


def find_replacements(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> list[Replacement]:
    """Per replace scope of the rows about to be loaded that staging already holds rows for: the latest load's
    rows (as staging's latest_load_per_scope picks it) against the new ones, from ``meta.file_scopes``."""
    rows = con.execute(
        f"""WITH new AS (
            SELECT replace_scope, {_scope_summary(spec)} FROM {INTAKE} WHERE len(errors) = 0 GROUP BY replace_scope
        ),
        current AS (
            SELECT * FROM meta.file_scopes WHERE source = ? AND replace_scope IN (SELECT replace_scope FROM new)
            QUALIFY file_sha256 = arg_max(file_sha256, struct_pack(t := loaded_at, s := file_sha256))
                OVER (PARTITION BY replace_scope)
        )
        SELECT c.replace_scope, c.file_sha256, c.source_file, c.rows, n.rows, c.regions, n.regions,
               coalesce(len(list_filter(c.covered, lambda r: NOT list_contains(n.covered, r))), 0)
        FROM current c JOIN new n USING (replace_scope) ORDER BY c.replace_scope""",
        [spec.name],
    ).fetchall()
    return [Replacement(*row) for row in rows]


def _record_replacements(
    con: duckdb.DuckDBPyConnection, result: FileLoad, load_id: str, replacements: list[Replacement], confirmed: bool
) -> None:
    if not replacements:
        return
    con.executemany(
        "INSERT INTO meta.file_replacements BY NAME SELECT ? AS load_id, ? AS source, ? AS file_sha256, "
        "? AS source_file, ? AS replace_scope, ? AS replaced_sha256, ? AS replaced_file, ? AS rows_before, "
        "? AS rows_after, ? AS regions_before, ? AS regions_after, ? AS is_confirmed, now() AS replaced_at",
        [
            [
                load_id,
                result.source,
                result.sha256,
                result.file,
                r.scope,
                r.replaced_sha256,
                r.replaced_file,
                r.rows_before,
                r.rows_after,
                r.regions_before,
                r.regions_after,
                confirmed,
            ]  # fmt: skip
            for r in replacements
        ],
    )


def _hold_message(too_much: list[Replacement], max_share: float) -> str:
    shown = "; ".join(r.describe() for r in too_much[:SHOWN_SCOPES])
    more = f"; and {len(too_much) - SHOWN_SCOPES} more" if len(too_much) > SHOWN_SCOPES else ""
    return (
        f"would remove more than {max_share:.0%} of the rows it replaces, or regions they cover: {shown}{more}. "
        "If that is right, load it with: python -m pipelines intake <the held file> --vervang"
    )


def _validate(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: inbox.InboxFile,
    stored: Path,
    label: str,
    workdir: Path,
    key: bytes,
    rules: Rules,
    intake_date: date | None,
) -> tuple[GridRead, Context, list[str]]:
    """Read the archived copy into ``_grid``, validate it into ``_intake`` and run the whole-file checks; returns
    how it was read, the validation context and the file's warnings."""
    read = _read(con, spec, stored, label, workdir)
    mapped = {name for sheet in read.sheets for name in sheet.columns}
    needed = entry.gemeente is not None or any(
        c.type == "region" and c.known and c.name in mapped for c in spec.columns.values()
    )
    load_known_regions(con, label, needed)
    con.execute("SET VARIABLE intake_date = ?::DATE", [intake_date or date.today()])
    con.execute("SET VARIABLE intake_gemeente = ?::VARCHAR", [entry.gemeente])
    known = "SELECT count(*) > 0 FROM _known_regions WHERE level = 'gemeente' AND code = getvariable('intake_gemeente')"
    con.execute(f"SET VARIABLE intake_gemeente_known = ({known})")
    con.execute(
        "SET VARIABLE indicator_catalog = ?::MAP(VARCHAR, STRUCT(minimum DOUBLE, maximum DOUBLE, uploaded BOOLEAN))",
        [indicator_catalog()],
    )
    ctx = Context(
        units=read.units(label),
        styles=decimal_styles(con, spec),
        key=key,
        earliest=rules.earliest_date,
        personal=spec.personal,
        encoding=read.details.get("encoding"),
        present=frozenset(mapped),
        plain_text=read.plain_text,
    )
    build_intake(con, spec, ctx)
    flag_incomplete_messages(con, spec)
    flag_summary_sheets(con, spec, read)
    return read, ctx, totals_warnings(con, spec)


@contextlib.contextmanager
def _work_folder(con: duckdb.DuckDBPyConnection, places: Places) -> Iterator[Path]:
    """The file's private work folder (a decoded copy of it, its scratch database), removed after the file; one
    left by a process that died is removed by the next intake (inbox.remove_leftovers)."""
    places.scratch.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=places.scratch, prefix=f"intake-{os.getpid()}-") as folder,
        scratch_database(con, Path(folder)),
    ):
        yield Path(folder)


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: inbox.InboxFile,
    places: Places,
    *,
    load_id: str,
    key: bytes,
    rules: Rules,
    intake_date: date | None = None,
    replace: bool = False,
) -> FileLoad:
    """Load one inbox file and take it out of the inbox; whatever goes wrong is logged and returned, the file is
    never half-loaded. ``replace``: the user consents to what the file replaces (``intake --vervang``)."""
    label = entry.label(places.inbox)
    ensure_tables(con, spec)
    common = log_values(entry, load_id)
    taken = take_file(con, spec.name, entry, places, common)
    if isinstance(taken, FileLoad):
        return taken
    result = FileLoad(spec.name, label, taken.sha256, "loaded")
    with contextlib.ExitStack() as work:
        try:  # reading and validating fill the scratch database and TEMP tables; only the writes need the transaction
            workdir = work.enter_context(_work_folder(con, places))
            read, ctx, result.warnings = _validate(
                con, spec, entry, taken.path, label, workdir, key, rules, intake_date
            )
            result.rows_in_file, result.blank_rows = read.rows, read.blank_rows
            result.read_as = _read_as(read, ctx.styles)
            replacements = find_replacements(con, spec)
            too_much = [r for r in replacements if r.removes_too_much(rules.replace_max_share)]
            if too_much and not replace:
                raise HeldForConsent(_hold_message(too_much, rules.replace_max_share))
            con.execute("BEGIN TRANSACTION")
            synthetic = common["is_synthetic"]
            result.rows_loaded, result.rows_quarantined = _insert(
                con, spec, ctx, [load_id, taken.sha256, label, synthetic]
            )
            _reconcile(result)
            _record_scopes(con, spec, taken.sha256, label)
            _record_replacements(con, result, load_id, replacements, confirmed=bool(too_much))
            result.reasons = dict(
                con.execute(
                    f"SELECT errors[1].code, count(*) FROM {INTAKE} WHERE len(errors) > 0 GROUP BY 1"
                ).fetchall()
            )
            # the scopes the file speaks for in staging: of its loaded rows (a rejected row's may be its wrong cells)
            scopes = [
                r[0]
                for r in con.execute(
                    f"SELECT DISTINCT replace_scope FROM {INTAKE} WHERE len(errors) = 0 ORDER BY 1"
                ).fetchall()
            ]
            log_load(con, result, **common, replace_scopes=scopes)
            con.execute("COMMIT")
        except HeldForConsent as held:
            result = FileLoad(spec.name, label, taken.sha256, "held", error=str(held), read_as=result.read_as)
            log_load(con, result, **common)
            result.moved_to = inbox.move_aside(entry, places.inbox, places.held)
            return result
        except Exception as error:  # one file's trouble, whatever it is, never stops the others
            return reject_file(con, FileLoad(spec.name, label, taken.sha256, "failed"), error, entry, places, common)
        finally:
            for table in (INTAKE, "_known_regions"):  # the grid goes with the scratch database
                con.execute(f"DROP TABLE IF EXISTS {table}")
        entry.path.unlink()  # archived; the load log says what became of it
    return result


def log_values(entry: inbox.InboxFile, load_id: str) -> dict[str, object]:
    """What the load log knows of a file before it is taken."""
    return {
        "load_id": load_id,
        "file_bytes": entry.path.lstat().st_size,
        "gemeente_code": entry.gemeente,
        "is_synthetic": SYNTHETIC_MARK in entry.path.name.lower(),
        "format": entry.path.suffix.lower().lstrip("."),
        "started_at": datetime.now(UTC),
    }


def take_file(
    con: duckdb.DuckDBPyConnection, source: str, entry: inbox.InboxFile, places: Places, common: dict[str, object]
) -> inbox.Taken | FileLoad:
    """Read an inbox file into the archive (``common`` gains its archived name and size). A file that cannot be
    taken, or whose content was loaded before, gets its load-log row and comes back as a FileLoad: refused (to
    ``rejected/``), still being written (left in the inbox), a duplicate (removed from the inbox)."""
    label = entry.label(places.inbox)
    try:
        taken = inbox.take(entry.path, label, places.archive)
    except inbox.FileChangedError:
        return FileLoad(source, label, None, "waiting")
    except RefusedFileError as error:
        result = FileLoad(source, label, None, "failed", error=describe(error))
        log_load(con, result, **common)
        result.moved_to = inbox.move_aside(entry, places.inbox, places.rejected)
        return result
    except OSError as error:  # e.g. the archive cannot be written: not the file's fault, so it stays for next time
        result = FileLoad(source, label, None, "failed", error=f"{describe(error)}; the file stays in the inbox")
        result.exception = error
        log_load(con, result, **common)
        return result
    common.update(archive_file=taken.path.name, file_bytes=taken.size)
    if _already_loaded(con, source, taken.sha256):
        result = FileLoad(source, label, taken.sha256, "duplicate")
        log_load(con, result, **common)
        entry.path.unlink()
        return result
    return taken


def reject_file(
    con: duckdb.DuckDBPyConnection,
    result: FileLoad,
    error: BaseException,
    entry: inbox.InboxFile,
    places: Places,
    common: dict[str, object],
) -> FileLoad:
    """A taken file that could not be loaded: nothing of it kept, a load-log row with the reason, the file to
    ``rejected/``; an unexpected error's details go with the result for the run's log."""
    with contextlib.suppress(duckdb.TransactionException):  # the error came before the transaction began
        con.execute("ROLLBACK")
    result.status, result.error = "failed", describe(error)
    if not isinstance(error, IntakeError):
        result.exception = error
    log_load(con, result, **common)
    result.moved_to = inbox.move_aside(entry, places.inbox, places.rejected)
    return result


def _reconcile(result: FileLoad) -> None:
    """rows in file = loaded + quarantined, by the counts the inserts into raw and quarantine returned (a count
    from the tables would scan every earlier load of the source)."""
    if result.rows_loaded + result.rows_quarantined != result.rows_in_file:
        raise RuntimeError(
            f"{result.file}: counts do not reconcile: {result.rows_in_file} rows read, "
            f"{result.rows_loaded} in raw + {result.rows_quarantined} in quarantine"
        )


def _read_as(read: GridRead, styles: dict[str, str | None]) -> dict:
    return {
        "format": read.format,
        **read.details,
        "decimal": {name: style or "undecided" for name, style in styles.items()},
        "sheets": [
            {
                "sheet": s.sheet,
                "header_row": s.header_row,
                "columns": s.columns,
                "units": s.units,
                "ignored_columns": s.ignored,
                "rows": s.rows,
            }
            for s in read.sheets
        ],
        "ignored_sheets": read.ignored_sheets,
    }
