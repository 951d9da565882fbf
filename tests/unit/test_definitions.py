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


def test_every_cbs_raw_table_and_every_mart_has_a_blocking_gx_check_and_writers_share_one_pool(settings):
    from pipelines.asset_keys import MARTS as MART_KEYS
    from pipelines.sources.cbs.registry import load_registry

    repo = build_definitions(settings).get_repository_def()
    gx = [
        spec
        for checks in repo.asset_checks_defs_by_key.values()
        for spec in checks.check_specs
        if spec.name.startswith("gx_")
    ]
    raw = {f"raw/{family.raw_table}" for family in load_registry().values()}
    files = ("subsidies", "zorg", "initiatieven", "voorzieningen", "indicatoren", "postcodes", "wijkenbuurtkaart")
    raw |= {f"raw/{source}" for source in files}
    marts = {key.to_user_string() for key in MART_KEYS}
    assert {"marts/fct_zorggebruik_wijk", "marts/dim_regio"} <= marts
    assert {s.asset_key.to_user_string() for s in gx} == raw | marts
    assert all(s.blocking for s in gx)
    for job in ("full_refresh", "cbs_refresh", "gemeente_files"):
        for node in repo.get_job(job).graph.node_defs:
            assert node.pool == WAREHOUSE_POOL, node.name


def test_the_cbs_refresh_job_covers_cbs_ingest_and_everything_downstream_but_nothing_else(settings):
    repo = build_definitions(settings).get_repository_def()
    job = repo.get_job("cbs_refresh")
    keys = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert "raw/cbs_bijstand" in keys and "marts/fct_zorggebruik_gemeente" in keys
    # what the CBS models join must be built too, or the job fails on a fresh warehouse
    assert {"seeds/gemeente_herindelingen", "seeds/taakveld_omzetting", "intermediate/int_regio_omzetting"} <= keys
    assert "serving/serving_duckdb" in keys
    assert all(key.startswith("raw/cbs_") for key in keys if key.startswith("raw/"))
    schedule = repo.get_schedule_def("cbs_refresh_weekly")
    assert schedule.job_name == "cbs_refresh" and schedule.cron_schedule == "0 6 * * 1"


def test_the_gemeente_files_feed_dbt_staging_and_wait_for_the_regions(settings):
    graph = build_definitions(settings).get_repository_def().asset_graph
    staging = graph.get(dg.AssetKey(["staging", "stg_zorg__berichtregels"]))
    assert dg.AssetKey(["raw", "zorg"]) in staging.parent_keys
    # region codes (wijk, gemeente) are checked against the CBS regions, so those load first
    regions = dg.AssetKey(["raw", "cbs_kerncijfers_wijken_buurten"])
    assert regions in graph.get(dg.AssetKey(["raw", "subsidies"])).parent_keys
    assert graph.get(dg.AssetKey(["raw", "zorg"])).parent_keys == {regions}


def test_the_map_feeds_the_region_shapes_and_the_sensor_watches_its_folder(settings):
    repo = build_definitions(settings).get_repository_def()
    graph = repo.asset_graph
    shapes = graph.get(dg.AssetKey(["geo", "kaartvlakken"]))
    assert shapes.parent_keys == {dg.AssetKey(["raw", "wijkenbuurtkaart"])}
    assert dg.AssetKey(["geo", "kaartvlakken"]) in graph.get(dg.AssetKey(["staging", "stg_kaart__vlakken"])).parent_keys
    keys = {key.to_user_string() for key in repo.get_job("gemeente_files").asset_layer.selected_asset_keys}
    assert {"raw/wijkenbuurtkaart", "geo/kaartvlakken", "marts/dim_regio_vlak", "serving/serving_duckdb"} <= keys


def test_every_cbs_family_has_a_registry_check_and_the_cbs_check_job_loads_nothing(settings):
    from pipelines.sources.cbs.registry import load_registry

    repo = build_definitions(settings).get_repository_def()
    checks = {
        spec.asset_key.to_user_string()
        for defs in repo.asset_checks_defs_by_key.values()
        for spec in defs.check_specs
        if spec.name == "cbs_check"
    }
    assert checks == {f"raw/{family.raw_table}" for family in load_registry().values()}
    job = repo.get_job("cbs_check")
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    # the checks, then the data-quality marts that show them and publish; no CBS table is fetched or loaded
    assert not [key for key in selected if key.startswith("raw/")]
    assert {"marts/fct_datakwaliteit_controles", "serving/serving_duckdb"} <= selected
    job_checks = job.asset_layer.asset_graph.asset_check_keys
    assert {key.asset_key.to_user_string() for key in job_checks if key.name == "cbs_check"} == checks
    assert not [key for key in job_checks if key.name.startswith("gx_") and key.asset_key.path[0] == "raw"]


def test_the_mart_keys_read_from_the_manifest_are_the_marts_the_dbt_assets_build():
    from pipelines.asset_keys import CORE_MARTS, DATA_QUALITY_MARTS
    from pipelines.assets.dbt import data_quality_dbt_assets, sbm_dbt_assets

    def marts(assets: dg.AssetsDefinition) -> list[dg.AssetKey]:
        return sorted(key for key in assets.keys if key.path[0] == "marts")

    assert marts(sbm_dbt_assets) == CORE_MARTS and len(CORE_MARTS) > 10
    assert marts(data_quality_dbt_assets) == DATA_QUALITY_MARTS and len(DATA_QUALITY_MARTS) == 6
