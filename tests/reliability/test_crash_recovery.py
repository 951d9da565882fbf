"""Issue 13, finding 1 (and 9): a crashed run must not block the next one, and nothing is lost.

Real processes (`python -m pipelines refresh`) on a state folder of their own, stopped from outside: interrupted
while they wait for the warehouse, and killed with SIGKILL while dbt builds, while the care files load and while
the serving file is written; then a plain refresh (tests/conftest.py, faulted_pipeline)."""

import duckdb
import pytest
from bad_inputs import BAD_INPUTS, QUEUED_EXPORTS
from dagster._core.storage.dagster_run import RunsFilter

pytestmark = pytest.mark.integration


def test_a_refresh_waiting_for_the_warehouse_says_so_and_stops_on_ctrl_c(faulted_pipeline):
    wait = faulted_pipeline.steps["wait"]
    assert wait.stopped_when, f"it never said it was waiting:\n{wait.text()[-2000:]}"
    assert not wait.timed_out and wait.returncode == 130, wait.text()[-2000:]  # stopped by Ctrl-C, promptly
    lines = [line for line in wait.text().splitlines() if "waiting for the warehouse" in line]
    assert "handwerk" in lines[0] and "Ctrl-C stops" in lines[0]  # names the run it waits for


@pytest.mark.parametrize("name", ["dbt", "intake", "publish"])
def test_each_run_was_killed_at_its_point(faulted_pipeline, name):
    step = faulted_pipeline.steps[name]
    assert step.stopped_when and "exited by itself" not in step.stopped_when, step.text()[-2000:]
    assert step.returncode == -9


def test_after_kill_9_at_intake_dbt_and_publish_a_plain_refresh_succeeds(faulted_pipeline):
    final = faulted_pipeline.steps["final"]
    assert not final.timed_out, f"the refresh hung:\n{final.text()[-3000:]}"
    assert final.returncode == 0, final.text()[-3000:]
    # every run that was killed says so, marked failed by the next run, with a line in that run's output
    with faulted_pipeline.instance() as instance:
        records = instance.get_run_records(filters=RunsFilter(job_name="full_refresh"))
        statuses = sorted(r.dagster_run.status.value for r in records)
        assert statuses == ["FAILURE", "FAILURE", "FAILURE", "SUCCESS"]
        assert not instance.event_log_storage.get_concurrency_run_ids()  # no slot held
    for killed, next_one in (("dbt", "intake"), ("intake", "publish"), ("publish", "final")):
        said = [line for line in faulted_pipeline.steps[next_one].text().splitlines() if "marked failed" in line]
        assert len(said) == 1 and "is gone" in said[0], (killed, next_one)
    # nothing left behind: no half-built serving file, no half-copied archive file, no work folder
    home = faulted_pipeline.home
    assert not list(home.glob(".serving.duckdb.*")) and not list(home.glob(".intake.duckdb.*"))
    assert not list((home / "archive").glob(".incoming-*")) and not list((home / "tmp").iterdir())


def test_the_incremental_care_staging_holds_the_latest_load_of_every_scope_after_the_kills(faulted_pipeline):
    """stg_zorg__berichtregels is incremental (issue 14): runs killed before, during and after dbt, then the plain
    refresh, must leave it holding exactly the latest load's rows of every message in raw, as a rebuild from raw
    would (here computed the way staging did before it was incremental: a window over all of raw)."""
    with duckdb.connect(str(faulted_pipeline.home / "warehouse.duckdb"), read_only=True) as con:
        built = con.execute(
            "SELECT file_sha256, source_row FROM staging.stg_zorg__berichtregels ORDER BY ALL"
        ).fetchall()
        latest = con.execute(
            """SELECT file_sha256, source_row FROM raw.zorg
               QUALIFY file_sha256 = arg_max(file_sha256, struct_pack(t := loaded_at, s := file_sha256))
                   OVER (PARTITION BY replace_scope)
               ORDER BY ALL"""
        ).fetchall()
    assert built == latest and len(latest) >= len(QUEUED_EXPORTS)


def test_every_table_of_the_warehouse_marts_is_served_whole(faulted_pipeline):
    home = faulted_pipeline.home
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        marts = dict(
            con.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
            ).fetchall()
        )
        counts = {t: con.execute(f"SELECT count(*) FROM marts.{t}").fetchall()[0][0] for t in marts}
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        served = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in counts}
    assert served == counts and counts["fct_datakwaliteit_ladingen"] > 0


def test_nothing_is_lost_every_file_has_its_outcome(faulted_pipeline):
    """Every delivered file is in the load log exactly once with its outcome (the files of the killed runs too),
    and its rows reconcile: rows in the file = loaded + quarantined, counted from the tables."""
    home = faulted_pipeline.home
    assert not [p for p in (home / "inbox").rglob("*") if not p.is_dir()]  # the inbox is empty
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        loads = con.execute(
            "SELECT source_file, status, rows_in_file, rows_loaded, rows_quarantined FROM meta.file_loads"
        ).fetchall()
        by_file = {}
        for file, *outcome in loads:
            by_file.setdefault(file, []).append(tuple(outcome))
        expected = {item.path: [(item.status, *(item.counts or (None, None, None)))] for item in BAD_INPUTS}
        expected |= {path: [("loaded", 1, 1, 0)] for path, _, _ in QUEUED_EXPORTS}
        expected["subsidies/wachtwoorden.csv"] = [("failed", None, None, None)]  # a link to /etc/passwd
        assert by_file == expected
        unreconciled = con.execute(
            """SELECT bestand FROM marts.fct_datakwaliteit_ladingen
               WHERE bron_soort = 'gemeentebestand' AND status = 'geladen' AND NOT is_sluitend"""
        ).fetchall()
        assert unreconciled == []
    assert sorted(p.name for p in (home / "rejected").rglob("*")) == [
        "afgebroken.xml",
        "subsidies",
        "wachtwoorden.csv",
        "zorg",
    ]
