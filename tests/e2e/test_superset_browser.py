"""Every dashboard in headless Chromium: rendered, filtered on load, legible at 1600 and 1280 px, in Dutch, its maps
coloured; a viewer's view; the login page; and a publish of serving.duckdb while the dashboard loads.
Screenshots at 1600 px: test-artifacts/screenshots/<slug>.png."""

from __future__ import annotations

import json
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from legibility import (
    chart_texts,
    clear_texts,
    colour_share,
    element_png,
    english,
    hex_rgb,
    install_text_probe,
    legibility_problems,
    png_pixels,
    visible_strings,
)
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from superset_e2e import ChartData

from dashboards.charts import GREY
from dashboards.client import SupersetClient
from dashboards.superset_state import Credentials, SupersetState, parse_env_file
from dashboards.tree import dashboard_slugs
from pipelines.config import Settings
from pipelines.publish import publish_marts

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
DEMO_ASSETS = REPO_ROOT / "demo" / "dashboards"  # the demo profile's dashboards, as committed
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
    "--window-size=1600,3200",  # tall enough for every row of every dashboard
]
# What a rendered chart contains, per viz type (a chart type without an entry here fails the browser test).
RENDERED = {
    "echarts_timeseries_line": "[_echarts_instance_] canvas, [_echarts_instance_] svg",
    "echarts_timeseries_bar": "[_echarts_instance_] canvas, [_echarts_instance_] svg",
    "heatmap_v2": "[_echarts_instance_] canvas, [_echarts_instance_] svg",
    "deck_polygon": "canvas",
    "table": "table tbody tr",
}
WIDTHS = (1600, 1280)  # a wide and a common laptop screen
NO_RESULTS = ".ant-empty"  # a chart whose query returned no rows
NO_ROWS = "Geen gegevens om te tonen"  # what it says (dashboards/l10n/nl.yaml)
ELEMENTS = {  # the eight elements of the sociale basis (seed ecosysteem_elementen): every one on the heatmap's axis
    "Financiering", "Fysieke infrastructuur", "Initiatief, eigenaarschap & ondernemerschap", "Kennisinfrastructuur",
    "Menselijk kapitaal", "Netwerken", "Samenwerking", "Stakeholderdialoog",
}  # fmt: skip
# What Superset 6.1 renders when a chart query fails (antd error alert, role=alert) or a toast reports a problem,
# and the "no results" empty state.
ERRORS = (
    ".ant-alert-error, .ant-alert-warning, [role='alert'], .toast--danger, .toast--warning, [data-test='empty-state']"
)


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
    # Network events: which filters the dashboard puts on each chart's query, and every response's status.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    with tempfile.TemporaryDirectory(prefix="sbm-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        # An explicit driver path: Selenium Manager must never try to download one.
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        install_text_probe(driver)  # what the charts draw on their canvases (tests/e2e/legibility.py)
        try:
            yield driver
        finally:
            driver.quit()


def _log_in(driver: WebDriver, url: str, username: str, password: str) -> None:
    driver.get(f"{url}/login/")
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: d.find_elements(By.ID, "username"))
    wait.until(lambda d: "Inloggen" in d.find_element(By.TAG_NAME, "body").text)  # the Dutch pack has loaded
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    wait.until(
        lambda d: "/login" not in d.current_url,
        f"still on the login page after logging in as {username}",
    )


def _unrendered(driver: WebDriver, charts: list[dict[str, Any]], empty: frozenset[int] = frozenset()) -> list[str]:
    """Names of the charts that show no content yet (no ECharts canvas, no table rows), or, for the charts in
    ``empty`` (ids), not Superset's "no results" state."""
    pending = []
    for chart in charts:
        holders = driver.find_elements(By.CSS_SELECTOR, f"[data-test-chart-id='{chart['id']}']")
        content = NO_RESULTS if chart["id"] in empty else RENDERED[chart["viz_type"]]
        if not any(holder.find_elements(By.CSS_SELECTOR, content) for holder in holders):
            pending.append(chart["slice_name"])
    return pending


def _errors(driver: WebDriver) -> list[str]:
    return [e.text.strip() or e.get_attribute("class") for e in driver.find_elements(By.CSS_SELECTOR, ERRORS)]


def _load(
    driver: WebDriver,
    url: str,
    charts: list[dict[str, Any]],
    screenshot: Path | None = None,
    empty: frozenset[int] = frozenset(),
) -> None:
    """Open a dashboard and wait until every chart shows content (the charts in ``empty``: no results) or an error
    appears (90 s at most)."""
    driver.get(url)
    try:
        WebDriverWait(driver, 90, poll_frequency=1).until(lambda d: not _unrendered(d, charts, empty) or _errors(d))
        time.sleep(2)  # let ECharts finish its entry animation before the screenshot
    except TimeoutException:
        pass  # reported by the caller, with the screenshot saved first
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(screenshot))


def _network(driver: WebDriver) -> list[dict[str, Any]]:
    """The browser's network events since the last call (requests sent and responses received)."""
    return [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]


def _chart_queries_sent(events: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """{chart id: the filters of its last /api/v1/chart/data request}."""
    sent: dict[int, list[dict[str, Any]]] = {}
    for message in events:
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


def _chart_data_statuses(events: list[dict[str, Any]]) -> list[int]:
    responses = [message["params"]["response"] for message in events if message["method"] == "Network.responseReceived"]
    return [response["status"] for response in responses if "/api/v1/chart/data" in response["url"]]


@pytest.mark.parametrize("slug", dashboard_slugs(DEMO_ASSETS))
def test_dashboard_renders_in_chromium(
    browser: WebDriver,
    superset_url: str,
    superset_credentials: Credentials,
    dashboards: dict[str, dict[str, Any]],
    client: SupersetClient,
    chart_data: ChartData,
    slug: str,
) -> None:
    dashboard = dashboards[slug]
    charts = dashboard["charts"]
    assert all(chart["viz_type"] in RENDERED for chart in charts), "add a RENDERED selector for it"
    screenshot = SCREENSHOTS / f"{slug}.png"

    _log_in(browser, superset_url, superset_credentials.admin_username, superset_credentials.admin_password)
    _load(browser, f"{superset_url}/superset/dashboard/{slug}/", charts, screenshot)

    assert not _errors(browser), f"error elements on the dashboard (see {screenshot}): {_errors(browser)}"
    assert not _unrendered(browser, charts), f"charts not rendered after 90 s (see {screenshot})"
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Synthetische demodata" in page and "Bron per grafiek" in page
    assert all(chart["slice_name"] in page for chart in charts)

    # Every filter's default is applied on load (no click on "Filters toepassen") to exactly the charts in its
    # scope, whatever their dataset.
    sent = _chart_queries_sent(_network(browser))
    filter_columns = {f["targets"][0]["column"]["name"] for f in dashboard["filters"]}
    for chart in charts:
        assert chart["id"] in sent, f"{chart['slice_name']}: no chart data request seen"
        applied = {f["col"]: f["val"] for f in sent[chart["id"]] if f["col"] in filter_columns}
        assert applied == {col: [value] for col, value in chart["defaults"].items()}, chart["slice_name"]

    if slug == "zorggebruik":  # Dutch notation from D3_FORMAT: € 2.301.000 and +7,3
        cells = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table tbody td")]
        assert any(re.fullmatch(r"€ \d{1,3}(\.\d{3})+", cell) for cell in cells), cells
        assert any(re.fullmatch(r"[+−-]\d+,\d", cell) for cell in cells), cells

    _assert_read_as_a_reader_would(browser, charts, screenshot, client, chart_data)
    if slug == "ecosysteem":
        (heatmap,) = [c for c in charts if c["slice_name"].startswith("Score per element per wijk")]
        texts, _ = chart_texts(browser, heatmap["id"])
        assert {t.text for t in texts} >= ELEMENTS, "every element named on the heatmap's axis"


def _assert_read_as_a_reader_would(driver: WebDriver, charts: list[dict[str, Any]], screenshot: Path,
                                   client: SupersetClient, chart_data: ChartData) -> None:  # fmt: skip
    """No English, legible at every width, maps coloured (with grey where a wijk has no value)."""
    assert english(visible_strings(driver)) == [], "English in the Dutch UI"
    _assert_legible(driver, charts, screenshot)
    for chart in charts:
        if chart["viz_type"] == "deck_polygon":
            rows = chart_data(client, chart["id"], chart["defaults"])
            # a wijk without value has -1 (datasets.yaml: outside every class, so grey)
            no_value = any(value == -1 for row in rows for value in row.values())
            _assert_map_coloured(driver, chart, suppressed=no_value)


def _assert_legible(driver: WebDriver, charts: list[dict[str, Any]], screenshot: Path) -> None:
    """At every width of WIDTHS: no chart label cut off, no axis title over the tick labels, no paged legend (no
    chart has more than 8 series), no table that scrolls inside (rows cut mid-row). The window is resized in place
    (no reload): the charts redraw at the new size, and only what they draw then is measured."""
    for width in WIDTHS:
        driver.set_window_size(width + 1, 3200)
        time.sleep(2)
        clear_texts(driver)
        driver.set_window_size(width, 3200)
        time.sleep(3)
        problems = legibility_problems(driver, charts)
        assert not problems, f"at {width} px (see {screenshot}): {problems}"
    driver.set_window_size(WIDTHS[0], 3200)


def _assert_map_coloured(driver: WebDriver, chart: dict[str, Any], suppressed: bool) -> None:
    """The map's drawn area is coloured by class (pixels of the chart's screenshot; deck.gl draws with WebGL), and
    a wijk without a value (suppressed, or no data) is grey."""
    # deck.gl blends a little white into its colours (opacity): a class colour is matched within 16 per channel,
    # and near-white pixels (the background, the white class of a diverging scale) are not counted. After the
    # window's last resize deck.gl redraws the map; on a loaded machine that takes a while: look again for 30 s.
    deadline = time.monotonic() + 30
    while True:
        pixels = [pixel for pixel in png_pixels(element_png(driver, chart["id"])) if min(pixel) < 240]
        coloured = sum(colour_share(pixels, colour, tolerance=16) for colour in set(chart["classes"]))
        if coloured > 0.5 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert coloured > 0.5, f"{chart['slice_name']}: {coloured:.0%} of the drawn map in its class colours"
    grey = colour_share(pixels, hex_rgb(GREY), tolerance=8)
    assert (grey > 0.01) == suppressed, f"{chart['slice_name']}: {grey:.1%} grey, a wijk without value: {suppressed}"


@pytest.mark.parametrize("slug", dashboard_slugs(DEMO_ASSETS))
def test_viewer_sees_the_dashboard(
    browser: WebDriver,
    superset_url: str,
    superset_state: SupersetState,
    dashboards: dict[str, dict[str, Any]],
    login_as: Callable[[str], SupersetClient],
    chart_data: ChartData,
    slug: str,
) -> None:
    """The Lezer role has every permission a dashboard needs (filters, chart data), not only the denials; and the
    requests Superset's frontend sends are the saved charts the guard lets a viewer have
    (dashboards/superset_guard.py): every chart renders, no chart-data request is refused. A chart that row-level
    security leaves without rows for this viewer (the chart-data API says so: in the demo Borne's replacements)
    shows that in Dutch instead, no error."""
    password = parse_env_file(superset_state.home / "users.env")["SBM_SUPERSET_PASSWORD_LEZER_ALMELO"]
    charts = dashboards[slug]["charts"]
    almelo = login_as("lezer_almelo")
    empty = frozenset(c["id"] for c in charts if not chart_data(almelo, c["id"], c["defaults"]))
    screenshot = SCREENSHOTS / f"{slug}-lezer.png"
    _log_in(browser, superset_url, "lezer_almelo", password)
    _network(browser)  # drop the login's events
    _load(browser, f"{superset_url}/superset/dashboard/{slug}/", charts, screenshot, empty)
    assert not _errors(browser), f"error elements for the viewer (see {screenshot}): {_errors(browser)}"
    assert not _unrendered(browser, charts, empty), f"charts not rendered for the viewer (see {screenshot})"
    for chart in (c for c in charts if c["id"] in empty):
        holder = browser.find_element(By.CSS_SELECTOR, f"[data-test-chart-id='{chart['id']}']")
        assert NO_ROWS in holder.text, f"{chart['slice_name']}: no {NO_ROWS!r} (see {screenshot})"
    assert "Bewerk dashboard" not in browser.find_element(By.TAG_NAME, "body").text
    statuses = _chart_data_statuses(_network(browser))
    assert len(statuses) > len(charts) and set(statuses) == {200}, statuses
    # row-level security: the comparison and the map show Almelo (and its unnamed peer band), legibly, in Dutch
    shown = [chart for chart in charts if chart["id"] not in empty]
    _assert_read_as_a_reader_would(browser, shown, screenshot, almelo, chart_data)


def test_login_page_is_dutch_with_the_product_name(browser: WebDriver, superset_url: str) -> None:
    """The login page too: Superset 6.1 serves it in English unless dashboards/superset_l10n.py answers."""
    browser.get(f"{superset_url}/login/")
    WebDriverWait(browser, 30).until(lambda d: "Inloggen" in d.find_element(By.TAG_NAME, "body").text)
    strings = visible_strings(browser)
    assert {"Inloggen", "Gebruikersnaam:", "Wachtwoord:"} <= set(strings)
    assert english(strings) == [], "English on the login page"
    logo = browser.find_element(By.CSS_SELECTOR, "img[alt='Sociale basis monitor']")
    assert logo.get_attribute("src").startswith("data:image/svg+xml"), "the product's logo, not Superset's"


def test_publish_while_the_dashboard_loads_fails_no_chart(
    browser: WebDriver,
    superset_url: str,
    superset_credentials: Credentials,
    dashboards: dict[str, dict[str, Any]],
    demo: Settings,
) -> None:
    """The pipeline's real publish (new file beside serving.duckdb, os.replace) runs again and again while the
    dashboard loads and reloads: every chart-data response is 200 and no chart shows an error."""
    charts = dashboards["ecosysteem"]["charts"]
    _log_in(browser, superset_url, superset_credentials.admin_username, superset_credentials.admin_password)
    _network(browser)  # drop the login's events
    stop, published, failures = threading.Event(), [], []

    def publish_repeatedly() -> None:
        while not stop.is_set():
            try:
                published.append(publish_marts(demo.warehouse, demo.serving))
            except Exception as error:  # noqa: BLE001 - reported by the test below
                failures.append(error)
                return

    publisher = threading.Thread(target=publish_repeatedly, daemon=True)
    publisher.start()
    try:
        for _ in range(2):
            _load(browser, f"{superset_url}/superset/dashboard/ecosysteem/?force=true", charts)
            assert not _errors(browser), _errors(browser)
            assert not _unrendered(browser, charts)
    finally:
        stop.set()
        publisher.join(timeout=120)
    assert not failures, failures
    assert len(published) >= 2, "the publish must really overlap the loads"
    statuses = _chart_data_statuses(_network(browser))
    assert len(statuses) >= 2 * len(charts)
    assert set(statuses) == {200}, statuses
