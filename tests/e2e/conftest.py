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

# One known value per dataset, computed by hand from the synthetic demo data (tests/integration checks the counts);
# every chart on a dataset must show its value. Each value is found in a chart by its year and the series (line
# charts) or the code (table).
KNOWN_VALUES: dict[str, dict[str, Any]] = {
    # Wijk WK014101 "Binnenstad" (Almelo) in 2021, on the 2021 wijk classification: 680 Wmo clients among 6,280
    # inhabitants: 680 * 1000 / 6280 = 108.28 -> 108.3 per 1,000.
    "fct_zorggebruik_wijk": {
        "code_column": "wijk_code", "code": "WK014101", "name_column": "wijk_naam", "jaar": 2021, "wmo_per_1000": 108.3,
    },
    # Wijk WK014113 "Nieuwstraat-Haghuis" (Almelo) in 2020, converted to the 2024 classification: it is the 2020 wijken
    # Nieuwstraatkwartier (720 clients, 6,620 inhabitants) and Haghuis (655 clients, 8,035 inhabitants) merged in 2021:
    # (720 + 655) * 1000 / (6,620 + 8,035) = 1,375 * 1000 / 14,655 = 93.82 -> 93.8 per 1,000.
    "fct_zorggebruik_wijk_geharmoniseerd": {
        "code_column": "wijk_code", "code": "WK014113", "name_column": "wijk_naam", "jaar": 2020, "wmo_per_1000": 93.8,
    },
    # Gemeente GM0141 Almelo in 2024: 6,224 Wmo clients among 74,283 inhabitants:
    # 6,224 * 1000 / 74,283 = 83.79 -> 83.8 per 1,000.
    "fct_zorggebruik_gemeente": {
        "code_column": "gemeente_code", "code": "GM0141", "name_column": "gemeente_naam", "jaar": 2024,
        "wmo_per_1000": 83.8,
    },
}  # fmt: skip


@pytest.fixture(scope="session")
def serving_db(demo_pipeline) -> tuple[Path, dict[str, dict[str, Any]]]:
    """(path to serving.duckdb, {dataset: its known value}): the demo region published by a real pipeline run."""
    return demo_pipeline.serving, KNOWN_VALUES


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
