"""Load one delivered file: archive it, read it, validate it, and append its rows to raw and quarantine.

Tables (created on first use; a column added to a mapping file is added to the table):

- ``raw.<source>``: the rows that passed validation, typed, append-only, each with ``load_id`` (the Dagster run),
  ``file_sha256``, ``source_file`` (path below the inbox), ``source_sheet``, ``source_row`` (line or sheet row)
  and ``replace_scope`` (the period the file speaks for; staging keeps the latest load per scope).
- ``quarantine.<source>``: every rejected row with all its reasons, the first failing column and cell, and the
  original cells of the row.
- ``meta.file_loads``: one row per file and attempt: rows in the file, loaded, quarantined, blank rows skipped,
  status (``loaded``, ``failed``, ``duplicate``) and error; how it was read (encoding, delimiter, sheets, header).

A file is loaded in one transaction, and only if ``rows in file = loaded + quarantined``. The same file (same
sha256) loaded before is not loaded again.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipelines.sources.care.xml import read_message
from pipelines.sources.catalog import indicator_codes
from pipelines.sources.files import inbox
from pipelines.sources.files.csvfile import read_csv
from pipelines.sources.files.errors import IntakeError, UnknownFormatError
from pipelines.sources.files.grid import GridRead, create_grid
from pipelines.sources.files.spec import SourceSpec
from pipelines.sources.files.validate import INTAKE, Context, build_intake, decimal_styles, output_columns
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
FILE_LOADS = """
    load_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    archive_file VARCHAR,
    file_bytes BIGINT NOT NULL,
    gemeente_code VARCHAR,
    is_synthetic BOOLEAN NOT NULL,
    format VARCHAR,
    read_as VARCHAR,
    status VARCHAR NOT NULL,
    error VARCHAR,
    rows_in_file BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    blank_rows BIGINT,
    quarantine_reasons MAP(VARCHAR, BIGINT),
    replace_scopes VARCHAR[],
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE NOT NULL
"""
READERS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xml": "xml"}


@dataclass
class FileLoad:
    """What happened to one file; reported in the Dagster log and as metadata."""

    source: str
    file: str
    sha256: str
    status: str
    rows_in_file: int | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    blank_rows: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    read_as: dict | None = None

    def summary(self) -> str:
        if self.status == "loaded":
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.reasons.items()))
            return (
                f"{self.file}: {self.rows_in_file} rows = {self.rows_loaded} loaded + {self.rows_quarantined} "
                f"quarantined{f' ({reasons})' if reasons else ''}; {self.blank_rows} blank rows skipped"
            )
        if self.status == "duplicate":
            return f"{self.file}: already loaded (same content, sha256 {self.sha256[:12]}...), nothing to do"
        return f"{self.file}: FAILED: {self.error}"


def ensure_tables(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """raw, quarantine and the load log, with any column the mapping has gained since the table was made."""
    for schema in ("raw", "quarantine", "meta"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE TABLE IF NOT EXISTS meta.file_loads ({FILE_LOADS})")
    tables = {
        f"raw.{spec.name}": {**PROVENANCE, **output_columns(spec)},
        f"quarantine.{spec.name}": {**PROVENANCE, **QUARANTINE},
    }
    for table, columns in tables.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{quote(n)} {t}' for n, t in columns.items())})")
        for name, kind in columns.items():
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {quote(name)} {kind.replace(' NOT NULL', '')}")


def _read(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path, label: str, workdir: Path) -> GridRead:
    reader = READERS.get(path.suffix.lower())
    if reader is None or reader not in spec.formats:
        accepted = sorted(s for s, r in READERS.items() if r in spec.formats)
        raise UnknownFormatError(label, None, f"a file of type {', '.join(accepted)} for {spec.name}", path.suffix)
    create_grid(con, spec)
    if reader == "csv":
        return read_csv(con, spec, path, label, workdir)
    if reader == "xlsx":
        from pipelines.sources.files.xlsxfile import read_xlsx  # openpyxl only when needed

        return read_xlsx(con, spec, path, label)
    return read_message(con, spec, path, label)


def _already_loaded(con: duckdb.DuckDBPyConnection, spec: SourceSpec, sha256: str) -> bool:
    return (
        con.execute(
            "SELECT count(*) FROM meta.file_loads WHERE source = ? AND file_sha256 = ? AND status = 'loaded'",
            [spec.name, sha256],
        ).fetchall()[0][0]
        > 0
    )


def _log(con: duckdb.DuckDBPyConnection, result: FileLoad, **values: object) -> None:
    columns = {
        "source": result.source,
        "file_sha256": result.sha256,
        "source_file": result.file,
        "status": result.status,
        "error": result.error,
        "rows_in_file": result.rows_in_file,
        "rows_loaded": result.rows_loaded if result.status == "loaded" else None,
        "rows_quarantined": result.rows_quarantined if result.status == "loaded" else None,
        "blank_rows": result.blank_rows if result.status == "loaded" else None,
        "quarantine_reasons": result.reasons or None,
        "read_as": json.dumps(result.read_as, ensure_ascii=False) if result.read_as else None,
        **values,
    }
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    con.execute(f"INSERT INTO meta.file_loads ({names}) VALUES ({marks})", list(columns.values()))


def _insert(con: duckdb.DuckDBPyConnection, spec: SourceSpec, provenance: list[object]) -> tuple[int, int]:
    head = "SELECT ? AS load_id, now() AS loaded_at, ? AS file_sha256, ? AS source_file, ? AS is_synthetic"
    rows = ", ".join(quote(c) for c in ("source_sheet", "source_row", "replace_scope", *output_columns(spec)))
    loaded = con.execute(
        f"INSERT INTO raw.{spec.name} BY NAME {head}, {rows} FROM {INTAKE} WHERE len(errors) = 0", provenance
    ).fetchall()[0][0]
    quarantined = con.execute(
        f"""INSERT INTO quarantine.{spec.name} BY NAME {head}, source_sheet, source_row, replace_scope,
            errors[1].code AS reason_code,
            array_to_string(list_transform(errors, lambda e: e.message), '; ') AS reason,
            errors[1].column_name AS column_name, errors[1].cell AS cell_text, errors, record
        FROM {INTAKE} WHERE len(errors) > 0""",
        provenance,
    ).fetchall()[0][0]
    return loaded, quarantined


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    entry: inbox.InboxFile,
    *,
    inbox_dir: Path,
    archive_dir: Path,
    load_id: str,
    key: bytes,
    intake_date: date | None = None,
) -> FileLoad:
    """Load one inbox file and take it out of the inbox; failures are logged and returned, never half-loaded."""
    label = entry.label(inbox_dir)
    sha256 = inbox.sha256_of(entry.path)
    started = datetime.now(UTC)
    ensure_tables(con, spec)
    synthetic = SYNTHETIC_MARK in entry.path.name.lower()
    common = {
        "load_id": load_id,
        "file_bytes": entry.path.stat().st_size,
        "gemeente_code": entry.gemeente,
        "is_synthetic": synthetic,
        "format": entry.path.suffix.lower().lstrip("."),
    }
    if _already_loaded(con, spec, sha256):
        result = FileLoad(spec.name, label, sha256, "duplicate")
        _log(con, result, **common, started_at=started, finished_at=datetime.now(UTC))
        entry.path.unlink()
        return result
    stored = inbox.archive(entry.path, sha256, archive_dir)
    common["archive_file"] = stored.name
    result = FileLoad(spec.name, label, sha256, "loaded")
    con.execute("BEGIN TRANSACTION")
    try:
        with tempfile.TemporaryDirectory(prefix="sbm-intake-") as workdir:
            read = _read(con, spec, entry.path, label, Path(workdir))
        mapped = {name for sheet in read.sheets for name in sheet.columns}
        needed = any(c.type == "region" and c.known and c.name in mapped for c in spec.columns.values())
        load_known_regions(con, label, needed)
        con.execute("SET VARIABLE intake_date = ?::DATE", [intake_date or date.today()])
        con.execute("SET VARIABLE intake_gemeente = ?::VARCHAR", [entry.gemeente])
        con.execute("SET VARIABLE indicator_codes = ?::VARCHAR[]", [list(indicator_codes())])
        default_style = "comma" if read.details.get("delimiter") == ";" else "point"
        styles = decimal_styles(con, spec, default_style)
        build_intake(con, spec, Context(units=read.units(label), styles=styles, key=key))
        con.execute("DROP TABLE _grid")  # the cells as found (BSNs included) are no longer needed
        result.rows_in_file, result.blank_rows = read.rows, read.blank_rows
        result.read_as = _read_as(read, styles)
        result.rows_loaded, result.rows_quarantined = _insert(con, spec, [load_id, sha256, label, synthetic])
        _reconcile(con, spec, result, load_id)
        result.reasons = dict(
            con.execute(f"SELECT errors[1].code, count(*) FROM {INTAKE} WHERE len(errors) > 0 GROUP BY 1").fetchall()
        )
        scopes = [r[0] for r in con.execute(f"SELECT DISTINCT replace_scope FROM {INTAKE} ORDER BY 1").fetchall()]
        _log(con, result, **common, replace_scopes=scopes, started_at=started, finished_at=datetime.now(UTC))
        con.execute("COMMIT")
    except Exception as error:
        con.execute("ROLLBACK")
        result = FileLoad(spec.name, label, sha256, "failed", error=_describe(error))
        _log(con, result, **common, started_at=started, finished_at=datetime.now(UTC))
        if not isinstance(error, IntakeError):
            raise
    finally:
        for table in ("_grid", INTAKE, "_known_regions"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    entry.path.unlink()  # archived; the load log says what became of it
    return result


def _reconcile(con: duckdb.DuckDBPyConnection, spec: SourceSpec, result: FileLoad, load_id: str) -> None:
    """rows in file = loaded + quarantined, counted again from the tables themselves."""
    counts = [
        con.execute(
            f"SELECT count(*) FROM {t}.{spec.name} WHERE load_id = ? AND file_sha256 = ?", [load_id, result.sha256]
        ).fetchall()[0][0]
        for t in ("raw", "quarantine")
    ]
    if counts != [result.rows_loaded, result.rows_quarantined] or sum(counts) != result.rows_in_file:
        raise RuntimeError(
            f"{result.file}: counts do not reconcile: {result.rows_in_file} rows read, "
            f"{counts[0]} in raw + {counts[1]} in quarantine"
        )


def _read_as(read: GridRead, styles: dict[str, str]) -> dict:
    return {
        "format": read.format,
        **read.details,
        "decimal": styles,
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


def _describe(error: Exception) -> str:
    return str(error) if isinstance(error, IntakeError) else f"{type(error).__name__}: {error}"
