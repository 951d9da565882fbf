"""Superset end to end: fresh state, provisioning (twice), chart data, DuckDB sandbox, the dashboard in Chromium."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from dashboards.export import export_dashboards
from dashboards.provision import ASSETS_DIR, ProvisionError, SupersetClient, provision
from dashboards.superset_state import Credentials, SupersetState, ensure_state

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO_ROOT / "test-artifacts" / "screenshots" / "zorggebruik.png"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1800",  # tall enough for every row of the dashboard
]
# What a rendered chart contains, per viz type (a chart type without an entry here fails the browser test).
RENDERED = {
    "echarts_timeseries_line": "[_echarts_instance_] canvas, [_echarts_instance_] svg",
    "table": "table tbody tr",
}
# What Superset 6.1 renders when a chart query fails (antd error alert, role=alert) or a toast reports a problem,
# and the "no results" empty state.
ERRORS = (
    ".ant-alert-error, .ant-alert-warning, [role='alert'], .toast--danger, .toast--warning, [data-test='empty-state']"
)
TREND_METRIC = "wmo_per_1000_gewogen"  # the line charts' metric; the data API names series "<metric>, <wijk>"
GEMEENTE_FILTER = "NATIVE_FILTER-gemeente"
DEFAULT_GEMEENTE = "Almelo"  # the Gemeente filter's default value


def _inventory(client: SupersetClient) -> dict[str, list[tuple[int, str]]]:
    """(id, name) of every database, dataset, chart and dashboard Superset holds."""
    names = {
        "database": "database_name",
        "dataset": "table_name",
        "chart": "slice_name",
        "dashboard": "dashboard_title",
    }
    inventory = {}
    for kind, name in names.items():
        listed = client.request("GET", f"/api/v1/{kind}/", params={"q": f"(columns:!(id,{name}),page_size:100)"})
        inventory[kind] = sorted((row["id"], row[name]) for row in listed["result"])
    return inventory


@pytest.fixture(scope="session")
def provisioned(client: SupersetClient, serving_db: tuple[Path, dict[str, Any]]) -> dict[str, list[tuple[int, str]]]:
    """Provision once for the session; returns what Superset held right after."""
    provision(client, serving_db[0])
    return _inventory(client)


@pytest.fixture(scope="session")
def gemeente_filter(client: SupersetClient, provisioned: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's Gemeente native filter as Superset holds it after the import (chart ids of this instance)."""
    metadata = json.loads(client.request("GET", "/api/v1/dashboard/zorggebruik")["result"]["json_metadata"])
    (native_filter,) = [f for f in metadata["native_filter_configuration"] if f["id"] == GEMEENTE_FILTER]
    return native_filter


@pytest.fixture(scope="session")
def dashboard_charts(
    client: SupersetClient, provisioned: dict[str, Any], gemeente_filter: dict[str, Any]
) -> list[dict[str, Any]]:
    """id, slice_name, viz_type, dataset (table name) and whether the Gemeente filter applies, per dashboard chart."""
    charts = client.request("GET", "/api/v1/dashboard/zorggebruik/charts")["result"]
    tables = {dataset_id: name for dataset_id, name in provisioned["dataset"]}
    return [
        {
            "id": chart["id"],
            "slice_name": chart["slice_name"],
            "viz_type": chart["form_data"]["viz_type"],
            "dataset": tables[int(chart["form_data"]["datasource"].split("__")[0])],
            "filtered": chart["id"] not in gemeente_filter["scope"]["excluded"],
        }
        for chart in charts
    ]


@pytest.fixture(scope="session")
def known_values(serving_db: tuple[Path, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per dataset the expected value plus the names the charts show for its area, read from the serving file."""
    path, expected = serving_db
    resolved = {}
    with duckdb.connect(str(path), read_only=True) as conn:
        for table, known in expected.items():
            gemeente, name = conn.execute(
                f"SELECT gemeente_naam, {known['name_column']} FROM main.{table} "
                f"WHERE {known['code_column']} = ? AND jaar = ?",
                [known["code"], known["jaar"]],
            ).fetchone()
            resolved[table] = {**known, "gemeente_naam": gemeente, "name": name}
    return resolved


@pytest.fixture(scope="session")
def known_wijk(known_values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return known_values["fct_zorggebruik_wijk"]


def _chart_data(client: SupersetClient, chart_id: int, gemeente: str | None = None) -> list[dict[str, Any]]:
    """The chart's saved query, fresh from DuckDB; with a gemeente, filtered on it as the dashboard's filter does."""
    context = json.loads(client.request("GET", f"/api/v1/chart/{chart_id}")["result"]["query_context"])
    for query in context["queries"]:
        if gemeente is not None:
            query["filters"].append({"col": "gemeente_naam", "op": "IN", "val": [gemeente]})
    context["force"] = True
    return client.request("POST", "/api/v1/chart/data", json=context)["result"][0]["data"]


def _value_in(viz_type: str, rows: list[dict[str, Any]], known: dict[str, Any]) -> Any:
    if viz_type == "table":
        key = (known["code"], known["jaar"])
        (row,) = [row for row in rows if (row[known["code_column"]], row["jaar"]) == key]
        return row["wmo_per_1000"]
    if viz_type == "echarts_timeseries_line":
        epoch_ms = dt.datetime(known["jaar"], 1, 1, tzinfo=dt.UTC).timestamp() * 1000
        (row,) = [row for row in rows if row["peildatum"] == epoch_ms]
        return row[f"{TREND_METRIC}, {known['name']}"]
    raise AssertionError(f"no rule to find the known value in a {viz_type} chart; add one here")


def test_second_initialisation_is_quick(superset_state: SupersetState, superset_credentials: Credentials) -> None:
    messages: list[str] = []
    started = time.monotonic()
    assert ensure_state(superset_state, messages.append) == superset_credentials
    assert time.monotonic() - started < 5
    assert any("skipping init" in message for message in messages)
    assert not any("superset db upgrade" in message for message in messages)


def test_provisioning_twice_changes_nothing(
    client: SupersetClient, serving_db: tuple[Path, dict[str, Any]], provisioned: dict[str, list[tuple[int, str]]]
) -> None:
    assert [name for _, name in provisioned["dashboard"]] == ["Zorggebruik"]
    assert [name for _, name in provisioned["database"]] == ["Sociale basis monitor (serving)"]
    assert sorted(name for _, name in provisioned["dataset"]) == [
        "fct_zorggebruik_gemeente", "fct_zorggebruik_wijk", "fct_zorggebruik_wijk_geharmoniseerd",
    ]  # fmt: skip
    assert len(provisioned["chart"]) == len(list((ASSETS_DIR / "charts").glob("*.yaml")))
    provision(client, serving_db[0])
    assert _inventory(client) == provisioned  # same objects, same ids: overwritten, not duplicated


def test_export_of_the_provisioned_instance_is_the_committed_tree(
    client: SupersetClient, provisioned: dict[str, Any]
) -> None:
    """The YAML alone recreates everything: exporting what it provisioned gives back every file byte for byte."""
    committed = {
        path.relative_to(ASSETS_DIR).as_posix(): path.read_text("utf-8") for path in ASSETS_DIR.rglob("*.yaml")
    }
    assert export_dashboards(client, []) == committed


def test_database_points_at_the_serving_file_read_only(
    client: SupersetClient, serving_db: tuple[Path, dict[str, Any]], provisioned: dict[str, Any]
) -> None:
    ((database_id, _),) = provisioned["database"]
    uri = client.request("GET", f"/api/v1/database/{database_id}/connection")["result"]["sqlalchemy_uri"]
    assert uri == f"duckdb:///{serving_db[0].resolve()}?access_mode=read_only"


def test_every_chart_returns_rows(client: SupersetClient, dashboard_charts: list[dict[str, Any]]) -> None:
    assert len(dashboard_charts) == len(list((ASSETS_DIR / "charts").glob("*.yaml")))
    for chart in dashboard_charts:
        (result,) = client.request("GET", f"/api/v1/chart/{chart['id']}/data/")["result"]
        assert result["rowcount"] > 0, chart["slice_name"]
        assert not result.get("error"), chart["slice_name"]


def test_known_value_in_every_chart(
    client: SupersetClient, dashboard_charts: list[dict[str, Any]], known_values: dict[str, dict[str, Any]]
) -> None:
    """Each chart shows its dataset's hand-computed value: filtered on the value's gemeente as the dashboard does,
    or unfiltered for a chart outside the Gemeente filter's scope (all gemeenten side by side)."""
    assert {chart["dataset"] for chart in dashboard_charts} == set(known_values)
    for chart in dashboard_charts:
        known = known_values[chart["dataset"]]
        rows = _chart_data(client, chart["id"], known["gemeente_naam"] if chart["filtered"] else None)
        value = _value_in(chart["viz_type"], rows, known)
        assert value == pytest.approx(known["wmo_per_1000"]), chart["slice_name"]


def test_gemeente_filter_leaves_out_only_the_gemeente_chart(
    dashboard_charts: list[dict[str, Any]], gemeente_filter: dict[str, Any]
) -> None:
    """The import re-points the scope at this instance's chart ids: exactly the Twente-wide chart is excluded."""
    unfiltered = [chart["dataset"] for chart in dashboard_charts if not chart["filtered"]]
    assert unfiltered == ["fct_zorggebruik_gemeente"]
    assert gemeente_filter["defaultDataMask"]["filterState"]["value"] == [DEFAULT_GEMEENTE]


def _sql_lab(client: SupersetClient, database_id: int, sql: str) -> list[dict[str, Any]]:
    body = {"database_id": database_id, "sql": sql, "runAsync": False, "schema": "main"}
    return client.request("POST", "/api/v1/sqllab/execute/", json=body)["data"]


def test_duckdb_cannot_touch_server_files(client: SupersetClient, provisioned: dict[str, Any], tmp_path: Path) -> None:
    ((database_id, _),) = provisioned["database"]
    settings = _sql_lab(
        client, database_id,
        "SELECT current_setting('enable_external_access') AS external_access, "
        "current_setting('lock_configuration') AS locked, current_setting('access_mode') AS access_mode",
    )  # fmt: skip
    assert settings == [{"external_access": False, "locked": True, "access_mode": "read_only"}]
    assert _sql_lab(client, database_id, "SELECT count(*) AS n FROM main.fct_zorggebruik_wijk")[0]["n"] > 0

    secret = tmp_path / "secret.csv"
    secret.write_text("wachtwoord\ngeheim\n", encoding="utf-8")
    with pytest.raises(ProvisionError, match="disabled by configuration"):
        _sql_lab(client, database_id, f"SELECT * FROM read_csv('{secret}')")
    with pytest.raises(ProvisionError, match="locked"):
        _sql_lab(client, database_id, "SET enable_external_access = true")
    with pytest.raises(ProvisionError):
        _sql_lab(client, database_id, f"COPY (SELECT 1) TO '{tmp_path / 'leak.csv'}'")
    assert not (tmp_path / "leak.csv").exists()


def test_replaced_serving_file_is_read(
    client: SupersetClient,
    serving_db: tuple[Path, dict[str, Any]],
    dashboard_charts: list[dict[str, Any]],
    known_wijk: dict[str, Any],
    tmp_path: Path,
) -> None:
    """The pipeline publishes with os.replace; Superset must read the new file, not a cached old one."""
    path, _ = serving_db
    (table,) = [chart for chart in dashboard_charts if chart["viz_type"] == "table"]
    backup, staged = tmp_path / "backup.duckdb", path.with_name("serving.next.duckdb")
    shutil.copy2(path, backup)
    shutil.copy2(path, staged)
    with duckdb.connect(str(staged)) as conn:
        conn.execute(
            "UPDATE main.fct_zorggebruik_wijk SET inwoners = inwoners + 1 WHERE wijk_code = ? AND jaar = ?",
            [known_wijk["code"], known_wijk["jaar"]],
        )
    before = _chart_data(client, table["id"], known_wijk["gemeente_naam"])
    os.replace(staged, path)
    try:
        after = _chart_data(client, table["id"], known_wijk["gemeente_naam"])
    finally:
        os.replace(backup, path)

    def inwoners(rows: list[dict[str, Any]]) -> int:
        key = (known_wijk["code"], known_wijk["jaar"])
        return next(row["inwoners"] for row in rows if (row["wijk_code"], row["jaar"]) == key)

    assert inwoners(after) == inwoners(before) + 1


@pytest.fixture()
def browser() -> Iterator[WebDriver]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(
            f"browser test needs {', '.join(missing)}: install Debian's packages with "
            "`sudo apt-get install chromium chromium-driver` (or `make browser`)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    # Network events, to read which filters the dashboard puts on each chart's query.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    with tempfile.TemporaryDirectory(prefix="sbm-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        # An explicit driver path: Selenium Manager must never try to download one.
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def _log_in(driver: WebDriver, url: str, credentials: Credentials) -> None:
    driver.get(f"{url}/login/")
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: d.find_elements(By.ID, "username"))
    driver.find_element(By.ID, "username").send_keys(credentials.admin_username)
    driver.find_element(By.ID, "password").send_keys(credentials.admin_password)
    driver.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    wait.until(lambda d: "/login" not in d.current_url)


def _unrendered(driver: WebDriver, charts: list[dict[str, Any]]) -> list[str]:
    """Names of the charts that show no content yet (no ECharts canvas, no table rows)."""
    pending = []
    for chart in charts:
        holders = driver.find_elements(By.CSS_SELECTOR, f"[data-test-chart-id='{chart['id']}']")
        if not any(holder.find_elements(By.CSS_SELECTOR, RENDERED[chart["viz_type"]]) for holder in holders):
            pending.append(chart["slice_name"])
    return pending


def _chart_queries_sent(driver: WebDriver) -> dict[int, list[dict[str, Any]]]:
    """{chart id: the filters of its last /api/v1/chart/data request} from the browser's network log."""
    sent: dict[int, list[dict[str, Any]]] = {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if "/api/v1/chart/data" not in request["url"] or not request.get("postData"):
            continue
        body = json.loads(request["postData"])
        chart_id = body.get("form_data", {}).get("slice_id")
        if chart_id is not None:
            sent[chart_id] = [f for query in body["queries"] for f in query.get("filters", [])]
    return sent


def test_dashboard_renders_in_chromium(
    browser: WebDriver,
    superset_url: str,
    superset_credentials: Credentials,
    dashboard_charts: list[dict[str, Any]],
) -> None:
    assert all(chart["viz_type"] in RENDERED for chart in dashboard_charts), "add a RENDERED selector for it"

    _log_in(browser, superset_url, superset_credentials)
    browser.get(f"{superset_url}/superset/dashboard/zorggebruik/")
    try:
        WebDriverWait(browser, 90, poll_frequency=1).until(
            lambda d: not _unrendered(d, dashboard_charts) or d.find_elements(By.CSS_SELECTOR, ERRORS)
        )
        time.sleep(2)  # let ECharts finish its entry animation before the screenshot
    except TimeoutException:
        pass  # reported below, with the screenshot saved first
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))

    errors = [
        element.text.strip() or element.get_attribute("class")
        for element in browser.find_elements(By.CSS_SELECTOR, ERRORS)
    ]
    assert not errors, f"error elements on the dashboard (see {SCREENSHOT}): {errors}"
    assert not _unrendered(browser, dashboard_charts), f"charts not rendered after 90 s (see {SCREENSHOT})"
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Synthetische demodata" in page
    assert all(chart["slice_name"] in page for chart in dashboard_charts)

    # The Gemeente filter's default is applied on load (no click on "Filters toepassen"), to every chart in its
    # scope, whatever its dataset, and not to the Twente-wide gemeente chart.
    sent = _chart_queries_sent(browser)
    gemeente_filter = {"col": "gemeente_naam", "op": "IN", "val": [DEFAULT_GEMEENTE]}
    for chart in dashboard_charts:
        assert chart["id"] in sent, f"{chart['slice_name']}: no chart data request seen"
        on_gemeente = [f for f in sent[chart["id"]] if f["col"] == "gemeente_naam"]
        assert on_gemeente == ([gemeente_filter] if chart["filtered"] else []), chart["slice_name"]
    # Dutch notation from D3_FORMAT: one decimal after a comma (84,3), thousands with a dot (4.210).
    cells = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table tbody td")]
    assert any(re.fullmatch(r"\d+,\d", cell) for cell in cells), cells
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", cell) for cell in cells), cells
