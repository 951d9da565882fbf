"""Roles from dashboards/security.yaml and the installation's users (installation.yaml ``users``) with their
row-level security, through Superset's security REST API.

Called by ``dashboards.provision`` after the assets are imported (the permissions name the imported datasets).
Idempotent: roles, users and RLS rules are found by name and updated in place; a role's permission set is
replaced as a whole, so a permission taken out of the file is taken away on the next run.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dashboards.client import SupersetClient
from dashboards.superset_state import SupersetState, parse_env_file, write_private
from pipelines.installation import User

SECURITY_FILE = Path(__file__).resolve().with_name("security.yaml")
GEMEENTE_COLUMN = "gemeente_code"  # datasets with this column get the row-level security filter
SHARED_COLUMN = "voor_alle_gemeenten"  # rows marked true here are for every gemeente (CBS loads, checks)
GEMEENTE_CODE = re.compile(r"GM\d{4}")
# Permissions with which a user writes its own queries (dashboards/superset_guard.py limits everyone without
# `can_explore on Superset` to the saved charts of its dashboards).
OWN_QUERIES = {("can_execute_sql_query", "SQLLab"), ("can_sqllab", "Superset"), ("can_explore", "Superset"),
               ("can_explore_json", "Superset"), ("can_read", "Explore")}  # fmt: skip
WHOLE_DATABASE = {"database_access", "schema_access", "catalog_access", "all_database_access", "all_datasource_access"}


def rison_string(value: str) -> str:
    """A string as a rison literal, for Superset's ``?q=`` queries."""
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


def _by_name(client: SupersetClient, path: str, column: str, value: str) -> dict[str, Any] | None:
    query = f"(filters:!((col:{column},opr:eq,value:{rison_string(value)})),page_size:100)"
    (found,) = client.request("GET", path, params={"q": query})["result"] or [None]
    return found


def _all_pages(client: SupersetClient, path: str, columns: str = "") -> list[dict[str, Any]]:
    rows, page = [], 0
    while True:
        listed = client.request("GET", path, params={"q": f"({columns}page:{page},page_size:100)"})["result"]
        rows += listed
        if len(listed) < 100:
            return rows
        page += 1


@dataclass(frozen=True)
class Datasets:
    """The provisioned datasets: id per table, and which tables carry a gemeente column."""

    ids: dict[str, int]
    with_gemeente: list[str]
    with_shared_rows: list[str]
    database_id: int
    database_name: str


def provisioned_datasets(client: SupersetClient, assets_dir: Path) -> Datasets:
    docs = [yaml.safe_load(path.read_text("utf-8")) for path in sorted((assets_dir / "datasets").rglob("*.yaml"))]
    listed = _all_pages(client, "/api/v1/dataset/", "columns:!(id,uuid,table_name,database.id,database.database_name),")
    by_uuid = {row["uuid"]: row for row in listed}
    ids = {doc["table_name"]: by_uuid[doc["uuid"]]["id"] for doc in docs}
    columns = {doc["table_name"]: {c["column_name"] for c in doc["columns"]} for doc in docs}
    with_gemeente = [table for table, names in columns.items() if GEMEENTE_COLUMN in names]
    shared = [table for table, names in columns.items() if {GEMEENTE_COLUMN, SHARED_COLUMN} <= names]
    database = by_uuid[docs[0]["uuid"]]["database"]
    return Datasets(ids, with_gemeente, shared, database["id"], database["database_name"])


def role_permissions(client: SupersetClient, spec: dict[str, Any], datasets: Datasets) -> set[tuple[str, str]]:
    """The (permission, view) pairs a role spec grants: its base roles' minus `without`, plus data access."""
    roles = {row["name"]: row["id"] for row in _all_pages(client, "/api/v1/security/roles/")}
    granted: set[tuple[str, str]] = set()
    for base in spec.get("based_on", []):
        for row in client.request("GET", f"/api/v1/security/roles/{roles[base]}/permissions/")["result"]:
            granted.add((row["permission_name"], row["view_menu_name"]))
    for rule in spec.get("without", []):
        permission, view = (part.strip() for part in rule.split(" on ", 1))
        granted = {(p, v) for p, v in granted if not (p == permission and view in ("*", v))}
    if spec.get("datasets"):
        granted |= {("datasource_access", f"[{datasets.database_name}].[{t}](id:{i})") for t, i in datasets.ids.items()}
    if spec.get("database"):
        granted.add(("database_access", f"[{datasets.database_name}].(id:{datasets.database_id})"))
    return granted


def _permission_ids(client: SupersetClient, granted: set[tuple[str, str]]) -> list[int]:
    views = {
        (row["permission"]["name"], row["view_menu"]["name"]): row["id"]
        for row in _all_pages(client, "/api/v1/security/permissions-resources/")
    }
    if missing := sorted(granted - set(views)):
        raise ValueError(f"Superset has no permission(s) {missing}; is every dataset provisioned?")
    return sorted(views[pair] for pair in granted)


def own_query_permissions(granted: set[tuple[str, str]]) -> list[str]:
    """The permissions that let a user write its own queries: SQL Lab, Explore, access to a whole database."""
    return sorted(
        f"{permission} on {view}"
        for permission, view in granted
        if (permission, view) in OWN_QUERIES or permission in WHOLE_DATABASE
    )


def check_limited_users(users: tuple[User, ...], granted: dict[str, set[tuple[str, str]]]) -> None:
    """A user limited to gemeenten may not write its own queries: refused before anything is provisioned."""
    for user in users:
        if user.gemeenten and (found := own_query_permissions(granted[user.role])):
            raise ValueError(
                f"installation.yaml: user {user.username!r} is limited to gemeenten {list(user.gemeenten)} but role "
                f"{user.role!r} lets it write its own queries ({', '.join(found)}). Row-level security filters "
                "the table names it recognises in SQL Lab and Explore, which is no boundary: give a user limited to "
                "gemeenten a role without SQL Lab and Explore (like Lezer), or an installation of its own with only "
                "its gemeenten."
            )


def ensure_role(client: SupersetClient, name: str, permission_ids: list[int]) -> int:
    role = _by_name(client, "/api/v1/security/roles/", "name", name)
    role_id = role["id"] if role else client.request("POST", "/api/v1/security/roles/", json={"name": name})["id"]
    # Replaces the role's whole permission set (FAB's add_role_permissions assigns, it does not append).
    client.request(
        "POST", f"/api/v1/security/roles/{role_id}/permissions", json={"permission_view_menu_ids": permission_ids}
    )
    return role_id


def region_role_name(gemeenten: list[str]) -> str:
    return f"Gemeente {'+'.join(sorted(gemeenten))}"


def _rls_rule(client: SupersetClient, name: str, body: dict[str, Any]) -> None:
    rule = _by_name(client, "/api/v1/rowlevelsecurity/", "name", name)
    if rule:
        client.request("PUT", f"/api/v1/rowlevelsecurity/{rule['id']}", json={**body, "name": name})
    else:
        client.request("POST", "/api/v1/rowlevelsecurity/", json={**body, "name": name})


def ensure_rls(client: SupersetClient, gemeenten: list[str], role_id: int, datasets: Datasets) -> None:
    """Rows of other gemeenten are filtered out of every dataset with the gemeente column; rows marked for every
    gemeente stay. Two rules with one group key, which Superset joins with OR: `gemeente_code IN (...) OR
    voor_alle_gemeenten` where a dataset has both columns, `gemeente_code IN (...)` elsewhere."""
    if bad := [code for code in gemeenten if not GEMEENTE_CODE.fullmatch(code)]:
        raise ValueError(f"users: {bad} are not CBS gemeente codes (GM + 4 digits)")
    name = f"Alleen {'+'.join(sorted(gemeenten))}"
    body = {
        "description": "Uit de gebruikers van installation.yaml (dashboards.provision); wijzig het daar.",
        "filter_type": "Regular",
        "roles": [role_id],
        "group_key": "gemeente",
    }
    # Codes are checked against GM + 4 digits above, so they are safe to quote into SQL.
    codes = ", ".join(repr(code) for code in sorted(gemeenten))
    own = sorted(datasets.ids[table] for table in datasets.with_gemeente)
    shared = sorted(datasets.ids[table] for table in datasets.with_shared_rows)
    _rls_rule(client, name, {**body, "tables": own, "clause": f"{GEMEENTE_COLUMN} IN ({codes})"})
    _rls_rule(client, f"{name}: rijen voor alle gemeenten", {**body, "tables": shared, "clause": SHARED_COLUMN})


def user_passwords(
    state: SupersetState, usernames: list[str], environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each user's password: ``SBM_SUPERSET_PASSWORD_<USERNAME>``, else generated once into users.env (0600)."""
    env = os.environ if environ is None else environ
    path = state.home / "users.env"
    stored = parse_env_file(path) if path.exists() else {}
    key = {name: f"SBM_SUPERSET_PASSWORD_{name.upper()}" for name in usernames}
    missing = [name for name in usernames if key[name] not in env and key[name] not in stored]
    if missing:
        stored |= {key[name]: secrets.token_urlsafe(18) for name in missing}
        path.unlink(missing_ok=True)
        write_private(path, "# Generated by dashboards.security. Keep private (mode 0600); never commit.\n"
                      + "".join(f"{k}={v}\n" for k, v in sorted(stored.items())))  # fmt: skip
    return {name: env.get(key[name]) or stored[key[name]] for name in usernames}


def ensure_user(client: SupersetClient, user: User, role_ids: list[int], password: str) -> None:
    body = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "active": True,
        "roles": role_ids,
    }
    found = _by_name(client, "/api/v1/security/users/", "username", user.username)
    if found:
        # The password is set when the user is created; later runs leave a changed password alone.
        client.request("PUT", f"/api/v1/security/users/{found['id']}", json=body)
    else:
        client.request("POST", "/api/v1/security/users/", json={**body, "password": password})


def load_security(path: Path = SECURITY_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text("utf-8"))


def apply_security(client: SupersetClient, state: SupersetState, users: tuple[User, ...], assets_dir: Path,
                   security: dict[str, Any] | None = None) -> list[str]:  # fmt: skip
    """The roles of security.yaml, then the installation's users with their row-level security; returns the
    usernames."""
    security = security or load_security()
    datasets = provisioned_datasets(client, assets_dir)
    granted = {name: role_permissions(client, spec, datasets) for name, spec in security["roles"].items()}
    check_limited_users(users, granted)
    roles = {name: ensure_role(client, name, _permission_ids(client, perms)) for name, perms in granted.items()}
    passwords = user_passwords(state, [user.username for user in users])
    for user in users:
        role_ids = [roles[user.role]]
        if user.gemeenten:
            # RLS rules attach to roles: one permission-less role per set of gemeenten carries the filter.
            region_role = ensure_role(client, region_role_name(list(user.gemeenten)), [])
            ensure_rls(client, list(user.gemeenten), region_role, datasets)
            role_ids.append(region_role)
        ensure_user(client, user, role_ids, passwords[user.username])
    return [user.username for user in users]
