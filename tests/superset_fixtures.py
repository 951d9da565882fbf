"""Session fixtures for the end-to-end and security tests: a serving file, a running Superset, the provisioned
dashboards (a plugin of tests/conftest.py, so tests/e2e and tests/security share one server).

Superset is slow to initialise (~30 s) and to start (~15 s), so everything here is session-scoped and runs once;
the server always stops in teardown.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from superset_e2e import ChartData, inventory

from dashboards.client import SupersetClient
from dashboards.provision import provision
from dashboards.superset_state import Credentials, SupersetState, ensure_state, parse_env_file
from dashboards.tree import dashboard_slugs
from pipelines.config import Settings
from pipelines.serve import free_port, start_superset, wait_until_healthy


@pytest.fixture(scope="session")
def demo(demo_pipeline: Settings) -> Settings:
    """The demo region published by a real pipeline run: .serving is what Superset reads, .warehouse its source."""
    return demo_pipeline


@pytest.fixture(scope="session")
def serving_db(demo: Settings) -> Path:
    return demo.serving


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


@pytest.fixture(scope="session")
def provisioned(client: SupersetClient, demo: Settings, superset_state: SupersetState) -> dict[str, Any]:
    """Provision once for the session (assets, roles, users, RLS); returns what Superset held right after."""
    provision(client, demo, superset_state)
    return inventory(client)


@pytest.fixture(scope="session")
def chart_data() -> ChartData:
    """The chart's saved query, fresh from DuckDB (force), with dashboard filters added as the dashboard adds them
    (and the chart's id, as the dashboard sends it: a viewer gets only saved charts)."""

    def fetch(client: SupersetClient, chart_id: int, filters: dict[str, Any]) -> list[dict[str, Any]]:
        context = json.loads(client.request("GET", f"/api/v1/chart/{chart_id}")["result"]["query_context"])
        context["form_data"]["slice_id"] = chart_id
        for query in context["queries"]:
            query["filters"] += [{"col": col, "op": "IN", "val": [value]} for col, value in filters.items()]
        context["force"] = True
        return client.request("POST", "/api/v1/chart/data", json=context)["result"][0]["data"]

    return fetch


@pytest.fixture(scope="session")
def dashboards(client: SupersetClient, demo: Settings, provisioned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per slug: the dashboard's id, its native filters and its charts (id, slice_name, viz_type, dataset, the
    filter columns that apply to it and their defaults), as this instance holds them after the import."""
    tables = dict(provisioned["/api/v1/dataset/"])
    result = {}
    for slug in dashboard_slugs(demo.dashboard_assets):
        dashboard = client.request("GET", f"/api/v1/dashboard/{slug}")["result"]
        filters = json.loads(dashboard["json_metadata"])["native_filter_configuration"]
        charts = client.request("GET", f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
        result[dashboard["slug"]] = {
            "id": dashboard["id"],
            "title": dashboard["dashboard_title"],
            "filters": filters,
            "charts": [
                {
                    "id": chart["id"],
                    "slice_name": chart["slice_name"],
                    "viz_type": chart["form_data"]["viz_type"],
                    # a map's class colours (RGB), to find them in a screenshot
                    "classes": [
                        (c["color"]["r"], c["color"]["g"], c["color"]["b"])
                        for c in chart["form_data"].get("color_breakpoints", [])
                    ],
                    "dataset": tables[int(chart["form_data"]["datasource"].split("__")[0])],
                    "filtered_by": {
                        f["targets"][0]["column"]["name"] for f in filters if chart["id"] not in f["scope"]["excluded"]
                    },
                    # What the dashboard applies on load: the defaults of the filters in whose scope the chart is.
                    "defaults": {
                        f["targets"][0]["column"]["name"]: f["defaultDataMask"]["filterState"]["value"][0]
                        for f in filters
                        if chart["id"] not in f["scope"]["excluded"] and f["defaultDataMask"]["filterState"]
                    },
                }
                for chart in charts
            ],
        }
    return result


@pytest.fixture(scope="session")
def login_as(
    superset_url: str, superset_state: SupersetState, superset_credentials: Credentials, provisioned: dict[str, Any]
) -> Callable[[str], SupersetClient]:
    """A client logged in as the admin or one of the demo installation's users (with the password provisioning
    generated); logged in once per user and ten minutes: the login routes are rate-limited, and an access token lasts
    fifteen minutes (tests later in the session than the e2e tests must not use the session's first `client`)."""
    passwords = parse_env_file(superset_state.home / "users.env")
    admin = superset_credentials.admin_username.upper()
    passwords[f"SBM_SUPERSET_PASSWORD_{admin}"] = superset_credentials.admin_password
    clients: dict[str, tuple[float, SupersetClient]] = {}

    def login(username: str) -> SupersetClient:
        since, client = clients.get(username, (0.0, None))
        if client is None or time.monotonic() - since > 600:
            password = passwords[f"SBM_SUPERSET_PASSWORD_{username.upper()}"]
            client = SupersetClient(superset_url, username, password)
            clients[username] = (time.monotonic(), client)
        return client

    return login
