"""Fixtures of the attacker's test suite: the session's Superset (tests/superset_fixtures.py) seen as each role, the
objects the probes aim at, and a client that connects from another loopback address."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from probing import SourceAddressAdapter, Target, form_login

from dashboards.client import SupersetClient
from dashboards.superset_state import Credentials, SupersetState, parse_env_file


@pytest.fixture(scope="session")
def as_role(login_as: Callable[[str], SupersetClient]) -> Callable[[str], SupersetClient]:
    """A role's API client, logged in again when its token nears its end: also the admin's, since the session's first
    `client` (made for tests/e2e) has expired by the time this suite runs."""
    return login_as


@pytest.fixture
def admin(login_as: Callable[[str], SupersetClient]) -> SupersetClient:
    return login_as("admin")


@pytest.fixture(scope="session")
def browser_as(
    superset_url: str, superset_state: SupersetState, superset_credentials: Credentials, provisioned: dict[str, Any]
) -> Callable[[str], requests.Session]:
    """A browser's session of a role: logged in through the form (a session cookie), with the CSRF token the
    frontend sends. Superset's HTML views and older JSON routes accept only this, not the API's bearer token."""
    passwords = parse_env_file(superset_state.home / "users.env")
    sessions: dict[str, requests.Session] = {}

    def browser(role: str) -> requests.Session:
        if role not in sessions:
            session = requests.Session()
            password = superset_credentials.admin_password if role == "admin" else passwords[
                f"SBM_SUPERSET_PASSWORD_{role.upper()}"]  # fmt: skip
            assert form_login(session, superset_url, role, password).headers["Location"] == "/", role
            token = session.get(f"{superset_url}/api/v1/security/csrf_token/", timeout=30).json()["result"]
            session.headers.update({"X-CSRFToken": token, "Referer": superset_url})
            sessions[role] = session
        return sessions[role]

    return browser


@pytest.fixture(scope="session")
def target(
    login_as: Callable[[str], SupersetClient], dashboards: dict[str, dict[str, Any]], provisioned: dict[str, Any]
) -> Target:
    client = login_as("admin")
    zorggebruik = dashboards["zorggebruik"]
    title = "Lasten per analysegroep, begroting en realisatie"  # a table chart of the gemeente's rows
    (chart,) = [c for c in zorggebruik["charts"] if c["slice_name"] == title]
    context = json.loads(client.request("GET", f"/api/v1/chart/{chart['id']}")["result"]["query_context"])
    context["form_data"] |= {"slice_id": chart["id"], "dashboardId": zorggebruik["id"]}
    dataset_id = context["datasource"]["id"]
    datasets = {name: id_ for id_, name in provisioned["/api/v1/dataset/"]}
    (gemeente,) = [f for f in zorggebruik["filters"] if f["targets"][0]["column"]["name"] == "gemeente_naam"]
    ((database_id, _),) = provisioned["/api/v1/database/"]
    return Target(
        dashboard_id=zorggebruik["id"],
        chart_id=chart["id"],
        dataset_id=dataset_id,
        other_dataset_id=datasets["fct_indicator"],
        query_context=context,
        native_filter={
            "id": gemeente["id"],
            "dataset_id": gemeente["targets"][0]["datasetId"],
            "column": "gemeente_naam",
        },
        database_id=database_id,
    )


@pytest.fixture
def session_from() -> Callable[[str], requests.Session]:
    def make(address: str) -> requests.Session:
        session = requests.Session()
        session.mount("http://", SourceAddressAdapter(address))
        return session

    return make
