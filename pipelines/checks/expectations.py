"""A Great Expectations suite file run as DuckDB SQL, where SQL can say the same thing.

The suite files (``expectations/*.json``) stay the contract. Each expectation whose type and arguments are listed
here becomes part of one aggregate query over the rows to check (a single scan, however many expectations), with
GX's meaning: values that are NULL do not count against a value expectation, a ``row_condition`` (pandas syntax)
chooses the rows, a compound key is unique when no two rows share it, and so on; tests/unit/test_expectations.py
runs GX and this on the same rows and insists they agree. Anything else in a suite is left to GX, on a DataFrame
of the same rows (pipelines/checks/gx.py). Examples of failing values are fetched only for failed expectations.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipelines.checks.gx import Failure, Outcome, SuiteFileError, validate
from pipelines.sql import literal, quote

EXAMPLES = 5  # failing values fetched per failed expectation (logged, never stored: one could be a BSN)
CONDITION = {"row_condition", "condition_parser"}


class Untranslatable(ValueError):
    """An expectation (or its row condition) this module does not express in SQL; GX validates it."""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return literal(value)
    raise Untranslatable(f"value {value!r}")


def condition_sql(text: str) -> str:
    """A pandas ``row_condition`` as a SQL predicate with pandas' logic: a comparison with a missing value is
    false (``!=`` true), so NOT, AND and OR never meet a NULL."""

    def expr(node: ast.AST) -> str:
        if isinstance(node, ast.BoolOp):
            joiner = " AND " if isinstance(node.op, ast.And) else " OR "
            return "(" + joiner.join(expr(v) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert):
            return f"(NOT {expr(node.operand)})"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
            missing = {"isnull": True, "isna": True, "notnull": False, "notna": False}.get(node.func.attr)
            if missing is not None and isinstance(node.func.value, ast.Name):
                return f"({quote(node.func.value.id)} IS {'' if missing else 'NOT '}NULL)"
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Name):
            column, op, right = quote(node.left.id), node.ops[0], node.comparators[0]
            if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.List | ast.Tuple):
                values = ", ".join(_value(ast.literal_eval(v)) for v in right.elts)
                negated = isinstance(op, ast.NotIn)
                return f"coalesce({column} {'NOT ' if negated else ''}IN ({values}), {'true' if negated else 'false'})"
            symbols = {ast.Eq: "=", ast.NotEq: "<>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
            if type(op) in symbols and isinstance(right, ast.Constant):
                when_missing = "true" if isinstance(op, ast.NotEq) else "false"
                return f"coalesce({column} {symbols[type(op)]} {_value(right.value)}, {when_missing})"
        raise Untranslatable(f"row_condition {text!r}")

    try:
        return expr(ast.parse(text, mode="eval").body)
    except SyntaxError as error:
        raise Untranslatable(f"row_condition {text!r}") from error


@dataclass(frozen=True)
class Check:
    """One expectation as SQL: `aggregate` is evaluated in the shared scan; `judge` turns its value into (passed,
    unexpected count or None); `failing` selects the failing values (for examples and an exact count)."""

    expectation: dict
    aggregate: str
    judge: Callable[[Any], tuple[bool, int | None]]
    failing: str | None = None  # a SELECT of failing values, {relation} to be filled in
    recount: bool = False  # the aggregate only says whether it failed: count the failing rows exactly

    @property
    def column(self) -> str | None:
        return self.expectation["kwargs"].get("column")


def _where(kwargs: dict, *more: str) -> str:
    parts = [condition_sql(kwargs["row_condition"])] if kwargs.get("row_condition") else []
    parts += [p for p in more if p]
    return " AND ".join(parts) or "true"


def _zero(count: Any) -> tuple[bool, int]:
    return count == 0, int(count)


def _map_check(e: dict, where: str, unexpected: str, shown: str) -> Check:
    """A column map expectation: rows matching `where` whose `unexpected` holds are failures."""
    predicate = f"({where}) AND ({unexpected})"
    failing = f"SELECT {shown} FROM {{relation}} WHERE {predicate}"
    return Check(e, f"count(*) FILTER (WHERE {predicate})", _zero, failing)


def _check(e: dict) -> Check:
    kind, kwargs = e["type"], dict(e.get("kwargs", {}))
    if kwargs.get("condition_parser", "pandas") != "pandas":
        raise Untranslatable(f"condition_parser {kwargs['condition_parser']}")
    allowed = ALLOWED.get(kind)
    if allowed is None or set(kwargs) - allowed - CONDITION:
        raise Untranslatable(f"{kind} with {sorted(kwargs)}")
    column = quote(kwargs["column"]) if "column" in kwargs else None
    if kind == "expect_column_values_to_not_be_null":
        return _map_check(e, _where(kwargs), f"{column} IS NULL", column)
    if kind == "expect_column_values_to_be_null":
        return _map_check(e, _where(kwargs), f"{column} IS NOT NULL", column)
    if kind == "expect_column_values_to_be_between":
        bounds = [(kwargs.get("min_value"), "<"), (kwargs.get("max_value"), ">")]
        outside = " OR ".join(f"{column} {op} {_value(v)}" for v, op in bounds if v is not None) or "false"
        return _map_check(e, _where(kwargs, f"{column} IS NOT NULL"), outside, column)
    if kind == "expect_column_values_to_match_regex":
        mismatch = f"NOT regexp_matches(CAST({column} AS VARCHAR), {literal(kwargs['regex'])})"
        return _map_check(e, _where(kwargs, f"{column} IS NOT NULL"), mismatch, column)
    if kind == "expect_column_values_to_be_in_set":
        values = ", ".join(_value(v) for v in kwargs["value_set"]) or "NULL"
        return _map_check(e, _where(kwargs, f"{column} IS NOT NULL"), f"{column} NOT IN ({values})", column)
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = quote(kwargs["column_A"]), quote(kwargs["column_B"])
        ignore = kwargs.get("ignore_row_if", "both_values_are_missing")
        skip = {"both_values_are_missing": f"NOT ({a} IS NULL AND {b} IS NULL)",
                "either_value_is_missing": f"{a} IS NOT NULL AND {b} IS NOT NULL", "neither": ""}  # fmt: skip
        if ignore not in skip:
            raise Untranslatable(f"ignore_row_if {ignore}")
        bigger = f"{a} {'>=' if kwargs.get('or_equal') else '>'} {b}"
        return _map_check(e, _where(kwargs, skip[ignore]), f"NOT coalesce({bigger}, false)", f"[{a}, {b}]")
    if kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        columns = [quote(c) for c in kwargs.get("column_list", [kwargs.get("column")])]
        ignore = kwargs.get("ignore_row_if", "any_value_is_missing" if column else "all_values_are_missing")
        skip = {"all_values_are_missing": "NOT (" + " AND ".join(f"{c} IS NULL" for c in columns) + ")",
                "any_value_is_missing": " AND ".join(f"{c} IS NOT NULL" for c in columns), "never": ""}  # fmt: skip
        if ignore not in skip:
            raise Untranslatable(f"ignore_row_if {ignore}")
        where, key = _where(kwargs, skip[ignore]), ", ".join(columns)
        shown = columns[0] if column else "{" + ", ".join(f"{literal(c)}: {q}" for c, q in zip(
            kwargs.get("column_list", []), columns, strict=True)) + "}"  # fmt: skip
        duplicated = (
            f"SELECT {shown} FROM (SELECT *, count(*) OVER (PARTITION BY {key}) AS _n FROM {{relation}} "
            f"WHERE {where}) WHERE _n > 1"
        )
        return Check(e, f"count(*) FILTER (WHERE {where}) - count(DISTINCT ({key})) FILTER (WHERE {where})", _zero,
                     duplicated, recount=True)  # fmt: skip
    if kind == "expect_table_row_count_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        return Check(e, "count(*)", lambda n: ((low is None or n >= low) and (high is None or n <= high), None))
    if kind == "expect_column_distinct_values_to_equal_set":
        # as GX reports it: the distinct values found that are not in the set are the unexpected ones
        wanted = set(kwargs["value_set"])
        return Check(e, f"list(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL)",
                     lambda found: (set(found or []) == wanted, len(set(found or []) - wanted)),
                     f"SELECT DISTINCT {column} FROM {{relation}} WHERE {column} NOT IN "
                     f"({', '.join(_value(v) for v in wanted) or 'NULL'})")  # fmt: skip
    raise Untranslatable(kind)  # pragma: no cover (ALLOWED lists only the kinds above)


ALLOWED = {  # expectation type -> the arguments this module understands (row_condition aside)
    "expect_column_values_to_not_be_null": {"column"},
    "expect_column_values_to_be_null": {"column"},
    "expect_column_values_to_be_between": {"column", "min_value", "max_value"},
    "expect_column_values_to_match_regex": {"column", "regex"},
    "expect_column_values_to_be_in_set": {"column", "value_set"},
    "expect_column_pair_values_a_to_be_greater_than_b": {"column_A", "column_B", "or_equal", "ignore_row_if"},
    "expect_column_values_to_be_unique": {"column"},
    "expect_compound_columns_to_be_unique": {"column_list", "ignore_row_if"},
    "expect_table_row_count_to_be_between": {"min_value", "max_value"},
    "expect_column_distinct_values_to_equal_set": {"column", "value_set"},
}


def _plain(value: Any) -> Any:
    """Values as GX reports them from a DataFrame: decimals as floats."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _columns_check(e: dict, columns: list[str]) -> tuple[bool, Failure | None]:
    wanted = set(e["kwargs"]["column_set"])
    passed = set(columns) == wanted if e["kwargs"].get("exact_match", True) else wanted <= set(columns)
    return passed, None if passed else Failure(e["type"], None, None, [])


def with_parameters(value: Any, parameters: dict[str, Any], suite_file: Path) -> Any:
    """An expectation with each ``{"$PARAMETER": name}`` replaced by the installation's value, as GX does."""
    if isinstance(value, dict):
        if set(value) == {"$PARAMETER"}:
            if value["$PARAMETER"] not in parameters:
                raise SuiteFileError(f"{suite_file}: no value for the parameter {value['$PARAMETER']!r}")
            return parameters[value["$PARAMETER"]]
        return {k: with_parameters(v, parameters, suite_file) for k, v in value.items()}
    if isinstance(value, list):
        return [with_parameters(v, parameters, suite_file) for v in value]
    return value


def validate_relation(
    con: duckdb.DuckDBPyConnection, relation: str, suite_file: Path, parameters: dict[str, Any] | None = None
) -> Outcome:
    """Run a suite on the rows of `relation` (a table, view or parenthesised query with an alias), its
    ``$PARAMETER``s from `parameters`: SQL for what SQL can express, GX on a DataFrame for the rest."""
    spec = json.loads(suite_file.read_text(encoding="utf-8"))
    checks, by_gx, failures, evaluated = [], [], [], 0
    columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    for e in with_parameters(spec["expectations"], parameters or {}, suite_file):
        if e["type"] == "expect_table_columns_to_match_set" and set(e["kwargs"]) <= {"column_set", "exact_match"}:
            passed, failure = _columns_check(e, columns)
            evaluated += 1
            failures += [failure] if failure else []
            continue
        try:
            checks.append(_check(e))
        except Untranslatable:
            by_gx.append(e)
    aggregates = ", ".join(["count(*)", *(c.aggregate for c in checks)])
    rows, *values = con.execute(f"SELECT {aggregates} FROM {relation}").fetchone()
    for check, value in zip(checks, values, strict=True):
        passed, count = check.judge(value)
        evaluated += 1
        if passed:
            continue
        examples: list[Any] = []
        if check.failing:
            failing = check.failing.replace("{relation}", relation)
            if check.recount:
                count = con.execute(f"SELECT count(*) FROM ({failing})").fetchone()[0]
            examples = [_plain(r[0]) for r in con.execute(f"{failing} LIMIT {EXAMPLES}").fetchall()]
        failures.append(Failure(check.expectation["type"], check.column, count, examples))
    success = not failures
    if by_gx:
        outcome = validate(con.execute(f"SELECT * FROM {relation}").df(), suite_file, parameters, only=by_gx)
        evaluated += outcome.evaluated
        failures += outcome.failures
        success = success and outcome.success
    return Outcome(spec["name"], success, evaluated, rows, failures)
