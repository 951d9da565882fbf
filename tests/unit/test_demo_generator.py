import json

import duckdb
from real_statline import FIXTURES

from demo.cbs_care import wmo_type_tables
from demo.cbs_finance import iv3_tables
from demo.cbs_kerncijfers import kerncijfers_documents, kerncijfers_properties
from demo.geography import YEARS, demo_region, rng
from demo.statline import round_to_5
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.cbs.v3 import stem

REGISTRY = load_registry()
FAMILY = REGISTRY["kerncijfers_wijken_buurten"]


def rows_of(year, **options):
    documents = kerncijfers_documents(FAMILY, year, **options)
    page = json.loads(documents["TypedDataSet/0001.json"])["value"]
    return documents, [{stem(k): v for k, v in row.items()} for row in page]


def test_generation_is_deterministic_byte_for_byte():
    assert kerncijfers_documents(FAMILY, 2020) == kerncijfers_documents(FAMILY, 2020)


def test_the_2020_demo_table_has_the_metadata_shape_of_the_real_84799NED():
    """Every DataProperties entry of the real table (type, key with its suffix, title, ID, Position, ParentID, unit,
    datatype, default, presentation) is in the demo's, in the same order: the demo runs the paths reality will."""
    fields = (
        "ID",
        "Position",
        "ParentID",
        "Type",
        "Key",
        "Datatype",
        "Unit",
        "Decimals",
        "Default",
        "PresentationType",
    )
    with duckdb.connect() as con:
        cursor = con.execute(
            f"SELECT {', '.join(f'{chr(34)}{f}{chr(34)}' for f in fields)}, trim(Title) "
            f"FROM '{FIXTURES / '84799NED' / 'DataProperties.parquet'}' ORDER BY ID"
        )
        real = cursor.fetchall()
    demo = [(*(p.get(f) for f in fields), p["Title"].strip()) for p in kerncijfers_properties(2020)]
    assert demo == real


def test_column_suffixes_move_between_editions_as_in_the_real_tables():
    def key(year, name):
        return next(p["Key"] for p in kerncijfers_properties(year) if p["Key"].startswith(f"{name}_"))

    # 2018 and 2024 as public code reads them, 2020 as in the real file
    assert [key(y, "WmoClienten") for y in (2018, 2020, 2024)] == ["WmoClienten_86", "WmoClienten_89", "WmoClienten_93"]
    assert key(2018, "PersonenPerSoortUitkeringBijstand") == "PersonenPerSoortUitkeringBijstand_80"
    # up to 2017 the Kerncijfers have no Wmo or jeugdzorg topics at all
    assert not [p for p in kerncijfers_properties(2017) if p["Key"].startswith(("WmoClienten", "JongerenMet"))]


def test_the_first_2020_release_has_empty_care_cells_the_second_fills_them():
    _, first = rows_of(2020, care_filled=False)
    _, second = rows_of(2020)
    almelo = [next(r for r in rows if r["WijkenEnBuurten"].strip() == "GM0141") for rows in (first, second)]
    assert almelo[0]["WmoClienten"] is None and almelo[0]["JongerenMetJeugdzorgInNatura"] is None
    assert almelo[1]["WmoClienten"] > 0 and almelo[0]["AantalInwoners"] == almelo[1]["AantalInwoners"]


def test_wijk_counts_are_rounded_to_5_and_keys_padded_the_gemeente_row_is_exact():
    _, rows = rows_of(2021)
    wijken = [r for r in rows if r["SoortRegio"].strip() == "Wijk"]
    assert len(wijken) == sum(len(g.wijken_in(2021)) for g in demo_region()) == 79
    assert all(r["AantalInwoners"] % 5 == 0 for r in wijken)
    assert all(r["WmoClienten"] is None or r["WmoClienten"] % 5 == 0 for r in wijken)
    assert all(len(r["WijkenEnBuurten"]) == 10 for r in rows)
    almelo = next(r for r in rows if r["WijkenEnBuurten"].strip() == "GM0141")
    assert almelo["AantalInwoners"] == 73728  # the exact total, not a multiple of 5
    # only the registry's measures are columns of the data, as the client's $select asks
    assert set(almelo) == {"ID", "WijkenEnBuurten", *FAMILY.measure_names}


def test_small_care_counts_are_secret():
    _, rows = rows_of(2021)
    tiny = next(r for r in rows if r["WijkenEnBuurten"].strip() == "WK014110")
    assert tiny["AantalInwoners"] == 140 and tiny["WmoClienten"] is None and tiny["WmoClientenRelatief"] is None


def test_untyped_cells_are_text_of_the_column_width_and_iv3_keys_are_padded():
    (table, *_) = wmo_type_tables(REGISTRY["wmo_clienten_type_wijk"])
    rows = json.loads(table.documents["UntypedDataSet/0001.json"])["value"]
    clients = [r["WmoClienten_5"] for r in rows]
    assert {len(c) for c in clients} == {max(len(c.strip()) for c in clients)} and "." in {c.strip() for c in clients}
    assert {r["Perioden"][4:6] for r in rows} == {"HJ", "JJ"}  # half years beside the year
    iv3 = iv3_tables(REGISTRY["iv3_lasten"])
    row = json.loads(iv3[-1].documents["TypedDataSet/0001.json"])["value"][0]
    assert [len(row[k]) for k in ("Gemeenten", "TaakveldBalanspost", "Categorie")] == [9, 6, 8]
    assert "FunctieKostenplaatsBalanspost" in json.loads(iv3[0].documents["TypedDataSet/0001.json"])["value"][0]


def test_everything_says_synthetic():
    documents, _ = rows_of(2019)
    info = json.loads(documents["TableInfos.json"])["value"][0]
    assert "SYNTHETISCHE DEMODATA" in info["Title"]


def test_random_rounding_keeps_the_mean():
    r = rng("test")
    values = [round_to_5(12.0, r) for _ in range(4000)]
    assert set(values) == {10, 15}
    assert abs(sum(values) / len(values) - 12.0) < 0.2


def test_every_registry_edition_in_the_demo_years_has_a_demo_snapshot(tmp_path):
    from demo.cbs import write_cbs_demo
    from pipelines.sources.cbs.snapshots import SnapshotStore

    store = SnapshotStore(tmp_path)
    write_cbs_demo(store, REGISTRY)
    for family in REGISTRY.values():
        for edition, table_id in family.tables.items():
            stored = store.snapshots(family.catalog, table_id)
            assert bool(stored) == (not edition.isdigit() or int(edition) in YEARS), (family.name, table_id)
