"""Checks that look at a file as a whole, after every row has been validated (validate.py), in SQL on ``_intake``:

- messages whose lines load together (a mapping's ``whole``): when a line of a declaration with a declared total
  is rejected, its other lines are held back too (``incomplete_message``), so the loaded lines never disagree
  with the declared total;
- summary sheets: a sheet of a workbook whose name says it is an overview (``Overzicht``, ``Samenvatting``,
  ``Totalen``, ``... per regeling``) beside other data sheets, or whose every row repeats the total of the other
  sheets' rows with the same key, is quarantined (``summary_sheet``), not loaded a second time;
- totals rows: a file's own totals row (``Totaal``, not ``Subtotaal``; quarantined as ``summary_row``) is
  compared with the sum of the file's other rows; a difference becomes a warning in the load log.
"""

from __future__ import annotations

import re
from decimal import Decimal

import duckdb

from pipelines.sources.files.grid import GridRead
from pipelines.sources.files.spec import SourceSpec
from pipelines.sources.files.validate import INTAKE, SUMMARY_ROW, error_sql, record_sql, rejected_rows
from pipelines.sql import literal, quote

SUMMARY_SHEET = re.compile(
    r"^\s*(overzicht|samenvatting|totalen|totaal|summary|pivot|draaitabel)\b|\bper\s+(regeling|jaar|wijk|maand|"
    r"kwartaal|organisatie|aanvrager|thema)\b",
    re.IGNORECASE,
)
KEY_TYPES = {"text", "code", "year", "region", "enum"}


def _error(code: str, message: str) -> str:
    return f"[{error_sql(code, None, 'NULL', message, safe=True)}]"


def _held_back(spec: SourceSpec) -> str:
    """The record of a good row held back with others: its values as read (the cells are gone by now)."""
    values = [(c.raw_name, quote(c.raw_name)) for c in spec.columns.values() if c.type != "bsn"]
    pseudonyms = [(c.name, quote(c.raw_name)) for c in spec.columns.values() if c.type == "bsn"]
    return f"coalesce(record, {record_sql(values, pseudonyms, spec.personal)})"


def flag_incomplete_messages(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    if not spec.whole or not rejected_rows(con):
        return
    whole = f"coalesce({spec.whole}, false)"
    message = (
        "'line ' || bad.first_row || ' of this message was rejected: its other lines are held back too, so what "
        "is loaded never disagrees with the declared total'"
    )
    con.execute(
        f"""UPDATE {INTAKE} SET errors = {_error("incomplete_message", message)}, record = {_held_back(spec)}
        FROM (SELECT replace_scope, min(source_row) AS first_row FROM {INTAKE}
              WHERE len(errors) > 0 AND {whole} GROUP BY replace_scope) AS bad
        WHERE {INTAKE}.replace_scope = bad.replace_scope AND len({INTAKE}.errors) = 0 AND {whole}"""
    )


def _repeats_other_sheets(con: duckdb.DuckDBPyConnection, spec: SourceSpec, read: GridRead, sheet: str) -> bool:
    """Whether every row of ``sheet`` equals the sum of the other sheets' rows with the same key (the sheet's
    non-numeric columns that other sheets have too), at least one of them a sum of several rows."""
    own = next(s for s in read.sheets if s.sheet == sheet)
    others = {name for s in read.sheets if s.sheet != sheet for name in s.columns}
    columns = spec.columns
    keys = [columns[n].raw_name for n in own.columns if columns[n].type in KEY_TYPES and n in others]
    amount = next((columns[n].raw_name for n in own.columns if columns[n].type == "amount" and n in others), None)
    if not keys or amount is None:
        return False
    key_list = ", ".join(quote(k) for k in keys)
    join = " AND ".join(f"s.{quote(k)} IS NOT DISTINCT FROM o.{quote(k)}" for k in keys)
    rows, matched, most = con.execute(
        f"""WITH s AS (SELECT {key_list}, {quote(amount)} AS amount FROM {INTAKE} WHERE source_sheet = $1),
        o AS (SELECT {key_list}, sum({quote(amount)}) AS total, count(*) AS n FROM {INTAKE}
              WHERE source_sheet <> $1 GROUP BY ALL)
        SELECT count(*), count(*) FILTER (WHERE s.amount = o.total), max(o.n) FROM s LEFT JOIN o ON {join}""",
        [sheet],
    ).fetchall()[0]
    return rows > 0 and matched == rows and (most or 0) > 1


def flag_summary_sheets(con: duckdb.DuckDBPyConnection, spec: SourceSpec, read: GridRead) -> list[str]:
    """Quarantine the rows of a workbook's summary sheets; returns their names."""
    if len(read.sheets) < 2:
        return []
    flagged = []
    for sheet in (s.sheet for s in read.sheets if s.sheet is not None):
        if SUMMARY_SHEET.search(sheet):
            why = "its name says it is an overview of the other sheets"
        elif _repeats_other_sheets(con, spec, read, sheet):
            why = "its rows repeat the totals of the other sheets"
        else:
            continue
        message = literal(f"sheet {sheet!r} is a summary, not records: {why}")
        con.execute(
            f"UPDATE {INTAKE} SET errors = {_error('summary_sheet', message)} || errors, record = {_held_back(spec)} "
            "WHERE source_sheet = ?",
            [sheet],
        )
        flagged.append(sheet)
    return flagged


def totals_warnings(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> list[str]:
    """A warning per totals row whose amounts differ from the sum of the other rows of its sheet (or file)."""
    amounts = [c.raw_name for c in spec.columns.values() if c.type == "amount"]
    labels = [quote(c.raw_name) for c in spec.columns.values() if c.type in ("text", "code")]
    if not amounts or not labels or not rejected_rows(con):  # a totals row is a rejected row (summary_row)
        return []
    sums = ", ".join(f"sum({quote(a)}) FILTER (WHERE NOT is_total) AS {quote(a)}" for a in amounts)
    stated = ", ".join(f"t.{quote(a)}, s.{quote(a)}" for a in amounts)
    matching = [f"CASE WHEN regexp_matches(lower(trim({c})), {literal(SUMMARY_ROW)}) THEN {c} END" for c in labels]
    label = f"coalesce({', '.join(matching)})"  # the cell that makes the row a totals row
    rows = con.execute(
        f"""WITH marked AS (
            SELECT *, list_contains(list_transform(errors, lambda e: e.code), 'summary_row') AS is_total,
                   list_contains(list_transform(errors, lambda e: e.code), 'summary_sheet') AS in_summary_sheet
            FROM {INTAKE}
        ),
        sums AS (SELECT source_sheet, {sums} FROM marked WHERE NOT in_summary_sheet GROUP BY source_sheet)
        SELECT t.source_sheet, t.source_row, {stated}
        FROM marked t JOIN sums s ON t.source_sheet IS NOT DISTINCT FROM s.source_sheet
        WHERE t.is_total AND NOT t.in_summary_sheet AND NOT regexp_matches(lower(trim({label})), '^\\s*sub')
        ORDER BY t.source_sheet, t.source_row"""
    ).fetchall()
    warnings = []
    for sheet, row, *pairs in rows:
        where = f"sheet {sheet!r} row {row}" if sheet is not None else f"line {row}"
        for name, (said, counted) in zip(amounts, zip(pairs[::2], pairs[1::2], strict=True), strict=True):
            if said is not None and said != (counted or Decimal(0)):
                warnings.append(
                    f"{where}: the totals row says {name} {said:,.2f}, the rows add up to {counted or 0:,.2f} "
                    f"(difference {said - (counted or 0):,.2f})"
                )
    return warnings
