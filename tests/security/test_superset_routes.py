"""Every Superset route that returns rows, SQL or a place to write queries, probed per role and per variant, as an
attacker with a valid login would (issue 12, findings 1, 2 and 6).

A viewer (Lezer) may ask only for the saved charts of its dashboards and the options of their filters; everything
else is refused, whatever the route, the result type or the shape of the request. Every probe must answer the admin
(so a refusal is never a malformed probe). The table of every route x role x variant -> HTTP status is written to
test-artifacts/security/superset-routes.md.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from probing import ARTIFACTS, ROLES, Target

from dashboards.client import SupersetClient

pytestmark = pytest.mark.security

ANALYSTS = frozenset({"admin", "analist"})
EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()
Send = Callable[[requests.Session, str, Target], requests.Response]


def _get(path: str, **params: Any) -> Send:
    return lambda s, url, t: s.get(url + path.format(t=t), params=params, timeout=60, allow_redirects=False)


def _post(path: str, body: Callable[[Target], dict[str, Any]]) -> Send:
    return lambda s, url, t: s.post(url + path.format(t=t), json=body(t), timeout=60, allow_redirects=False)


def _post_form(path: str, form: Callable[[Target], dict[str, Any]]) -> Send:
    return lambda s, url, t: s.post(url + path, data=form(t), timeout=60, allow_redirects=False)


def _chart(change: Callable[[dict[str, Any], Target], None] | None = None) -> Send:
    """The dashboard's own chart-data request (saved chart, dashboard id, the gemeente filter), changed by `change`."""

    def body(t: Target) -> dict[str, Any]:
        context = copy.deepcopy(t.query_context)
        context["queries"][0]["filters"].append({"col": "gemeente_naam", "op": "IN", "val": ["Almelo"]})
        if change:
            change(context, t)
        return context

    return _post("/api/v1/chart/data", body)


def _native_filter(column: str | None = None) -> Send:
    """The options of the dashboard's gemeente filter, as the dashboard asks for them (or for another column)."""

    def body(t: Target) -> dict[str, Any]:
        f = t.native_filter
        query = {"columns": [column or f["column"]], "metrics": [], "orderby": [[column or f["column"], True]],
                 "filters": [], "extras": {"having": "", "where": ""}, "row_limit": 1000}  # fmt: skip
        form_data = {"type": "NATIVE_FILTER", "native_filter_id": f["id"], "dashboardId": t.dashboard_id,
                     "datasource": f"{f['dataset_id']}__table", "viz_type": "filter_select",
                     "groupby": [f["column"]]}  # fmt: skip
        return {"datasource": {"id": f["dataset_id"], "type": "table"}, "force": False, "queries": [query],
                "form_data": form_data, "result_format": "json", "result_type": "full"}  # fmt: skip

    return _post("/api/v1/chart/data", body)


def _set(**changes: Any) -> Callable[[dict[str, Any], Target], None]:
    """Set keys of the chart-data request: result_type="samples", queries__0__row_offset=10 (None: drop the key);
    a callable value gets the target."""

    def change(context: dict[str, Any], t: Target) -> None:
        for path, value in changes.items():
            *parents, key = path.split("__")
            node: Any = context
            for part in parents:
                node = node[int(part)] if part.isdigit() else node[part]
            if value is None:
                node.pop(key, None)
            else:
                node[key] = value(t) if callable(value) else value

    return change


def _sql(sql: str) -> Send:
    return _post("/api/v1/sqllab/execute/",
                 lambda t: {"database_id": t.database_id, "sql": sql, "runAsync": False, "schema": "main"})  # fmt: skip


@dataclass(frozen=True)
class Probe:
    route: str  # the route as an attacker sees it
    variant: str  # what is tried
    send: Send
    answered: frozenset[str]  # roles that get an answer (200, 201, or a redirect elsewhere than the login page)
    browser: bool = False  # with a browser's session cookie (HTML views, older routes), else the API's token


def _columns(t: Target) -> list[Any]:
    return t.query_context["queries"][0]["columns"]


def _explore_form(t: Target) -> dict[str, str]:
    """A legacy chart (Superset 6.1 still runs `para` through explore_json) on the chart's dataset, any metric."""
    metric = {"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "n"}
    form_data = {"viz_type": "para", "datasource": f"{t.dataset_id}__table", "series": "analysegroep_naam",
                 "metrics": [metric], "adhoc_filters": [], "limit": 10, "row_limit": 100}  # fmt: skip
    return {"form_data": json.dumps(form_data)}


SQL_COLUMN = {"sqlExpression": "upper(gemeente_naam)", "label": "x", "expressionType": "SQL"}
SUBQUERY_COLUMN = {"sqlExpression": "(SELECT count(*) FROM fct_investering_zorg)", "label": "x",
                   "expressionType": "SQL"}  # fmt: skip
CHART = "GET /api/v1/chart/{id}/data/"
CHART_DATA = "POST /api/v1/chart/data"
SQL_LAB = "POST /api/v1/sqllab/execute/"
PROBES = [
    # the saved chart, as the dashboard and the API offer it
    Probe(CHART, "saved chart", _get("/api/v1/chart/{t.chart_id}/data/"), EVERYONE),
    Probe(CHART, "type=results", _get("/api/v1/chart/{t.chart_id}/data/", type="results"), EVERYONE),
    *(Probe(CHART, f"type={kind}", _get("/api/v1/chart/{t.chart_id}/data/", type=kind), ANALYSTS)
      for kind in ("samples", "drill_detail", "query", "columns", "post_processed")),
    *(Probe(CHART, f"format={kind}", _get("/api/v1/chart/{t.chart_id}/data/", format=kind), ANALYSTS)
      for kind in ("csv", "xlsx")),
    Probe(CHART_DATA, "the dashboard's request", _chart(), EVERYONE),
    Probe(CHART_DATA, "the dashboard's request, browser session", _chart(), EVERYONE, browser=True),
    Probe(CHART_DATA, "native filter options", _native_filter(), EVERYONE),
    *(Probe(CHART_DATA, f"result_type={kind}", _chart(_set(result_type=kind)), ANALYSTS)
      for kind in ("samples", "drill_detail", "query", "columns")),
    Probe(CHART_DATA, "result_type=samples in the query", _chart(_set(queries__0__result_type="samples")), ANALYSTS),
    Probe(CHART_DATA, "result_format=csv", _chart(_set(result_format="csv")), ANALYSTS),
    Probe(CHART_DATA, "free-form (no saved chart)", _chart(_set(form_data__slice_id=None)), ANALYSTS),
    Probe(CHART_DATA, "saved chart + another column",
          _chart(_set(queries__0__columns=lambda t: [*_columns(t), "gemeente_code"])), ANALYSTS),
    Probe(CHART_DATA, "saved chart + SQL column", _chart(_set(queries__0__columns=lambda t: [*_columns(t),
          SQL_COLUMN])), ANALYSTS),
    Probe(CHART_DATA, "saved chart + SQL column with a subquery", _chart(_set(queries__0__columns=lambda t: [
          *_columns(t), SUBQUERY_COLUMN])), NOBODY),  # Superset refuses subqueries to all (ALLOW_ADHOC_SUBQUERY)
    Probe(CHART_DATA, "saved chart, other WHERE", _chart(_set(queries__0__extras={"where": "1 = 1", "having": ""})),
          ANALYSTS),
    Probe(CHART_DATA, "saved chart, row offset", _chart(_set(queries__0__row_offset=10)), ANALYSTS),
    Probe(CHART_DATA, "saved chart's id on another dataset", _chart(_set(
          datasource=lambda t: {"id": t.other_dataset_id, "type": "table"}, queries__0__columns=["indicator_code"],
          queries__0__orderby=[], queries__0__filters=[])), ANALYSTS),
    Probe(CHART_DATA, "native filter, another column", _native_filter("gemeente_code"), ANALYSTS),
    Probe("POST /api/v1/query/", "legacy query API", _post_form("/api/v1/query/",
          lambda t: {"query_context": json.dumps(t.query_context)}), ANALYSTS, browser=True),
    Probe("POST /datasource/samples", "dataset samples", _post("/datasource/samples?datasource_id={t.dataset_id}"
          "&datasource_type=table", lambda t: {}), ADMIN, browser=True),
    Probe("GET /api/v1/datasource/table/{id}/column/{col}/values/", "distinct values",
          _get("/api/v1/datasource/table/{t.dataset_id}/column/gemeente_naam/values/"), ADMIN),
    # Explore, in every form
    Probe("GET /explore/", "?slice_id (the Explore UI)", _get("/explore/?slice_id={t.chart_id}"), ANALYSTS,
          browser=True),
    Probe("GET /superset/explore/", "?slice_id (legacy Explore)", _get("/superset/explore/?slice_id={t.chart_id}"),
          ANALYSTS, browser=True),
    Probe("GET /api/v1/explore/", "?slice_id (what the Explore UI loads)", _get("/api/v1/explore/?slice_id="
          "{t.chart_id}"), ANALYSTS),
    Probe("POST /superset/explore_json/", "form data", _post_form("/superset/explore_json/", _explore_form),
          ANALYSTS, browser=True),
    Probe("GET /api/v1/form_data/", "?slice_id", _get("/api/v1/form_data/?slice_id={t.chart_id}"), ANALYSTS,
          browser=True),
    Probe("POST /api/v1/explore/form_data", "store form data", _post("/api/v1/explore/form_data",
          lambda t: {"datasource_id": t.dataset_id, "datasource_type": "table", "chart_id": t.chart_id,
                     "form_data": json.dumps(t.query_context["form_data"])}), ANALYSTS),
    # SQL Lab: a viewer has none; an analyst of all gemeenten may read every table, in every spelling
    Probe(SQL_LAB, "SELECT on a dataset", _sql("SELECT count(*) AS n FROM fct_indicator"), ANALYSTS),
    Probe(SQL_LAB, "upper case name", _sql("SELECT count(*) AS n FROM FCT_INDICATOR"), ANALYSTS),
    Probe(SQL_LAB, "qualified name", _sql("SELECT count(*) AS n FROM serving.main.fct_indicator"), ANALYSTS),
    Probe(SQL_LAB, "table that is no dataset", _sql("SELECT count(*) AS n FROM fct_investering_zorg"), ANALYSTS),
    Probe(SQL_LAB, "SELECT, browser session", _sql("SELECT count(*) AS n FROM fct_indicator"), ANALYSTS,
          browser=True),
    Probe("GET /api/v1/database/{id}/select_star/{table}/", "table that is no dataset",
          _get("/api/v1/database/{t.database_id}/select_star/fct_investering_zorg/"), ANALYSTS),
    Probe("GET /api/v1/database/{id}/table_metadata/", "table that is no dataset",
          _get("/api/v1/database/{t.database_id}/table_metadata/?name=fct_investering_zorg"), ANALYSTS),
]  # fmt: skip
# Statuses that refuse: FAB's redirect to the login page, unauthorised, forbidden, not found (a list filtered to the
# user's objects), method not allowed. Anything else (400, 500) for a role the admin's probe works for is a finding.
REFUSED = {302, 401, 403, 404, 405}
# SQL that the monitor refuses to everyone (SQL Lab's guard): Superset answers those with 500 and the message.
SQL_LAB_REFUSED = 500


@pytest.fixture(scope="module")
def statuses() -> Iterator[dict[tuple[str, str], dict[str, int]]]:
    """(route, variant) -> role -> status, written as a table after the module."""
    table: dict[tuple[str, str], dict[str, int]] = {}
    yield table
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lines = ["| route | variant | " + " | ".join(ROLES) + " |", "|---|---|" + "---|" * len(ROLES)]
    lines += [f"| `{route}` | {variant} | " + " | ".join(str(row.get(role, "")) for role in ROLES) + " |"
              for (route, variant), row in table.items()]  # fmt: skip
    (ARTIFACTS / "superset-routes.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _refused(response: requests.Response) -> bool:
    if response.status_code == 302:
        return "/login" in response.headers.get("Location", "")
    return response.status_code in REFUSED


@pytest.mark.parametrize("probe", PROBES, ids=[f"{p.route} {p.variant}" for p in PROBES])
def test_route_answers_only_the_roles_it_should(
    probe: Probe,
    as_role: Callable[[str], SupersetClient],
    browser_as: Callable[[str], requests.Session],
    superset_url: str,
    target: Target,
    statuses: dict,
) -> None:
    wrong = []
    for role in ROLES:
        session = browser_as(role) if probe.browser else as_role(role).session
        response = probe.send(session, superset_url, target)
        statuses.setdefault((probe.route, probe.variant), {})[role] = response.status_code
        answered = response.status_code in (200, 201) or (response.status_code == 302 and not _refused(response))
        if role in probe.answered and not answered:
            wrong.append(f"{role}: expected an answer, got {response.status_code} {response.text[:150]}")
        elif role not in probe.answered and not _refused(response):
            wrong.append(f"{role}: expected a refusal, got {response.status_code} {response.text[:150]}")
    assert not wrong, "\n".join(wrong)


def test_a_viewer_never_sees_the_sql_of_a_chart(as_role: Callable[[str], SupersetClient], target: Target) -> None:
    """The `query` of every result is the SQL Superset ran (table names, the row-level security clause)."""
    for role in ("lezer_twente", "lezer_almelo"):
        viewer = as_role(role)
        for send in (_get("/api/v1/chart/{t.chart_id}/data/"), _chart()):
            (result,) = send(viewer.session, viewer.base_url, target).json()["result"]
            assert result["data"] and "query" not in result, role
    analist = as_role("analist")
    (result,) = _chart()(analist.session, analist.base_url, target).json()["result"]
    assert "SELECT" in result["query"], "an analyst still sees the SQL (the probe is real)"


def test_a_viewer_of_almelo_gets_only_almelo_by_every_answered_route(
    as_role: Callable[[str], SupersetClient], target: Target
) -> None:
    almelo, twente = as_role("lezer_almelo"), as_role("lezer_twente")
    (options,) = _native_filter()(almelo.session, almelo.base_url, target).json()["result"]
    assert [row["gemeente_naam"] for row in options["data"]] == ["Almelo"]
    (options,) = _native_filter()(twente.session, twente.base_url, target).json()["result"]
    assert len(options["data"]) == 14
    # the dashboard's request with another gemeente's filter: row-level security leaves nothing
    enschede = _chart(_set(queries__0__filters=[{"col": "gemeente_naam", "op": "IN", "val": ["Enschede"]}]))
    (result,) = enschede(almelo.session, almelo.base_url, target).json()["result"]
    assert result["data"] == []
    (result,) = enschede(twente.session, twente.base_url, target).json()["result"]
    assert result["data"], "the viewer of all gemeenten sees Enschede (the probe is real)"


# What reveals the server's paths in DuckDB (the serving file, its folder, the home directory), in every spelling.
PATH_REVEALING_SQL = [
    "PRAGMA database_list",
    "SELECT path FROM duckdb_databases()",
    "SELECT path FROM DUCKDB_DATABASES",
    "SELECT * FROM system.main.duckdb_databases",
    "SELECT current_setting('temp_directory') AS t",
    "SELECT 'temp_directory'.current_setting() AS t",
    "SELECT name, value FROM duckdb_settings()",
    "SELECT * FROM duckdb_extensions()",
    "SELECT * FROM duckdb_secrets()",
    "SELECT * FROM query('SELECT path FROM duckdb_databases()')",
    "SELECT * FROM query_table('duckdb_databases')",
    "CALL pragma_database_size()",
    "SELECT 1 AS a; PRAGMA database_list",
]


@pytest.mark.parametrize("role", ["admin", "analist"])
def test_sql_lab_reveals_no_server_path(
    role: str, as_role: Callable[[str], SupersetClient], target: Target, serving_db: Path, superset_state: Any
) -> None:
    secrets = {str(serving_db.resolve().parent), str(superset_state.home), str(Path.home())}
    user, problems = as_role(role), []
    for sql in PATH_REVEALING_SQL:
        response = _sql(sql)(user.session, user.base_url, target)
        if response.status_code == 200 or any(secret in response.text for secret in secrets):
            problems.append(f"{sql}: answered {response.status_code} {response.text[:200]}")
        elif "niet toegestaan" not in response.json()["errors"][0]["message"]:
            problems.append(f"{sql}: refused without saying why: {response.text[:200]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])  # who configures the database sees it
def test_no_metadata_route_reveals_the_serving_path(
    role: str, as_role: Callable[[str], SupersetClient], target: Target, serving_db: Path
) -> None:
    user = as_role(role)
    for path in (f"/api/v1/database/{target.database_id}", f"/api/v1/database/{target.database_id}/connection",
                 "/api/v1/database/", f"/api/v1/dataset/{target.dataset_id}", f"/api/v1/chart/{target.chart_id}",
                 f"/api/v1/dashboard/{target.dashboard_id}/datasets"):  # fmt: skip
        response = user.session.get(user.base_url + path, timeout=60)
        assert str(serving_db.resolve().parent) not in response.text, (role, path, response.status_code)


def test_a_refused_write_says_why(as_role: Callable[[str], SupersetClient], target: Target) -> None:
    """Superset's own Dutch text for a refused DML statement says the database was not found."""
    analist = as_role("analist")
    for sql in ("DELETE FROM fct_indicator", "CREATE TABLE x AS SELECT 1", "UPDATE fct_indicator SET jaar = 1"):
        response = _sql(sql)(analist.session, analist.base_url, target)
        (error,) = response.json()["errors"]
        assert response.status_code != 200 and "alleen-lezen" in error["message"], (sql, error)
        assert "niet gevonden" not in response.text, sql
