"""The whole asset graph (ingest -> dbt -> GX -> publish) materialised into a temporary state folder."""

import json
from datetime import UTC, datetime

import duckdb
import pytest

from pipelines.demo.cbs import kerncijfers_documents, write_kerncijfers
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.cbs.snapshots import SnapshotStore

pytestmark = pytest.mark.integration
FAMILY = load_registry()["kerncijfers_wijken_buurten"]


def mart(settings, sql):
    with duckdb.connect(str(settings.serving), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def demo_store(settings):
    store = SnapshotStore(settings.snapshots / "cbs")
    write_kerncijfers(store, FAMILY)
    return store


def test_the_demo_fixture_holds_the_numbers_the_expectations_below_are_computed_from():
    def wijk(year, code):
        page = json.loads(kerncijfers_documents(FAMILY.tables[year], year)["TypedDataSet/0001.json"])["value"]
        row = next(r for r in page if r["WijkenEnBuurten"].strip() == code)
        values = {k.rsplit("_", 1)[0]: v for k, v in row.items()}
        return values["AantalInwoners"], values["WmoClienten"]

    assert wijk(2020, "WK014101") == (6245, 680)
    assert wijk(2021, "WK014101") == (6240, 695)
    assert wijk(2020, "WK014105") == (7250, 650)
    assert wijk(2021, "WK014105") == (7215, 650)
    assert wijk(2021, "WK014110") == (145, None)  # secret at CBS


def test_full_refresh_publishes_wmo_per_1000_computed_from_the_demo_data(demo_pipeline):
    settings = demo_pipeline
    rows = dict(
        ((code, year), (clients, rate))
        for code, year, clients, rate in mart(
            settings, "SELECT wijk_code, jaar, wmo_clienten, wmo_per_1000 FROM fct_zorggebruik_wijk"
        )
    )
    assert rows[("WK014101", 2020)] == (680, round(680 * 1000 / 6245, 1)) == (680, 108.9)
    assert rows[("WK014101", 2021)] == (695, round(695 * 1000 / 6240, 1)) == (695, 111.4)
    assert rows[("WK014105", 2020)] == (650, round(650 * 1000 / 7250, 1)) == (650, 89.7)
    assert rows[("WK014105", 2021)] == (650, round(650 * 1000 / 7215, 1)) == (650, 90.1)
    # 10 wijken x 7 years; the tiny wijk is suppressed, never shown as 0
    assert mart(settings, "SELECT count(*), count(wmo_per_1000) FROM fct_zorggebruik_wijk") == [(70, 63)]
    assert mart(
        settings,
        "SELECT DISTINCT is_onderdrukt, onderdrukt_reden FROM fct_zorggebruik_wijk WHERE wijk_code = 'WK014110'",
    ) == [(True, "CBS: geheim of onbekend")]
    assert mart(settings, "SELECT DISTINCT bron FROM fct_zorggebruik_wijk") == [
        ("CBS Kerncijfers wijken en buurten (synthetische demodata)",)
    ]


def test_a_second_refresh_adds_no_rows(settings, demo_store, full_refresh):
    assert full_refresh(settings).success
    assert full_refresh(settings).success
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        raw = con.execute("SELECT count(*), count(DISTINCT load_id) FROM raw.cbs_kerncijfers_wijken_buurten").fetchall()
    assert raw == [(7 * 11 * 6, 1)]  # 7 tables x 11 regions x 6 measures, all from the first load


def publish_revised_2023(store, wijk, **values):
    """A newer release of the 2023 table with some values of one wijk changed."""
    documents = kerncijfers_documents(FAMILY.tables[2023], 2023)
    page = json.loads(documents["TypedDataSet/0001.json"])
    row = next(r for r in page["value"] if r["WijkenEnBuurten"].strip() == wijk)
    for stem, value in values.items():
        row[next(k for k in row if k.startswith(f"{stem}_"))] = value
    documents["TypedDataSet/0001.json"] = json.dumps(page).encode()
    store.write(
        "opendata",
        FAMILY.tables[2023],
        documents,
        source_url="test",
        retrieved_at=datetime(2025, 6, 1, tzinfo=UTC),
        synthetic=True,
    )


def test_a_failing_expectation_on_raw_blocks_dbt_and_publish(settings, demo_store, full_refresh):
    publish_revised_2023(demo_store, "WK014102", WmoClienten=-40)

    result = full_refresh(settings)

    (gx,) = [e for e in result.get_asset_check_evaluations() if e.check_name.startswith("gx_raw")]
    assert not gx.passed
    failures = gx.metadata["failures"].value
    assert failures == ["expect_column_values_to_be_between on value: 1 unexpected, e.g. [-40.0]"]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"raw/cbs_kerncijfers_wijken_buurten"}
    assert not settings.serving.exists()


def test_an_implausible_mart_value_blocks_publish(settings, demo_store, full_refresh):
    # 15 clients among 20 inhabitants passes raw (non-negative) and dbt's sanity range, not the mart suite
    publish_revised_2023(demo_store, "WK014110", AantalInwoners=20, WmoClienten=15)

    result = full_refresh(settings)

    (gx,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "gx_fct_zorggebruik_wijk"]
    assert not gx.passed
    assert gx.metadata["failures"].value == [
        "expect_column_values_to_be_between on wmo_per_1000: 1 unexpected, e.g. [750.0]"
    ]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "marts/fct_zorggebruik_wijk" in materialized
    assert "serving/serving_duckdb" not in materialized
    assert not settings.serving.exists()
