"""A user limited to some gemeenten never reaches another gemeente's rows (issue 12, findings 1 and 6).

Row-level security in SQL Lab and Explore rewrites the table names Superset recognises (`FCT_INDICATOR`,
`serving.main.fct_indicator`, `query_table(...)`, `query('...')` and every table that is no dataset slip through),
so it is no boundary: provisioning refuses a limited user any role with which it writes its own queries. What such a
user keeps, the saved charts of its dashboards, is filtered by dataset, on the data-quality marts too.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from dashboards.client import SupersetClient
from dashboards.security import apply_security
from dashboards.superset_state import SupersetState
from pipelines.config import Settings

pytestmark = pytest.mark.security

ALMELO = "GM0141"
# The data-quality marts with rows of other gemeenten (files, their rows, suppressed cells); the checks are all for
# every gemeente (a check reads the whole table), so a limited viewer sees every one of them.
HIDES_ROWS = {"fct_datakwaliteit_bronnen", "fct_datakwaliteit_ladingen", "fct_datakwaliteit_quarantaine",
              "fct_datakwaliteit_vervangingen",  # the demo replaces two of Borne's care files
              "fct_datakwaliteit_onderdrukking"}  # fmt: skip


def test_provisioning_refuses_sql_lab_or_explore_to_a_user_limited_to_gemeenten(
    admin: SupersetClient, superset_state: SupersetState, demo: Settings, provisioned: dict[str, Any]
) -> None:
    users = demo.installation.users
    analist = next(user for user in users if user.role == "Analist")
    limited = dataclasses.replace(analist, username="analist_almelo", gemeenten=(ALMELO,))
    with pytest.raises(ValueError, match="'analist_almelo' is limited to gemeenten") as refused:
        apply_security(admin, superset_state, (*users, limited), demo.dashboard_assets)
    for permission in ("can_execute_sql_query on SQLLab", "can_explore on Superset", "database_access on"):
        assert permission in str(refused.value)
    users = admin.request("GET", "/api/v1/security/users/", params={"q": "(page_size:100)"})["result"]
    assert "analist_almelo" not in {user["username"] for user in users}


def _rows(user: SupersetClient, context: dict[str, Any], filters: list[dict[str, Any]]) -> list[str]:
    """A saved chart's rows as its dashboard asks for them (`context`), with `filters` added (all must apply)."""
    request = copy.deepcopy(context)
    request["queries"][0]["filters"] += filters
    (result,) = user.request("POST", "/api/v1/chart/data", json=request)["result"]
    assert not result["rejected_filters"], f"{result['rejected_filters']}: not a column of the dataset"
    # a count comes as 633.0 where the same column holds a NULL in another row of the result (pandas), else as 633
    rows = ({k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in r.items()} for r in result["data"])
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


def test_the_viewer_of_almelo_sees_only_almelo_and_shared_rows_on_the_data_quality_dashboard(
    admin: SupersetClient, login_as: Callable[[str], SupersetClient], dashboards: dict[str, dict[str, Any]]
) -> None:
    """File names, counts and reasons of other gemeenten stay hidden; CBS loads and the checks, which are the same
    for every gemeente (voor_alle_gemeenten), stay visible. Each chart as the viewer gets it = the admin's rows of
    that chart for Almelo plus the shared ones, and fewer than the admin's."""
    almelo = login_as("lezer_almelo")
    own = [{"col": "gemeente_code", "op": "IN", "val": [ALMELO]}]
    shared = [{"col": "voor_alle_gemeenten", "op": "IS TRUE"}]
    for chart in dashboards["datakwaliteit"]["charts"]:
        if chart["dataset"] == "dim_indicator":  # the indicator catalogue: no gemeente in it
            continue
        context = json.loads(admin.request("GET", f"/api/v1/chart/{chart['id']}")["result"]["query_context"])
        context["form_data"] |= {"slice_id": chart["id"], "dashboardId": dashboards["datakwaliteit"]["id"]}
        dataset = admin.request("GET", f"/api/v1/dataset/{context['datasource']['id']}")["result"]
        expected = _rows(admin, context, own)
        if "voor_alle_gemeenten" in {column["column_name"] for column in dataset["columns"]}:
            expected = sorted(expected + _rows(admin, context, shared))
        assert _rows(almelo, context, []) == expected, chart["slice_name"]
        hidden = len(_rows(admin, context, [])) - len(expected)
        assert (hidden > 0) == (chart["dataset"] in HIDES_ROWS), f"{chart['slice_name']}: {hidden} rows hidden"
