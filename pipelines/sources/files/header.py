"""Find the header row of a spreadsheet-like file and map its cells to a source's canonical columns.

Real registers start with title blocks ("Subsidieregister gemeente X 2023", a date, a blank line), put the header
on row 4, or split it over two rows with merged cells ("Bedrag" over "aangevraagd | verleend"). The header is
the row, among the first rows, whose cells name the most canonical columns, alone or joined with the row above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.sources.files.errors import MissingColumnError, UnknownFormatError
from pipelines.sources.files.spec import ColumnSpec, SourceSpec

SEARCH_ROWS = 30  # a header further down than this is not a header


@dataclass(frozen=True)
class MappedColumn:
    index: int  # position in the row
    label: str  # the header text as found (both rows of a two-row header joined)
    column: ColumnSpec
    unit: str  # amounts: 'euro' or 'cent'


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # index of the header row in the rows searched
    number: int  # its row number in the file (line or sheet row), for messages
    columns: tuple[MappedColumn, ...]
    ignored: tuple[str, ...]  # header cells that name no canonical column (not loaded)
    width: int  # number of cells in the header row

    def by_name(self) -> dict[str, MappedColumn]:
        return {m.column.name: m for m in self.columns}


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _forward_filled(row: Sequence[object], width: int) -> list[str]:
    """A merged cell's text is in its first cell only; spread it over the cells it spans."""
    filled, last = [], ""
    for i in range(width):
        cell = _text(row[i]) if i < len(row) else ""
        last = cell or last
        filled.append(last)
    return filled


def _match(spec: SourceSpec, row: Sequence[object], parent: Sequence[object] | None) -> list[MappedColumn]:
    width = len(row)
    above = _forward_filled(parent, width) if parent is not None else [""] * width
    matched: list[MappedColumn] = []
    for i in range(width):
        own = _text(row[i])
        candidates = [f"{above[i]} {own}".strip(), own] if above[i] else [own]
        for label in candidates:
            column = spec.match(label) if label else None
            if column is not None:
                matched.append(MappedColumn(i, label, column, column.unit_of(label)))
                break
    return matched


def score(matched: list[MappedColumn]) -> int:
    """How many distinct canonical columns a candidate header names."""
    return len({m.column.name for m in matched})


def best_header(spec: SourceSpec, rows: Sequence[Sequence[object]]) -> tuple[int, list[MappedColumn]]:
    """(index, mapped columns) of the row that names the most columns; (-1, []) when none names any."""
    best: tuple[int, list[MappedColumn]] = (-1, [])
    for i, row in enumerate(rows[:SEARCH_ROWS]):
        for parent in (None, rows[i - 1]) if i > 0 else (None,):
            matched = _match(spec, row, parent)
            if score(matched) > score(best[1]):
                best = (i, matched)
    return best


def find_header(
    spec: SourceSpec,
    rows: Sequence[Sequence[object]],
    numbers: Sequence[int],
    file: str,
    where: str = "",
) -> HeaderMatch:
    """The header among the first rows (``numbers`` are their row numbers in the file); raises when no row
    names every required column."""
    index, matched = best_header(spec, rows)
    prefix = f"{where}, " if where else ""
    if not matched:
        names = ", ".join(c.name for c in spec.required)
        raise UnknownFormatError(
            file,
            where or None,
            f"a header row naming the columns of a {spec.title} ({names})",
            f"no such row in the first {SEARCH_ROWS} rows",
        )
    number = numbers[index]
    seen: dict[str, MappedColumn] = {}
    for m in matched:
        if m.column.name in seen:
            raise UnknownFormatError(
                file,
                f"{prefix}header row {number}",
                f"one column for {m.column.name}",
                f"two: {seen[m.column.name].label!r} and {m.label!r}",
            )
        seen[m.column.name] = m
    missing = [c for c in spec.required if c.name not in seen]
    if missing:
        wanted = "; ".join(f"{c.name} (also: {', '.join(c.synonyms[:4])})" for c in missing)
        found = [_text(cell) for cell in rows[index] if _text(cell)]
        raise MissingColumnError(
            file, f"{prefix}header row {number}", f"required column(s) {wanted}", f"header cells {found}"
        )
    mapped_positions = {m.index for m in matched}
    ignored = tuple(_text(c) for i, c in enumerate(rows[index]) if i not in mapped_positions and _text(c))
    return HeaderMatch(index, number, tuple(matched), ignored, len(rows[index]))
