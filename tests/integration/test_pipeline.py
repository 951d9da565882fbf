"""The asset graph (ingest -> dbt -> GX -> publish): the demo through all of it once per session (demo_pipeline),
and what one asset or check does on the smallest part of the graph that shows it, in a temporary state folder."""

import json
from datetime import UTC, datetime

import dagster as dg
import duckdb
import pytest

from demo.cbs import write_cbs_demo
from demo.cbs_kerncijfers import kerncijfers_documents
from pipelines.assets.cbs import cbs_family_asset
from pipelines.definitions import build_definitions
from pipelines.resources import build_resources
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.cbs.snapshots import SnapshotStore

pytestmark = pytest.mark.integration
FAMILY = load_registry()["kerncijfers_wijken_buurten"]
RAW = dg.AssetKey(["raw", FAMILY.raw_table])
STAGING = dg.AssetKey(["staging", "stg_cbs__kerncijfers_wijken_buurten"])
MART = dg.AssetKey(["marts", "fct_zorggebruik_wijk"])
SERVING = dg.AssetKey(["serving", "serving_duckdb"])


def run(settings, selection):
    """The full_refresh job on a part of the graph only (as Dagster runs a selection: checks included)."""
    job = build_definitions(settings).resolve_job_def("full_refresh")
    repo = build_definitions(settings).get_repository_def()
    keys = sorted(selection.resolve(repo.asset_graph))
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, asset_selection=keys)


def mart(settings, sql):
    with duckdb.connect(str(settings.serving), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def demo_store(settings):
    store = SnapshotStore(settings.snapshots / "cbs")
    write_cbs_demo(store, load_registry())
    return store


def test_the_demo_fixture_holds_the_numbers_the_expectations_below_are_computed_from():
    def wijk(year, code):
        page = json.loads(kerncijfers_documents(FAMILY, year)["TypedDataSet/0001.json"])["value"]
        row = next(r for r in page if r["WijkenEnBuurten"].strip() == code)
        values = {k.rsplit("_", 1)[0]: v for k, v in row.items()}
        return values["AantalInwoners"], values["WmoClienten"]

    assert wijk(2020, "WK014101") == (6290, 670)
    assert wijk(2021, "WK014101") == (6280, 680)
    assert wijk(2020, "WK014105") == (7390, 690)
    assert wijk(2021, "WK014105") == (7425, 680)
    assert wijk(2021, "WK014110") == (140, None)  # secret at CBS


def test_full_refresh_publishes_wmo_per_1000_computed_from_the_demo_data(demo_pipeline):
    settings = demo_pipeline
    rows = dict(
        ((code, year), (clients, rate))
        for code, year, clients, rate in mart(
            settings, "SELECT wijk_code, jaar, wmo_clienten, wmo_per_1000 FROM fct_zorggebruik_wijk"
        )
    )
    assert rows[("WK014101", 2020)] == (670, round(670 * 1000 / 6290, 1)) == (670, 106.5)
    assert rows[("WK014101", 2021)] == (680, round(680 * 1000 / 6280, 1)) == (680, 108.3)
    assert rows[("WK014105", 2020)] == (690, round(690 * 1000 / 7390, 1)) == (690, 93.4)
    assert rows[("WK014105", 2021)] == (680, round(680 * 1000 / 7425, 1)) == (680, 91.6)
    # 79 wijken of 14 gemeenten x 10 years; Kerncijfers up to 2017 have no Wmo figures (as CBS's), and the tiny
    # wijk is suppressed in the 7 years that have them: 79 x 7 - 7 values, never a 0
    assert mart(settings, "SELECT count(*), count(wmo_per_1000) FROM fct_zorggebruik_wijk") == [(790, 79 * 7 - 7)]
    assert mart(
        settings,
        "SELECT DISTINCT jaar <= 2017, is_onderdrukt, onderdrukt_reden FROM fct_zorggebruik_wijk "
        "WHERE wijk_code = 'WK014110' ORDER BY 1",
    ) == [(False, True, "CBS: geheim of onbekend"), (True, True, "CBS: niet gepubliceerd in deze editie")]
    # the source names the source; that the rows are synthetic is the flag that travels with them
    assert mart(settings, "SELECT DISTINCT bron, is_synthetisch FROM fct_zorggebruik_wijk") == [
        ("CBS Kerncijfers wijken en buurten", True)
    ]


def test_a_second_load_adds_no_rows(settings, demo_store):
    for _ in range(2):
        assert dg.materialize([cbs_family_asset(FAMILY)], resources=build_resources(settings)).success
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        raw = con.execute("SELECT count(*), count(DISTINCT load_id) FROM raw.cbs_kerncijfers_wijken_buurten").fetchall()
    # 11 releases (2020 twice, as CBS released it) x 323 regions (14 gemeenten, 79 wijken, 230 buurten) x 14
    # measures (up to 2017 four of them as not_published cells), all from the first load
    assert raw == [(11 * 323 * 14, 1)]


def publish_revised_2023(store, wijk, **values):
    """A newer release of the 2023 table with some values of one wijk changed."""
    documents = kerncijfers_documents(FAMILY, 2023)
    page = json.loads(documents["TypedDataSet/0001.json"])
    row = next(r for r in page["value"] if r["WijkenEnBuurten"].strip() == wijk)
    for stem, value in values.items():
        row[next(k for k in row if k.startswith(f"{stem}_"))] = value
    documents["TypedDataSet/0001.json"] = json.dumps(page).encode()
    store.write(
        "opendata",
        FAMILY.tables["2023"],
        documents,
        source_url="test",
        retrieved_at=datetime(2025, 6, 1, tzinfo=UTC),
        synthetic=True,
    )


def test_a_failing_expectation_on_raw_blocks_dbt(settings, demo_store):
    publish_revised_2023(demo_store, "WK014103", WmoClienten=-40)

    result = run(settings, dg.AssetSelection.assets(RAW, STAGING))  # (publish: the next test)

    (gx,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_cbs_kerncijfers_wijken_buurten"]
    assert not gx.passed
    failures = gx.metadata["failures"].value
    assert failures == ["expect_column_values_to_be_between on value: 1 unexpected, e.g. [-40.0]"]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"raw/cbs_kerncijfers_wijken_buurten"}  # not the dbt model that reads it
    # the outcome is kept for the data-quality marts, without the value found
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        recorded = con.execute(
            "SELECT status, failures, details FROM meta.check_results "
            "WHERE target = 'raw.cbs_kerncijfers_wijken_buurten' AND kind = 'gx'"
        ).fetchall()
    assert recorded == [("fail", 1, "expect_column_values_to_be_between on value: 1 unexpected")]


def test_an_implausible_mart_value_blocks_publish(settings, demo_store):
    # 15 clients among 20 inhabitants passes raw (non-negative) and dbt's sanity range, not the mart suite
    publish_revised_2023(demo_store, "WK014110", AantalInwoners=20, WmoClienten=15)

    result = run(settings, dg.AssetSelection.assets(MART).upstream() | dg.AssetSelection.assets(SERVING))

    (gx,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_fct_zorggebruik_wijk"]
    assert not gx.passed
    assert gx.metadata["failures"].value == [
        "expect_column_values_to_be_between on wmo_per_1000: 1 unexpected, e.g. [750.0]"
    ]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "marts/fct_zorggebruik_wijk" in materialized
    assert "serving/serving_duckdb" not in materialized
    assert not settings.serving.exists()
