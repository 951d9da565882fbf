"""Run the monitor on this machine: ``python -m pipelines serve`` (``make serve``).

Prepares Superset's state, starts Superset (gunicorn, .venv-superset) and provisions the dashboards, then starts
the Dagster UI (``dagster dev``, .venv) on a private loopback port behind ``pipelines.dagster_proxy``, which
refuses cross-site requests. Both UIs listen on 127.0.0.1 unless ``SBM_SUPERSET_HOST`` / ``SBM_DAGSTER_HOST`` say
otherwise; ports from ``SBM_SUPERSET_PORT`` (8088) and ``SBM_DAGSTER_PORT`` (3000); extra Host names the Dagster
proxy accepts from ``SBM_DAGSTER_ALLOWED_HOSTS``. Server output goes to log files; Ctrl-C (or SIGTERM) stops all.

This launcher is where the pipeline and the dashboards meet: the only module of pipelines/ that imports dashboards/
(Superset's state, its client and provisioning), which itself knows nothing of Dagster.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn

import requests

from dashboards.client import SupersetClient
from dashboards.provision import provision
from dashboards.superset_state import (
    SUPERSET_BIN,
    Credentials,
    SupersetState,
    ensure_state,
    superset_env,
)
from pipelines.config import REPO_ROOT, Settings

WORKSPACE = REPO_ROOT / "workspace.yaml"
DAGSTER_BIN = REPO_ROOT / ".venv" / "bin" / "dagster"
log = logging.getLogger(__name__)


class ServeError(RuntimeError):
    """The launcher cannot continue; the message says what to do."""


@dataclass
class ManagedProcess:
    """A server in its own process group (so Ctrl-C reaches us first and we stop it in order)."""

    name: str
    popen: subprocess.Popen[bytes]
    log_file: Path
    stop_signal: signal.Signals = signal.SIGTERM

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 25) -> str:
        text = self.log_file.read_text(encoding="utf-8", errors="replace") if self.log_file.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        """``stop_signal`` to the whole group (workers, daemons), SIGKILL whatever is left after ``timeout``."""
        if not self.alive():
            return
        os.killpg(self.popen.pid, self.stop_signal)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        # The leader is gone; stragglers in its group (a code server, a worker) get the same treatment.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)


def _start(
    name: str, command: list[str], env: dict[str, str], log_file: Path, stop_signal: signal.Signals = signal.SIGTERM
) -> ManagedProcess:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as output:
        output.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(command)}\n".encode())
        popen = subprocess.Popen(
            command,
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return ManagedProcess(name=name, popen=popen, log_file=log_file, stop_signal=stop_signal)


def start_superset(state: SupersetState, credentials: Credentials, host: str, port: int) -> ManagedProcess:
    """gunicorn with Superset's WSGI app; two workers with threads, as Superset's docs suggest for small sites."""
    # fmt: off
    command = [
        str(SUPERSET_BIN / "gunicorn"),
        "--bind", f"{host}:{port}",
        "--workers", "2", "--worker-class", "gthread", "--threads", "4",
        "--timeout", "120",
        # Superset sends long GET URLs (rison-encoded filters); gunicorn's default limits cut them off.
        "--limit-request-line", "0", "--limit-request-field_size", "0",
        "--access-logfile", "-",
        "superset.app:create_app()",
    ]
    # fmt: on
    return _start("Superset", command, superset_env(state, credentials, port), state.log_dir / "superset.log")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_dagster(settings: Settings, host: str, port: int, workspace: Path = WORKSPACE) -> list[ManagedProcess]:
    """`dagster dev` on a free loopback port and the guard (pipelines.dagster_proxy) on `host:port` in front."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    private = free_port()
    # The code location shells out to `dbt` from the same venv; a launcher started as `.venv/bin/python -m …`
    # (as `make serve` does) has no activated venv, so put its bin/ first on PATH.
    path = f"{DAGSTER_BIN.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home), "PATH": path}
    command = [str(DAGSTER_BIN), "dev", "-w", str(workspace), "-h", "127.0.0.1", "-p", str(private)]
    log_file = settings.home / "logs" / "dagster.log"
    # `dagster dev` stops its webserver, daemon and code servers cleanly on SIGINT (Ctrl-C); on SIGTERM it
    # leaves a code server behind.
    dagster = _start("Dagster", command, env, log_file, stop_signal=signal.SIGINT)
    allowed = [f"--allowed-host={name}" for name in settings.dagster_allowed_hosts]
    proxy_command = [sys.executable, "-m", "pipelines.dagster_proxy", "--listen", f"{host}:{port}",
                     "--upstream", f"127.0.0.1:{private}", *allowed]  # fmt: skip
    return [dagster, _start("Dagster proxy", proxy_command, dict(os.environ), log_file)]


def wait_until_healthy(url: str, *processes: ManagedProcess, timeout: float = 180) -> None:
    """Poll ``url`` until it answers 200; fail early, with the log's tail, if a server process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dead := next((process for process in processes if not process.alive()), None):
            raise ServeError(
                f"{dead.name} exited with code {dead.popen.returncode} while starting; "
                f"last lines of {dead.log_file}:\n{dead.log_tail()}"
            )
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    names = " and ".join(process.name for process in processes)
    raise ServeError(f"{names} did not answer {url} within {timeout:.0f}s; see {processes[0].log_file}")


def ensure_port_free(host: str, port: int, variable: str) -> None:
    with socket.socket() as sock:
        # Like the servers themselves: connections of a previous run in TIME_WAIT do not count as "in use".
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            raise ServeError(
                f"port {port} on {host} is already in use (another Superset or Dagster still running?); "
                f"stop it, or choose another port with {variable}=<port>"
            ) from None


def _local_url(host: str, port: int) -> str:
    """Where this machine reaches a server bound to ``host`` (a wildcard bind is reachable on loopback)."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{port}"


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(settings: Settings) -> NoReturn:
    state = SupersetState(settings.superset_home)
    superset_host, superset_port = settings.superset_host, settings.superset_port
    dagster_host, dagster_port = settings.dagster_host, settings.dagster_port
    with_dagster = WORKSPACE.exists()

    ensure_port_free(superset_host, superset_port, "SBM_SUPERSET_PORT")
    if with_dagster:
        ensure_port_free(dagster_host, dagster_port, "SBM_DAGSTER_PORT")
    credentials = ensure_state(state)

    servers: list[ManagedProcess] = []
    try:
        superset = start_superset(state, credentials, superset_host, superset_port)
        servers.append(superset)
        log.info(f"starting Superset on {superset_host}:{superset_port} (log: {superset.log_file})")
        superset_url = _local_url(superset_host, superset_port)
        wait_until_healthy(f"{superset_url}/health", superset)

        dashboards = [superset_url]
        if settings.serving.exists():
            client = SupersetClient(superset_url, credentials.admin_username, credentials.admin_password)
            dashboards = provision(client, settings, state)
            log.info(f"provisioned the dashboards of {settings.installation.name} ({settings.dashboard_assets})")
        else:
            log.info(f"note: {settings.serving} does not exist yet: no dashboards until a refresh (make refresh)")

        dagster_line = f"not started: {WORKSPACE} does not exist"
        if with_dagster:
            dagster, proxy = start_dagster(settings, dagster_host, dagster_port)
            servers += [dagster, proxy]
            log.info(f"starting Dagster on {dagster_host}:{dagster_port}, behind its guard (log: {dagster.log_file})")
            dagster_url = _local_url(dagster_host, dagster_port)
            wait_until_healthy(f"{dagster_url}/server_info", dagster, proxy)
            dagster_line = dagster_url

        print(
            "\nSociale basis monitor is running:\n"
            + "".join(f"  Superset  {url}\n" for url in dashboards)
            + f"  Dagster   {dagster_line}\n"
            f"  Log in as '{credentials.admin_username}'; the password is in {state.credentials_file}\n"
            f"  Users of {settings.installation.path.name} (Lezer, Analist): passwords in {state.home / 'users.env'}\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while all(server.alive() for server in servers):
            time.sleep(1)
        stopped = next(server for server in servers if not server.alive())
        raise ServeError(
            f"{stopped.name} stopped unexpectedly (exit code {stopped.popen.returncode}); "
            f"last lines of {stopped.log_file}:\n{stopped.log_tail()}"
        )
    finally:
        # Shutdown must not be interrupted halfway (a second Ctrl-C would orphan the servers).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for server in reversed(servers):
            if server.alive():
                log.info(f"stopping {server.name} ...")
            server.stop()


def serve(settings: Settings) -> int:
    """Start both servers and keep them running until Ctrl-C or SIGTERM (then 0), or until one fails (then 1). The
    caller has set the private umask (pipelines/state.py): Superset, Dagster and their workers inherit it."""
    # Explicit handlers: a shell that starts us in the background may have set SIGINT to "ignore", which the
    # servers would inherit. SIGTERM gets the same clean shutdown as Ctrl-C.
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        run(settings)
    except KeyboardInterrupt:
        log.info("stopped")
        return 0
    except (RuntimeError, OSError, ValueError) as error:  # ServeError, SupersetCommandError, SupersetApiError, …
        log.error("%s", error)
        return 1
