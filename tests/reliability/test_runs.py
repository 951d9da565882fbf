"""Issue 13, finding 1, the pieces: a run whose process is gone is recognised and recovered (on the command line
and by the daemon's sensor), and a command waits, saying so, while another program holds the warehouse."""

import logging
import os
import subprocess
import sys
import uuid

import dagster as dg
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

from pipelines.resources import WAREHOUSE_POOL
from pipelines.runs import HOST_TAG, PID_TAG, process_alive, recover_dead_runs, run_tags, wait_for_warehouse
from pipelines.sensors import dead_run_sensor


def started_run(instance, pid: int) -> DagsterRun:
    """A run in progress that holds the warehouse slot, said to run in process ``pid``."""
    run = DagsterRun(
        job_name="full_refresh",
        run_id=str(uuid.uuid4()),
        status=DagsterRunStatus.STARTED,
        tags={**run_tags(), PID_TAG: str(pid)},
    )
    instance.add_run(run)
    instance.event_log_storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
    instance.event_log_storage.claim_concurrency_slot(WAREHOUSE_POOL, run.run_id, "raw__zorg", 0)
    return run


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_whose_process_is_gone_is_marked_failed_and_its_slot_freed():
    with dg.instance_for_test() as instance:
        dead = started_run(instance, a_dead_pid())
        alive = DagsterRun(
            job_name="gemeente_files", run_id=str(uuid.uuid4()), status=DagsterRunStatus.STARTED, tags=run_tags()
        )
        instance.add_run(alive)  # this process: alive
        lines = recover_dead_runs(instance)
        assert len(lines) == 1 and lines[0].startswith(f"run {dead.run_id[:8]} (full_refresh, started ")
        assert lines[0].endswith("is gone (killed or crashed); marked failed and its warehouse slot freed")
        assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive.run_id).status == DagsterRunStatus.STARTED
        assert not instance.event_log_storage.get_concurrency_run_ids()
        assert recover_dead_runs(instance) == []


def test_a_reused_pid_is_no_sign_of_life():
    # this process started long before a run that "started" now: its pid cannot be that run's
    assert process_alive(os.getpid(), since=float("inf"))
    assert not process_alive(os.getpid(), since=0)
    assert not process_alive(a_dead_pid(), since=float("inf"))


def test_the_daemon_recovers_dead_runs_every_minute():
    with dg.instance_for_test() as instance:
        dead = started_run(instance, a_dead_pid())
        result = dead_run_sensor(dg.build_sensor_context(instance=instance))
        assert "1 dead run(s) recovered" in str(result)
        assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE


def test_runs_of_another_host_are_left_alone():
    with dg.instance_for_test() as instance:
        tags = {PID_TAG: str(a_dead_pid()), HOST_TAG: "another-host"}  # its pid says nothing here
        instance.add_run(DagsterRun(job_name="x", run_id=str(uuid.uuid4()), status=DagsterRunStatus.STARTED, tags=tags))
        assert recover_dead_runs(instance) == []


HOLD = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(2.5)"


def test_a_command_waits_while_another_program_holds_the_warehouse(tmp_path, caplog):
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb_holder = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE)
    assert duckdb_holder.stdout.readline() == b"held\n"
    log = logging.getLogger("test.wait")
    with dg.instance_for_test() as instance, caplog.at_level(logging.INFO, logger="test.wait"):
        wait_for_warehouse(instance, warehouse, log)  # returns once the other program lets go
    duckdb_holder.wait()
    said = [r.getMessage() for r in caplog.records]
    assert said and said[0].startswith("waiting for the warehouse (0 s): the warehouse is open in ")
    assert f"(PID {duckdb_holder.pid})" in said[0] and said[0].endswith("; Ctrl-C stops")
