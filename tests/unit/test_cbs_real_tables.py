"""The readers, the client and cbs-check on real CBS responses (tests/fixtures/cbs-statline, excerpts of CBS's own
84799NED, 83765NED and 45012NED; see the README there), not on tables this project wrote. Expected values are
read off the fixture files by hand and written out here."""

import dataclasses
import json

import duckdb
import httpx
import pytest
import respx
from real_statline import FIXTURES, StatLineV3, data_properties, parquet_rows

from pipelines.sources.cbs import v3, v4
from pipelines.sources.cbs.check import check_documents, check_offline, snapshot_documents
from pipelines.sources.cbs.client import CbsClient
from pipelines.sources.cbs.fetch import fetch_family
from pipelines.sources.cbs.load import load_family
from pipelines.sources.cbs.observations import AmbiguousMeasureError, find_measure, resolve
from pipelines.sources.cbs.registry import Measure, load_registry
from pipelines.sources.cbs.snapshots import SnapshotStore

REGISTRY = load_registry()
KWB = REGISTRY["kerncijfers_wijken_buurten"]
KWB_2020 = dataclasses.replace(KWB, tables={"2020": "84799NED"})  # the registry's family, this one edition
REPEATED = {"Appartement", "Tussenwoning", "Hoekwoning", "TweeOnderEenKapWoning", "VrijstaandeWoning", "Huurwoning",
            "EigenWoning"}  # fmt: skip


@pytest.fixture(scope="module")
def kwb_2020():
    return v3.layout_of(data_properties(FIXTURES / "84799NED" / "DataProperties.parquet"), "84799NED")


def test_kwb_2020_topic_keys_are_suffixed_by_their_order_among_topics_and_seven_stems_repeat(kwb_2020):
    assert (kwb_2020.geo, kwb_2020.geo_kind, kwb_2020.time, kwb_2020.dimensions) == (
        "WijkenEnBuurten", "GeoDetail", None, ())  # fmt: skip
    assert len(kwb_2020.topics) == 116
    assert all(t.key == f"{t.stem}_{n}" for n, t in enumerate(kwb_2020.topics, 1))
    stems = [t.stem for t in kwb_2020.topics]
    assert {s for s in stems if stems.count(s) > 1} == REPEATED
    # TopicGroups: Key "" and Position null; a topic's Position counts the dimension before it
    properties = data_properties(FIXTURES / "84799NED" / "DataProperties.parquet")
    groups = [p for p in properties if p["Type"] == "TopicGroup"]
    assert len(groups) == 40 and {(p["Key"], p["Position"]) for p in groups} == {("", None)}
    assert next(p for p in properties if p["Key"] == "WmoClienten_89")["Position"] == 89
    assert properties[0]["odata.type"] == "Cbs.OData.GeoDetail" and properties[0]["Position"] == 0


def test_every_kwb_registry_measure_is_found_once_in_the_real_2020_table(kwb_2020):
    found, missing = resolve(kwb_2020, KWB.measures, "84799NED")
    assert missing == []
    assert {name: t.key for name, t in found.items()} == {
        "Gemeentenaam": "Gemeentenaam_1", "SoortRegio": "SoortRegio_2", "Codering": "Codering_3",
        "AantalInwoners": "AantalInwoners_5", "k_0Tot15Jaar": "k_0Tot15Jaar_8", "k_15Tot25Jaar": "k_15Tot25Jaar_9",
        "k_25Tot45Jaar": "k_25Tot45Jaar_10", "k_45Tot65Jaar": "k_45Tot65Jaar_11",
        "k_65JaarOfOuder": "k_65JaarOfOuder_12",
        "PersonenPerSoortUitkeringBijstand": "PersonenPerSoortUitkeringBijstand_83",
        "JongerenMetJeugdzorgInNatura": "JongerenMetJeugdzorgInNatura_87",
        "PercentageJongerenMetJeugdzorg": "PercentageJongerenMetJeugdzorg_88",
        "WmoClienten": "WmoClienten_89", "WmoClientenRelatief": "WmoClientenRelatief_90",
    }  # fmt: skip
    # CBS pads titles ('Wmo-cliënten ', 'Aantal inkomensontvangers\xa0\xa0'); units come from the metadata
    assert (found["WmoClienten"].title, found["WmoClientenRelatief"].unit) == ("Wmo-cliënten", "per 1 000 inwoners")


def test_a_repeated_stem_is_an_error_only_when_a_registry_measure_asks_for_it_without_saying_which(kwb_2020):
    with pytest.raises(AmbiguousMeasureError) as error:
        find_measure(kwb_2020, Measure("Appartement"), "84799NED")
    assert "Appartement_48" in str(error.value) and "Appartement_56" in str(error.value)
    assert "Gemiddeld aardgasverbruik > Naar woningtype > Appartement (Appartement_56)" in str(error.value)
    gas = find_measure(kwb_2020, Measure("gas_appartement", ("Appartement",), group="Gemiddeld aardgasverbruik"), "")
    power = find_measure(kwb_2020, Measure("stroom", ("Appartement",), group="gemiddeld  ELEKTRICITEITSVERBRUIK"), "")
    assert (gas.key, gas.unit, power.key, power.unit) == ("Appartement_56", "m³", "Appartement_48", "kWh")
    # a title that CBS pads with non-breaking spaces still matches
    income = find_measure(kwb_2020, Measure("x", ("AantalInkomensontvangers",), title="Aantal inkomensontvangers"), "")
    assert income.key == "AantalInkomensontvangers_70"


@pytest.fixture(scope="module")
def kwb_2020_loaded(tmp_path_factory):
    """84799NED for Almelo and Borne, fetched by the real client from the real rows (40 per page) and loaded."""
    store = SnapshotStore(tmp_path_factory.mktemp("cbs"))
    server = StatLineV3("84799NED")
    with respx.mock() as router:
        server.route(router)
        client = CbsClient(httpx.Client(), sleep=lambda _: None)
        fetched = fetch_family(client, store, KWB_2020, ("GM0141", "GM0147"))
    con = duckdb.connect()
    result = load_family(con, store, KWB_2020, "test-load")
    return fetched.snapshots[0], server, con, result


def test_the_client_asks_for_the_registry_columns_and_pages_the_17341_region_list(kwb_2020_loaded):
    snapshot, server, _, result = kwb_2020_loaded
    files = sorted(snapshot.manifest["files"])
    # NL00 + Almelo (1 + 11 wijken + 68 buurten) + Borne (1 + 2 + 16) = 100 regions, 40 a page
    assert [f for f in files if f.startswith("WijkenEnBuurten/")] == [f"WijkenEnBuurten/000{n}.json" for n in (1, 2, 3)]
    assert [f for f in files if f.startswith("TypedDataSet/")] == [f"TypedDataSet/000{n}.json" for n in (1, 2, 3)]
    first = next(r for r in server.requests if r.url.path.endswith("/TypedDataSet"))
    selected = first.url.params["$select"].split(",")
    assert selected[:2] == ["ID", "WijkenEnBuurten"] and len(selected) == 2 + 14
    assert "startswith(WijkenEnBuurten,'GM0141')" in first.url.params["$filter"]
    assert result.observations_loaded == 100 * 14 and result.not_published == {}


def test_almelo_2020_as_cbs_published_it_padded_keys_trimmed_and_empty_care_cells_missing_not_zero(kwb_2020_loaded):
    _, _, con, _ = kwb_2020_loaded
    got = dict(
        ((region, measure), (value, text, status))
        for region, measure, value, text, status in con.execute(
            "SELECT region_code, measure, value, value_text, value_status FROM raw.cbs_kerncijfers_wijken_buurten"
        ).fetchall()
    )
    assert got[("GM0141", "AantalInwoners")] == (73107.0, None, "ok")
    assert got[("GM0141", "PersonenPerSoortUitkeringBijstand")] == (2980.0, None, "ok")
    assert got[("GM0141", "k_65JaarOfOuder")] == (14498.0, None, "ok")
    assert got[("GM0141", "Gemeentenaam")] == (None, "Almelo", "text")  # 'Almelo' padded to 40 in the file
    for care in (
        "WmoClienten",
        "WmoClientenRelatief",
        "JongerenMetJeugdzorgInNatura",
        "PercentageJongerenMetJeugdzorg",
    ):
        assert got[("GM0141", care)] == (None, None, "missing")  # the March 2021 release has no care figures yet
    assert got[("GM0147", "AantalInwoners")] == (23312.0, None, "ok")
    assert got[("WK014700", "PersonenPerSoortUitkeringBijstand")] == (310.0, None, "ok")
    assert got[("BU01411806", "PersonenPerSoortUitkeringBijstand")] == (None, None, "missing")  # 20 inhabitants
    assert got[("NL00", "AantalInwoners")] == (17407585.0, None, "ok")
    names = dict(
        con.execute("SELECT DISTINCT region_code, region_name FROM raw.cbs_kerncijfers_wijken_buurten").fetchall()
    )
    assert (names["WK014110"], names["GM0147"]) == ("Wijk 10 Binnenstad", "Borne")
    assert con.execute("SELECT DISTINCT period_key FROM raw.cbs_kerncijfers_wijken_buurten").fetchall() == [
        ("2020JJ00",)
    ]


def test_cbs_check_offline_on_the_real_2020_snapshot(kwb_2020_loaded):
    snapshot, *_ = kwb_2020_loaded
    check = check_documents(KWB, "84799NED", snapshot_documents(snapshot), "snapshot")
    assert check.status == "ok" and check.missing == [] and check.periods == ["2020"]
    assert check.found["WmoClienten"] == "WmoClienten_89"


def v4_documents(table_id: str) -> dict[str, bytes]:
    """The real v4 metadata of a table as the client stores it: Properties, Dimensions, MeasureCodes,
    MeasureGroups and the geo codes."""
    folder = FIXTURES / table_id

    def doc(rows: list[dict]) -> bytes:
        return json.dumps({"value": rows}, ensure_ascii=False, default=str).encode()

    documents = {"Properties.json": (folder / "Properties.json").read_bytes()}
    for name in ("Dimensions", "MeasureCodes", "MeasureGroups"):
        documents[f"{name}.json"] = doc(parquet_rows(folder / f"{name}.parquet"))
    documents["WijkenEnBuurtenCodes/0001.json"] = doc(parquet_rows(folder / "WijkenEnBuurtenCodes.parquet"))
    return documents


def test_kwb_2017_v4_metadata_has_no_wmo_or_jeugdzorg_measures_and_the_check_expects_that():
    documents = v4_documents("83765NED")
    layout = v4.layout_of(
        *(json.loads(documents[f"{n}.json"])["value"] for n in ("Dimensions", "MeasureCodes", "MeasureGroups")),
        "83765NED",
    )
    assert (layout.geo, layout.geo_kind, layout.time) == ("WijkenEnBuurten", "GeoDetail", None)
    assert not [t for t in layout.topics if "wmo" in t.title.lower() or "jeugdzorg" in t.title.lower()]
    # v4 measure codes are stable; the repeated titles are told apart by their groups, as in v3
    gas = find_measure(layout, Measure("gas", ("ZW25810_1", "ZW25810_2"), group="Gemiddeld aardgasverbruik"), "")
    assert (gas.key, gas.groups) == ("ZW25810_2", ("Energie", "Gemiddeld aardgasverbruik", "Naar woningtype"))
    family = dataclasses.replace(
        KWB,
        api="v4",
        tables={"2017": "83765NED"},
        measures=(Measure("AantalInwoners", ("T001036",)), Measure("Bijstand", ("D006842",)), Measure("WmoClienten")),
        not_published={"83765NED": ("WmoClienten",)},
    )
    check = check_documents(family, "83765NED", documents, "snapshot")
    assert check.found == {"AantalInwoners": "T001036", "Bijstand": "D006842"}
    assert (check.expected_absent, check.missing, check.status, check.periods) == (["WmoClienten"], [], "ok", ["2017"])
    # without the registry saying so, the same table is reported as differing
    assert check_documents(dataclasses.replace(family, not_published={}), "83765NED", documents, "s").status == (
        "deviation"
    )


@pytest.fixture(scope="module")
def iv3_2013(tmp_path_factory):
    """Iv3 provincies 2013 (45012NED, dataderden) for Overijssel, two functies, through the real client."""
    family = dataclasses.replace(REGISTRY["iv3_lasten"], tables={"2013": "45012NED"}, verified={}, not_published={})
    store = SnapshotStore(tmp_path_factory.mktemp("iv3"))
    with respx.mock() as router:
        StatLineV3("45012NED", catalog="dataderden", page_size=250).route(router)
        fetched = CbsClient(httpx.Client(), sleep=lambda _: None).fetch_v3(
            "dataderden", "45012NED", measures=family.measures, region_filter=lambda key: f"startswith({key},'PV23')"
        )
    store.write("dataderden", "45012NED", fetched.documents, source_url=fetched.source_url)
    con = duckdb.connect()
    result = load_family(con, store, family, "test-load")
    return family, store, con, result


def test_the_iv3_cube_with_functie_and_1ste_plaatsing_loads_under_the_registry_names(iv3_2013):
    _, _, con, result = iv3_2013
    assert result.observations_loaded == 672 * 2 and result.not_published == {}
    got = con.execute(
        """SELECT dimensions['FunctieKostenplaatsBalanspost'], dimensions['Categorie'], dimensions['Verslagsoort'],
                  dimension_titles['Categorie'], measure, measure_key, unit, value, period_key
           FROM raw.cbs_iv3 WHERE region_code = 'PV23' AND dimensions['Categorie'] = 'L8.2'
             AND dimensions['FunctieKostenplaatsBalanspost'] = '7.2' AND dimensions['Verslagsoort'] = '2013X005'
           ORDER BY measure"""
    ).fetchall()
    # the file: 7.2 / L8.2 / 2013X005 -> 11015.0 in both placements; keys padded to 6, 8 and 9 in the file
    assert got == [
        ("7.2", "L8.2", "2013X005", "L8.2 Overige verrekeningen", "k_1ePlaatsing", "k_1stePlaatsing_1", "1 000 euro",
         11015.0, "2013JJ00"),
        ("7.2", "L8.2", "2013X005", "L8.2 Overige verrekeningen", "k_2ePlaatsing", "k_2dePlaatsing_2", "1 000 euro",
         11015.0, "2013JJ00"),
    ]  # fmt: skip
    # 24 cells are '.' in StatLine (null in the TypedDataSet): missing, not zero
    assert con.execute(
        "SELECT count(*) FROM raw.cbs_iv3 WHERE measure = 'k_1ePlaatsing' AND value_status = 'missing'"
    ).fetchall() == [(24,)]


def test_cbs_check_finds_the_iv3_roles_under_their_older_names(iv3_2013):
    family, store, *_ = iv3_2013
    (table,) = check_offline(family, store).tables
    assert (table.status, table.dimensions_missing, table.dimensions_unknown) == ("ok", [], [])
    assert table.found == {"k_1ePlaatsing": "k_1stePlaatsing_1", "k_2ePlaatsing": "k_2dePlaatsing_2"}
