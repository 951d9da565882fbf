"""Issue 5's marts on the demo region: one value of each, recomputed here from the demo's raw inputs (the
synthetic CBS tables and gemeente files as the generator writes them, and the CPB profile), not from the models."""

import csv
import json
import re
import statistics
from collections import defaultdict

import duckdb
import pytest

from demo.cbs_finance import iv3_tables, wmo_kosten_tables
from demo.cbs_kerncijfers import bevolking_leeftijd_tables, kerncijfers_documents
from demo.gemeente_files import subsidies
from demo.geography import demo_region
from pipelines.config import DBT_PROJECT_DIR
from pipelines.sources.cbs.registry import load_registry

pytestmark = pytest.mark.integration
REGISTRY = load_registry()
ALMELO = demo_region()[0]


def query(path, sql, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def rows_of(documents):
    """Every data row of a table's pages, keyed by column stem (the suffix CBS appends removed)."""
    rows = []
    for name, body in sorted(documents.items()):
        if name.startswith(("TypedDataSet/", "UntypedDataSet/")):
            rows += [
                {k.rsplit("_", 1)[0] if k[-1].isdigit() else k: v for k, v in r.items()}
                for r in json.loads(body)["value"]
            ]
    return rows


def inhabitants(code, year):
    documents = kerncijfers_documents(REGISTRY["kerncijfers_wijken_buurten"], year)
    (row,) = [r for r in rows_of(documents) if r["WijkenEnBuurten"].strip() == code]
    return row["AantalInwoners"], row["WmoClienten"]


def indicator(serving, code, region, periode, uitsplitsing="totaal"):
    (value,) = query(
        serving,
        "SELECT waarde FROM fct_indicator WHERE indicator_code = ? AND regio_code = ? "
        "AND periode = ? AND uitsplitsing = ?",
        [code, region, periode, uitsplitsing],
    )[0]
    return value


def test_observed_over_expected_wmo_cost_of_almelo_in_2022(demo_pipeline):
    # observed: CBS Wmo spending, all maatwerkvoorzieningen, realised, x 1 000 euro (2022 prices: CPI factor 1)
    (observed_row,) = [
        r
        for r in rows_of(wmo_kosten_tables(REGISTRY["wmo_kosten"])[0].documents)
        if r["RegioS"].strip() == "GM0141" and r["Perioden"] == "2022JJ00" and r["TypeMaatwerkvoorziening"] == "T001024"
    ]
    observed = observed_row["GerealiseerdeUitgaven"] * 1000
    # expected: inhabitants per single year of age x national Wmo spending per inhabitant of that age (CPB 2022)
    with open(DBT_PROJECT_DIR / "seeds" / "cpb_uitgaven_per_leeftijd.csv", encoding="utf-8") as seed:
        profile = {int(r["leeftijd"]): float(r["wmo_per_inwoner"]) for r in csv.DictReader(seed)}
    table = bevolking_leeftijd_tables(REGISTRY["bevolking_leeftijd"])[0].documents
    # single years by their title ("37 jaar", "105 jaar of ouder"), not the total or groups ("0 tot 5 jaar");
    # the CPB profile's last age is "99 en ouder"
    age_of = {
        c["Key"]: min(int(c["Title"].split()[0]), 99)
        for c in json.loads(table["Leeftijd/0001.json"])["value"]
        if re.fullmatch(r"\d+ jaar( of ouder)?", c["Title"])
    }
    ages = [r for r in rows_of(table) if r["RegioS"].strip() == "GM0141" and r["Perioden"] == "2022JJ00"]
    ages = [r for r in ages if r["Leeftijd"] in age_of]
    assert len(ages) == 106  # 0..104 and "105 jaar of ouder"
    expected = sum(r["BevolkingOp1Januari"] * profile[age_of[r["Leeftijd"]]] for r in ages)
    assert indicator(demo_pipeline.serving, "WMO_KOSTEN_WERKELIJK_VERWACHT", "GM0141", "2022JJ00") == round(
        observed / expected, 2
    )


def test_cost_trend_of_almelo_household_help_in_2023(demo_pipeline):
    # Iv3 2023: taakveld 6.71a (huishoudelijke hulp, a group of the 2023 code list only), lasten L1.1 + L3.4,
    # second placement, x 1 000 euro; jaarrekening (X005) against begroting (X000)
    iv3 = {t.table_id: t for t in iv3_tables(REGISTRY["iv3_lasten"])}
    rows = [
        r
        for r in rows_of(iv3[REGISTRY["iv3_lasten"].tables["2023"]].documents)
        if r["Gemeenten"].strip() == "GM0141" and r["TaakveldBalanspost"].strip() == "6.71a"
    ]
    realised = sum(r["k_2ePlaatsing"] for r in rows if r["Verslagsoort"] == "2023X005") * 1000
    budget = sum(r["k_2ePlaatsing"] for r in rows if r["Verslagsoort"] == "2023X000") * 1000
    people, _ = inhabitants("GM0141", 2023)
    got = query(
        demo_pipeline.serving,
        "SELECT lasten_realisatie, per_inwoner, afwijking_pct, is_trendbaar, trendgroep "
        "FROM fct_kostentrend WHERE gemeente_code = 'GM0141' AND jaar = 2023 "
        "AND analysegroep = 'wmo_hbh'",
    )
    assert got == [
        (
            realised,
            round(realised / people),
            round((realised - budget) / budget * 100, 1),
            False,
            "wmo_maatwerkdienstverlening",
        )
    ]


def test_the_financing_score_of_almelo_against_twente_in_2024(demo_pipeline):
    serving = demo_pipeline.serving
    codes = [
        code
        for (code,) in query(
            serving,
            "SELECT code FROM dim_indicator WHERE element_code = 'financiering' "
            "AND in_score AND niveaus LIKE '%gemeente%' ORDER BY 1",
        )
    ]
    assert codes == ["LASTEN_SAMENKRACHT_PER_INWONER", "PREVENTIE_RATIO", "SUBSIDIE_SOCIALE_BASIS_PER_INWONER"]
    z_scores = []
    for code in codes:  # all three: higher is better
        values = dict(
            query(
                serving,
                "SELECT regio_code, waarde FROM fct_indicator WHERE indicator_code = ? "
                "AND regio_niveau = 'gemeente' AND jaar = 2024",
                [code],
            )
        )
        assert len(values) == 14
        z_scores.append((values["GM0141"] - statistics.mean(values.values())) / statistics.pstdev(values.values()))
    score = round(max(0, min(10, 5 + 2 * statistics.mean(z_scores))), 1)
    assert query(
        serving,
        "SELECT score, aantal_indicatoren FROM fct_ecosysteem_score WHERE regio_code = 'GM0141' "
        "AND jaar = 2024 AND element_code = 'financiering' AND peergroep = 'twente'",
    ) == [(score, 3)]
    # an element without data for a region says so instead of showing a zero
    assert query(
        serving,
        "SELECT DISTINCT score, status FROM fct_ecosysteem_score WHERE regio_niveau = 'gemeente' "
        "AND jaar = 2016 AND element_code = 'stakeholderdialoog'",
    ) == [(None, "geen gegevens")]


def test_subsidy_per_inhabitant_of_binnenstad_next_to_its_wmo_use_a_year_later(demo_pipeline):
    # the demo register's grants for WK014101 in 2020 (the bad rows of the file are quarantined, not counted)
    granted = sum(s.granted for s in subsidies(ALMELO) if s.wijk == "WK014101" and s.year == 2020)
    people_2020, _ = inhabitants("WK014101", 2020)
    people_2021, wmo_2021 = inhabitants("WK014101", 2021)
    assert query(
        demo_pipeline.serving,
        """
        SELECT investering_waarde, zorg_waarde, interpretatie FROM fct_investering_zorg
        WHERE regio_code = 'WK014101' AND investering_indicator = 'SUBSIDIE_SOCIALE_BASIS_PER_INWONER'
          AND investering_jaar = 2020 AND zorg_indicator = 'WMO_CLIENTEN_PER_1000' AND vertraging_jaren = 1""",
    ) == [(round(granted / people_2020, 2), round(wmo_2021 * 1000 / people_2021, 1), "samenhang, geen oorzaak-gevolg")]


def test_correlation_of_samenkracht_spending_and_wmo_use_one_year_later(demo_pipeline):
    serving = demo_pipeline.serving
    spend = dict(
        ((r, y), v)
        for r, y, v in query(
            serving,
            "SELECT regio_code, jaar, waarde FROM fct_indicator WHERE "
            "indicator_code = 'LASTEN_SAMENKRACHT_PER_INWONER' AND regio_niveau = 'gemeente'",
        )
    )
    wmo = dict(
        ((r, y), v)
        for r, y, v in query(
            serving,
            "SELECT regio_code, jaar, waarde FROM fct_indicator WHERE "
            "indicator_code = 'WMO_CLIENTEN_PER_1000' AND regio_niveau = 'gemeente'",
        )
    )
    pairs = [(value, wmo[(region, year + 1)]) for (region, year), value in spend.items() if (region, year + 1) in wmo]
    assert len(pairs) == 14 * 7  # Iv3 2017-2023 with Wmo use a year later
    assert query(
        serving,
        "SELECT aantal_paren, correlatie FROM fct_investering_zorg_samenhang WHERE "
        "regio_niveau = 'gemeente' AND investering_indicator = 'LASTEN_SAMENKRACHT_PER_INWONER' "
        "AND zorg_indicator = 'WMO_CLIENTEN_PER_1000' AND vertraging_jaren = 1",
    ) == [(len(pairs), round(statistics.correlation(*zip(*pairs, strict=True)), 3))]


def test_the_wijkprofiel_of_binnenstad_in_2024_puts_its_clearest_strength_first(demo_pipeline):
    serving = demo_pipeline.serving
    people, wmo = inhabitants("WK014101", 2024)
    # z of every directed indicator against the Twente wijken of 2024, direction-aware; the clearest first
    directed = dict(query(serving, "SELECT code, richting FROM dim_indicator WHERE richting <> 'neutraal'"))
    values = defaultdict(dict)
    for code, region, value in query(
        serving,
        "SELECT indicator_code, regio_code, waarde FROM fct_indicator WHERE "
        "regio_niveau = 'wijk' AND jaar = 2024 AND uitsplitsing = 'totaal' "
        "AND NOT is_halfjaar AND waarde IS NOT NULL",
    ):
        if code in directed:
            values[code][region] = value
    z = {}
    for code, by_region in values.items():
        spread = statistics.pstdev(by_region.values())
        if "WK014101" in by_region and len(by_region) >= 3 and spread > 0:
            sign = -1 if directed[code] == "hoger_slechter" else 1
            z[code] = sign * (by_region["WK014101"] - statistics.mean(by_region.values())) / spread
    strongest = max(z, key=z.get)
    assert z[strongest] >= 0.5
    names = dict(query(serving, "SELECT code, naam FROM dim_indicator"))
    ((inwoners, wmo_rate, strengths),) = query(
        serving,
        "SELECT inwoners, wmo_clienten_per_1000, sterke_punten "
        "FROM fct_wijkprofiel WHERE wijk_code = 'WK014101' AND jaar = 2024",
    )
    assert (inwoners, wmo_rate) == (people, round(wmo * 1000 / people, 1))
    assert strengths.split("; ")[0] == names[strongest]


def test_the_catalogue_covers_every_element_and_every_published_indicator(demo_pipeline):
    serving = demo_pipeline.serving
    per_element = dict(
        query(
            serving,
            "SELECT element_code, count(*) FILTER (WHERE in_score) FROM dim_indicator "
            "WHERE element_code IS NOT NULL GROUP BY 1",
        )
    )
    assert len(per_element) == 8 and min(per_element.values()) >= 2  # at least two per element
    # in the demo each wijk's knowledge and dialogue scores rest on two: the wijkmonitor question and the subsidies
    assert query(
        serving,
        "SELECT element_code, min(aantal_indicatoren), max(aantal_indicatoren) FROM fct_ecosysteem_score "
        "WHERE regio_niveau = 'wijk' AND jaar = 2024 AND peergroep = 'twente' "
        "AND element_code IN ('kennisinfrastructuur', 'stakeholderdialoog') GROUP BY 1 ORDER BY 1",
    ) == [("kennisinfrastructuur", 2, 2), ("stakeholderdialoog", 2, 2)]
    assert query(
        serving, "SELECT count(*) FROM fct_indicator WHERE indicator_code NOT IN (SELECT code FROM dim_indicator)"
    ) == [(0,)]


def test_almelo_own_care_data_in_2023_from_the_demo_care_history(demo_pipeline):
    from demo.care_history import care_history, in_care

    # the trajectories the demo writes as allocations, start/stop reports and invoices (Almelo's export)
    wmo = [t for t in care_history(ALMELO, 0) if t.product.wet == "wmo"]
    clients = sum(in_care(t, 2023) for t in wmo)
    new = sum(in_care(t, 2023) and not in_care(t, 2022) for t in wmo)
    ended = [(t.end - t.start).days for t in wmo if t.end is not None and t.end.year == 2023]
    population, _ = inhabitants("GM0141", 2023)
    assert (clients, new, len(ended)) == (6193, 1510, 1513)
    serving = demo_pipeline.serving
    assert indicator(serving, "EIGEN_CLIENTEN_PER_1000", "GM0141", "2023JJ00", "wmo:totaal") == round(
        clients * 1000 / population, 1
    )  # 6193 x 1000 / 74081 = 83.6
    assert indicator(serving, "EIGEN_INSTROOM_PER_1000", "GM0141", "2023JJ00", "wmo:totaal") == round(
        new * 1000 / population, 1
    )
    assert indicator(serving, "EIGEN_ZORGDUUR_MEDIAAN_DAGEN", "GM0141", "2023JJ00", "wmo:totaal") == statistics.median(
        ended
    )  # 739 days
