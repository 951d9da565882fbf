"""Load one delivered Wijk- en buurtkaart (``inbox/wijkenbuurtkaart/*.gpkg``) into the warehouse.

The same rules as every delivered file (pipelines/sources/files/load.py): the file is archived unchanged under its
sha256; in one transaction its usable features go to ``raw.wijkenbuurtkaart`` (geometry as WKB in RD New,
repaired where it was invalid, flagged with the reason), the others to ``quarantine.wijkenbuurtkaart`` with their
reason and attributes as found, and one line to ``meta.file_loads``; features read = loaded + quarantined is
checked against the tables before the commit. A file loaded before is recorded as a duplicate. The replace scope
is the classification year: a newer file for a year replaces the older one downstream, other years stay.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.sources.files import inbox
from pipelines.sources.files.errors import IntakeError
from pipelines.sources.files.load import FILE_LOADS, PROVENANCE, SYNTHETIC_MARK, FileLoad
from pipelines.sources.geo.kaart import read_kaart
from pipelines.sql import quote

SOURCE = "wijkenbuurtkaart"
FORMATS = {".gpkg"}
RAW_COLUMNS = {
    "niveau": "VARCHAR NOT NULL",
    "regio_code": "VARCHAR NOT NULL",
    "regio_naam": "VARCHAR",
    "gemeente_code": "VARCHAR NOT NULL",
    "wijk_code": "VARCHAR",
    "indeling_jaar": "INTEGER NOT NULL",
    "water": "VARCHAR",
    "geometrie": "BLOB NOT NULL",  # WKB, RD New (EPSG:28992)
    "is_hersteld": "BOOLEAN NOT NULL",
    "herstel_reden": "VARCHAR",
}
QUARANTINE_COLUMNS = {
    "reason_code": "VARCHAR NOT NULL",
    "reason": "VARCHAR NOT NULL",
    "column_name": "VARCHAR",
    "cell_text": "VARCHAR",
    "record": "MAP(VARCHAR, VARCHAR) NOT NULL",
    "geometrie": "BLOB",  # as found
}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for schema in ("raw", "quarantine", "meta"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE TABLE IF NOT EXISTS meta.file_loads ({FILE_LOADS})")
    for table, columns in ((f"raw.{SOURCE}", RAW_COLUMNS), (f"quarantine.{SOURCE}", QUARANTINE_COLUMNS)):
        spec = ", ".join(f"{quote(name)} {kind}" for name, kind in {**PROVENANCE, **columns}.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({spec})")


def pending_maps(inbox_dir: Path) -> list[inbox.InboxFile]:
    """The map files waiting in ``inbox/wijkenbuurtkaart/``, oldest first."""
    return [entry for entry in inbox.pending_files(inbox_dir, [SOURCE]) if entry.path.suffix.lower() in FORMATS]


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, provenance: dict) -> int:
    rows = frame.rename(columns={"layer": "source_sheet", "fid": "source_row"}).assign(**provenance)
    record = ""
    if "record" in rows:  # the attributes as found: a JSON object per row, a MAP in the table
        rows["record"] = [json.dumps(r, ensure_ascii=False) for r in rows["record"]]
        record = " REPLACE (CAST(json(record) AS MAP(VARCHAR, VARCHAR)) AS record)"
    con.register("_kaart_rows", rows)
    try:
        return con.execute(f"INSERT INTO {table} BY NAME SELECT *{record} FROM _kaart_rows").fetchall()[0][0]
    finally:
        con.unregister("_kaart_rows")


def _log(con: duckdb.DuckDBPyConnection, result: FileLoad, values: dict) -> None:
    loaded = result.status == "loaded"
    row = {
        "source": SOURCE,
        "file_sha256": result.sha256,
        "source_file": result.file,
        "format": "gpkg",
        "status": result.status,
        "error": result.error,
        "rows_in_file": result.rows_in_file,
        "rows_loaded": result.rows_loaded if loaded else None,
        "rows_quarantined": result.rows_quarantined if loaded else None,
        "blank_rows": 0 if loaded else None,
        "quarantine_reasons": result.reasons or None,
        "read_as": json.dumps(result.read_as, ensure_ascii=False) if result.read_as else None,
        **values,
    }
    con.execute(f"INSERT INTO meta.file_loads ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                list(row.values()))  # fmt: skip


def ingest_kaart(
    con: duckdb.DuckDBPyConnection,
    entry: inbox.InboxFile,
    *,
    inbox_dir: Path,
    archive_dir: Path,
    load_id: str,
    gemeenten: list[str],
) -> FileLoad:
    """Load one map file and take it out of the inbox; a failure is logged and returned, never half-loaded."""
    label, sha256, started = entry.label(inbox_dir), inbox.sha256_of(entry.path), datetime.now(UTC)
    ensure_tables(con)
    synthetic = SYNTHETIC_MARK in entry.path.name.lower()
    common = {"load_id": load_id, "file_bytes": entry.path.stat().st_size, "is_synthetic": synthetic}
    already = con.execute(
        "SELECT count(*) FROM meta.file_loads WHERE source = ? AND file_sha256 = ? AND status = 'loaded'",
        [SOURCE, sha256],
    ).fetchall()[0][0]
    if already:
        result = FileLoad(SOURCE, label, sha256, "duplicate")
        _log(con, result, {**common, "started_at": started, "finished_at": datetime.now(UTC)})
        entry.path.unlink()
        return result
    common["archive_file"] = inbox.archive(entry.path, sha256, archive_dir).name
    result = FileLoad(SOURCE, label, sha256, "loaded")
    con.execute("BEGIN TRANSACTION")
    try:
        read = read_kaart(entry.path, label, gemeenten)
        provenance = {"load_id": load_id, "loaded_at": started, "file_sha256": sha256, "source_file": label,
                      "is_synthetic": synthetic, "replace_scope": str(read.year)}  # fmt: skip
        result.rows_in_file, result.read_as = read.rows, read.details
        result.rows_loaded = _insert(con, f"raw.{SOURCE}", read.features.assign(indeling_jaar=read.year), provenance)
        result.rows_quarantined = _insert(con, f"quarantine.{SOURCE}", read.rejected, provenance)
        result.reasons = read.rejected["reason_code"].value_counts().to_dict()
        _reconcile(con, result, load_id)
        _log(con, result, {**common, "replace_scopes": [str(read.year)], "started_at": started,
                           "finished_at": datetime.now(UTC)})  # fmt: skip
        con.execute("COMMIT")
    except Exception as error:
        con.execute("ROLLBACK")
        message = str(error) if isinstance(error, IntakeError) else f"{type(error).__name__}: {error}"
        result = FileLoad(SOURCE, label, sha256, "failed", error=message)
        _log(con, result, {**common, "started_at": started, "finished_at": datetime.now(UTC)})
        if not isinstance(error, IntakeError):
            raise
    entry.path.unlink()  # archived; the load log says what became of it
    return result


def _reconcile(con: duckdb.DuckDBPyConnection, result: FileLoad, load_id: str) -> None:
    """features read = loaded + quarantined, counted again from the tables themselves."""
    counts = [
        con.execute(f"SELECT count(*) FROM {schema}.{SOURCE} WHERE load_id = ? AND file_sha256 = ?",
                    [load_id, result.sha256]).fetchall()[0][0]
        for schema in ("raw", "quarantine")
    ]  # fmt: skip
    if counts != [result.rows_loaded, result.rows_quarantined] or sum(counts) != result.rows_in_file:
        raise RuntimeError(f"{result.file}: counts do not reconcile: {result.rows_in_file} features read, "
                           f"{counts[0]} in raw + {counts[1]} in quarantine")  # fmt: skip
