import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.resources import WAREHOUSE_POOL


def test_the_code_location_loads_as_one_connected_graph(settings):
    repo = build_definitions(settings).get_repository_def()
    graph = repo.asset_graph
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {
        "raw/cbs_kerncijfers_wijken_buurten",
        "staging/stg_cbs__kerncijfers_wijken_buurten",
        "marts/fct_zorggebruik_wijk",
        "serving/serving_duckdb",
    } <= keys
    # the dbt source resolves to the ingest asset, and publish depends on the mart
    stg = graph.get(dg.AssetKey(["staging", "stg_cbs__kerncijfers_wijken_buurten"]))
    assert dg.AssetKey(["raw", "cbs_kerncijfers_wijken_buurten"]) in stg.parent_keys
    assert (
        dg.AssetKey(["marts", "fct_zorggebruik_wijk"])
        in graph.get(dg.AssetKey(["serving", "serving_duckdb"])).parent_keys
    )


def test_gx_checks_are_blocking_and_every_warehouse_writer_shares_one_pool(settings):
    repo = build_definitions(settings).get_repository_def()
    gx = [
        spec
        for checks in repo.asset_checks_defs_by_key.values()
        for spec in checks.check_specs
        if spec.name.startswith("gx_")
    ]
    assert {s.asset_key.to_user_string() for s in gx} == {
        "raw/cbs_kerncijfers_wijken_buurten",
        "marts/fct_zorggebruik_wijk",
    }
    assert all(s.blocking for s in gx)
    for node in repo.get_job("full_refresh").graph.node_defs:
        assert node.pool == WAREHOUSE_POOL, node.name
