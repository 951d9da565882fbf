"""Session fixtures for the end-to-end tests: a serving file, a running Superset, a provisioned dashboard.

Superset is slow to initialise (~30 s) and to start (~15 s), so everything here is session-scoped and runs once;
the server always stops in teardown.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboards.provision import SupersetClient
from dashboards.serve import start_superset, wait_until_healthy
from dashboards.superset_state import Credentials, SupersetState, ensure_state


@pytest.fixture(scope="session")
def serving_db(demo_pipeline) -> tuple[Path, dict[str, Any]]:
    """(path to serving.duckdb, one known value): the demo region published by a real pipeline run.

    Wijk WK014101 in 2021 has 680 Wmo clients among 6,280 inhabitants in the synthetic CBS snapshot
    (tests/integration checks that): 680 * 1000 / 6280 = 108.28 -> 108.3 per 1,000.
    """
    return demo_pipeline.serving, {"wijk_code": "WK014101", "jaar": 2021, "wmo_per_1000": 108.3}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def superset_state(tmp_path_factory: pytest.TempPathFactory) -> SupersetState:
    return SupersetState(home=tmp_path_factory.mktemp("superset-state"))


@pytest.fixture(scope="session")
def superset_credentials(superset_state: SupersetState) -> Credentials:
    """A fresh state folder initialised as `make serve` does: db upgrade, admin user, init."""
    return ensure_state(superset_state)


@pytest.fixture(scope="session")
def superset_url(superset_state: SupersetState, superset_credentials: Credentials) -> Iterator[str]:
    """Superset served by gunicorn on a free port, as the launcher starts it; stopped after the session."""
    port = free_port()
    server = start_superset(superset_state, superset_credentials, host="127.0.0.1", port=port)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/health", server)
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def client(superset_url: str, superset_credentials: Credentials) -> SupersetClient:
    return SupersetClient(superset_url, superset_credentials.admin_username, superset_credentials.admin_password)
