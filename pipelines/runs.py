"""Runs that recover by themselves, and a command line that waits its turn for the warehouse.

Dagster records every run in ``DAGSTER_HOME`` and gives each step that writes the warehouse the one slot of the
pool ``duckdb_warehouse``. A run whose process is killed (``kill -9``, a crashed machine) stays "started" and
keeps its slot; a later in-process run then waits for that slot in a loop that polls without sleeping (100 % CPU)
and holds back Ctrl-C until a step runs, i.e. forever. Hence, before a run starts on the command line (and every
minute in the Dagster daemon, ``dead_run_sensor``):

1. every run in progress whose process is gone is marked failed and its slots are freed, with a log line. A
   run's process is the pid in its ``sbm/pid`` tag (runs started by ``python -m pipelines``) or in its first
   engine event (runs the daemon launched); it is gone when no process has that pid, or the process with that
   pid started after the run did (the pid was reused). Runs of another host are left alone;
2. while another live run is in progress, or another program holds the warehouse file, the command waits and
   says so every few seconds; Ctrl-C stops it. The run starts only when the warehouse is free, so it never
   waits inside Dagster.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter

from pipelines.sources.files.inbox import pid_alive

PID_TAG, HOST_TAG = "sbm/pid", "sbm/host"
IN_PROGRESS = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
WAIT_MESSAGE_SECONDS = 5
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def run_tags() -> dict[str, str]:
    """Tags of a run this process starts, so a later process can tell whether it still runs."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _process_started(pid: int) -> float | None:
    """When a process started (epoch seconds), from /proc; None where /proc cannot say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        boot = next(
            float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime")
        )
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    if stat[0] == "Z":  # a zombie has finished
        return float("inf")
    return boot + int(stat[19]) / CLOCK_TICKS


def process_alive(pid: int, since: float) -> bool:
    """Whether the process ``pid`` runs and is the one that started at or before ``since`` (not a reused pid)."""
    if not pid_alive(pid):
        return False
    started = _process_started(pid)
    return started is None or started <= since + 1  # /proc's start time is rounded to clock ticks


def _run_pid(instance: dg.DagsterInstance, run: dg.DagsterRun) -> int | None:
    if PID_TAG in run.tags:
        return int(run.tags[PID_TAG])
    records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, limit=20).records
    for record in records:
        event = record.event_log_entry.dagster_event
        pid = getattr(event.event_specific_data, "metadata", {}).get("pid") if event else None
        if pid is not None:
            return int(pid.value)
    return None


def _describe(run: dg.DagsterRun, started: float) -> str:
    return f"run {run.run_id[:8]} ({run.job_name}, started {time.strftime('%H:%M:%S', time.localtime(started))})"


def recover_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark runs whose process is gone as failed and free their slots, and free slots that finished runs still
    hold; returns a line per run recovered."""
    lines = []
    host = socket.gethostname()
    for record in instance.get_run_records(filters=RunsFilter(statuses=IN_PROGRESS)):
        run = record.dagster_run
        pid = _run_pid(instance, run)
        started = record.start_time or record.create_timestamp.timestamp()
        if pid is None or run.tags.get(HOST_TAG, host) != host or process_alive(pid, started):
            continue
        why = f"its process {pid} is gone (killed or crashed)"
        instance.report_run_failed(run, f"Marked failed by the next run: {why}.")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        lines.append(f"{_describe(run, started)}: {why}; marked failed and its warehouse slot freed")
    for run_id in instance.event_log_storage.get_concurrency_run_ids():
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
            lines.append(f"run {run_id[:8]} had finished but still held a warehouse slot; freed")
    return lines


def _live_runs(instance: dg.DagsterInstance) -> list[str]:
    return [
        _describe(r.dagster_run, r.start_time or r.create_timestamp.timestamp())
        for r in instance.get_run_records(filters=RunsFilter(statuses=IN_PROGRESS))
    ]


def _lock_holder(warehouse: Path) -> str | None:
    """Another program's lock on the warehouse file (DuckDB allows one writer), as DuckDB describes it."""
    if not warehouse.exists():
        return None
    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        held = str(error).partition("Conflicting lock is held in ")[2].split(". See")[0]
        return held or "another program"
    return None


def wait_for_warehouse(
    instance: dg.DagsterInstance, warehouse: Path, log: logging.Logger, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Recover dead runs, then wait until no other run is in progress and no other program holds the warehouse
    file, saying so every ``WAIT_MESSAGE_SECONDS``. Ctrl-C or SIGTERM stops the wait (KeyboardInterrupt): the
    signal is noted by a handler of our own and acted on in this loop, so no library code on the way can
    swallow it."""
    stop: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: stop.append(number)) for sig in STOP_SIGNALS}
    try:
        last_said = -WAIT_MESSAGE_SECONDS
        waited = 0.0
        while not stop:
            for line in recover_dead_runs(instance):
                log.warning(line)
            live = _live_runs(instance)
            holder = None if live else _lock_holder(warehouse)
            if not live and holder is None:
                return
            if waited - last_said >= WAIT_MESSAGE_SECONDS:
                what = f"{', '.join(live)} is still running" if live else f"the warehouse is open in {holder}"
                log.info(f"waiting for the warehouse ({waited:.0f} s): {what}; Ctrl-C stops")
                last_said = waited
            sleep(1)
            waited += 1
        raise KeyboardInterrupt
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
