"""Load one delivered Wijk- en buurtkaart (``inbox/wijkenbuurtkaart/*.gpkg``) into the warehouse.

The same rules as every delivered file (pipelines/sources/files/load.py): the file is taken once settled and read
once into the archive under its sha256 (links and special files refused); in one transaction its usable features
go to ``raw.wijkenbuurtkaart`` (geometry as WKB in RD New, repaired where it was invalid, flagged with the reason),
the others to ``quarantine.wijkenbuurtkaart`` with their reason and attributes as found, and one line to
``meta.file_loads``; features read = loaded + quarantined is checked against the tables before the commit. A file
loaded before is recorded as a duplicate; one that cannot be loaded gets a load-log row with the reason and moves
to ``rejected/``. The replace scope is the classification year: a newer file for a year replaces the older one
downstream, other years stay.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from pipelines.sources.files import inbox
from pipelines.sources.files.load import (
    PROVENANCE,
    FileLoad,
    Places,
    ensure_log_tables,
    ensure_table,
    log_load,
    log_values,
    reject_file,
    take_file,
)
from pipelines.sources.geo.kaart import read_kaart

SOURCE = "wijkenbuurtkaart"
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
    ensure_log_tables(con)
    ensure_table(con, f"raw.{SOURCE}", {**PROVENANCE, **RAW_COLUMNS})
    ensure_table(con, f"quarantine.{SOURCE}", {**PROVENANCE, **QUARANTINE_COLUMNS})


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


def ingest_kaart(
    con: duckdb.DuckDBPyConnection,
    entry: inbox.InboxFile,
    places: Places,
    *,
    load_id: str,
    gemeenten: list[str],
) -> FileLoad:
    """Load one map file and take it out of the inbox; whatever goes wrong is logged and returned, the file is
    never half-loaded."""
    label = entry.label(places.inbox)
    ensure_tables(con)
    common = log_values(entry, load_id)
    taken = take_file(con, SOURCE, entry, places, common)
    if isinstance(taken, FileLoad):
        return taken
    result = FileLoad(SOURCE, label, taken.sha256, "loaded")
    try:
        read = read_kaart(taken.path, label, gemeenten)
        result.rows_in_file, result.read_as = read.rows, read.details
        con.execute("BEGIN TRANSACTION")
        provenance = {
            "load_id": load_id, "loaded_at": common["started_at"], "file_sha256": taken.sha256, "source_file": label,
            "is_synthetic": common["is_synthetic"], "replace_scope": str(read.year),
        }  # fmt: skip
        result.rows_loaded = _insert(con, f"raw.{SOURCE}", read.features.assign(indeling_jaar=read.year), provenance)
        result.rows_quarantined = _insert(con, f"quarantine.{SOURCE}", read.rejected, provenance)
        result.reasons = read.rejected["reason_code"].value_counts().to_dict()
        _reconcile(con, result, load_id)
        log_load(con, result, **common, replace_scopes=[str(read.year)])
        con.execute("COMMIT")
    except Exception as error:  # one file's trouble never stops the others
        return reject_file(con, FileLoad(SOURCE, label, taken.sha256, "failed"), error, entry, places, common)
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
