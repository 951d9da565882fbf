"""Real faults for the crash-recovery state (tests/conftest.py, ``faulted_pipeline``): ``python -m pipelines``
run as a separate process on a state folder of its own, and killed with SIGKILL at a moment seen from outside
(a step holding the warehouse slot, a dbt process, a half-built serving file), or interrupted with SIGINT.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipelines.config import REPO_ROOT, Settings
from pipelines.resources import WAREHOUSE_POOL

STATE_VARIABLES = ("SBM_WAREHOUSE", "SBM_SERVING", "SBM_SNAPSHOTS", "DAGSTER_HOME", "SBM_INBOX", "SBM_ARCHIVE",
                   "SBM_PSEUDONYM_KEY", "SBM_PSEUDONYM_KEY_FILE")  # fmt: skip
REFRESH_TIMEOUT = 420  # a plain refresh of the state takes about a minute; far beyond is a hang


@dataclass
class Step:
    """One process of the sequence: what ran, what was seen when it was stopped, how it ended."""

    name: str
    command: list[str]
    output: Path
    returncode: int | None = None
    stopped_when: str | None = None  # what was observed when the test killed or interrupted it
    timed_out: bool = False
    seconds: float = 0.0

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace") if self.output.exists() else ""


@dataclass
class Sequence:
    home: Path
    logs: Path
    env: dict[str, str]
    steps: dict[str, Step] = field(default_factory=dict)

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.home / "dagster"))

    def start(self, name: str, *command: str) -> tuple[Step, subprocess.Popen]:
        step = Step(name, list(command), self.logs / f"{name}.log")
        self.logs.mkdir(parents=True, exist_ok=True)
        with step.output.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "pipelines", *command],
                env=self.env,
                cwd=REPO_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches dbt too
            )
        self.steps[name] = step
        step.seconds = time.monotonic()
        return step, process

    def finish(self, step: Step, process: subprocess.Popen, timeout: float = REFRESH_TIMEOUT) -> Step:
        try:
            step.returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            step.timed_out = True
            kill(process)
            step.returncode = process.returncode
        step.seconds = time.monotonic() - step.seconds
        return step

    def kill_when(self, name: str, moment: Callable, *command: str) -> Step:
        """Run ``command`` and SIGKILL its process group once ``moment(process, slot_holders)`` returns a
        description of what it saw (``slot_holders()``: the steps holding a warehouse slot right now)."""
        step, process = self.start(name, *command)
        with self.instance() as instance:

            def holders() -> set[str]:
                info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
                return {slot.step_key for slot in info.claimed_slots}

            seen = wait_for(
                lambda: moment(process, holders) if process.poll() is None else "it exited by itself", REFRESH_TIMEOUT
            )
        step.stopped_when = seen
        if process.poll() is None:
            kill(process)
        return self.finish(step, process)


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment for a command on ``settings``' state folder and installation."""
    env = {k: v for k, v in os.environ.items() if k not in STATE_VARIABLES}
    return {**env, "SBM_HOME": str(settings.home), "SBM_INSTALLATION": str(settings.installation_file), **extra}


def wait_for(condition: Callable[[], str | bool | None], timeout: float, interval: float = 0.02) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return str(found)
        time.sleep(interval)
    return None


def kill(process: subprocess.Popen, sig: signal.Signals = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    if sig == signal.SIGKILL:
        process.wait()


def children(pid: int) -> list[str]:
    """Command lines of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            if parent == pid:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, IndexError, ValueError):
            continue
    return found
