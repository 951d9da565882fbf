"""The fingerprint of a dbt build's inputs (pipelines/warehouse/build_inputs.py): it changes with what the build
reads and with nothing else, so a refresh skips a build only when it would rebuild the same tables."""

import copy

import duckdb
import pytest

from pipelines.warehouse.build_inputs import build_fingerprint, last_build, remember_build, source_relations


def _node(checksum: str, sources: list[str], tags: list[str] | None = None) -> dict:
    return {
        "resource_type": "model",
        "checksum": {"checksum": checksum},
        "config": {"materialized": "table"},
        "tags": tags or [],
        "depends_on": {"nodes": sources, "macros": ["macro.p.m"]},
    }


MANIFEST = {
    "nodes": {
        "model.p.stg_zorg": _node("a1", ["source.p.raw.zorg"]),
        "model.p.stg_loads": _node("b2", ["source.p.meta.file_loads"], tags=["datakwaliteit"]),
    },
    "sources": {
        "source.p.raw.zorg": {"schema": "raw", "identifier": "zorg"},
        "source.p.meta.file_loads": {"schema": "meta", "identifier": "file_loads"},
    },
    "macros": {"macro.p.m": {"macro_sql": "{% macro m() %}1{% endmacro %}"}},
}
VARS = {"warehouse": "/x.duckdb", "min_cell_size": 10}


def core(node: dict) -> bool:
    return "datakwaliteit" not in node["tags"]


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA meta")
    con.execute("CREATE TABLE raw.zorg AS SELECT 1 AS x, TIMESTAMPTZ '2025-01-01 10:00:00+00' AS loaded_at")
    con.execute("CREATE TABLE meta.file_loads AS SELECT 'load-1' AS load_id")
    yield con
    con.close()


def test_the_sources_of_a_selection_are_those_its_nodes_read():
    core_nodes = [n for n in MANIFEST["nodes"].values() if core(n)]
    assert source_relations(MANIFEST, core_nodes) == ["raw.zorg"]
    assert source_relations(MANIFEST, MANIFEST["nodes"].values()) == ["meta.file_loads", "raw.zorg"]


def test_the_fingerprint_is_stable_when_nothing_changed(con):
    assert build_fingerprint(con, MANIFEST, core, VARS) == build_fingerprint(con, MANIFEST, core, dict(VARS))


def test_a_new_load_in_a_source_it_reads_changes_it(con):
    before = build_fingerprint(con, MANIFEST, core, VARS)
    con.execute("INSERT INTO raw.zorg VALUES (2, TIMESTAMPTZ '2025-07-01 10:00:00+00')")
    assert build_fingerprint(con, MANIFEST, core, VARS) != before


def test_a_replaced_table_of_the_same_size_but_a_newer_load_changes_it(con):
    before = build_fingerprint(con, MANIFEST, core, VARS)
    con.execute("CREATE OR REPLACE TABLE raw.zorg AS SELECT 9 AS x, TIMESTAMPTZ '2025-07-01 10:00:00+00' AS loaded_at")
    assert build_fingerprint(con, MANIFEST, core, VARS) != before


def test_a_table_only_other_selections_read_does_not_change_it(con):
    def every(node: dict) -> bool:
        return True

    core_before, every_before = (
        build_fingerprint(con, MANIFEST, core, VARS),
        build_fingerprint(con, MANIFEST, every, VARS),
    )
    con.execute("INSERT INTO meta.file_loads VALUES ('load-2')")
    assert build_fingerprint(con, MANIFEST, core, VARS) == core_before
    assert build_fingerprint(con, MANIFEST, every, VARS) != every_before  # the data-quality models read it


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m["nodes"]["model.p.stg_zorg"]["checksum"].update(checksum="a1-edited"),  # the model's SQL
        lambda m: m["nodes"]["model.p.stg_zorg"]["config"].update(materialized="incremental"),  # its config
        lambda m: m["macros"]["macro.p.m"].update(macro_sql="{% macro m() %}2{% endmacro %}"),  # a macro it calls
        lambda m: m["nodes"].update({"seed.p.cpi": _node("c3", [])}),  # a new seed (or model, or test)
    ],
    ids=["model sql", "model config", "macro", "new node"],
)
def test_a_changed_project_changes_it(con, change):
    edited = copy.deepcopy(MANIFEST)
    change(edited)
    assert build_fingerprint(con, edited, core, VARS) != build_fingerprint(con, MANIFEST, core, VARS)


def test_a_changed_setting_changes_it(con):
    assert build_fingerprint(con, MANIFEST, core, {**VARS, "min_cell_size": 5}) != build_fingerprint(
        con, MANIFEST, core, VARS
    )


def test_a_source_that_does_not_exist_yet_is_part_of_it(con):
    con.execute("DROP TABLE raw.zorg")
    missing = build_fingerprint(con, MANIFEST, core, VARS)
    con.execute("CREATE TABLE raw.zorg (x INTEGER, loaded_at TIMESTAMPTZ)")
    assert build_fingerprint(con, MANIFEST, core, VARS) != missing  # an empty table is not a missing one


def test_the_last_build_is_kept_per_selection(con):
    assert last_build(con, "sbm_dbt_assets") is None
    remember_build(con, "sbm_dbt_assets", "f1", "run-1")
    remember_build(con, "sbm_dbt_assets", "f2", "run-2")
    fingerprint, run_id, built_at = last_build(con, "sbm_dbt_assets")
    assert (fingerprint, run_id) == ("f2", "run-2") and built_at is not None
