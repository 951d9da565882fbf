"""The common shape every reader produces: the TEMP table ``_grid`` in the loading connection.

One row per data row of the file (blank rows left out and counted), one VARCHAR column ``in__<column>`` per
canonical column of the source holding the cell text exactly as found (NULL when the file has no such column),
plus where the row came from (``source_sheet``, ``source_row``) and ``overflow``: text in cells beyond the
header (a row with more fields than the header). Validation (validate.py) reads only this table, so CSV, XLSX
and XML are validated by the same SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.sources.files.errors import UnknownFormatError
from pipelines.sources.files.header import HeaderMatch
from pipelines.sources.files.spec import SourceSpec
from pipelines.sql import quote

GRID = "_grid"


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
    columns = ", ".join(f"{input_column(name)} VARCHAR" for name in spec.columns)
    con.execute(f"DROP TABLE IF EXISTS {GRID}")
    con.execute(f"CREATE TEMP TABLE {GRID} (source_sheet VARCHAR, source_row BIGINT, overflow VARCHAR, {columns})")


def sheet_read(sheet: str | None, header: HeaderMatch) -> SheetRead:
    return SheetRead(
        sheet=sheet,
        header_row=header.number,
        columns={m.column.name: m.label for m in header.columns},
        units={m.column.name: m.unit for m in header.columns if m.unit == "cent"},
        ignored=list(header.ignored),
    )
