"""The bookkeeping behind the data-quality marts: every source is reported on, and check outcomes are recorded
without the values that failed."""

import csv
import re
from datetime import UTC, datetime

import duckdb

from pipelines.checks.gx import Failure
from pipelines.config import DBT_PROJECT_DIR
from pipelines.jobs import INBOX_SOURCES
from pipelines.sources.cbs.registry import load_registry
from pipelines.warehouse.check_results import CheckResult, dbt_check_results, record


def _macro_list(name: str) -> list[str]:
    text = (DBT_PROJECT_DIR / "macros" / "bronnen.sql").read_text()
    body = re.search(rf"macro {name}\(\).*?return\(\[(.*?)\]\)", text, re.S).group(1)
    return re.findall(r"'([^']+)'", body)


def test_every_cbs_family_and_every_inbox_source_is_a_source_of_the_data_quality_marts():
    cbs = sorted(family.raw_table for family in load_registry().values())
    files = sorted(INBOX_SOURCES)  # the gemeente's files and the Wijk- en buurtkaart
    with (DBT_PROJECT_DIR / "seeds" / "datakwaliteit" / "bronnen.csv").open(encoding="utf-8") as f:
        seed = {row["bron"]: row["bron_soort"] for row in csv.DictReader(f)}
    assert sorted(b for b, kind in seed.items() if kind == "cbs") == cbs
    assert sorted(b for b, kind in seed.items() if kind == "gemeentebestand") == files
    assert sorted(_macro_list("cbs_tabellen")) == cbs
    assert sorted(_macro_list("gemeentebronnen")) == files


MANIFEST = {
    "nodes": {
        "model.sbm.fct_a": {"schema": "marts", "name": "fct_a"},
        "test.sbm.not_null_fct_a_x.1": {"name": "not_null_fct_a_x", "attached_node": "model.sbm.fct_a"},
        "test.sbm.rel_b.2": {"name": "rel_b", "depends_on": {"nodes": ["source.sbm.raw.b"]}},
        "model.sbm.stg_b": {"schema": "staging", "name": "stg_b"},
    },
    "sources": {"source.sbm.raw.b": {"schema": "raw", "name": "b"}},
    "unit_tests": {"unit_test.sbm.fct_a.rates": {"name": "rates", "depends_on": {"nodes": ["model.sbm.fct_a"]}}},
}
RUN_RESULTS = {
    "results": [
        {"unique_id": "model.sbm.fct_a", "status": "success"},
        {"unique_id": "test.sbm.not_null_fct_a_x.1", "status": "fail", "failures": 3, "message": "Got 3 results"},
        {"unique_id": "test.sbm.rel_b.2", "status": "pass", "failures": 0, "message": None},
        {"unique_id": "unit_test.sbm.fct_a.rates", "status": "pass", "failures": 0},
    ]
}


def test_dbt_test_outcomes_name_the_table_they_check_and_skip_models():
    assert dbt_check_results(RUN_RESULTS, MANIFEST) == [
        CheckResult("dbt_test", "marts.fct_a", "not_null_fct_a_x", "fail", failures=3, details="Got 3 results"),
        CheckResult("dbt_test", "raw.b", "rel_b", "pass", failures=0),
        CheckResult("dbt_unit_test", "marts.fct_a", "rates", "pass", failures=0),
    ]


def test_outcomes_are_appended_per_run():
    con = duckdb.connect()
    when = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    assert record(con, "run-1", dbt_check_results(RUN_RESULTS, MANIFEST), checked_at=when) == 3
    assert record(con, "run-2", [CheckResult("gx", "raw.b", "gx_b", "pass", 0, 12)], checked_at=when) == 1
    assert record(con, "run-3", []) == 0
    rows = con.execute("SELECT run_id, kind, status, count(*) FROM meta.check_results GROUP BY ALL ORDER BY ALL")
    assert rows.fetchall() == [
        ("run-1", "dbt_test", "fail", 1),
        ("run-1", "dbt_test", "pass", 1),
        ("run-1", "dbt_unit_test", "pass", 1),
        ("run-2", "gx", "pass", 1),
    ]


def test_a_failure_described_for_the_warehouse_leaves_out_the_values_found():
    # a failing value could be a BSN in a pseudonym column: it goes to the run log, never into meta.check_results
    failure = Failure("expect_column_values_to_match_regex", "client_pseudoniem", 1, ["123456782"])
    assert (
        failure.describe()
        == "expect_column_values_to_match_regex on client_pseudoniem: 1 unexpected, e.g. ['123456782']"
    )
    assert failure.describe(examples=False) == "expect_column_values_to_match_regex on client_pseudoniem: 1 unexpected"
