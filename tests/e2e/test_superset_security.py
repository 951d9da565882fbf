"""Roles of dashboards/security.yaml and the demo installation's users with row-level security, against the running
Superset."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from superset_e2e import ChartData

from dashboards.client import SupersetClient

pytestmark = pytest.mark.e2e

FORBIDDEN = {"message": "Forbidden"}  # Flask-AppBuilder's answer to a call without the permission, with HTTP 403
SAVED_CHARTS_ONLY = "Uw rol toont alleen de opgeslagen grafieken"  # dashboards/superset_guard.py, also HTTP 403


def _denied(client: SupersetClient, method: str, path: str, **kwargs: Any) -> None:
    response = client.session.request(method, f"{client.base_url}{path}", timeout=60, **kwargs)
    body = response.json()
    refused = body == FORBIDDEN or body["errors"][0]["message"].startswith(SAVED_CHARTS_ONLY)
    assert response.status_code == 403 and refused, f"{method} {path}: {response.text[:200]}"


def _database_id(provisioned: dict[str, Any]) -> int:
    ((database_id, _),) = provisioned["/api/v1/database/"]
    return database_id


def test_viewer_gets_no_sql_lab_no_editing_and_no_export(
    login_as: Callable[[str], SupersetClient], provisioned: dict[str, Any], dashboards: dict[str, dict[str, Any]]
) -> None:
    lezer = login_as("lezer_twente")
    chart_id = dashboards["zorggebruik"]["charts"][0]["id"]
    dashboard_id = dashboards["zorggebruik"]["id"]
    sql = {"database_id": _database_id(provisioned), "sql": "SELECT 1", "runAsync": False, "schema": "main"}
    _denied(lezer, "POST", "/api/v1/sqllab/execute/", json=sql)
    _denied(lezer, "PUT", f"/api/v1/chart/{chart_id}", json={"slice_name": "gewijzigd"})
    _denied(lezer, "PUT", f"/api/v1/dashboard/{dashboard_id}", json={"dashboard_title": "gewijzigd"})
    _denied(lezer, "DELETE", f"/api/v1/chart/{chart_id}")
    _denied(lezer, "GET", f"/api/v1/chart/{chart_id}/data/", params={"format": "csv"})
    _denied(lezer, "GET", "/api/v1/dashboard/export/", params={"q": f"!({dashboard_id})"})
    # ... while reading the dashboard works.
    (result,) = lezer.request("GET", f"/api/v1/chart/{chart_id}/data/")["result"]
    assert result["rowcount"] > 0


def test_analyst_may_use_sql_lab(login_as: Callable[[str], SupersetClient], provisioned: dict[str, Any]) -> None:
    analist = login_as("analist")
    body = {"database_id": _database_id(provisioned), "sql": "SELECT count(*) AS n FROM main.fct_indicator",
            "runAsync": False, "schema": "main"}  # fmt: skip
    assert analist.request("POST", "/api/v1/sqllab/execute/", json=body)["data"][0]["n"] > 0


def _rows(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


def test_row_level_security_shows_a_viewer_only_its_gemeente(
    client: SupersetClient,
    login_as: Callable[[str], SupersetClient],
    dashboards: dict[str, dict[str, Any]],
    chart_data: ChartData,
) -> None:
    """lezer_almelo (demo/installation.yaml: gemeenten GM0141) gets, for every chart and without any dashboard filter,
    exactly what the admin gets when filtering on Almelo: also the comparisons with the vergelijkingsgroep Twente (the
    band of its peers comes with its own rows) and the maps (virtual datasets). (The data-quality dashboard, whose marts
    also hold rows for every gemeente: tests/security/test_limited_users.py.)"""
    almelo = login_as("lezer_almelo")
    gemeente_tables = {"dim_indicator": False}  # the catalogue has no gemeente column: not filtered
    for slug, dashboard in dashboards.items():
        if slug == "datakwaliteit":
            continue
        for chart in dashboard["charts"]:
            filtered = gemeente_tables.get(chart["dataset"], True)
            expected = chart_data(client, chart["id"], {"gemeente_code": "GM0141"} if filtered else {})
            assert expected, chart["slice_name"]
            assert _rows(chart_data(almelo, chart["id"], {})) == _rows(expected), chart["slice_name"]
    (comparison,) = [
        c for c in dashboards["zorggebruik"]["charts"]
        if c["slice_name"] == "Wmo-cliënten per 1.000 inwoners, tegen de vergelijkingsgroep Twente"
    ]  # fmt: skip

    def series(viewer: SupersetClient) -> set[str]:
        rows = chart_data(viewer, comparison["id"], {})
        return {key.removeprefix("waarde_reeks, ") for row in rows for key in row} - {"periode_begin"}

    band = {"Mediaan groep", "Hoogste in groep", "Laagste in groep"}
    assert len(series(login_as("lezer_twente")) - band) == 14, "a viewer without gemeenten sees all of Twente"
    # a viewer of one gemeente still sees where it stands: its own line and the band of its peers, unnamed
    assert series(almelo) == {"Almelo"} | band
