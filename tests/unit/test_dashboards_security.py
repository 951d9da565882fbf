"""dashboards/security.yaml, the demo's users, and the parts of dashboards.security that need no Superset."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dashboards.security import (
    check_limited_users,
    load_security,
    own_query_permissions,
    region_role_name,
    rison_string,
    user_passwords,
)
from dashboards.superset_state import SupersetState
from pipelines.config import REPO_ROOT
from pipelines.installation import User, load_installation

SECURITY = load_security()
DEMO_USERS = load_installation(REPO_ROOT / "demo" / "installation.yaml").users


def test_viewer_cannot_edit_export_or_query() -> None:
    lezer = SECURITY["roles"]["Lezer"]
    assert lezer["based_on"] == ["Gamma"]  # not sql_lab: no SQL Lab
    assert not lezer.get("database"), "database_access would open SQL Lab's schema browser to it"
    for rule in ("can_write on Chart", "can_write on Dashboard", "can_csv on *", "can_export on *",
                 "can_explore on *", "can_samples on *", "can_view_chart_as_table on *"):  # fmt: skip
        assert rule in lezer["without"], rule


def test_analyst_has_sql_lab_on_the_serving_database() -> None:
    analist = SECURITY["roles"]["Analist"]
    assert "sql_lab" in analist["based_on"] and analist["database"] is True


def test_the_product_has_roles_and_no_users_the_demo_has_users_with_known_roles() -> None:
    assert "users" not in SECURITY  # users belong to an installation (installation.yaml `users`)
    for user in DEMO_USERS:
        assert user.role in SECURITY["roles"]
    assert any(user.gemeenten for user in DEMO_USERS), "the demo shows row-level security"


def test_generated_passwords_are_private_stable_and_overridable(tmp_path: Path) -> None:
    state = SupersetState(home=tmp_path)
    first = user_passwords(state, ["lezer", "analist"], environ={})
    path = tmp_path / "users.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(set(first.values())) == 2 and all(len(p) >= 16 for p in first.values())
    assert user_passwords(state, ["lezer", "analist"], environ={}) == first
    env = {"SBM_SUPERSET_PASSWORD_LEZER": "uit-de-omgeving"}
    assert user_passwords(state, ["lezer"], environ=env) == {"lezer": "uit-de-omgeving"}
    added = user_passwords(state, ["lezer", "analist", "nieuw"], environ={})
    assert {k: added[k] for k in first} == first and added["nieuw"]


def test_rison_and_role_names() -> None:
    assert rison_string("Alleen GM0141") == "'Alleen GM0141'"
    assert rison_string("it's!") == "'it!'s!!'"
    assert region_role_name(["GM0153", "GM0141"]) == "Gemeente GM0141+GM0153"


def test_a_user_limited_to_gemeenten_may_not_write_its_own_queries() -> None:
    viewer = {("can_read", "Dashboard"), ("datasource_access", "[db].[fct_indicator](id:1)")}
    analyst = viewer | {("can_execute_sql_query", "SQLLab"), ("can_explore", "Superset"), ("database_access", "[db]")}
    assert own_query_permissions(viewer) == []
    assert own_query_permissions(analyst) == [
        "can_execute_sql_query on SQLLab", "can_explore on Superset", "database_access on [db]"]  # fmt: skip
    users = (User("lezer", "L", "A", "l@localhost", "Lezer", ("GM0141",)),
             User("analist", "A", "T", "a@localhost", "Analist"))  # fmt: skip
    check_limited_users(users, {"Lezer": viewer, "Analist": analyst})  # allowed: nothing raised
    users += (User("analist_almelo", "A", "A", "aa@localhost", "Analist", ("GM0141",)),)
    with pytest.raises(ValueError, match=r"'analist_almelo' is limited to gemeenten \['GM0141'\] but role 'Analist'"):
        check_limited_users(users, {"Lezer": viewer, "Analist": analyst})


def test_the_demo_file_limits_only_viewers() -> None:
    limited = {user.role for user in DEMO_USERS if user.gemeenten}
    assert limited == {"Lezer"}
    lezer = SECURITY["roles"]["Lezer"]
    for rule in ("can_read on Explore", "can_query on Api", "can_query_form_data on Api",
                 "can_write on ExploreFormDataRestApi"):  # fmt: skip
        assert rule in lezer["without"], rule
