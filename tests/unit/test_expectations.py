"""The suites run as DuckDB SQL must mean what they mean in GX: both engines on the same rows, same verdicts."""

import json
import math

import duckdb
import pandas as pd
import pytest

from pipelines.checks.expectations import Untranslatable, _check, condition_sql, validate_relation, with_parameters
from pipelines.checks.gx import SuiteFileError, validate
from pipelines.config import EXPECTATIONS_DIR, REPO_ROOT
from pipelines.installation import load_installation

DEMO_PARAMETERS = load_installation(REPO_ROOT / "demo" / "installation.yaml").suite_parameters()

# every case has NULLs, values that pass and values that fail; `kind` and `score` drive row conditions
FRAME = pd.DataFrame(
    {
        "code": ["GM0141", "GM0147", None, "WK014101", "gm0141", "GM0141"],
        "kind": ["gemeente", "gemeente", "gemeente", "wijk", "gemeente", None],
        "amount": [10.0, -2.5, None, 300.0, 0.0, 99.99],
        "count": pd.array([1, 2, 3, None, 5, 5], dtype="Int64"),
        "low": [1.0, 5.0, None, 2.0, None, 3.0],
        "high": [2.0, 5.0, None, 1.0, 4.0, None],
        "flag": [True, False, True, None, True, True],
    }
)


def where(condition: str) -> dict:
    return {"row_condition": condition, "condition_parser": "pandas"}


CASES = [
    ("expect_column_values_to_not_be_null", {"column": "code"}),
    ("expect_column_values_to_not_be_null", {"column": "code", **where("kind == 'wijk'")}),
    ("expect_column_values_to_be_null", {"column": "low", **where("flag == True")}),
    ("expect_column_values_to_be_between", {"column": "amount", "min_value": 0}),
    ("expect_column_values_to_be_between", {"column": "amount", "min_value": 0, "max_value": 100}),
    ("expect_column_values_to_be_between", {"column": "count", "max_value": 4}),
    ("expect_column_values_to_match_regex", {"column": "code", "regex": "^GM[0-9]{4}$"}),
    ("expect_column_values_to_match_regex", {"column": "code", "regex": "^GM[0-9]{4}$", **where("kind != 'wijk'")}),
    ("expect_column_values_to_match_regex", {"column": "code", "regex": "[0-9]{6}", **where("not (kind == 'wijk')")}),
    ("expect_column_values_to_be_in_set", {"column": "kind", "value_set": ["gemeente"]}),
    ("expect_column_values_to_be_in_set",
     {"column": "flag", "value_set": [True], **where("amount.notnull() and amount < 50")}),
    ("expect_column_values_to_be_in_set",
     {"column": "code", "value_set": ["GM0141"], **where("kind in ['gemeente', 'buurt'] or count >= 5")}),
    ("expect_column_values_to_be_unique", {"column": "code"}),
    ("expect_column_values_to_be_unique", {"column": "low"}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["code", "count"]}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["code", "kind"]}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["low", "flag"], "ignore_row_if": "never"}),
    ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "high", "column_B": "low", "or_equal": True}),
    ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "high", "column_B": "low"}),
    ("expect_table_row_count_to_be_between", {"min_value": 1}),
    ("expect_table_row_count_to_be_between", {"min_value": 7}),
    ("expect_column_distinct_values_to_equal_set", {"column": "kind", "value_set": ["gemeente", "wijk"]}),
    ("expect_column_distinct_values_to_equal_set", {"column": "kind", "value_set": ["gemeente"]}),
    ("expect_column_distinct_values_to_equal_set", {"column": "kind", "value_set": ["gemeente", "wijk", "buurt"]}),
    ("expect_table_columns_to_match_set", {"column_set": list(FRAME.columns)}),
    ("expect_table_columns_to_match_set", {"column_set": ["code", "kind"]}),
]  # fmt: skip


def suite(tmp_path, *expectations):
    path = tmp_path / "suite.json"
    path.write_text(json.dumps({"name": "s", "expectations": [{"type": t, "kwargs": k} for t, k in expectations]}))
    return path


def plain(value):
    """An example value as both engines mean it: GX shows a missing value from a DataFrame as NaN (DuckDB as
    None) and numbers as numpy scalars, a pair of values as a tuple."""
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def verdicts(outcome):
    return outcome.success, [
        (f.expectation, f.column, f.unexpected_count, sorted(repr(plain(v)) for v in f.examples))
        for f in outcome.failures
    ]


@pytest.mark.parametrize(("kind", "kwargs"), CASES, ids=lambda c: c if isinstance(c, str) else json.dumps(c)[:60])
def test_sql_and_gx_agree_on_the_same_rows(tmp_path, kind, kwargs):
    path = suite(tmp_path, (kind, kwargs))
    with duckdb.connect() as con:
        con.register("batch", FRAME)
        by_sql = validate_relation(con, "batch", path)
    by_gx = validate(FRAME, path)
    assert verdicts(by_sql) == verdicts(by_gx)
    assert (by_sql.evaluated, by_sql.rows) == (by_gx.evaluated, by_gx.rows) == (1, 6)


def test_the_cases_fail_where_they_should():
    # cases where everything passes would prove nothing: the failing rows of the first seven, counted by hand
    with duckdb.connect() as con:
        con.register("batch", FRAME)
        counts = [
            con.execute(f"SELECT {_check({'type': kind, 'kwargs': kwargs}).aggregate} FROM batch").fetchone()[0]
            for kind, kwargs in CASES[:7]
        ]
    assert counts == [
        1,  # code NULL in row 2
        0,  # the one wijk row has a code
        2,  # flagged rows 0, 2, 4, 5 have low 1.0, NULL, NULL, 3.0
        1,  # amount -2.5 below 0 (the NULL does not count)
        2,  # -2.5 and 300.0 outside 0..100
        2,  # count 5 twice above 4
        2,  # 'WK014101' and 'gm0141' are no GM codes
    ]


def test_every_expectation_of_every_suite_runs_as_sql():
    # so a pipeline run needs no GX import and no DataFrame at all (with an installation's parameters filled in)
    untranslatable = []
    for path in sorted(EXPECTATIONS_DIR.glob("*.json")):
        for e in with_parameters(json.loads(path.read_text())["expectations"], DEMO_PARAMETERS, path):
            if e["type"] == "expect_table_columns_to_match_set":
                continue
            try:
                _check(e)
            except Untranslatable as error:
                untranslatable.append((path.name, str(error)))
    assert untranslatable == []


@pytest.mark.parametrize(
    ("kind", "kwargs", "unexpected"),
    [
        # count 1, 2, 3, NULL, 5, 5 with a minimum cell size of 3: 1 and 2 are below it
        ("expect_column_values_to_be_between", {"column": "count", "min_value": {"$PARAMETER": "min_cell_size"}}, 2),
        # kinds found: gemeente and wijk; the target set: gemeente only, so wijk is unexpected
        ("expect_column_distinct_values_to_equal_set", {"column": "kind", "value_set": {"$PARAMETER": "kinds"}}, 1),
    ],
)
def test_sql_and_gx_agree_on_an_installations_parameters(tmp_path, kind, kwargs, unexpected):
    path, parameters = suite(tmp_path, (kind, kwargs)), {"min_cell_size": 3, "kinds": ["gemeente"]}
    with duckdb.connect() as con:
        con.register("batch", FRAME)
        by_sql = validate_relation(con, "batch", path, parameters)
    assert verdicts(by_sql) == verdicts(validate(FRAME, path, parameters))
    assert [f.unexpected_count for f in by_sql.failures] == [unexpected]


def test_a_parameter_the_installation_does_not_give_is_named(tmp_path):
    expectation = ("expect_column_values_to_be_between", {"column": "count", "min_value": {"$PARAMETER": "x"}})
    path = suite(tmp_path, expectation)
    with duckdb.connect() as con, pytest.raises(SuiteFileError, match="parameter 'x'"):
        con.register("batch", FRAME)
        validate_relation(con, "batch", path, {"min_cell_size": 10})


def test_an_expectation_sql_cannot_say_goes_to_gx(tmp_path):
    path = suite(
        tmp_path,
        ("expect_column_values_to_not_be_null", {"column": "code"}),
        ("expect_column_mean_to_be_between", {"column": "amount", "min_value": 0, "max_value": 10}),
    )
    with duckdb.connect() as con:
        con.register("batch", FRAME)
        outcome = validate_relation(con, "batch", path)
    # mean of 10, -2.5, 300, 0, 99.99 = 407.49 / 5 = 81.498: outside 0..10
    assert [(f.expectation, f.unexpected_count) for f in outcome.failures] == [
        ("expect_column_values_to_not_be_null", 1),
        ("expect_column_mean_to_be_between", None),
    ]
    assert outcome.evaluated == 2


@pytest.mark.parametrize(
    "text",
    ["kind.str.startswith('g')", "amount + 1 > 2", "kind == other", "a < b < c"],
)
def test_a_row_condition_beyond_simple_comparisons_is_left_to_gx(text):
    with pytest.raises(Untranslatable):
        condition_sql(text)
