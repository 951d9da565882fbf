import json

import pandas as pd
import pytest

from pipelines.checks.gx import SuiteFileError, load_suite, suite_path, validate
from pipelines.config import EXPECTATIONS_DIR, REPO_ROOT
from pipelines.installation import load_installation

SUITES = sorted(EXPECTATIONS_DIR.glob("*.json"))


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_every_expectation_in_a_suite_file_is_loaded(path):
    # GX drops an expectation with a misspelled type silently; load_suite must not.
    expected = len(json.loads(path.read_text())["expectations"])
    assert len(load_suite(path).expectations) == expected


def test_every_mart_and_every_cbs_raw_table_has_a_suite():
    from pipelines.asset_keys import MARTS as MART_KEYS

    assert MART_KEYS, "no marts found in the dbt manifest"
    missing = [key.path[-1] for key in MART_KEYS if not suite_path(key.path[-1]).exists()]
    assert missing == []
    assert suite_path("raw_cbs").exists() and suite_path("raw_cbs_non_negative").exists()


def test_a_misspelled_expectation_type_is_an_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "name": "bad",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
                    {"type": "expect_column_valuez_to_be_between", "kwargs": {"column": "a", "min_value": 0}},
                ],
            }
        )
    )
    with pytest.raises(SuiteFileError, match="expect_column_valuez_to_be_between"):
        load_suite(path)


DEMO = load_installation(REPO_ROOT / "demo" / "installation.yaml").suite_parameters()  # minimum cell size 10


def mart_frame(**overrides):
    rows = {
        "wijk_code": ["WK014101", "WK014102"],
        "jaar": [2021, 2021],
        "inwoners": [6240, 11785],
        "wmo_clienten": [695, 865],
        "wmo_per_1000": [111.4, 73.4],
        "is_onderdrukt": [False, False],
    }
    return pd.DataFrame({**rows, **overrides})


def test_the_mart_suite_passes_good_rows():
    outcome = validate(mart_frame(), suite_path("fct_zorggebruik_wijk"), DEMO)
    assert outcome.success, [f.describe() for f in outcome.failures]
    assert outcome.evaluated == 9 and outcome.rows == 2


def test_the_mart_suite_catches_a_small_cell_that_escaped_suppression():
    outcome = validate(mart_frame(wmo_clienten=[695, 4]), suite_path("fct_zorggebruik_wijk"), DEMO)
    assert not outcome.success
    (failure,) = outcome.failures
    assert (failure.expectation, failure.column, failure.unexpected_count) == (
        "expect_column_values_to_be_between",
        "wmo_clienten",
        1,
    )
    assert failure.examples == [4]


def test_the_mart_suite_catches_a_duplicate_grain_and_an_unsuppressed_flagged_cell():
    frame = mart_frame(wijk_code=["WK014101", "WK014101"], is_onderdrukt=[False, True])
    failed = {f.expectation for f in validate(frame, suite_path("fct_zorggebruik_wijk"), DEMO).failures}
    assert failed == {"expect_compound_columns_to_be_unique", "expect_column_values_to_be_null"}


def test_the_minimum_cell_size_of_the_suite_is_the_installations():
    frame = mart_frame(wmo_clienten=[695, 7])  # 7 clients: below the demo's minimum of 10, not below 5
    assert not validate(frame, suite_path("fct_zorggebruik_wijk"), DEMO).success
    assert validate(frame, suite_path("fct_zorggebruik_wijk"), {**DEMO, "min_cell_size": 5}).success
