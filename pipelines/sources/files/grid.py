"""The common shape every reader produces: the view ``_grid`` in the file's scratch database.

One row per data row of the file (blank rows left out and counted), one VARCHAR column ``in__<column>`` per
canonical column of the source holding the cell text exactly as found (NULL when the file has no such column),
plus ``grid_row`` (unique per row), where the row came from (``source_sheet``, ``source_row``) and ``overflow``:
text in cells beyond the header (a row with more fields than the header). Validation (validate.py) reads only
this view, so CSV, XLSX and XML are validated by the same SQL. The XLSX and XML readers write the rows into the
table ``_grid_rows`` under it (``create_grid``); a CSV's grid is a view of its cells as DuckDB read them
(csvfile.py), not a copy of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.sources.files.errors import UnknownFormatError
from pipelines.sources.files.header import HeaderMatch
from pipelines.sources.files.spec import SourceSpec
from pipelines.sql import literal, quote

SCRATCH = "_intake_scratch"
GRID = f"{SCRATCH}._grid"
GRID_ROWS = f"{SCRATCH}._grid_rows"
# DuckDB scans a table in parallel per row group; a TEMP table's are 122,880 rows, so a file of up to that many
# rows was validated on one core. Smaller groups let every core work on the files a gemeente sends (a 110,000-row
# care export: validation 0.47 -> 0.23 s, the whole intake 1.5 -> 1.2 s on two cores).
SCRATCH_ROW_GROUP_SIZE = 16_384


@contextmanager
def scratch_database(con: duckdb.DuckDBPyConnection, folder: Path) -> Iterator[None]:
    """The file's scratch database (its grid, and a CSV's cells as read) in the file's private work folder, which
    is removed after the file; only the reading and validation write it, never the load's transaction."""
    con.execute(
        f"ATTACH {literal(str(folder / 'scratch.duckdb'))} AS {SCRATCH} (ROW_GROUP_SIZE {SCRATCH_ROW_GROUP_SIZE})"
    )
    try:
        yield
    finally:
        con.execute(f"DETACH {SCRATCH}")


def input_column(name: str) -> str:
    return quote(f"in__{name}")


@dataclass
class SheetRead:
    """How one sheet (or the one table of a CSV/XML file) was read; goes into the load log."""

    sheet: str | None
    header_row: int | None
    columns: dict[str, str]  # canonical column -> header label as found in the file
    units: dict[str, str]  # amount columns given in cents
    ignored: list[str]
    rows: int = 0
    blank_rows: int = 0


@dataclass
class GridRead:
    format: str  # csv / xlsx / xml
    details: dict[str, str] = field(default_factory=dict)  # encoding, delimiter, message type, ...
    sheets: list[SheetRead] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    # the reader saw in the bytes that no cell holds a control character or is longer than validate.MAX_CELL
    plain_text: bool = False

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.sheets)

    @property
    def blank_rows(self) -> int:
        return sum(s.blank_rows for s in self.sheets)

    def units(self, label: str) -> dict[str, str]:
        """Amount columns given in cents; they must agree between sheets (one query validates all rows)."""
        if len({tuple(sorted(s.units.items())) for s in self.sheets}) > 1:
            found = "; ".join(f"sheet {s.sheet!r}: {s.columns}" for s in self.sheets)
            raise UnknownFormatError(label, None, "the same amount columns (euro or cent) in every sheet", found)
        return self.sheets[0].units if self.sheets else {}


def create_grid(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """The table ``_grid_rows`` for a reader that writes the rows itself, and ``_grid`` as its view."""
    columns = ", ".join(f"{input_column(name)} VARCHAR" for name in spec.columns)
    con.execute(f"CREATE TABLE {GRID_ROWS} (source_sheet VARCHAR, source_row BIGINT, overflow VARCHAR, {columns})")
    con.execute(f"CREATE VIEW {GRID} AS SELECT rowid AS grid_row, * FROM {GRID_ROWS}")


def sheet_read(sheet: str | None, header: HeaderMatch) -> SheetRead:
    return SheetRead(
        sheet=sheet,
        header_row=header.number,
        columns={m.column.name: m.label for m in header.columns},
        units={m.column.name: m.unit for m in header.columns if m.unit == "cent"},
        ignored=list(header.ignored),
    )
