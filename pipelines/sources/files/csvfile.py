"""Read a delimited text file into ``_grid`` with DuckDB's CSV reader: every cell as text, nothing guessed.

Detection runs on a sample of the first lines (with Python's csv module, cheap): the encoding (encoding.py), the
delimiter (``;``, ``,``, tab or ``|``: the one under which a header row names most canonical columns) and the
header row (header.py). The bulk of the file is then read by DuckDB in one statement. Numbers, dates and codes
stay text here; validate.py casts them, so a bad cell becomes a quarantined row with its reason, not a failed
read. The grid is a view of the records as read (no copy); the read keeps only the cells the grid needs.

DuckDB skips empty lines, so its row order does not give line numbers. ``scan_lines`` recovers them from the
bytes (vectorised with numpy): a record ends at a newline outside quotes. The same scan catches a quote that is
never closed, which DuckDB's reader would otherwise drop with the rest of the file after it. The file is read in
parallel (DuckDB keeps the file's order in the table it creates), and its records are paired with their lines by
position; a file whose records all sit on lines 1..n (no blank line, no quoted newline) needs no pairing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.sources.files.encoding import as_utf8, detect_encoding
from pipelines.sources.files.errors import UnreadableFileError
from pipelines.sources.files.grid import GRID, SCRATCH, GridRead, input_column, sheet_read
from pipelines.sources.files.header import SEARCH_ROWS, HeaderMatch, best_header, find_header, score
from pipelines.sources.files.spec import SourceSpec
from pipelines.sources.files.validate import MAX_CELL
from pipelines.sql import literal

DELIMITERS = (";", ",", "\t", "|")
SAMPLE_BYTES = 1 << 16
SPARE_COLUMNS = 8  # cells read beyond the header, so a row with a few extra fields is quarantined, not fatal
MAX_COLUMNS = 1024  # a row with more fields fails the file
CELLS = f"{SCRATCH}._csv"  # the file's records as read, the grid's cells as text; the grid is a view of them
LINES = f"{SCRATCH}._csv_lines"  # the line each record starts on, when not every record is its line


@dataclass(frozen=True)
class LineScan:
    """Where the records of a delimited file start, from its bytes."""

    records: np.ndarray  # 1-based line of each non-empty record, in the order DuckDB returns them
    empty: np.ndarray  # lines of empty records (blank lines), which DuckDB skips
    open_quote: int | None  # line of a quote that is never closed
    quoted_newline: bool = False  # a record spans lines (a newline inside quotes)
    longest: int = 0  # bytes of the longest record: no cell is longer
    control: bool = False  # a control character other than tab, newline and carriage return

    @property
    def one_per_line(self) -> bool:
        """Whether record i (1-based) is line i: lines strictly increase from 1, so the last says it."""
        return len(self.records) == 0 or int(self.records[-1]) == len(self.records)


def scan_lines(path: Path) -> LineScan:
    """A newline ends a record when an even number of quote characters precede it (``""`` escapes count twice);
    a record that is empty or only ``\\r`` is a blank line. Control characters are ASCII, single bytes in UTF-8."""
    data = np.memmap(path, dtype=np.uint8, mode="r") if path.stat().st_size else np.zeros(0, np.uint8)
    low = np.flatnonzero(data < 0x20)
    low_bytes = data[low]
    newlines = low[low_bytes == ord("\n")]
    control = bool(np.any((low_bytes != ord("\t")) & (low_bytes != ord("\n")) & (low_bytes != ord("\r"))))
    quotes = np.flatnonzero(data == ord('"'))
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(data)]))
    length = stops - starts
    first = data[np.minimum(starts, len(data) - 1)] if len(data) else np.zeros(len(starts), np.uint8)
    empty = (length == 0) | ((length == 1) & (first == ord("\r")))
    lines = np.searchsorted(newlines, starts) + 1
    open_quote = int(np.searchsorted(newlines, quotes[-1]) + 1) if len(quotes) % 2 else None
    return LineScan(
        lines[~empty],
        lines[empty & (starts < len(data))],
        open_quote,
        len(ends) < len(newlines),
        longest=int(length.max()),
        control=control or bool(np.any(data == 0x7F)),
    )


def _sample_rows(path: Path, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first non-empty records of the sample and the line each starts on."""
    with path.open("r", encoding="utf-8", newline="") as handle:
        text = handle.read(SAMPLE_BYTES)
        if len(text) == SAMPLE_BYTES and "\n" in text:
            text = text[: text.rindex("\n") + 1]  # whole lines only
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, numbers, line = [], [], 1
    try:
        for row in reader:
            if row:
                rows.append(row)
                numbers.append(line)
            line = reader.line_num + 1
            if len(rows) >= SEARCH_ROWS * 2:
                break
    except csv.Error:
        pass  # a quoting problem further on is DuckDB's to report, with its line
    return rows, numbers


def _duckdb_error(error: duckdb.Error, label: str) -> UnreadableFileError:
    """The reader's complaint as a clear error naming the line; never the line itself (it may hold a BSN or a
    name: DuckDB quotes the whole line in its message)."""
    message = str(error)
    line = re.search(r"Line: (\d+)", message)
    where = f"line {line.group(1)}" if line else None
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if counts:
        return UnreadableFileError(label, where, f"at most {MAX_COLUMNS} fields in a row", f"{counts.group(2)} or more")
    first = message.splitlines()[0].partition(": ")[2] or message.splitlines()[0]
    return UnreadableFileError(label, where, "well-formed CSV (quoted fields closed)", first)


def _wider(error: duckdb.Error, width: int) -> int | None:
    """The width to read again with when a row has more fields than ``width`` (quarantined then as
    ``too_many_fields``, not a failed file), None when the file is wider than anyone's register."""
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", str(error))
    if not counts or width >= MAX_COLUMNS:
        return None
    return min(MAX_COLUMNS, max(2 * width, int(counts.group(2)) + SPARE_COLUMNS))


def _grid_cells(spec: SourceSpec, header: HeaderMatch, width: int) -> str:
    """SQL: what the grid needs of a record read as ``width`` text fields ``c<i>``, so the table of records holds
    no more: whether it is blank, its overflow and the cell of each canonical column (NULL when unmapped)."""
    cells = [f"c{i}" for i in range(width)]
    # a blank row has every cell empty or spaces; most rows are told apart by their first cell that is not NULL
    blank = (
        f"CASE WHEN trim(coalesce({', '.join(cells)})) <> '' THEN false ELSE trim(concat({', '.join(cells)})) = '' END"
    )
    spare = [f"c{i}" for i in range(header.width, width)]  # NULL (padded) in every row the header is as wide as
    shown = ", ".join(f"nullif(trim({c}), '')" for c in spare)
    overflow = f"CASE WHEN coalesce({', '.join(spare)}) IS NOT NULL THEN nullif(concat_ws(' | ', {shown}), '') END"
    mapped = {m.column.name: f"c{m.index}" for m in header.columns}
    selected = ", ".join(f"{mapped.get(name, 'NULL::VARCHAR')} AS {input_column(name)}" for name in spec.columns)
    return f"{blank} AS blank, {overflow} AS overflow, {selected}"


def read_csv(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path, label: str, workdir: Path) -> GridRead:
    """Fill ``_grid`` from a CSV file; returns how it was read."""
    encoding = detect_encoding(path, label)
    text_path = as_utf8(path, encoding, workdir)
    lines = scan_lines(text_path)
    if lines.open_quote is not None:
        raise UnreadableFileError(
            label, f"line {lines.open_quote}", "well-formed CSV (every quoted field closed)", "a quote never closed"
        )
    samples = {d: _sample_rows(text_path, d) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: score(best_header(spec, samples[d][0])[1]))
    rows, numbers = samples[delimiter]
    header = find_header(spec, rows, numbers, label)
    width = max(header.width, *(len(r) for r in rows)) + SPARE_COLUMNS
    # DuckDB's parallel scanner cannot pad short rows (null_padding) in a file with a newline inside quotes
    parallel = "false" if lines.quoted_newline else "true"
    while True:  # a row further on with more fields than the sample's: read again, wider
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
        try:
            con.execute(f"DROP TABLE IF EXISTS {CELLS}")
            con.execute(
                f"""CREATE TABLE {CELLS} AS
                SELECT {_grid_cells(spec, header, width)}
                FROM read_csv({literal(str(text_path))}, auto_detect = false, header = false,
                              delim = {literal(delimiter)}, quote = '"', escape = '"', columns = {columns},
                              null_padding = true, parallel = {parallel})"""
            )
            break
        except duckdb.Error as error:
            wider = _wider(error, width)
            if wider is None:
                raise _duckdb_error(error, label) from error
            width = wider
    records = con.execute(f"SELECT count(*) FROM {CELLS}").fetchall()[0][0]
    if len(lines.records) != records:
        raise UnreadableFileError(
            label, None, f"{len(lines.records)} records (by its lines and quotes)", f"{records} read as CSV"
        )
    if lines.one_per_line:
        body = f"(SELECT rowid + 1 AS line, * FROM {CELLS}) WHERE line > {header.number}"
    else:  # the table holds the records in the file's order: pair them with their lines by position
        con.register("_csv_lines", pa.table({"line": lines.records}))
        con.execute(f"CREATE TABLE {LINES} AS FROM _csv_lines")
        con.unregister("_csv_lines")
        body = f"{CELLS} POSITIONAL JOIN {LINES} WHERE line > {header.number}"
    # a view, not a copy: validation reads the cells where DuckDB put them (a copy of a 1M-line file took 1 s)
    con.execute(
        f"""CREATE VIEW {GRID} AS
        SELECT line AS grid_row, NULL::VARCHAR AS source_sheet, line AS source_row, overflow,
               COLUMNS('in__.*')
        FROM {body} AND NOT blank"""
    )
    data_rows = con.execute(f"SELECT count(*) FROM {GRID}").fetchall()[0][0]
    header_ordinal = header.row + 1  # the sample skips empty records exactly like DuckDB
    sheet = sheet_read(None, header)
    sheet.rows = data_rows
    sheet.blank_rows = records - header_ordinal - data_rows + int((lines.empty > header.number).sum())
    read = GridRead("csv", {"encoding": encoding, "delimiter": {"\t": "tab"}.get(delimiter, delimiter)})
    read.plain_text = not lines.control and lines.longest <= MAX_CELL
    read.sheets.append(sheet)
    return read
