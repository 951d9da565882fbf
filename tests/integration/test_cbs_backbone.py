"""Issue 3's backbone on the demo region: online fetch through the real client (HTTP mocked), offline without any
request, harmonised series, releases and provisional figures, and the region and period dimensions."""

import dataclasses
import json

import dagster as dg
import duckdb
import httpx
import pytest
import respx

from demo.cbs_finance import bijstand_tables
from pipelines.assets.cbs import cbs_family_asset
from pipelines.resources import build_resources
from pipelines.sources.cbs.registry import load_registry

pytestmark = pytest.mark.integration
REGISTRY = load_registry()


def query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_online_mode_fetches_pages_stores_a_snapshot_and_loads_it(settings):
    """The demo's bijstand table served as the CBS API would (the mock pages it per 1,000 rows), fetched by the
    ingest asset in online mode."""
    family = REGISTRY["bijstand"]
    (table,) = bijstand_tables(family)
    rows = json.loads(table.documents["TypedDataSet/0001.json"])["value"]
    feed = "https://opendata.cbs.nl/ODataFeed/odata/82015NED/TypedDataSet"
    api = "https://opendata.cbs.nl/ODataApi/odata/82015NED"
    page_size = 1000
    with respx.mock(assert_all_called=True) as mock:
        for name in ("TableInfos", "DataProperties"):  # metadata from the ODataApi
            mock.get(f"{api}/{name}").mock(return_value=httpx.Response(200, content=table.documents[f"{name}.json"]))
        for name in ("Uitkeringsgrondslag", "RegioS", "Perioden"):  # dimension lists from the feed, one page each
            mock.get(url__startswith=feed.replace("TypedDataSet", name)).mock(
                return_value=httpx.Response(200, content=table.documents[f"{name}/0001.json"])
            )

        def page(request):
            skip = int(request.url.params.get("$skip", 0))
            body = {"value": rows[skip : skip + page_size]}
            if skip + page_size < len(rows):
                body["odata.nextLink"] = f"{feed}?$format=json&$skip={skip + page_size}"
            return httpx.Response(200, json=body)

        data = mock.get(url__startswith=feed).mock(side_effect=page)
        online = settings.with_installation(dataclasses.replace(settings.installation, cbs_online=True))
        result = dg.materialize([cbs_family_asset(family)], resources=build_resources(online))

    assert result.success
    assert data.call_count == 2  # 1,680 rows (14 gemeenten x 120 months) at 1,000 per page
    (materialization,) = result.asset_materializations_for_node("raw__cbs_bijstand")
    assert materialization.metadata["new_releases"].value == "82015NED"
    assert materialization.metadata["observations_loaded"].value == 14 * 120
    (snapshot_manifest,) = (settings.snapshots / "cbs" / "opendata" / "82015NED").glob("*/manifest.json")
    manifest = json.loads(snapshot_manifest.read_text())
    assert manifest["synthetic"] is False and manifest["source_url"].startswith(feed)
    assert [f for f in sorted(manifest["files"]) if f.startswith("TypedDataSet")] == [
        "TypedDataSet/0001.json",
        "TypedDataSet/0002.json",
    ]


def test_offline_mode_makes_no_request(settings, demo_store_all):
    with respx.mock(assert_all_mocked=True) as mock:  # any request would raise
        result = dg.materialize(
            [cbs_family_asset(REGISTRY["jeugdhulp_verwijzer"])], resources=build_resources(settings)
        )
    assert result.success and mock.calls.call_count == 0
    assert query(settings.warehouse, "SELECT count(*) FROM raw.cbs_jeugdhulp_verwijzer") == [(14 * 10 * 7,)]


@pytest.fixture
def demo_store_all(settings):
    from demo.cbs import write_cbs_demo
    from pipelines.sources.cbs.snapshots import SnapshotStore

    write_cbs_demo(SnapshotStore(settings.snapshots / "cbs"), REGISTRY)


def test_almelo_2021_wijk_change_shown_per_classification_and_harmonised(demo_pipeline):
    serving = demo_pipeline.serving
    per_year = query(
        serving,
        "SELECT jaar, wijk_code FROM fct_zorggebruik_wijk WHERE gemeente_code = 'GM0141' "
        "AND wijk_code IN ('WK014102', 'WK014106', 'WK014107', 'WK014111', 'WK014112', 'WK014113') "
        "AND jaar IN (2020, 2021) ORDER BY 1, 2",
    )
    assert per_year == [
        (2020, "WK014102"),
        (2020, "WK014106"),
        (2020, "WK014107"),
        (2021, "WK014111"),
        (2021, "WK014112"),
        (2021, "WK014113"),
    ]
    harmonised = dict(
        ((code, year), (inhabitants, clients, rate, estimated))
        for code, year, inhabitants, clients, rate, estimated in query(
            serving,
            "SELECT wijk_code, jaar, inwoners, wmo_clienten, wmo_per_1000, is_geschat "
            "FROM fct_zorggebruik_wijk_geharmoniseerd WHERE gemeente_code = 'GM0141'",
        )
    )
    # 2020 on the 2024 classification: Nieuwstraatkwartier (6,620 inh., 720 Wmo) + Haghuis (8,035; 655)
    assert (
        harmonised[("WK014113", 2020)]
        == (6620 + 8035, 720 + 655, round(1375 * 1000 / 14655, 1), True)
        == (14655, 1375, 93.8, True)
    )
    # Ossenkoppelerhoek 2020 (11,975 inh., 830 Wmo) split 0.4433 / 0.5567 by the conversion matrix
    assert (
        harmonised[("WK014111", 2020)]
        == (round(11975 * 0.4433), round(830 * 0.4433), round(830 * 1000 / 11975, 1), True)
        == (5309, 368, 69.3, True)
    )
    assert harmonised[("WK014111", 2021)][3] is False  # published on this classification: not converted
    assert not query(serving, "SELECT 1 FROM fct_zorggebruik_wijk_geharmoniseerd WHERE wijk_code = 'WK014102'")


def test_a_revised_release_replaces_the_provisional_figure_and_raw_keeps_both(demo_pipeline):
    raw = query(
        demo_pipeline.warehouse,
        """
        SELECT period_key, is_voorlopig, value FROM raw.cbs_wmo_clienten_type_wijk
        WHERE region_code = 'GM0141' AND dimensions['TypeMaatwerkvoorziening'] = 'T001024'
          AND measure = 'WmoClienten' AND period_key >= '2023' AND period_key LIKE '%JJ00'
        ORDER BY retrieved_at, period_key""",
    )
    assert raw == [("2023JJ00", True, 6018.0), ("2023JJ00", False, 6138.0), ("2024JJ00", True, 6037.0)]
    staged = query(
        demo_pipeline.warehouse,
        """
        SELECT periode, is_voorlopig, waarde FROM staging.stg_cbs__wmo_clienten_type_wijk
        WHERE regio_code = 'GM0141' AND voorziening_sleutel = 'T001024' AND maat = 'WmoClienten'
          AND jaar >= 2023 AND periode_soort = 'JJ' ORDER BY 1""",
    )
    assert staged == [("2023JJ00", False, 6138.0), ("2024JJ00", True, 6037.0)]


def test_the_region_and_period_dimensions(demo_pipeline):
    serving = demo_pipeline.serving
    assert query(
        serving,
        "SELECT soort_regio, count(DISTINCT regio_code) FROM dim_regio WHERE indeling_jaar = 2024 "
        "AND is_synthetisch GROUP BY 1 ORDER BY 1",
    ) == [("buurt", 230), ("gemeente", 14), ("wijk", 79)]
    assert query(
        serving, "SELECT ouder_code FROM dim_regio WHERE regio_code = 'BU01411301' AND indeling_jaar = 2024"
    ) == [("WK014113",)]
    # merged-away gemeenten from the crosswalk are in it too, with the last classification year they existed
    assert query(serving, "SELECT regio_naam, indeling_jaar FROM dim_regio WHERE regio_code = 'GM0053'") == [
        ("Winsum", 2018)
    ]
    assert (
        query(
            serving,
            "SELECT periode, begindatum, label FROM dim_periode WHERE periode IN ('2023HJ02', '2024JJ00') ORDER BY 1",
        )[0][2]
        == "2e halfjaar 2023"  # as a Dutch reader writes it (issue 15, macro periode_naam)
    )
    assert query(serving, "SELECT count(*) FROM fct_zorggebruik_gemeente") == [(14 * 10,)]
