"""Validate and cast ``_grid`` into ``_intake``, in SQL: one pass over all rows, no Python per row.

Every cell arrives as text. Each column's type (spec.py) gives a cast and the checks that can fail it; a failed
check is an error ``{code, column_name, cell, message}`` on the row. Rows without errors go to raw; rows with
errors go to quarantine with all their reasons and the original cell texts. Nothing is coerced silently: an
amount with three decimals is an error, not a rounding.

Numbers are read the Dutch way or the English way, per value where the spelling decides (``1.234,56``,
``1,234.56``, ``12,5``) and per column where it does not (``1.250``): the unambiguous values of the column vote,
and without votes a ``;``-separated file is read with decimal commas, anything else with decimal points.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.sources.files.grid import GRID, input_column
from pipelines.sources.files.spec import REGION_LEVELS, ColumnSpec, SourceSpec
from pipelines.sources.privacy import bsn_check_sql, pseudonym_sql
from pipelines.sql import literal, quote

INTAKE = "_intake"
NULL_TOKENS = ("", "NULL", "null")  # Amsterdam's register writes a literal NULL
SUMMARY_ROW = r"^\s*((sub|eind)?totaal|total|som)(\s|:|$)"
FIRST_YEAR = 1990  # default lower bound of a year column (periods); birth years set their own `min`
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")
NUMERIC_TYPES = {"integer", "number", "amount"}
SQL_TYPES = {
    "integer": "BIGINT",
    "year": "INTEGER",
    "number": "DOUBLE",
    "amount": "DECIMAL(18,2)",
    "date": "DATE",
}

# unambiguous spellings that vote for a decimal comma / a decimal point
COMMA_VOTES = r"[0-9]{1,3}(\.[0-9]{3})+,[0-9]+|[0-9]*,[0-9]{1,2}|[0-9]{4,},[0-9]+|[0-9]{1,3}(\.[0-9]{3}){2,}"
POINT_VOTES = r"[0-9]{1,3}(,[0-9]{3})+\.[0-9]+|[0-9]*\.[0-9]{1,2}|[0-9]{4,}\.[0-9]+|[0-9]{1,3}(,[0-9]{3}){2,}"


@dataclass(frozen=True)
class Context:
    """What validation needs beyond the rows: amount units, decimal style per column, the pseudonym key."""

    units: dict[str, str]
    styles: dict[str, str]  # numeric column -> 'comma' | 'point'
    key: bytes


def _t(name: str) -> str:
    """The typed value of a column within the validation query."""
    return quote(f"t__{name}")


def _error(code: str, column: str | None, cell: str, message: str) -> str:
    return (
        f"struct_pack(code := {literal(code)}, column_name := {literal(column) if column else 'NULL::VARCHAR'}, "
        f"cell := ({cell})::VARCHAR, message := ({message})::VARCHAR)"
    )


def _check(condition: str, code: str, column: str | None, cell: str, message: str) -> str:
    return f"CASE WHEN {condition} THEN {_error(code, column, cell, message)} END"


def _clean(expression: str) -> str:
    return f"regexp_replace({expression}, '€|euro?|\\s', '', 'gi')"


def _bare(expression: str) -> str:
    """The digits and separators of a number: currency signs, spaces and the sign removed."""
    return f"regexp_replace({_clean(expression)}, '^[-(]|[-)]$', '', 'g')"


def _number_body(d: str, style: str) -> str:
    """SQL: the bare number ``d`` (digits and separators) as text with a decimal point, NULL if it is none."""
    ambiguous = f"replace(replace({d}, '.', ''), ',', '.')" if style == "comma" else f"replace({d}, ',', '')"
    return f"""CASE
        WHEN regexp_full_match({d}, '[0-9]+') THEN {d}
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}[.,][0-9]{{3}}') THEN {ambiguous}
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(\\.[0-9]{{3}})+,[0-9]+|[0-9]*,[0-9]+')
            THEN replace(replace({d}, '.', ''), ',', '.')
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(,[0-9]{{3}})+\\.[0-9]+|[0-9]*\\.[0-9]+') THEN replace({d}, ',', '')
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(\\.[0-9]{{3}}){{2,}}') THEN replace({d}, '.', '')
        WHEN regexp_full_match({d}, '[0-9]{{1,3}}(,[0-9]{{3}}){{2,}}') THEN replace({d}, ',', '')
    END"""


def _negative(c: str) -> str:
    return f"({c} LIKE '-%' OR {c} LIKE '%-' OR ({c} LIKE '(%' AND {c} LIKE '%)'))"


def number_steps(name: str, style: str) -> list[dict[str, str]]:
    """SQL that reads the number in cell ``v__<name>`` into ``x__<name>`` (DECIMAL(38,10), NULL when the cell is
    not a number), in three steps that each compute a value once; the validation query selects them in turn.
    ``style`` ('comma' or 'point') decides only the ambiguous spellings ``1.250`` and ``1,250``."""
    v, c, d = (quote(f"{p}__{name}") for p in ("v", "c", "d"))
    return [
        {f"c__{name}": _clean(v)},
        {f"d__{name}": f"regexp_replace({c}, '^[-(]|[-)]$', '', 'g')"},
        {
            f"x__{name}": f"TRY_CAST((CASE WHEN {_negative(c)} THEN '-' ELSE '' END || "
            f"{_number_body(d, style)}) AS DECIMAL(38,10))"
        },
    ]


def decimal_styles(con: duckdb.DuckDBPyConnection, spec: SourceSpec, default: str) -> dict[str, str]:
    """Per numeric column: 'comma' or 'point', by the votes of its unambiguous values."""
    numeric = [c for c in spec.columns.values() if c.type in NUMERIC_TYPES]
    if not numeric:
        return {}
    counts = ", ".join(
        f"count(*) FILTER (WHERE regexp_full_match({_bare(input_column(c.name))}, '{pattern}'))"
        for c in numeric
        for pattern in (COMMA_VOTES, POINT_VOTES)
    )
    votes = con.execute(f"SELECT {counts} FROM {GRID}").fetchall()[0]
    styles = {}
    for i, column in enumerate(numeric):
        comma, point = votes[2 * i], votes[2 * i + 1]
        styles[column.name] = "comma" if comma > point else "point" if point > comma else default
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


def _typed(column: ColumnSpec, ctx: Context) -> tuple[str, list[str], dict[str, str]]:
    """(value SQL over the cell ``v__<name>``, error SQLs over the cell and the value ``t__<name>``, extra
    output columns) of one column."""
    name, kind = column.name, column.type
    v, t = quote(f"v__{name}"), _t(name)
    shown = f"{literal(name + ': ')} || {v}"
    errors: list[str] = []
    extra: dict[str, str] = {}

    def bad(condition: str, code: str, message: str, cell: str = v) -> None:
        errors.append(_check(condition, code, name, cell, message))

    if column.required:
        bad(f"{v} IS NULL", "missing_value", literal(f"{name}: required value is empty"), "NULL")
    if kind == "text":
        value = v
        if column.natural_person_markers:  # natural persons are never stored, only counted
            markers = ", ".join(literal(m) for m in column.natural_person_markers)
            value = f"CASE WHEN lower({v}) IN ({markers}) THEN NULL ELSE {v} END"
            extra[f"{name}_is_particulier"] = f"coalesce(lower({v}) IN ({markers}), false)"
    elif kind == "code":
        value = f"upper({v})"
        if column.pattern:
            bad(
                f"NOT regexp_full_match({t}, {literal(column.pattern)})",
                "bad_code",
                f"{shown} || {literal(' does not match the pattern ' + column.pattern)}",
            )
    elif kind in NUMERIC_TYPES:
        exact = quote(f"x__{name}")  # parsed once, by number_steps
        if kind == "amount" and ctx.units.get(name) == "cent":
            value = f"CAST(TRY_CAST({v} AS DECIMAL(38,0)) / 100 AS DECIMAL(18,2))"
            bad(
                f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '-?[0-9]{{1,16}}')",
                "not_an_amount",
                f"{shown} || ' is not an amount in whole euro cents'",
            )
        elif kind == "amount":
            value = f"CAST({exact} AS DECIMAL(18,2))"
            bad(f"{v} IS NOT NULL AND {exact} IS NULL", "not_an_amount", f"{shown} || ' is not an amount'")
            bad(f"{exact} <> round({exact}, 2)", "not_an_amount", f"{shown} || ' has more than two decimals'")
        elif kind == "integer":
            value = f"CASE WHEN {exact} = round({exact}) THEN CAST({exact} AS BIGINT) END"
            bad(f"{v} IS NOT NULL AND {t} IS NULL", "not_a_number", f"{shown} || ' is not a whole number'")
        else:
            value = f"CAST({exact} AS DOUBLE)"
            bad(f"{v} IS NOT NULL AND {t} IS NULL", "not_a_number", f"{shown} || ' is not a number'")
        below = "negative_amount" if kind == "amount" and column.minimum == 0 else "out_of_range"
        if column.minimum is not None:
            bad(f"{t} < {column.minimum}", below, f"{shown} || ' is below the minimum {column.minimum}'")
        if column.maximum is not None:
            bad(f"{t} > {column.maximum}", "out_of_range", f"{shown} || ' is above the maximum {column.maximum}'")
    elif kind == "year":
        value = f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}') THEN CAST({v} AS INTEGER) END"
        bad(f"{v} IS NOT NULL AND {t} IS NULL", "bad_year", f"{shown} || ' is not a year (four digits)'")
        first = int(column.minimum) if column.minimum is not None else FIRST_YEAR
        bad(f"{t} < {first}", "out_of_range", f"{shown} || ' is before {first}'")
        if column.max_years_ahead is not None:
            ahead = column.max_years_ahead
            bad(
                f"{t} > year(getvariable('intake_date')) + {ahead}",
                "future_date",
                f"{shown} || ' lies more than {ahead} year(s) after the intake date'",
            )
    elif kind == "date":
        formats = "[" + ", ".join(literal(f) for f in DATE_FORMATS) + "]"
        value = f"CAST(try_strptime(split_part({v}, ' ', 1), {formats}) AS DATE)"
        bad(
            f"{v} IS NOT NULL AND {t} IS NULL",
            "bad_date",
            f"{shown} || ' is not a date (e.g. 2023-01-31 or 31-01-2023)'",
        )
        if column.not_future:
            bad(
                f"{t} > getvariable('intake_date')",
                "future_date",
                f"{shown} || ' lies after the intake date ' || getvariable('intake_date')",
            )
    elif kind == "enum":
        cases = " ".join(f"WHEN {literal(key)} THEN {literal(val)}" for key, val in column.values.items())
        value = f"CASE regexp_replace(lower(strip_accents({v})), '[^a-z0-9]', '', 'g') {cases} END"
        allowed = ", ".join(sorted(set(column.values.values())))
        bad(f"{v} IS NOT NULL AND {t} IS NULL", "bad_value", f"{shown} || {literal(' is not one of: ' + allowed)}")
    elif kind == "region":
        value = _region_code(column, v)  # names and unknown codes: _region_checks, after typing
    elif kind == "postcode":
        compact = f"upper(replace({v}, ' ', ''))"
        value = f"CASE WHEN regexp_full_match({compact}, '[1-9][0-9]{{3}}[A-Z]{{2}}') THEN {compact} END"
        bad(f"{v} IS NOT NULL AND {t} IS NULL", "bad_postcode", f"{shown} || ' is not a postcode (1234AB)'")
    elif kind == "bsn":
        normalised = f"CASE WHEN regexp_full_match({v}, '[0-9]{{8}}') THEN '0' || {v} ELSE {v} END"
        value = pseudonym_sql(ctx.key, normalised)
        # a quarantined row shows the pseudonym, never the number
        bad(
            f"{v} IS NOT NULL AND NOT coalesce({bsn_check_sql(normalised)}, false)",
            "invalid_bsn",
            literal(f"{name}: not a valid BSN (11-test)"),
            t,
        )
    else:  # pragma: no cover - spec.py rejects unknown types
        raise ValueError(kind)
    return value, errors, extra


def _region_checks(spec: SourceSpec) -> tuple[dict[str, str], list[str]]:
    """Region columns after typing: wijk names resolved within the row's gemeente, and every code the warehouse
    does not know (``_known_regions``, see regions.py) an error. Returns (value SQL per column, error SQLs)."""
    gemeente_column = next(
        (c.name for c in spec.columns.values() if c.type == "region" and c.level == "gemeente"), None
    )
    gemeente = (
        f"coalesce({_t(gemeente_column)}, getvariable('intake_gemeente'))"
        if gemeente_column
        else ("getvariable('intake_gemeente')")
    )
    values, errors = {}, []
    for column in (c for c in spec.columns.values() if c.type == "region"):
        v, t, name = quote(f"v__{column.name}"), _t(column.name), column.name
        value = t
        if column.level == "wijk":  # a wijk given by its name, unique within the gemeente
            key = f"regexp_replace(lower(strip_accents({v})), '[^a-z0-9]', '', 'g')"
            by_name = (
                f"(SELECT CASE WHEN count(*) = 1 THEN any_value(k.code) END FROM _known_regions k "
                f"WHERE k.level = 'wijk' AND k.name_key = {key} AND k.gemeente_code = {gemeente})"
            )
            value = f"coalesce({t}, {by_name})"
        values[name] = value
        what = f"a {column.level} code" + (" or the name of a wijk of the gemeente" if column.level == "wijk" else "")
        errors.append(
            _check(
                f"{v} IS NOT NULL AND {value} IS NULL",
                "unknown_region",
                name,
                v,
                f"{literal(name + ': ')} || {v} || {literal(' is not ' + what)}",
            )
        )
        if column.known:
            errors.append(
                _check(
                    f"{value} IS NOT NULL AND {value} NOT IN (SELECT code FROM _known_regions)",
                    "unknown_region",
                    name,
                    v,
                    f"{literal(name + ': ')} || {value} || ' is not a region the warehouse knows'",
                )
            )
    return values, errors


def output_columns(spec: SourceSpec) -> dict[str, str]:
    """Raw column -> SQL type of the validated rows (without the provenance columns)."""
    columns: dict[str, str] = {}
    for column in spec.columns.values():
        columns[column.raw_name] = SQL_TYPES.get(column.type, "VARCHAR")
        if column.natural_person_markers:
            columns[f"{column.name}_is_particulier"] = "BOOLEAN"
    for name in spec.derived:
        columns.setdefault(name, "VARCHAR")
    return columns


def build_intake(con: duckdb.DuckDBPyConnection, spec: SourceSpec, ctx: Context) -> None:
    """Create ``_intake`` from ``_grid``: typed columns, ``errors`` (empty list: the row is good), ``record``
    (the row's original cells, for quarantine) and ``replace_scope``."""
    names = list(spec.columns)
    nulls = ", ".join(literal(t) for t in NULL_TOKENS)
    cells = ", ".join(
        f"CASE WHEN trim({input_column(n)}) IN ({nulls}) THEN NULL ELSE trim({input_column(n)}) END "
        f"AS {quote('v__' + n)}"
        for n in names
    )
    steps: list[list[str]] = [[], [], []]
    for column in (c for c in spec.columns.values() if c.type in NUMERIC_TYPES):
        for i, step in enumerate(number_steps(column.name, ctx.styles.get(column.name, "point"))):
            steps[i] += [f"{sql} AS {quote(name)}" for name, sql in step.items()]
    typed, column_errors, extras = [], [], {}
    for column in spec.columns.values():
        value, errors, extra = _typed(column, ctx)
        typed.append(f"{value} AS {_t(column.name)}")
        column_errors += errors
        extras.update(extra)
    region_values, region_errors = _region_checks(spec)
    finals = ", ".join(f"{region_values.get(c.name, _t(c.name))} AS {quote(c.raw_name)}" for c in spec.columns.values())
    extra_sql = "".join(f", {sql} AS {quote(n)}" for n, sql in extras.items())
    raw_names = {c.raw_name for c in spec.columns.values()}
    replaced = [f"{sql} AS {quote(n)}" for n, sql in spec.derived.items() if n in raw_names]
    replace = f" REPLACE ({', '.join(replaced)})" if replaced else ""
    added = "".join(f", {sql} AS {quote(n)}" for n, sql in spec.derived.items() if n not in raw_names)
    text_cells = [quote("v__" + c.name) for c in spec.columns.values() if c.type in ("text", "code")]
    summary = (
        _check(
            " OR ".join(f"regexp_matches(lower({c}), {literal(SUMMARY_ROW)})" for c in text_cells),
            "summary_row",
            None,
            "NULL",
            "'a totals row, not a record'",
        )
        if text_cells
        else "NULL"
    )
    overflow = _check(
        "overflow IS NOT NULL",
        "too_many_fields",
        None,
        "overflow",
        "'the row has more fields than the header: ' || overflow",
    )
    rules = [_check(f"coalesce({r.when}, false)", r.code, None, "NULL", literal(r.message)) for r in spec.rules]
    # a quarantined row keeps its cells as found (a BSN as its pseudonym); built for those rows only: a map per
    # row costs more than all the checks together
    record = ", ".join(
        f"({literal(c.name)}, {quote(c.raw_name) if c.type == 'bsn' else input_column(c.name)})"
        for c in spec.columns.values()
    )
    con.execute(f"DROP TABLE IF EXISTS {INTAKE}")
    con.execute(
        f"""
        CREATE TEMP TABLE {INTAKE} AS
        WITH cells AS (SELECT *, {cells} FROM {GRID}),
        step1 AS (SELECT *{"".join(", " + x for x in steps[0])} FROM cells),
        step2 AS (SELECT *{"".join(", " + x for x in steps[1])} FROM step1),
        step3 AS (SELECT *{"".join(", " + x for x in steps[2])} FROM step2),
        typed AS (SELECT *, {", ".join(typed)} FROM step3),
        checked AS (
            SELECT source_sheet, source_row, {finals}{extra_sql}, COLUMNS('^in__'),
                   [{", ".join([summary, overflow, *column_errors, *region_errors])}] AS errors
            FROM typed
        ),
        derived AS (SELECT *{replace}{added} FROM checked),
        judged AS (
            SELECT * EXCLUDE (errors),
                   list_filter(errors || [{", ".join(rules) or "NULL"}], lambda e: e IS NOT NULL) AS errors,
                   ({spec.scope})::VARCHAR AS replace_scope
            FROM derived
        )
        SELECT COLUMNS(lambda c: NOT starts_with(c, 'in__')),
               CASE WHEN len(errors) > 0
                    THEN map_from_entries(list_filter([{record}], lambda e: e[2] IS NOT NULL)) END AS record
        FROM judged
        """
    )
