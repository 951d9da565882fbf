"""Superset end to end, over the REST API: fresh state, provisioning (twice), chart data, hand-computed values,
the DuckDB sandbox and a replaced serving file."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from superset_e2e import KNOWN_VALUES, RAW_INPUTS, ChartData, KnownValue, inventory

from dashboards.build import build_tree
from dashboards.client import SupersetApiError, SupersetClient
from dashboards.export import export_dashboards
from dashboards.provision import provision
from dashboards.superset_state import Credentials, SupersetState, ensure_state
from dashboards.tree import dashboard_slugs
from pipelines.config import REPO_ROOT, Settings

pytestmark = pytest.mark.e2e
ASSETS_DIR = REPO_ROOT / "demo" / "dashboards"  # the demo profile's dashboards as committed


def test_second_initialisation_is_quick(superset_state: SupersetState, superset_credentials: Credentials) -> None:
    messages: list[str] = []
    started = time.monotonic()
    assert ensure_state(superset_state, messages.append) == superset_credentials
    assert time.monotonic() - started < 5
    assert any("skipping init" in message for message in messages)
    assert not any("superset db upgrade" in message for message in messages)


def test_provisioning_twice_changes_nothing(
    client: SupersetClient, demo: Settings, superset_state: SupersetState, provisioned: dict[str, Any]
) -> None:
    assert sorted(name for _, name in provisioned["/api/v1/dashboard/"]) == [
        "Datakwaliteit en verversing", "Sociale basis als ecosysteem", "Wijkprofiel", "Zorggebruik en zorgkosten",
    ]  # fmt: skip
    assert [name for _, name in provisioned["/api/v1/database/"]] == ["Sociale basis monitor (serving)"]
    assert len(provisioned["/api/v1/chart/"]) == len(list((ASSETS_DIR / "charts").glob("*.yaml")))
    assert {"Lezer", "Analist", "Gemeente GM0141"} <= {name for _, name in provisioned["/api/v1/security/roles/"]}
    assert [name for _, name in provisioned["/api/v1/rowlevelsecurity/"]] == [
        "Alleen GM0141", "Alleen GM0141: rijen voor alle gemeenten"]  # fmt: skip
    provision(client, demo, superset_state)
    assert inventory(client) == provisioned  # same objects, same ids: overwritten, not duplicated


def test_export_of_the_provisioned_instance_is_the_committed_tree(
    client: SupersetClient, demo: Settings, superset_state: SupersetState, provisioned: dict[str, Any]
) -> None:
    """The YAML alone recreates everything: exporting what it provisioned gives back every file byte for byte.

    Provisioned again first: the browser tests may have run, and Superset's frontend saves state of its own into a
    dashboard an editor opens (seen once in a run: a changed ecosystem dashboard); provisioning overwrites it."""
    provision(client, demo, superset_state)
    committed = {
        path.relative_to(ASSETS_DIR).as_posix(): path.read_text("utf-8") for path in ASSETS_DIR.rglob("*.yaml")
    }
    exported = export_dashboards(client, [], demo.dashboard_assets)
    assert set(exported) == set(committed)
    changed = [path for path in sorted(committed) if exported[path] != committed[path]]
    diffs = (difflib.unified_diff(committed[p].splitlines(True), exported[p].splitlines(True), p, p) for p in changed)
    assert not changed, "".join(line for diff in diffs for line in diff)


def test_committed_tree_is_what_the_spec_builds(demo: Settings) -> None:
    """demo/dashboards is dashboards/spec built for the demo profile and its serving file (rebuild it with
    `python -m dashboards.build --out demo/dashboards` after `make demo-data refresh`)."""
    committed = {
        path.relative_to(ASSETS_DIR).as_posix(): path.read_text("utf-8") for path in ASSETS_DIR.rglob("*.yaml")
    }
    assert build_tree(demo.serving, demo.installation) == committed


def test_database_points_at_the_serving_file_read_only(
    client: SupersetClient, serving_db: Path, provisioned: dict[str, Any]
) -> None:
    ((database_id, _),) = provisioned["/api/v1/database/"]
    uri = client.request("GET", f"/api/v1/database/{database_id}/connection")["result"]["sqlalchemy_uri"]
    assert uri == f"duckdb:///{serving_db.resolve()}?access_mode=read_only"


def test_every_chart_of_every_dashboard_returns_rows(
    client: SupersetClient, dashboards: dict[str, dict[str, Any]]
) -> None:
    charts = [chart for dashboard in dashboards.values() for chart in dashboard["charts"]]
    assert len(charts) == len(list((ASSETS_DIR / "charts").glob("*.yaml")))
    for chart in charts:
        (result,) = client.request("GET", f"/api/v1/chart/{chart['id']}/data/")["result"]
        assert result["rowcount"] > 0, chart["slice_name"]
        assert not result.get("error"), chart["slice_name"]


def test_raw_inputs_are_the_documented_ones(demo: Settings) -> None:
    with duckdb.connect(str(demo.warehouse), read_only=True) as conn:
        for sql, expected in RAW_INPUTS:
            assert conn.execute(sql).fetchall() == expected, sql


def _matches(row: dict[str, Any], wanted: dict[str, Any]) -> bool:
    def same(value: Any, expected: Any) -> bool:
        if isinstance(expected, str) and isinstance(value, int | float):  # a date; the API sends epoch ms
            return value == dt.datetime.fromisoformat(expected).replace(tzinfo=dt.UTC).timestamp() * 1000
        return value == expected

    return all(same(row.get(column), expected) for column, expected in wanted.items())


def test_every_dashboard_has_a_hand_computed_value() -> None:
    assert sorted(known.dashboard for known in KNOWN_VALUES) == sorted(dashboard_slugs(ASSETS_DIR))


@pytest.mark.parametrize("known", KNOWN_VALUES, ids=lambda known: known.dashboard)
def test_hand_computed_value_on_every_dashboard(
    client: SupersetClient, dashboards: dict[str, dict[str, Any]], chart_data: ChartData, known: KnownValue
) -> None:
    (chart,) = [c for c in dashboards[known.dashboard]["charts"] if c["slice_name"] == known.chart]
    assert known.filters == chart["defaults"], "the filters the dashboard applies to the chart on load"
    rows = chart_data(client, chart["id"], chart["defaults"])
    (row,) = [row for row in rows if _matches(row, known.row)]
    assert row[known.column] == pytest.approx(known.value)


def _sql_lab(client: SupersetClient, database_id: int, sql: str) -> list[dict[str, Any]]:
    body = {"database_id": database_id, "sql": sql, "runAsync": False, "schema": "main"}
    return client.request("POST", "/api/v1/sqllab/execute/", json=body)["data"]


def test_duckdb_cannot_touch_server_files(client: SupersetClient, provisioned: dict[str, Any], tmp_path: Path) -> None:
    """DuckDB's own sandbox, under the SQL Lab guard (dashboards/superset_guard.py, which refuses SET, COPY and
    current_setting before DuckDB sees them): the connection Superset opens is read-only, without file access, with
    its configuration locked."""
    ((database_id, _),) = provisioned["/api/v1/database/"]
    connection = client.request("GET", f"/api/v1/database/{database_id}/connection")["result"]
    config = json.loads(connection["extra"])["engine_params"]["connect_args"]["config"]
    assert config == {"enable_external_access": False, "lock_configuration": True}
    path = connection["sqlalchemy_uri"].removeprefix("duckdb:///").removesuffix("?access_mode=read_only")
    with duckdb.connect(path, read_only=True, config=config) as con, pytest.raises(duckdb.Error, match="locked"):
        con.execute("SET enable_external_access = true")  # as Superset opens it
    assert _sql_lab(client, database_id, "SELECT count(*) AS n FROM main.fct_indicator")[0]["n"] > 0

    secret = tmp_path / "secret.csv"
    secret.write_text("wachtwoord\ngeheim\n", encoding="utf-8")
    with pytest.raises(SupersetApiError, match="disabled by configuration"):  # DuckDB refuses, past the guard
        _sql_lab(client, database_id, f"SELECT * FROM read_csv('{secret}')")
    with pytest.raises(SupersetApiError, match="niet toegestaan"):
        _sql_lab(client, database_id, "SET enable_external_access = true")
    with pytest.raises(SupersetApiError, match="niet toegestaan"):
        _sql_lab(client, database_id, f"COPY (SELECT 1) TO '{tmp_path / 'leak.csv'}'")
    assert not (tmp_path / "leak.csv").exists()


def test_replaced_serving_file_is_read(
    client: SupersetClient,
    serving_db: Path,
    dashboards: dict[str, dict[str, Any]],
    chart_data: ChartData,
    tmp_path: Path,
) -> None:
    """The pipeline publishes with os.replace; Superset must read the new file, not a cached old one."""
    (table,) = [c for c in dashboards["zorggebruik"]["charts"] if c["slice_name"].startswith("Lasten per analysegroep")]
    filters = {"gemeente_naam": "Almelo", "jaar": 2024}
    backup, staged = tmp_path / "backup.duckdb", serving_db.with_name("serving.next.duckdb")
    shutil.copy2(serving_db, backup)
    shutil.copy2(serving_db, staged)
    with duckdb.connect(str(staged)) as conn:
        conn.execute(
            "UPDATE main.fct_kostentrend SET lasten_begroting = lasten_begroting + 1 "
            "WHERE gemeente_code = 'GM0141' AND jaar = 2024 AND analysegroep = 'sport'"
        )
    before = chart_data(client, table["id"], filters)
    os.replace(staged, serving_db)
    try:
        after = chart_data(client, table["id"], filters)
    finally:
        os.replace(backup, serving_db)

    def begroting(rows: list[dict[str, Any]]) -> float:
        return next(row["lasten_begroting"] for row in rows if row["analysegroep_weergave"] == "Sport")

    assert begroting(after) == begroting(before) + 1
