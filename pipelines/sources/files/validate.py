"""Validate and cast ``_grid`` into ``_intake``, in SQL: one pass over all rows, no Python per row.

Every cell arrives as text. Each column's type (spec.py) gives a cast and the checks that can fail it. The pass
types every cell once and keeps per row the numbers of the checks it failed (``reasons``, empty for most rows);
only for the rejected rows are the errors ``{code, column_name, cell, message}`` and the row's cells then built,
from their cells in ``_grid``. Rows without errors go to raw; rows with errors go to quarantine with all their
reasons and the original cell texts. Nothing is coerced silently: an amount with three decimals is an error,
not a rounding.

Numbers are read the Dutch way or the English way, per value where the spelling decides (``1.234,56``,
``1,234.56``, ``12,5``) and per column where it does not (``1.250``): the unambiguous values of the column vote.
Without votes an ambiguous value is quarantined (``ambiguous_number``), never guessed; in a whole-number column
only the thousands reading gives a whole number, so it is taken.

Privacy: a text or code cell is stored with every 11-test-valid 9-digit number redacted; quarantine shows cells
redacted and bounded (a prefix and the length), and for client-level sources (a BSN column) with their letters
masked (``Xxxx``), since a shifted row can put a client's name in any column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.sources.files.grid import GRID, input_column
from pipelines.sources.files.persons import is_natural_person_sql
from pipelines.sources.files.spec import REGION_LEVELS, ColumnSpec, SourceSpec
from pipelines.sources.privacy import bsn_check_sql, pseudonym_sql, redact_bsns_sql
from pipelines.sql import literal, quote

INTAKE = "_intake"
NULL_TOKENS = ("", "NULL", "null")  # Amsterdam's register writes a literal NULL
SUMMARY_ROW = r"^\s*((sub|eind)?totaal|total|som)(\s|:|$)"
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")
NUMERIC_TYPES = {"integer", "number", "amount"}
SQL_TYPES = {
    "integer": "BIGINT",
    "year": "INTEGER",
    "number": "DOUBLE",
    "amount": "DECIMAL(18,2)",
    "date": "DATE",
}
AMOUNT_LIMIT = "1e16"  # DECIMAL(18,2) holds 16 digits before the point
INTEGER_LIMIT = "9e18"  # BIGINT
MAX_CELL = 10_000  # characters; a longer cell quarantines its row (a workbook "bomb" can hold a 400 MB cell)
SHOWN = 200  # characters of a cell that quarantine keeps (with the cell's length)
CELL = "{cell}"  # where an error message names its cell; filled in (as shown()) when the row goes to quarantine
CONTROL = r"[\x{00}-\x{08}\x{0B}\x{0C}\x{0E}-\x{1F}\x{7F}]"  # control characters other than tab and newlines
# UTF-8 bytes read as Windows-1252: a lead byte (Â..ß, à..ï) followed by continuation bytes (0x80-0xBF as cp1252)
_CONTINUATION = r"[\x{A0}-\x{BF}€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]"
MOJIBAKE = rf"[\x{{C2}}-\x{{DF}}]{_CONTINUATION}|[\x{{E0}}-\x{{EF}}]{_CONTINUATION}{{2}}"
AMBIGUOUS = "[0-9]{1,3}[.,][0-9]{3}"  # 1.250, 1,250: a decimal or a thousands separator
# most numbers in real files: digits with at most two decimals after a comma or a point, read the same in every
# style, so a single match decides them (the general reading below is for everything else)
PLAIN_NUMBER = "-?[0-9]{1,18}([.,][0-9]{1,2})?"

# unambiguous spellings that vote for a decimal comma / a decimal point
COMMA_VOTES = r"[0-9]{1,3}(\.[0-9]{3})+,[0-9]+|[0-9]*,[0-9]{1,2}|[0-9]{4,},[0-9]+|[0-9]{1,3}(\.[0-9]{3}){2,}"
POINT_VOTES = r"[0-9]{1,3}(,[0-9]{3})+\.[0-9]+|[0-9]*\.[0-9]{1,2}|[0-9]{4,}\.[0-9]+|[0-9]{1,3}(,[0-9]{3}){2,}"


@dataclass(frozen=True)
class Context:
    """What validation needs beyond the rows: amount units, decimal style per column, the pseudonym key, the
    earliest date accepted, and how the file was decoded."""

    units: dict[str, str]
    styles: dict[str, str | None]  # numeric column -> 'comma' | 'point' | None (no unambiguous value to decide)
    key: bytes
    earliest: date
    personal: bool = False  # client-level source: quarantine masks the letters of a cell
    encoding: str | None = None  # 'cp1252': a cell that looks like UTF-8 read as Windows-1252 is flagged
    present: frozenset[str] | None = None  # the columns the file has (None: all); the others are NULL in every row
    plain_text: bool = False  # the reader saw every byte: no control character, no cell longer than MAX_CELL

    def has(self, name: str) -> bool:
        return self.present is None or name in self.present


def shown(cell: str, personal: bool) -> str:
    """SQL: a cell as quarantine shows it: 11-test-valid 9-digit numbers redacted, letters masked for a
    client-level source, at most ``SHOWN`` characters followed by the cell's length."""
    # redact a little beyond the cut, so a number across it is redacted before it is cut
    text = f"left({redact_bsns_sql(f'left({cell}, {SHOWN + 20})')}, {SHOWN})"
    if personal:
        text = f"regexp_replace(regexp_replace({text}, '\\p{{Lu}}', 'X', 'g'), '\\p{{Ll}}|\\p{{Lo}}', 'x', 'g')"
    return (
        f"CASE WHEN length({cell}) > {SHOWN} THEN {text} || '… (' || length({cell}) || ' characters)' ELSE {text} END"
    )


def _t(name: str) -> str:
    """The typed value of a column within the validation query."""
    return quote(f"t__{name}")


def error_sql(code: str, column: str | None, cell: str, message: str, safe: bool = False) -> str:
    """An error of a row: ``cell`` as found (``safe``: a pseudonym or a code, shown as it is), ``message`` with
    ``CELL`` where the cell goes."""
    return (
        f"struct_pack(code := {literal(code)}, column_name := {literal(column) if column else 'NULL::VARCHAR'}, "
        f"cell := ({cell})::VARCHAR, message := ({message})::VARCHAR, safe := {str(safe).lower()})"
    )


@dataclass(frozen=True)
class Check:
    """One check of a row: ``condition`` (SQL, true when the row fails it) is evaluated on every row; ``error``
    (SQL, an ``error_sql`` struct) only on the rows that failed."""

    condition: str
    error: str


def _check(condition: str, code: str, column: str | None, cell: str, message: str, safe: bool = False) -> Check:
    return Check(condition, error_sql(code, column, cell, message, safe))


def _clean(expression: str) -> str:
    return f"regexp_replace({expression}, '€|euro?|\\s', '', 'gi')"


def _bare(expression: str) -> str:
    """The digits and separators of a number: currency signs, spaces and the sign removed."""
    return f"regexp_replace({_clean(expression)}, '^[-(]|[-)]$', '', 'g')"


def _number_body(d: str, style: str | None) -> str:
    """SQL: the bare number ``d`` (digits and separators) as text with a decimal point, NULL if it is none (or
    if its spelling is ambiguous and ``style`` is None). ``style``: 'comma', 'point' or 'thousands' (both
    separators group thousands: a whole-number column)."""
    ambiguous = {
        "comma": f"replace(replace({d}, '.', ''), ',', '.')",
        "point": f"replace({d}, ',', '')",
        "thousands": f"replace(replace({d}, '.', ''), ',', '')",
        None: "NULL",
    }[style]
    return f"""CASE
        WHEN regexp_full_match({d}, '[0-9]+') THEN {d}
        WHEN regexp_full_match({d}, '{AMBIGUOUS}') THEN {ambiguous}
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(\\.[0-9]{{3}})+,[0-9]+|[0-9]*,[0-9]+')
            THEN replace(replace({d}, '.', ''), ',', '.')
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(,[0-9]{{3}})+\\.[0-9]+|[0-9]*\\.[0-9]+') THEN replace({d}, ',', '')
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(\\.[0-9]{{3}}){{2,}}') THEN replace({d}, '.', '')
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(,[0-9]{{3}}){{2,}}') THEN replace({d}, ',', '')
    END"""


def _negative(c: str) -> str:
    return f"({c} LIKE '-%' OR {c} LIKE '%-' OR ({c} LIKE '(%' AND {c} LIKE '%)'))"


def number_steps(name: str, style: str | None) -> list[dict[str, str]]:
    """SQL that reads the number in cell ``v__<name>`` into ``x__<name>`` (DECIMAL(38,10), NULL when the cell is
    not a number), in three steps that each compute a value once; the validation query selects them in turn.
    A plain number (``PLAIN_NUMBER``) is cast at once and leaves ``c__`` and ``d__`` NULL; any other cell is
    cleaned (``c__``: currency and spaces removed; ``d__``: the sign too) and read by _number_body. ``style``
    decides only the ambiguous spellings ``1.250`` and ``1,250``."""
    v, c, d = (quote(f"{p}__{name}") for p in ("v", "c", "d"))
    return [
        {f"c__{name}": f"CASE WHEN NOT regexp_full_match({v}, '{PLAIN_NUMBER}') THEN {_clean(v)} END"},
        {f"d__{name}": f"regexp_replace({c}, '^[-(]|[-)]$', '', 'g')"},
        {
            f"x__{name}": f"CASE WHEN {c} IS NULL THEN TRY_CAST(replace({v}, ',', '.') AS DECIMAL(38,10)) "
            f"ELSE TRY_CAST((CASE WHEN {_negative(c)} THEN '-' ELSE '' END || {_number_body(d, style)}) "
            "AS DECIMAL(38,10)) END"
        },
    ]


def decimal_styles(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> dict[str, str | None]:
    """Per numeric column: 'comma' or 'point' by the votes of its unambiguous values; None without votes (or a
    tie): its ambiguous values are then quarantined, except in a whole-number column ('thousands')."""
    numeric = [c for c in spec.columns.values() if c.type in NUMERIC_TYPES]
    if not numeric:
        return {}
    # a plain number votes by its separator; any other cell by the patterns
    plain = ", ".join(
        f"regexp_full_match(trim({input_column(c.name)}), '{PLAIN_NUMBER}') AS {quote('p__' + c.name)}" for c in numeric
    )
    counts = ", ".join(
        f"count(*) FILTER (WHERE CASE WHEN {quote('p__' + c.name)} THEN contains({input_column(c.name)}, '{sep}') "
        f"ELSE regexp_full_match({_bare(input_column(c.name))}, '{pattern}') END)"
        for c in numeric
        for sep, pattern in ((",", COMMA_VOTES), (".", POINT_VOTES))
    )
    votes = con.execute(f"SELECT {counts} FROM (SELECT *, {plain} FROM {GRID})").fetchall()[0]
    styles: dict[str, str | None] = {}
    for i, column in enumerate(numeric):
        comma, point = votes[2 * i], votes[2 * i + 1]
        undecided = "thousands" if column.type == "integer" else None
        styles[column.name] = "comma" if comma > point else "point" if point > comma else undecided
    return styles


def _region_code(column: ColumnSpec, v: str) -> str:
    """A region code in its canonical spelling (``WK014101``; bare digits get their prefix), else NULL."""
    prefix = REGION_LEVELS[column.level or "any"]
    if not prefix:
        return f"CASE WHEN regexp_full_match(upper({v}), 'GM[0-9]{{4}}|WK[0-9]{{6}}|BU[0-9]{{8}}') THEN upper({v}) END"
    digits = {"GM": 4, "WK": 6, "BU": 8}[prefix]
    return (
        f"CASE WHEN regexp_full_match(upper({v}), '{prefix}[0-9]{{{digits}}}') THEN upper({v}) "
        f"WHEN regexp_full_match({v}, '[0-9]{{{digits}}}') THEN '{prefix}' || {v} END"
    )


def _typed(column: ColumnSpec, ctx: Context) -> tuple[str, list[Check], dict[str, str]]:
    """(value SQL over the cell ``v__<name>``, error SQLs over the cell and the value ``t__<name>``, extra
    output columns) of one column."""
    name, kind = column.name, column.type
    v, t = quote(f"v__{name}"), _t(name)
    said = literal(f"{name}: {CELL}")
    errors: list[Check] = []
    extra: dict[str, str] = {}

    def bad(condition: str, code: str, message: str, cell: str = v, safe: bool = False) -> None:
        errors.append(_check(condition, code, name, cell, message, safe))

    if column.required:
        bad(f"{v} IS NULL", "missing_value", literal(f"{name}: required value is empty"), "NULL")
    if not ctx.has(name):  # not in the file: nothing to read or check, but the query stays smaller to plan
        if column.natural_person:
            extra[f"{name}_is_particulier"] = "false"
        return f"NULL::{SQL_TYPES.get(kind, 'VARCHAR')}", errors, extra
    if kind == "text":
        value = redact_bsns_sql(v)
        if column.natural_person:  # natural persons are never stored, only counted
            person = is_natural_person_sql(column.natural_person, v)
            value = f"CASE WHEN {person} THEN NULL ELSE {value} END"
            extra[f"{name}_is_particulier"] = f"coalesce({person}, false)"
    elif kind == "code":  # a pattern leaves no room for a BSN (a cell that fails it is quarantined, redacted)
        value = f"upper({v})" if column.pattern else f"upper({redact_bsns_sql(v)})"
        if column.pattern:
            bad(
                f"NOT regexp_full_match({t}, {literal(column.pattern)})",
                "bad_code",
                f"{said} || {literal(' does not match the pattern ' + column.pattern)}",
            )
    elif kind in NUMERIC_TYPES:
        exact, d = quote(f"x__{name}"), quote(f"d__{name}")  # parsed once, by number_steps
        # a plain number (c__ NULL, see number_steps) has at most two decimals and 18 digits: it is cast from its
        # text at once, not through the wide DECIMAL(38,10), which is slow to round and narrow
        plain = f"{quote(f'c__{name}')} IS NULL"
        limit = INTEGER_LIMIT if kind == "integer" else AMOUNT_LIMIT
        # beyond DECIMAL(38,10) the parse itself gives NULL: 29 digits or more are out of range too
        too_big = f"(abs({exact}) >= {limit} OR ({exact} IS NULL AND regexp_full_match({d}, '[0-9]{{29,}}')))"
        if kind == "amount" and ctx.units.get(name) == "cent":
            value = f"CAST(TRY_CAST({v} AS DECIMAL(38,0)) / 100 AS DECIMAL(18,2))"
            bad(
                f"regexp_full_match({v}, '-?[0-9]{{17,}}')",
                "out_of_range",
                f"{said} || ' is out of range (at most 16 digits of euro cents)'",
            )
            bad(
                f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '-?[0-9]+')",
                "not_an_amount",
                f"{said} || ' is not an amount in whole euro cents'",
            )
        else:
            if ctx.styles.get(name) is None and kind != "integer":
                bad(
                    f"{exact} IS NULL AND regexp_full_match({d}, '{AMBIGUOUS}')",
                    "ambiguous_number",
                    f"{said} || ' can be read with a decimal or a thousands separator, and no other value in the "
                    "column says which: write it unambiguously (1250, 1.250,00, 1,25)'",
                )
            bad(f"{too_big}", "out_of_range", f"{said} || ' is out of range'")
            not_a = f"{v} IS NOT NULL AND {exact} IS NULL AND NOT regexp_full_match({d}, '{AMBIGUOUS}')"
            if kind == "amount":
                value = (
                    f"CASE WHEN {plain} THEN TRY_CAST(replace({v}, ',', '.') AS DECIMAL(18,2)) "
                    f"ELSE TRY_CAST({exact} AS DECIMAL(18,2)) END"
                )
                bad(not_a, "not_an_amount", f"{said} || ' is not an amount'")
                bad(
                    f"CASE WHEN NOT {plain} THEN {exact} <> round({exact}, 2) END",
                    "not_an_amount",
                    f"{said} || ' has more than two decimals'",
                )
            elif kind == "integer":
                value = (
                    f"CASE WHEN {plain} AND NOT contains({v}, ',') AND NOT contains({v}, '.') THEN CAST({v} AS BIGINT) "
                    f"WHEN {exact} = round({exact}) AND NOT {too_big} THEN CAST({exact} AS BIGINT) END"
                )
                bad(
                    f"{v} IS NOT NULL AND {t} IS NULL AND NOT coalesce({too_big}, false)",
                    "not_a_number",
                    f"{said} || ' is not a whole number'",
                )
            else:
                value = f"CAST({exact} AS DOUBLE)"
                bad(not_a, "not_a_number", f"{said} || ' is not a number'")
        below = "negative_amount" if kind == "amount" and column.minimum == 0 else "out_of_range"
        if column.minimum is not None:
            bad(f"{t} < {column.minimum}", below, f"{said} || ' is below the minimum {column.minimum}'")
        if column.maximum is not None:
            bad(f"{t} > {column.maximum}", "out_of_range", f"{said} || ' is above the maximum {column.maximum}'")
    elif kind == "year":
        value = f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}') THEN CAST({v} AS INTEGER) END"
        bad(f"{v} IS NOT NULL AND {t} IS NULL", "bad_year", f"{said} || ' is not a year (four digits)'")
        first = int(column.minimum) if column.minimum is not None else ctx.earliest.year
        bad(f"{t} < {first}", "out_of_range", f"{said} || ' is before {first}'")
        if column.max_years_ahead is not None:
            ahead = column.max_years_ahead
            bad(
                f"{t} > year(getvariable('intake_date')) + {ahead}",
                "future_date",
                f"{said} || ' lies more than {ahead} year(s) after the intake date'",
            )
    elif kind == "date":
        formats = "[" + ", ".join(literal(f) for f in DATE_FORMATS) + "]"
        # most cells are ISO dates (YYYY-MM-DD), which a cast reads faster than the formats
        shaped = f"length({v}) = 10 AND substr({v}, 5, 1) = '-' AND substr({v}, 1, 1) BETWEEN '0' AND '9'"
        iso = f"CASE WHEN {shaped} THEN TRY_CAST({v} AS DATE) END"
        value = f"coalesce({iso}, CAST(try_strptime(split_part({v}, ' ', 1), {formats}) AS DATE))"
        bad(
            f"{v} IS NOT NULL AND {t} IS NULL",
            "bad_date",
            f"{said} || ' is not a date (e.g. 2023-01-31 or 31-01-2023)'",
        )
        earliest = ctx.earliest.isoformat()
        bad(
            f"{t} < DATE '{earliest}'",
            "out_of_range",
            f"{said} || ' lies before {earliest}, the earliest date accepted'",
        )
        if column.not_future:
            bad(
                f"{t} > getvariable('intake_date')",
                "future_date",
                f"{said} || ' lies after the intake date ' || getvariable('intake_date')",
            )
    elif kind == "enum":
        cases = " ".join(f"WHEN {literal(key)} THEN {literal(val)}" for key, val in column.values.items())
        # a key is already lowercase letters and digits: a cell spelled as one is looked up without the regex
        spelled = f"CASE regexp_replace(lower(strip_accents({v})), '[^a-z0-9]', '', 'g') {cases} END"
        value = f"CASE {v} {cases} ELSE {spelled} END"
        allowed = ", ".join(sorted(set(column.values.values())))
        bad(f"{v} IS NOT NULL AND {t} IS NULL", "bad_value", f"{said} || {literal(' is not one of: ' + allowed)}")
    elif kind == "region":
        value = _region_code(column, v)  # names and unknown codes: _region_checks, after typing
    elif kind == "postcode":
        compact = f"upper(replace({v}, ' ', ''))"
        value = f"CASE WHEN regexp_full_match({compact}, '[1-9][0-9]{{3}}[A-Z]{{2}}') THEN {compact} END"
        bad(f"{v} IS NOT NULL AND {t} IS NULL", "bad_postcode", f"{said} || ' is not a postcode (1234AB)'")
    elif kind == "bsn":  # pseudonym and 11-test once per distinct number (see pseudonymise)
        value = quote(f"k__{name}")
        # a quarantined row shows the pseudonym, never the number
        valid = f"coalesce({quote('ok__' + name)}, false)"
        bad(f"{v} IS NOT NULL AND NOT {valid}", "invalid_bsn", literal(f"{name}: not a valid BSN (11-test)"), t, True)
    else:  # pragma: no cover - spec.py rejects unknown types
        raise ValueError(kind)
    return value, errors, extra


def _normalised_bsn(v: str) -> str:
    return f"CASE WHEN regexp_full_match({v}, '[0-9]{{8}}') THEN '0' || {v} ELSE {v} END"


def pseudonymise(con: duckdb.DuckDBPyConnection, spec: SourceSpec, ctx: Context) -> None:
    """Per BSN column, the TEMP table ``_bsn__<column>``: every distinct number of the file (eight digits get their
    leading zero), its pseudonym and whether it is a valid BSN (the 11-test; 000000000 passes it but is no BSN).
    A client has many lines: the hashes are computed once per client, not once per line."""
    for column in (c for c in spec.columns.values() if c.type == "bsn" and ctx.has(c.name)):
        valid = "coalesce(" + bsn_check_sql("n") + ", false) AND n <> repeat(left(n, 1), 9)"
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {quote("_bsn__" + column.name)} AS
            SELECT n AS bsn, {pseudonym_sql(ctx.key, "n")} AS pseudonym, {valid} AS valid
            FROM (SELECT DISTINCT {_normalised_bsn(_cell(column.name))} AS n FROM {GRID}) WHERE n IS NOT NULL"""
        )


def _cell(name: str) -> str:
    """SQL: the text of a cell of ``_grid``, trimmed; NULL when empty or a NULL token."""
    nulls = ", ".join(literal(t) for t in NULL_TOKENS)
    return f"CASE WHEN trim({input_column(name)}) IN ({nulls}) THEN NULL ELSE trim({input_column(name)}) END"


def _unknown(name: str) -> str:
    return f"getvariable({literal('unknown__' + name)})"


def mark_unknown_codes(con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """For every region column whose codes must be known: the distinct codes of the file that the warehouse does
    not know (``_known_regions``), as the variable ``unknown__<column>`` (a short list, mostly empty). One pass
    over the column; the checks then look a row's code up in that list, not in the regions table per row."""
    for column in (c for c in spec.columns.values() if c.type == "region" and c.known):
        cell = f"nullif(trim({input_column(column.name)}), '')"
        con.execute(
            f"""SET VARIABLE {quote("unknown__" + column.name)} = (
                SELECT coalesce(list(code), []::VARCHAR[]) FROM (
                    SELECT DISTINCT {_region_code(column, cell)} AS code FROM {GRID}
                ) WHERE code IS NOT NULL AND code NOT IN (SELECT code FROM _known_regions))"""
        )


def _region_checks(spec: SourceSpec, ctx: Context) -> tuple[dict[str, str], list[Check]]:
    """Region columns after typing: wijk names resolved within the row's gemeente; every code the warehouse does
    not know an error (see mark_unknown_codes), also a gemeente given by the inbox folder (or ``intake
    --gemeente``: ``intake_gemeente_known``, decided once per file); a wijk or buurt of another gemeente than the
    row's an error. Returns (value SQL per column, selected as ``r__<name>``; error SQLs over those)."""
    gemeente_column = next(
        (c.name for c in spec.columns.values() if c.type == "region" and c.level == "gemeente"), None
    )
    folder = "getvariable('intake_gemeente')"
    gemeente = f"coalesce({_t(gemeente_column)}, {folder})" if gemeente_column else folder
    values: dict[str, str] = {}
    errors: list[Check] = []
    if gemeente_column:
        errors.append(
            _check(
                f"{_t(gemeente_column)} IS NULL AND {folder} IS NOT NULL AND NOT getvariable('intake_gemeente_known')",
                "unknown_region",
                gemeente_column,
                folder,
                f"{literal(gemeente_column + ': the folder ')} || {folder} || ' is not a gemeente the warehouse knows'",
                safe=True,
            )
        )
    for column in (c for c in spec.columns.values() if c.type == "region"):
        v, t, name = quote(f"v__{column.name}"), _t(column.name), column.name
        r = quote(f"r__{name}")
        values[name] = t
        if not ctx.has(name):  # NULL in every row: none of its checks can fail
            continue
        if column.level == "wijk":  # a wijk given by its name, unique within the gemeente
            key = f"regexp_replace(lower(strip_accents({v})), '[^a-z0-9]', '', 'g')"
            by_name = (
                f"(SELECT CASE WHEN count(*) = 1 THEN any_value(k.code) END FROM _known_regions k "
                f"WHERE k.level = 'wijk' AND k.name_key = {key} AND k.gemeente_code = {gemeente})"
            )
            values[name] = f"coalesce({t}, {by_name})"
        what = f"a {column.level} code" + (" or the name of a wijk of the gemeente" if column.level == "wijk" else "")
        message = literal(f"{name}: {CELL} is not {what}")
        errors.append(_check(f"{v} IS NOT NULL AND {r} IS NULL", "unknown_region", name, v, message))
        unknown = f"list_contains({_unknown(name)}, {r})"
        if column.known:
            errors.append(
                _check(
                    unknown,
                    "unknown_region",
                    name,
                    v,
                    f"{literal(name + ': ')} || {r} || ' is not a region the warehouse knows'",
                )
            )
        if column.level in ("wijk", "buurt") and (gemeente_column or spec.uses_folder_gemeente):
            known = f" AND NOT {unknown}" if column.known else ""  # an unknown code has its error already
            errors.append(
                _check(
                    f"gemeente_van({r}) <> gemeente_van({gemeente}){known}",
                    "wijk_not_in_gemeente",
                    name,
                    r,
                    f"{literal(name + ': ')} || {r} || ' lies in ' || gemeente_van({r}) || ', not in ' || {gemeente}",
                    safe=True,
                )
            )
    return values, errors


def _row_checks(spec: SourceSpec, ctx: Context) -> list[Check]:
    """Checks over all cells of a row at once (one pass over the row's text, then the column that failed; the
    longest cell by the cells' lengths, so a row of many long cells is no cell too long):
    control characters, cells too long to be a value, and (Windows-1252 files) text that is UTF-8 read as
    Windows-1252, i.e. a file that mixes encodings. The first two cannot fail when the reader has seen in the
    file's bytes that no cell holds a control character or is that long (``plain_text``)."""
    names = [n for n in spec.columns if ctx.has(n)]
    cells = ", ".join(quote(f"v__{n}") for n in names)
    lengths = ", ".join(f"length({quote('v__' + n)})" for n in names)
    structs = ", ".join(f"{{'c': {literal(n)}, 'v': {quote('v__' + n)}}}" for n in names)

    def check(row_test: str, cell_test: Callable[[str], str], code: str, message: str) -> Check:
        column = f"list_filter([{structs}], lambda e: {cell_test('e.v')})[1]"
        return _check(row_test, code, None, f"{column}.v", f"{column}.c || {literal(': ' + CELL + message)}")

    def matches(pattern: str) -> Callable[[str], str]:
        return lambda cell: f"regexp_matches({cell}, '{pattern}')"

    everything = f"concat({cells})"
    checks: list[Check] = []
    if not ctx.plain_text:
        checks += [
            check(
                matches(CONTROL)(everything),
                matches(CONTROL),
                "control_character",
                " holds a control character (e.g. a NUL byte)",
            ),
            check(
                f"greatest({lengths}) > {MAX_CELL}",
                lambda cell: f"length({cell}) > {MAX_CELL}",
                "cell_too_long",
                f" is longer than {MAX_CELL:,} characters",
            ),
        ]
    if ctx.encoding == "cp1252":
        checks.append(
            check(
                matches(MOJIBAKE)(everything),
                matches(MOJIBAKE),
                "mixed_encoding",
                " looks like UTF-8 text in a Windows-1252 file: the file mixes encodings",
            )
        )
    return checks


def output_columns(spec: SourceSpec) -> dict[str, str]:
    """Raw column -> SQL type of the validated rows (without the provenance columns)."""
    columns: dict[str, str] = {}
    for column in spec.columns.values():
        columns[column.raw_name] = SQL_TYPES.get(column.type, "VARCHAR")
        if column.natural_person:
            columns[f"{column.name}_is_particulier"] = "BOOLEAN"
    for name in spec.derived:
        columns.setdefault(name, "VARCHAR")
    return columns


def record_sql(cells: list[tuple[str, str]], safe: list[tuple[str, str]], personal: bool) -> str:
    """SQL: a map of column -> text of a rejected row, from (name, cell) pairs shown as quarantine shows cells and
    (name, value) pairs that are safe as they are (a BSN's pseudonym)."""
    shown_cells = ", ".join(f"{{'k': {literal(name)}, 'v': ({cell})::VARCHAR}}" for name, cell in cells)
    kept = "".join(f" || [({literal(name)}, ({value})::VARCHAR)]" for name, value in safe)
    return (
        f"map_from_entries(list_filter(list_transform([{shown_cells}], lambda c: (c.k, {shown('c.v', personal)}))"
        f"{kept}, lambda e: e[2] IS NOT NULL))"
    )


def quarantine_sql(spec: SourceSpec, ctx: Context) -> str:
    """SELECT over ``_intake``'s rejected rows of what quarantine stores: ``errors`` with every cell as
    ``shown()`` and filled into its message, the first error's code, column and cell, all messages as ``reason``,
    and ``record`` (built with the row's errors, by build_intake). The scope too is shown, not stored as found: a
    shifted row computes it from the wrong cells."""
    filled = (
        f"list_transform(list_transform(errors, lambda e: struct_pack(code := e.code, column_name := e.column_name, "
        f"cell := CASE WHEN e.safe THEN e.cell ELSE {shown('e.cell', ctx.personal)} END, message := e.message)), "
        f"lambda e: struct_pack(code := e.code, column_name := e.column_name, cell := e.cell, "
        f"message := replace(e.message, {literal(CELL)}, coalesce(e.cell, ''))))"
    )
    return f"""SELECT *, errors[1].code AS reason_code,
            array_to_string(list_transform(errors, lambda e: e.message), '; ') AS reason,
            errors[1].column_name AS column_name, errors[1].cell AS cell_text
        FROM (SELECT source_sheet, source_row, {shown("replace_scope", ctx.personal)} AS replace_scope,
                     {filled} AS errors, record
              FROM {INTAKE} WHERE len(errors) > 0)"""


def rejected_rows(con: duckdb.DuckDBPyConnection) -> int:
    """How many rows of ``_intake`` are rejected (most files: none, and what only rejected rows need is skipped)."""
    return con.execute(f"SELECT count(*) FROM {INTAKE} WHERE len(errors) > 0").fetchall()[0][0]


ERROR_TYPE = "STRUCT(code VARCHAR, column_name VARCHAR, cell VARCHAR, message VARCHAR, safe BOOLEAN)"


def _typing(spec: SourceSpec, ctx: Context, rows: str) -> tuple[str, list[Check], list[str]]:
    """The CTEs that read the cells of ``rows`` (a FROM clause over ``_grid``'s columns and ``grid_row``) into
    typed values, ending in ``regions``; the checks over them (rules apart: they need the whole file); the names
    of the extra output columns (``<column>_is_particulier``)."""
    names = list(spec.columns)
    cells = ", ".join(f"{_cell(n)} AS {quote('v__' + n)}" for n in names)
    steps: list[list[str]] = [[], [], []]
    for column in (c for c in spec.columns.values() if c.type in NUMERIC_TYPES and ctx.has(c.name)):
        for i, step in enumerate(number_steps(column.name, ctx.styles.get(column.name))):
            steps[i] += [f"{sql} AS {quote(name)}" for name, sql in step.items()]
    bsns = [c.name for c in spec.columns.values() if c.type == "bsn" and ctx.has(c.name)]
    steps[0] += [f"{_normalised_bsn(quote('v__' + n))} AS {quote('n__' + n)}" for n in bsns]
    clients = "".join(
        f" LEFT JOIN {quote('_bsn__' + n)} AS {quote('b__' + n)} ON {quote('b__' + n)}.bsn = {quote('n__' + n)}"
        for n in bsns
    )
    known = "".join(
        f", {quote('b__' + n)}.pseudonym AS {quote('k__' + n)}, {quote('b__' + n)}.valid AS {quote('ok__' + n)}"
        for n in bsns
    )
    typed, column_checks, extras = [], [], {}
    for column in spec.columns.values():
        value, checks, extra = _typed(column, ctx)
        typed.append(f"{value} AS {_t(column.name)}")
        column_checks += checks
        extras.update(extra)
    region_values, region_checks = _region_checks(spec, ctx)
    regions = "".join(f", {sql} AS {quote('r__' + name)}" for name, sql in region_values.items())
    texts = [c.name for c in spec.columns.values() if c.type in ("text", "code") and ctx.has(c.name)]
    text_cells = [quote("v__" + name) for name in texts]
    summary = []
    if text_cells:
        summary.append(
            _check(
                " OR ".join(f"regexp_matches(lower({c}), {literal(SUMMARY_ROW)})" for c in text_cells),
                "summary_row",
                None,
                "NULL",
                "'a totals row, not a record'",
            )
        )
    overflow = _check(
        "overflow IS NOT NULL",
        "too_many_fields",
        None,
        "overflow",
        literal(f"the row has more fields than the header: {CELL}"),
    )
    checks = [*summary, overflow, *_row_checks(spec, ctx), *column_checks, *region_checks]
    extra_sql = "".join(f", {sql} AS {quote(n)}" for n, sql in extras.items())
    ctes = f"""
        cells AS (SELECT *, {cells} FROM {rows}),
        step1 AS (SELECT *{"".join(", " + x for x in steps[0])} FROM cells),
        step2 AS (SELECT *{"".join(", " + x for x in steps[1])} FROM step1),
        step3 AS (SELECT *{"".join(", " + x for x in steps[2])} FROM step2),
        clients AS (SELECT step3.*{known} FROM step3{clients}),
        typed AS (SELECT *, {", ".join(typed)}{extra_sql} FROM clients),
        regions AS (SELECT *{regions} FROM typed)"""
    return ctes, checks, [quote(n) for n in extras]


def build_intake(con: duckdb.DuckDBPyConnection, spec: SourceSpec, ctx: Context) -> None:
    """Create ``_intake`` from ``_grid``: typed columns, ``replace_scope``, ``errors`` (empty list: the row is
    good) and, for a rejected row, ``record``.

    One pass over all rows types every cell once and evaluates every check, keeping per row only the numbers of
    the checks it failed (``reasons``; most rows: none). The errors with their messages, and the row's cells as
    quarantine shows them, are then built for the rejected rows alone, from their cells in ``_grid``."""
    ctes, checks, extras = _typing(spec, ctx, GRID)
    rules = [
        Check(f"coalesce({r.when}, false)", error_sql(r.code, None, "NULL", literal(r.message))) for r in spec.rules
    ]

    def failed(numbered: list[tuple[int, Check]]) -> str:
        cases = ", ".join(f"CASE WHEN {c.condition} THEN {i} END" for i, c in numbered)
        return f"list_filter([{cases}], lambda i: i IS NOT NULL)" if numbered else "[]::INTEGER[]"

    finals = ", ".join(
        f"{quote('r__' + c.name) if c.type == 'region' else _t(c.name)} AS {quote(c.raw_name)}"
        for c in spec.columns.values()
    )
    raw_names = {c.raw_name for c in spec.columns.values()}
    replaced = [f"{sql} AS {quote(n)}" for n, sql in spec.derived.items() if n in raw_names]
    replace = f" REPLACE ({', '.join(replaced)})" if replaced else ""
    added = "".join(f", {sql} AS {quote(n)}" for n, sql in spec.derived.items() if n not in raw_names)
    numbered = list(enumerate(checks, start=1))
    numbered_rules = list(enumerate(rules, start=len(checks) + 1))
    mark_unknown_codes(con, spec)
    pseudonymise(con, spec, ctx)
    con.execute(f"DROP TABLE IF EXISTS {INTAKE}")
    con.execute(
        f"""
        CREATE TEMP TABLE {INTAKE} AS
        WITH {ctes},
        checked AS (
            SELECT grid_row, source_sheet, source_row, {finals}{"".join(", " + e for e in extras)},
                   {failed(numbered)} AS reasons
            FROM regions
        ),
        derived AS (SELECT *{replace}{added} FROM checked)
        SELECT * REPLACE (reasons || {failed(numbered_rules)} AS reasons), ({spec.scope})::VARCHAR AS replace_scope,
               []::{ERROR_TYPE}[] AS errors, NULL::MAP(VARCHAR, VARCHAR) AS record
        FROM derived
        """
    )
    if not con.execute(f"SELECT count(*) FROM {INTAKE} WHERE len(reasons) > 0").fetchall()[0][0]:
        return
    rejected = f"(SELECT i.reasons, g.* FROM {GRID} g JOIN {INTAKE} i USING (grid_row) "
    rejected += "WHERE len(i.reasons) > 0)"
    ctes, _, _ = _typing(spec, ctx, rejected)
    every = numbered + numbered_rules
    errors = ", ".join(f"CASE WHEN list_contains(reasons, {i}) THEN {c.error} END" for i, c in every)
    cells_found = [(c.name, input_column(c.name)) for c in spec.columns.values() if c.type != "bsn"]
    pseudonyms = [(c.name, _t(c.name)) for c in spec.columns.values() if c.type == "bsn"]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _rejected AS
        WITH {ctes}
        SELECT grid_row, list_filter([{errors}], lambda e: e IS NOT NULL) AS errors,
               {record_sql(cells_found, pseudonyms, ctx.personal)} AS record
        FROM regions"""
    )
    con.execute(
        f"UPDATE {INTAKE} SET errors = r.errors, record = r.record FROM _rejected r "
        f"WHERE {INTAKE}.grid_row = r.grid_row"
    )
    con.execute("DROP TABLE _rejected")
