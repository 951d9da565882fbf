"""Read an .xlsx workbook into ``_grid``: openpyxl in read-only mode, streamed into Arrow batches.

Every sheet whose header (header.py) names the source's columns is loaded, each with its own header row and
column order (an Arrow batch per chunk of rows); sheets that name no column at all (a "Toelichting" sheet) are
listed as ignored. Typed cells become text in one unambiguous spelling, so validation treats them like CSV
cells: dates as ISO ``YYYY-MM-DD``, numbers without thousands separators and never with exactly three
decimals (``1.125`` is written ``1.1250``: three digits after a point read as a thousands group in Dutch files).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
from openpyxl import load_workbook

from pipelines.sources.files.errors import UnknownFormatError, UnreadableFileError
from pipelines.sources.files.grid import GRID_ROWS, GridRead, SheetRead, sheet_read
from pipelines.sources.files.header import SEARCH_ROWS, HeaderMatch, best_header, find_header
from pipelines.sources.files.spec import SourceSpec

BATCH_ROWS = 50_000


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = format(Decimal(repr(value)), "f")
        return text + "0" if len(text.partition(".")[2]) == 3 else text
    text = str(value).strip()
    return text or None


def _batches(
    spec: SourceSpec, sheet: str, header: HeaderMatch, rows: Iterator[tuple[int, Sequence[object]]], read: SheetRead
) -> Iterator[pa.RecordBatch]:
    positions = {m.column.name: m.index for m in header.columns}
    names = ["source_sheet", "source_row", "overflow", *(f"in__{n}" for n in spec.columns)]
    buffer: list[list[object]] = [[] for _ in names]
    for number, row in rows:
        texts = [cell_text(v) for v in row]
        if not any(texts):
            read.blank_rows += 1
            continue
        read.rows += 1
        values = [sheet, number, None, *(_at(texts, positions.get(n)) for n in spec.columns)]
        for column, value in zip(buffer, values, strict=True):
            column.append(value)
        if len(buffer[0]) >= BATCH_ROWS:
            yield _batch(buffer, names)
            buffer = [[] for _ in names]
    if buffer[0]:
        yield _batch(buffer, names)


def _batch(buffer: list[list[object]], names: list[str]) -> pa.RecordBatch:
    types = [pa.int64() if name == "source_row" else pa.string() for name in names]
    return pa.RecordBatch.from_arrays([pa.array(c, t) for c, t in zip(buffer, types, strict=True)], names=names)


def _at(texts: list[str | None], index: int | None) -> str | None:
    return texts[index] if index is not None and index < len(texts) else None


def read_xlsx(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: Path, label: str) -> GridRead:
    """Fill ``_grid`` from every sheet of a workbook that carries the source's columns."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        found = f"{type(error).__name__}: {error}"
        raise UnreadableFileError(label, None, "an Excel workbook (.xlsx)", found) from error
    read = GridRead("xlsx", {"sheets": ", ".join(workbook.sheetnames)})
    try:
        for worksheet in workbook.worksheets:
            rows = enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1)
            head = [next(rows, None) for _ in range(SEARCH_ROWS)]
            head = [r for r in head if r is not None]
            cells = [[cell_text(v) for v in row] for _, row in head]
            if best_header(spec, cells)[0] < 0:
                read.ignored_sheets.append(worksheet.title)
                continue
            header = find_header(spec, cells, [n for n, _ in head], label, f"sheet {worksheet.title!r}")
            sheet = sheet_read(worksheet.title, header)
            rest = ((n, r) for n, r in [*head[header.row + 1 :], *rows])
            for batch in _batches(spec, worksheet.title, header, rest, sheet):
                con.register("_xlsx_batch", batch)
                con.execute(f"INSERT INTO {GRID_ROWS} BY NAME SELECT * FROM _xlsx_batch")
                con.unregister("_xlsx_batch")
            read.sheets.append(sheet)
    finally:
        workbook.close()
    if not read.sheets:
        names = ", ".join(c.name for c in spec.required)
        raise UnknownFormatError(
            label,
            None,
            f"a sheet with the columns of a {spec.title} ({names})",
            f"sheets {workbook.sheetnames} without such a header",
        )
    return read
