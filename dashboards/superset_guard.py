"""What Superset must enforce beyond its permission names, loaded by ``superset_config.py`` (runs in .venv-superset).

Superset 6.1 checks a permission per route, but several routes answer more than their permission suggests: a
viewer without ``can_samples``/``can_drill``/``can_view_query`` still gets raw rows and SQL from the chart-data API
(``result_type=samples|drill_detail|query``, a free-form query context), and SQL Lab's row-level security rewrites
only the table names it recognises. Three guards close that here:

1. **Saved charts only** for users without Explore (no ``can_explore`` on ``Superset``: the Lezer role). A
   chart-data request must be a saved chart of a dashboard the user may open (or one of that dashboard's native
   filters), with the chart's own columns, metrics and SQL conditions; it may add the dashboard's column filters,
   nothing else. Rows come as the chart shows them, never raw rows or SQL (the ``query`` of every result is removed).
2. **SQL Lab reads, nothing else**: one of SELECT/WITH/VALUES/DESCRIBE/SUMMARIZE/SHOW/PIVOT per statement, and none
   of DuckDB's functions that show server settings and paths or run SQL from a string; refused with a Dutch message
   that says why (Superset's own Dutch text for a refused DML statement says "database not found").
3. **Login throttling**: failed logins (form and API) counted per address and user name and per address, refused
   with HTTP 429 and a Dutch message while over the limit (also with the right password); limits in
   ``superset_config.py`` (``SBM_LOGIN_FAILURES_PER_USER``, ``SBM_LOGIN_FAILURES_PER_ADDRESS``).
4. **A login stays logged in**: the frontend posts its event log also from the login page, as the browser leaves it.
   Refused for an anonymous user, that post got a new session cookie (Flask-AppBuilder's flash message); arriving
   after the login's reply, it replaced the fresh login's cookie and the user saw the login page again. Anonymous
   events are dropped without a cookie.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from markupsafe import escape
from sqlglot import exp
from superset.common.chart_data import ChartDataResultFormat, ChartDataResultType
from superset.errors import ErrorLevel, SupersetError, SupersetErrorType
from superset.exceptions import SupersetParseError, SupersetSecurityException
from superset.security.manager import SupersetSecurityManager
from superset.sql.parse import SQLScript, sanitize_clause

if TYPE_CHECKING:
    from superset.common.query_context import QueryContext
    from superset.common.query_object import QueryObject
    from superset.models.dashboard import Dashboard
    from superset.models.slice import Slice

# The permission that allows free-form queries (Explore); without it a user reads saved charts only.
EXPLORE = ("can_explore", "Superset")
VIEWER_RESULT_TYPES = {ChartDataResultType.FULL, ChartDataResultType.RESULTS}
# The chart-data routes whose results carry a `query` (the SQL) that viewers must not see.
CHART_DATA_ENDPOINTS = {"ChartDataRestApi.data", "ChartDataRestApi.get_data", "ChartDataRestApi.data_from_cache",
                        "Api.query"}  # fmt: skip
SAVED_CHART_ROUTE = "ChartDataRestApi.get_data"
# Where the frontend posts its event log (also from the login page).
EVENT_LOG_ROUTE = "/superset/log/"

ONLY_SAVED_CHARTS = (
    "Uw rol toont alleen de opgeslagen grafieken van uw dashboards, zoals ze daar staan: geen eigen query's, "
    "geen ruwe rijen (samples, drill-to-detail), geen SQL en geen export."
)

# SQL Lab: statements that only read, and DuckDB functions (also as table or view names) that reveal the server's
# paths and settings or run SQL given as a string (which no check of the query text can see into).
READING_STATEMENTS = (exp.Query, exp.Values, exp.Describe, exp.Summarize, exp.Show, exp.Pivot)
REFUSED_PREFIXES = ("duckdb_", "pragma_")
REFUSED_FUNCTIONS = {
    "current_setting", "getvariable", "query", "query_table", "json_execute_serialized_sql", "which_secret",
    "enable_logging", "disable_logging", "truncate_duckdb_logs", "write_log", "add_grammar_extension",
    "remove_grammar_extension",
}  # fmt: skip
READ_ONLY = (
    "Deze database is alleen-lezen: SQL Lab voert geen INSERT, UPDATE, DELETE, CREATE, DROP of ALTER uit. "
    "Schrijf een SELECT-query."
)
ONLY_QUERIES = (
    "SQL Lab voert hier alleen query's uit (SELECT, WITH, VALUES, DESCRIBE, SUMMARIZE, SHOW, PIVOT); "
    "{statement} is niet toegestaan."
)
REFUSED_FUNCTION = (
    "{name} is in SQL Lab niet toegestaan: het toont instellingen of paden van de server, of voert SQL uit "
    "die vooraf niet te controleren is."
)
UNREADABLE_SQL = "SQL Lab kon deze query niet lezen en voert alleen query's uit die het kan controleren."

TOO_MANY_LOGINS = "Te veel mislukte inlogpogingen. Probeer het over {minutes} minuten opnieuw."


def _refuse(message: str, error_type: SupersetErrorType) -> SupersetSecurityException:
    return SupersetSecurityException(SupersetError(message=message, error_type=error_type, level=ErrorLevel.WARNING))


# --- 2. SQL Lab -------------------------------------------------------------------------------------------------


def _statement_kind(parsed: exp.Expression) -> str:
    """The statement's first word (sqlglot may parse a bare `CHECKPOINT` as a column, `CALL` as a command)."""
    return parsed.sql(dialect="duckdb").split(maxsplit=1)[0].upper()


def sql_refusal(sql: str) -> str | None:
    """Why SQL Lab must not run this DuckDB script, or None when every statement only reads."""
    try:
        statements = SQLScript(sql, engine="duckdb").statements
    except SupersetParseError:
        return UNREADABLE_SQL
    for statement in statements:
        parsed = statement._parsed  # noqa: SLF001 - Superset's own parse of the statement (sqlglot)
        if statement.is_mutating():
            return READ_ONLY
        if not isinstance(parsed, READING_STATEMENTS):
            return ONLY_QUERIES.format(statement=_statement_kind(parsed))
        functions = {
            (function.name if isinstance(function, exp.Anonymous) else function.sql_name()).lower()
            for function in parsed.find_all(exp.Func)
        }
        names = functions | {table.name.lower() for table in parsed.find_all(exp.Table)}
        for name in sorted(names):
            if name in REFUSED_FUNCTIONS or name.startswith(REFUSED_PREFIXES):
                return REFUSED_FUNCTION.format(name=name)
    return None


# --- 1. Saved charts only ---------------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value in (None, "") else [value]


def _normalised(value: Any, columns: set[str]) -> Any:
    """A column or metric as the frontend and a saved chart may both write it: a reference to a dataset column
    (`{"sqlExpression": "x", "isColumnReference": true, ...}`) is that column's name, and keys set to null (the
    frontend's `timeGrain: null`) are left out."""
    if isinstance(value, dict):
        if value.get("isColumnReference") and value.get("sqlExpression") in columns:
            return value["sqlExpression"]
        return {key: _normalised(item, columns) for key, item in value.items() if item is not None}
    return value


def _frozen(values: Any, columns: set[str]) -> set[str]:
    return {json.dumps(_normalised(value, columns), sort_keys=True) for value in values}


def _clauses(texts: Any, engine: str) -> set[str]:
    """WHERE or HAVING texts as the query object holds them after Superset sanitised them (sqlglot), and empty."""
    return {""} | {sanitize_clause(text, engine) for text in texts if text}


# What a query may ask, compared with the saved chart's queries (as Superset's query_context_modified does for
# embedded guests, but over the query objects themselves and without null-valued keys).
SAVED_FIELDS = {"columns": ("columns", "groupby", "series_columns"), "metrics": ("metrics", "series_limit_metric"),
                "orderby": ("orderby",)}  # fmt: skip


def _saved_queries(chart: Slice) -> list[dict[str, Any]]:
    try:
        return json.loads(chart.query_context or "{}").get("queries") or []
    except json.JSONDecodeError:
        return []


def _conditions_refusal(query: QueryObject, wheres: set[str], havings: set[str], columns: set[str]) -> str | None:
    """The request's SQL conditions are the saved ones (or none); it may add filters on the dataset's columns."""
    if (query.extras.get("where") or "") not in wheres:
        return "WHERE"
    if (query.extras.get("having") or "") not in havings:
        return "HAVING"
    for clause in query.filter:
        if not isinstance(clause.get("col"), str) or clause["col"] not in columns:
            return f"filter {clause.get('col')!r}"
    return None


class MonitorSecurityManager(SupersetSecurityManager):
    """Superset's security manager with the three guards of this module."""

    def raise_for_access(self, **kwargs: Any) -> None:  # type: ignore[override]
        self._raise_for_sql(kwargs.get("sql"), kwargs.get("database"), kwargs.get("query"))
        super().raise_for_access(**kwargs)
        query_context = kwargs.get("query_context")
        if query_context is not None and not self.may_explore() and (reason := self.saved_chart_refusal(query_context)):
            current_app.logger.warning("chart data refused for %s: %s", g.user, reason)
            raise _refuse(ONLY_SAVED_CHARTS, SupersetErrorType.DATASOURCE_SECURITY_ACCESS_ERROR)

    def may_explore(self) -> bool:
        return self.can_access(*EXPLORE)

    def _raise_for_sql(self, sql: str | None, database: Any, query: Any) -> None:
        if query is not None and hasattr(query, "sql"):  # a SQL Lab query (not a chart's explorable)
            sql, database = query.sql, query.database
        duckdb = database is not None and database.db_engine_spec.engine == "duckdb"
        if sql and duckdb and (reason := sql_refusal(sql)):
            raise _refuse(reason, SupersetErrorType.QUERY_SECURITY_ACCESS_ERROR)

    def _dashboards_of(self, chart: Slice, dashboard_id: Any) -> list[Dashboard]:
        dashboards = [d for d in chart.dashboards if dashboard_id in (None, d.id) and self.can_access_dashboard(d)]
        return dashboards

    def saved_chart_refusal(self, query_context: QueryContext) -> str | None:
        """Why this chart-data request is more than a saved chart of the user's dashboards (None: it is not)."""
        from superset.models.slice import Slice  # noqa: PLC0415 - models import the app; not at config time

        queries = query_context.queries
        result_types = {query_context.result_type} | {q.result_type for q in queries if q.result_type}
        if not result_types <= VIEWER_RESULT_TYPES:
            return f"result type {sorted(result_types)}"
        if query_context.result_format != ChartDataResultFormat.JSON:
            return f"result format {query_context.result_format}"
        datasource = query_context.datasource
        if any(q.datasource is not None and q.datasource != datasource for q in queries):
            return "a query on another datasource"
        form_data = query_context.form_data or {}
        dashboard_id = form_data.get("dashboardId")
        if form_data.get("type") == "NATIVE_FILTER":
            return self._native_filter_refusal(query_context, form_data, dashboard_id)
        saved_route = has_request_context() and request.endpoint == SAVED_CHART_ROUTE  # the id is in the path
        chart_id = request.view_args.get("pk") if saved_route else form_data.get("slice_id")
        chart = self.session.get(Slice, chart_id) if isinstance(chart_id, int) else None
        if chart is None or chart.datasource != datasource:
            return f"not a saved chart of this dataset ({chart_id!r})"
        if not self._dashboards_of(chart, dashboard_id):
            return f"chart {chart.id} is on none of the user's dashboards"
        saved = _saved_queries(chart)
        columns, engine = set(datasource.column_names), datasource.database.db_engine_spec.engine
        allowed = {
            field: _frozen((item for q in saved for key in keys for item in _as_list(q.get(key))), columns)
            for field, keys in SAVED_FIELDS.items()
        }
        wheres = _clauses(((q.get("extras") or {}).get("where") for q in saved), engine)
        havings = _clauses(((q.get("extras") or {}).get("having") for q in saved), engine)
        saved_limit = max((q.get("row_limit") or 0 for q in saved), default=0)
        extras = _frozen((item for q in saved for key in ("annotation_layers", "time_offsets")
                          for item in q.get(key) or []), columns)  # fmt: skip
        for query in queries:
            asked = {
                "columns": _frozen([*query.columns, *query.series_columns], columns),
                "metrics": _frozen([*(query.metrics or []), *_as_list(query.series_limit_metric)], columns),
                "orderby": _frozen((list(item) for item in query.orderby), columns),
            }
            for field, values in asked.items():
                if extra := values - allowed[field]:
                    return f"{field} {sorted(extra)} not in the saved chart"
            if reason := _conditions_refusal(query, wheres, havings, columns):
                return f"{reason} differs from the saved chart"
            if not _frozen([*query.annotation_layers, *query.time_offsets], columns) <= extras:
                return "annotation layers or time comparison beyond the saved chart's"
            if (query.row_limit or 0) > saved_limit or query.row_offset:
                return "more rows than the saved chart"
        return None

    def _native_filter_refusal(
        self, query_context: QueryContext, form_data: dict[str, Any], dashboard_id: Any
    ) -> str | None:
        """A native filter's options: the distinct values of its column, under the filter's own conditions."""
        from superset.models.dashboard import Dashboard  # noqa: PLC0415 - see saved_chart_refusal

        dashboard = self.session.get(Dashboard, dashboard_id) if isinstance(dashboard_id, int) else None
        if dashboard is None or not self.can_access_dashboard(dashboard):
            return f"dashboard {dashboard_id!r} is not the user's"
        filters = json.loads(dashboard.json_metadata or "{}").get("native_filter_configuration") or []
        found = [f for f in filters if f.get("id") == form_data.get("native_filter_id")]
        if not found:
            return "no such native filter on this dashboard"
        targets = found[0].get("targets") or [{}]
        column = (targets[0].get("column") or {}).get("name")
        if targets[0].get("datasetId") != query_context.datasource.id or not column:
            return "the filter does not read this dataset"
        sql = [a["sqlExpression"] for a in found[0].get("adhoc_filters") or [] if a.get("expressionType") == "SQL"]
        engine = query_context.datasource.database.db_engine_spec.engine
        where = _clauses([" AND ".join(f"({expression})" for expression in sql)], engine)
        columns = set(query_context.datasource.column_names)
        for query in query_context.queries:
            if query.metrics or {json.dumps(_normalised(c, columns)) for c in query.columns} - {json.dumps(column)}:
                return "columns or metrics beyond the filter's column"
            if {o[0] for o in query.orderby} - {column}:
                return "ordering beyond the filter's column"
            if reason := _conditions_refusal(query, where, {""}, columns):
                return f"{reason} differs from the filter's"
            if query.annotation_layers or query.time_offsets or query.series_columns or query.row_offset:
                return "more than the filter's values"
        return None


# --- 1 (results) and 3: hooks on the Flask app (FLASK_APP_MUTATOR) ----------------------------------------------


def _without_sql(response: Response) -> Response:
    """Chart data for users without Explore: every result without its `query` (the SQL Superset ran)."""
    if request.endpoint not in CHART_DATA_ENDPOINTS or response.mimetype != "application/json":
        return response
    if getattr(g, "user", None) is None or current_app.appbuilder.sm.may_explore():
        return response
    body = response.get_json(silent=True)
    results = body.get("result") if isinstance(body, dict) else body
    if isinstance(results, list):
        for result in results:
            if isinstance(result, dict):
                result.pop("query", None)
        response.set_data(json.dumps(body, default=str))
    return response


def _login_username() -> str:
    body = request.get_json(silent=True) if request.is_json else None
    name = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return str(name or "").strip().lower()


def _per_user_key() -> str:
    # user names are case-insensitive in Flask-AppBuilder (AUTH_USERNAME_CI), so the key is too
    return f"{get_remote_address()}|{_login_username()}"


def _failed_login(response: Response) -> bool:
    """A refused login: the API answers 401; the form redirects back to the login page."""
    if response.status_code == 401:
        return True
    return response.status_code == 302 and "/login" in (response.headers.get("Location") or "")


def _too_many_logins(error: RateLimitExceeded) -> Response:
    seconds = error.limit.limit.get_expiry() if getattr(error, "limit", None) else 300
    message = TOO_MANY_LOGINS.format(minutes=max(1, math.ceil(seconds / 60)))
    if request.path.startswith("/api/"):
        response = current_app.response_class(json.dumps({"message": message}), mimetype="application/json")
    else:
        page = (
            '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Inloggen geblokkeerd</title></head>'
            f'<body><h1>Inloggen tijdelijk geblokkeerd</h1><p>{escape(message)}</p><p><a href="/login/">Terug naar '
            "inloggen</a></p></body></html>"
        )
        response = current_app.response_class(page, mimetype="text/html")
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def _throttle_logins(app: Flask) -> None:
    """Limits on the form login and the login API. Superset 6.1 puts AUTH_RATE_LIMIT on its own login view, which
    only renders the page (GET); the form posts to Flask-AppBuilder's view, which stays unlimited: both login
    routes get it here, with the failed-login limits."""
    if not app.config["AUTH_RATE_LIMITED"]:
        return
    manager = app.appbuilder.sm
    limits = [
        (app.config["AUTH_RATE_LIMIT"], get_remote_address, None),
        (app.config["SBM_LOGIN_FAILURES_PER_USER"], _per_user_key, _failed_login),
        (app.config["SBM_LOGIN_FAILURES_PER_ADDRESS"], get_remote_address, _failed_login),
    ]
    for blueprint in (manager.auth_view.blueprint, app.blueprints["SecurityApi"]):
        for limit, key, counts in limits:
            manager.limiter.limit(limit, key_func=key, methods=["POST"], deduct_when=counts)(blueprint)


def _drop_anonymous_events() -> Response | None:
    # Flask-Login's user id in the cookie, read without loading the user (which would write the session)
    if request.method == "POST" and request.path == EVENT_LOG_ROUTE and "_user_id" not in session:
        return Response(status=204)
    return None


def install(app: Flask) -> None:
    """Hook the guards into Superset's Flask app (``FLASK_APP_MUTATOR``)."""
    app.before_request(_drop_anonymous_events)
    _throttle_logins(app)
    app.register_error_handler(429, _too_many_logins)
    app.after_request(_without_sql)
