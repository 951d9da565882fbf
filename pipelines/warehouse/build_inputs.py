"""What a dbt build of the core models was built from, so a refresh with nothing new skips it.

A build's inputs are the project (every node's SQL and config and the macros it calls, from the manifest: a changed
seed, model or macro changes it), the installation's ``--vars``, and the state of every source table the selection
reads: its row count and newest ``loaded_at``. raw, quarantine and meta are append-only and every load adds rows,
so a new load always changes them; geo.kaartvlakken is rebuilt from raw.wijkenbuurtkaart.

After a successful build the fingerprint of its inputs is kept in ``meta.dbt_builds`` with the run that built it.
The next build is skipped only if its inputs have the same fingerprint and that run succeeded as a whole (its checks
and the publish included); otherwise it runs as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import duckdb

BUILDS_TABLE = "meta.dbt_builds"


def node_digest(node: Mapping[str, Any], macros: Mapping[str, Any]) -> str:
    """A hash of a node's SQL (checksum), its config and the SQL of the macros it calls."""
    parts = [node["checksum"]["checksum"], json.dumps(node["config"], sort_keys=True, default=str)]
    parts += [macros.get(m, {}).get("macro_sql", m) for m in sorted(node["depends_on"].get("macros", []))]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def selected_nodes(manifest: Mapping[str, Any], selected: Callable[[Mapping[str, Any]], bool]) -> dict[str, Any]:
    return {uid: node for uid, node in manifest["nodes"].items() if selected(node)}


def source_relations(manifest: Mapping[str, Any], nodes: Iterable[Mapping[str, Any]]) -> list[str]:
    """The tables (schema.name) of the sources the nodes read."""
    used = {dep for node in nodes for dep in node["depends_on"].get("nodes", []) if dep.startswith("source.")}
    sources = manifest["sources"]
    return sorted(f"{sources[uid]['schema']}.{sources[uid]['identifier']}" for uid in used if uid in sources)


def _table_state(con: duckdb.DuckDBPyConnection, relation: str) -> list[Any]:
    schema, table = relation.split(".", 1)
    columns = {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?", [schema, table]
    ).fetchall()}  # fmt: skip
    if not columns:
        return [relation, None]  # not there (yet): building creates nothing from it
    newest = "max(loaded_at)::varchar" if "loaded_at" in columns else "NULL"
    return [relation, *con.execute(f"SELECT count(*), {newest} FROM {relation}").fetchone()]


def build_fingerprint(
    con: duckdb.DuckDBPyConnection,
    manifest: Mapping[str, Any],
    selected: Callable[[Mapping[str, Any]], bool],
    dbt_vars: Mapping[str, Any],
) -> str:
    """The fingerprint of everything a build of the selected nodes reads."""
    nodes = selected_nodes(manifest, selected)
    macros = manifest.get("macros", {})
    state = {
        "nodes": {uid: node_digest(node, macros) for uid, node in sorted(nodes.items())},
        "vars": dbt_vars,
        "sources": [_table_state(con, relation) for relation in source_relations(manifest, nodes.values())],
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {BUILDS_TABLE} "
        "(selection VARCHAR PRIMARY KEY, fingerprint VARCHAR, run_id VARCHAR, built_at TIMESTAMPTZ)"
    )


def last_build(con: duckdb.DuckDBPyConnection, selection: str) -> tuple[str, str, Any] | None:
    """(fingerprint, run id, built at) of the selection's last successful build."""
    _ensure_table(con)
    return con.execute(
        f"SELECT fingerprint, run_id, built_at FROM {BUILDS_TABLE} WHERE selection = ?", [selection]
    ).fetchone()


def remember_build(con: duckdb.DuckDBPyConnection, selection: str, fingerprint: str, run_id: str) -> None:
    _ensure_table(con)
    con.execute(f"INSERT OR REPLACE INTO {BUILDS_TABLE} VALUES (?, ?, ?, now())", [selection, fingerprint, run_id])
