import json

from pipelines.demo.cbs_kerncijfers import kerncijfers_documents
from pipelines.demo.geography import YEARS, demo_region, rng
from pipelines.demo.statline import round_to_5
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.cbs.v3 import stem

FAMILY = load_registry()["kerncijfers_wijken_buurten"]


def rows_of(year):
    documents = kerncijfers_documents(FAMILY.tables[str(year)], year)
    page = json.loads(documents["TypedDataSet/0001.json"])["value"]
    return documents, [{stem(k): v for k, v in row.items()} for row in page]


def test_generation_is_deterministic_byte_for_byte():
    assert kerncijfers_documents("84799NED", 2020) == kerncijfers_documents("84799NED", 2020)


def test_column_suffixes_change_between_editions_like_cbs():
    def wmo_key(year):
        documents = kerncijfers_documents(FAMILY.tables[str(year)], year)
        props = json.loads(documents["DataProperties.json"])["value"]
        return next(p["Key"] for p in props if p["Key"].startswith("WmoClienten_"))

    assert len({wmo_key(year) for year in YEARS}) == len(YEARS)


def test_wijk_counts_are_rounded_to_5_and_keys_padded_the_gemeente_row_is_exact():
    _, rows = rows_of(2021)
    wijken = [r for r in rows if r["SoortRegio"].strip() == "Wijk"]
    assert len(wijken) == sum(len(g.wijken_in(2021)) for g in demo_region()) == 79
    assert all(r["AantalInwoners"] % 5 == 0 for r in wijken)
    assert all(r["WmoClienten"] is None or r["WmoClienten"] % 5 == 0 for r in wijken)
    assert all(len(r["WijkenEnBuurten"]) == 10 for r in rows)
    almelo = next(r for r in rows if r["WijkenEnBuurten"].strip() == "GM0141")
    assert almelo["AantalInwoners"] == 73728  # the exact total, not a multiple of 5


def test_small_care_counts_are_secret():
    _, rows = rows_of(2021)
    tiny = next(r for r in rows if r["WijkenEnBuurten"].strip() == "WK014110")
    assert tiny["AantalInwoners"] == 140 and tiny["WmoClienten"] is None and tiny["WmoClientenRelatief"] is None


def test_everything_says_synthetic():
    documents, _ = rows_of(2019)
    info = json.loads(documents["TableInfos.json"])["value"][0]
    assert "SYNTHETISCHE DEMODATA" in info["Title"]


def test_random_rounding_keeps_the_mean():
    r = rng("test")
    values = [round_to_5(12.0, r) for _ in range(4000)]
    assert set(values) == {10, 15}
    assert abs(sum(values) / len(values) - 12.0) < 0.2
