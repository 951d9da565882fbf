"""A second installation, not the demo, built end to end: Borne with Almelo as its peer group, on CBS's real
Kerncijfers wijken en buurten 2020 (84799NED, release of March 2021), fetched through the HTTP mock that serves
the real excerpt as opendata.cbs.nl does (tests/real_statline.py), then the full refresh and the dashboard build.

Nothing in it is synthetic, so nothing on its dashboards may say so; its titles name its own peer group and its
filters open on its own gemeente and latest year. (The demo profile still shows its label: the committed demo
build, tests/unit/test_dashboards_assets.py, and the browser test.)
"""

import dataclasses
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import respx
import yaml
from real_statline import StatLineV3

from dashboards.build import build_tree
from pipelines.assets.cbs import cbs_family_asset
from pipelines.config import Settings
from pipelines.resources import build_resources
from pipelines.sources.cbs.registry import load_registry

pytestmark = [pytest.mark.integration, pytest.mark.slow]
INSTALLATION = Path(__file__).parents[1] / "fixtures" / "installations" / "borne.yaml"


@pytest.fixture(scope="module")
def borne(tmp_path_factory, full_refresh):
    home = tmp_path_factory.mktemp("borne") / "sbm"
    home.mkdir()
    settings = Settings.from_env({"SBM_HOME": str(home), "SBM_INSTALLATION": str(INSTALLATION)})
    # first refresh online (the installation's editions: 2020 only), for the one table the mock can serve ...
    online = settings.with_installation(dataclasses.replace(settings.installation, cbs_online=True))
    with respx.mock() as router:
        StatLineV3("84799NED", page_size=40).route(router)
        fetched = dg.materialize(
            [cbs_family_asset(load_registry()["kerncijfers_wijken_buurten"])], resources=build_resources(online)
        )
    assert fetched.success
    # ... then the whole pipeline, offline, from the stored snapshot
    result = full_refresh(settings)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return settings, build_tree(settings.serving, settings.installation)


def rows(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_the_real_figures_reach_the_serving_file_on_the_installations_classification(borne):
    settings, _ = borne
    assert rows(
        settings.serving,
        "SELECT regio_code, teller FROM fct_indicator WHERE indicator_code = 'INWONERS' AND regio_niveau = 'gemeente' "
        "ORDER BY 1",
    ) == [("GM0141", 73107), ("GM0147", 23312)]  # the real 84799NED, 1 January 2020
    assert rows(settings.serving, "SELECT DISTINCT indeling_jaar, jaar FROM fct_indicator") == [(2020, 2020)]


def test_nothing_in_the_serving_file_is_synthetic_or_says_so(borne):
    settings, _ = borne
    with duckdb.connect(str(settings.serving), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal "
            "AND database_name = current_database()"
        ).fetchall()

        def count(table, condition):
            return con.execute(f'SELECT count(*) FROM "{table}" WHERE {condition}').fetchone()[0]

        flagged = [t for t, c, _ in columns if c == "is_synthetisch" and count(t, f'"{c}"')]
        said = [(t, c) for t, c, kind in columns if kind == "VARCHAR" and count(t, f"\"{c}\" ILIKE '%synthet%'")]
    assert (flagged, said) == ([], [])
    assert len(columns) > 300  # every mart was published


def test_its_dashboards_carry_no_synthetic_label_and_follow_the_installation(borne):
    _, tree = borne
    shown = {path: text for path, text in tree.items() if path.startswith(("charts/", "dashboards/"))}
    assert [path for path, text in shown.items() if "synthet" in text.lower()] == []
    assert not any("twente" in text.lower() or "almelo" in text.lower().replace("borne en almelo", "")
                   for text in shown.values())  # fmt: skip
    titles = {yaml.safe_load(text)["slice_name"] for path, text in shown.items() if path.startswith("charts/")}
    assert "Wmo-cliënten per 1.000 inwoners per gemeente (vergelijkingsgroep Borne en Almelo)" in titles
    defaults = {}
    for path, text in shown.items():
        if path.startswith("dashboards/"):
            dashboard = yaml.safe_load(text)
            for native in dashboard["metadata"]["native_filter_configuration"]:
                value = native["defaultDataMask"]["filterState"].get("value")
                defaults.setdefault(native["name"], set()).add(value[0] if value else None)
    # Borne's own name, its first wijk (WK014700 "Wijk 00 Borne" in 84799NED), the one year it has
    assert defaults["Gemeente"] == {"Borne"} and defaults["Jaar"] == {2020}
    assert defaults["Wijk"] == {None, "Wijk 00 Borne"}  # the ecosystem's wijk filter has no default
