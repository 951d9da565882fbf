"""CBS's real Kerncijfers wijken en buurten 2020 (84799NED, release of March 2021) for Almelo and Borne, from the
fixture excerpts of the real files, served as opendata.cbs.nl serves them (tests/real_statline.py): fetched by the
CBS ingest asset in online mode, stored as a snapshot, loaded, and carried through dbt into fct_indicator.

Only what fct_indicator needs is built, in a temporary warehouse of the tests' second installation
(tests/fixtures/installations/borne.yaml: the 2020 classification): the Kerncijfers asset, empty raw tables for the
other sources, and `dbt build --select +fct_indicator` (no unit tests: those do not depend on data). Expected
values are read off the fixture file by hand.
"""

import dataclasses
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import respx
from real_statline import StatLineV3

from pipelines.assets.cbs import cbs_family_asset
from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.instance import dbt_command
from pipelines.resources import build_resources
from pipelines.sources.cbs.check import check_offline
from pipelines.sources.cbs.load import ensure_table
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.cbs.snapshots import SnapshotStore
from pipelines.sources.files.load import ensure_tables
from pipelines.sources.files.spec import source_specs
from pipelines.warehouse.check_results import ensure_table as ensure_check_results

pytestmark = pytest.mark.integration
REGISTRY = load_registry()
KWB_2020 = dataclasses.replace(REGISTRY["kerncijfers_wijken_buurten"], tables={"2020": "84799NED"})
INSTALLATION = Path(__file__).parents[1] / "fixtures" / "installations" / "borne.yaml"


@pytest.fixture(scope="module")
def real_2020(tmp_path_factory):
    home = tmp_path_factory.mktemp("real") / "sbm"
    # the second installation of the tests: Almelo and Borne, on the 2020 classification
    settings = Settings.from_env({"SBM_HOME": str(home), "SBM_INSTALLATION": str(INSTALLATION)})
    online = settings.with_installation(dataclasses.replace(settings.installation, cbs_online=True))
    home.mkdir(parents=True)
    with respx.mock() as router:
        StatLineV3("84799NED", page_size=40).route(router)
        result = dg.materialize([cbs_family_asset(KWB_2020)], resources=build_resources(online))
    assert result.success
    with duckdb.connect(str(settings.warehouse)) as con:  # every other source: present, empty
        for family in REGISTRY.values():
            ensure_table(con, family)
        for spec in source_specs().values():
            ensure_tables(con, spec)
        ensure_check_results(con)
    target = tmp_path_factory.mktemp("dbt")
    build = subprocess.run(
        dbt_command(settings, "build", "--select", "+fct_indicator", "--exclude", "resource_type:unit_test",
                    "--target-path", str(target), "--log-path", str(target), "--quiet"),
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return settings, result


def indicators(settings, sql, params=()):
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_the_asset_stores_and_loads_the_real_release_for_the_two_gemeenten(real_2020):
    settings, result = real_2020
    (materialization,) = result.asset_materializations_for_node("raw__cbs_kerncijfers_wijken_buurten")
    # NL00 + Almelo (1 gemeente, 11 wijken, 68 buurten) + Borne (1, 2, 16) = 100 regions x 14 measures
    assert materialization.metadata["observations_loaded"].value == 100 * 14
    assert materialization.metadata["new_releases"].value == "84799NED"
    assert materialization.metadata["not_published"].value == "none"
    # cbs-check offline on the stored real snapshot
    (check,) = check_offline(KWB_2020, SnapshotStore(settings.snapshots / "cbs")).tables
    assert (check.status, check.found["AantalInwoners"], check.periods) == ("ok", "AantalInwoners_5", ["2020"])


def value(settings, code, region):
    rows = indicators(
        settings,
        "SELECT waarde, teller, noemer, is_onderdrukt, onderdrukt_reden, is_synthetisch, bron FROM marts.fct_indicator "
        "WHERE indicator_code = ? AND regio_code = ? AND periode = '2020JJ00' AND uitsplitsing = 'totaal'",
        [code, region],
    )
    assert len(rows) == 1, (code, region, rows)
    return rows[0]


def test_almelo_inhabitants_and_bijstand_from_the_real_file_reach_fct_indicator(real_2020):
    settings, _ = real_2020
    source = "CBS Kerncijfers wijken en buurten"  # real data: no "(synthetische demodata)"
    assert value(settings, "INWONERS", "GM0141") == (73107, 73107, None, False, None, False, source)
    # bijstand: 2,980 persons of 73,107 inhabitants -> 2980 * 1000 / 73107 = 40.762 -> 40.8 (one decimal)
    assert value(settings, "BIJSTAND_PER_1000", "GM0141")[:4] == (round(2980 * 1000 / 73107, 1), 2980, 73107, False)
    assert round(2980 * 1000 / 73107, 1) == 40.8
    # 65 and older: 14,498 of 73,107 = 19.83 %
    assert value(settings, "PCT_65_PLUS", "GM0141")[0] == round(14498 * 100 / 73107, 1) == 19.8
    # a wijk: Wijk 10 Binnenstad, 5,530 inhabitants (rounded to 5 by CBS), 350 with bijstand -> 63.3
    assert value(settings, "INWONERS", "WK014110")[0] == 5530
    assert value(settings, "BIJSTAND_PER_1000", "WK014110")[0] == round(350 * 1000 / 5530, 1) == 63.3
    # Borne
    assert value(settings, "INWONERS", "GM0147")[0] == 23312
    assert value(settings, "BIJSTAND_PER_1000", "GM0147")[0] == round(320 * 1000 / 23312, 1) == 13.7


def test_the_empty_wmo_and_jeugdzorg_cells_of_the_march_2021_release_are_unknown_never_zero(real_2020):
    settings, _ = real_2020
    for code in ("WMO_CLIENTEN_PER_1000", "JEUGDZORG_PCT"):
        assert value(settings, code, "GM0141")[:5] == (None, None, None, True, "CBS: geheim of onbekend")
    assert indicators(
        settings,
        "SELECT DISTINCT value, value_status FROM raw.cbs_kerncijfers_wijken_buurten "
        "WHERE measure IN ('WmoClienten', 'WmoClientenRelatief') AND region_code IN ('GM0141', 'GM0147')",
    ) == [(None, "missing")]
    # the region dimension has the real names, on the 2020 classification
    assert indicators(
        settings,
        "SELECT regio_naam, soort_regio, ouder_code FROM marts.dim_regio "
        "WHERE regio_code = 'WK014110' AND indeling_jaar = 2020",
    ) == [("Wijk 10 Binnenstad", "wijk", "GM0141")]
