"""The v3 reader/loader on small hand-made tables in the CBS response shape (built by demo/odata.py,
whose shape tests/unit/test_demo_generator.py holds against the real 84799NED); the real responses themselves are
in tests/unit/test_cbs_real_tables.py."""

import dataclasses
from datetime import UTC, datetime

import duckdb
import pytest

from demo.odata import data_properties, dimension, group, pad, topic, topic_keys, v3_documents
from pipelines.sources.cbs.load import load_family, load_snapshot
from pipelines.sources.cbs.observations import AmbiguousMeasureError, SnapshotFormatError
from pipelines.sources.cbs.registry import Measure, TableFamily
from pipelines.sources.cbs.snapshots import SnapshotStore

FAMILY = TableFamily(
    name="kwb",
    title="Kerncijfers",
    catalog="opendata",
    api="v3",
    raw_table="kwb",
    tables={"2019": "T2019", "2020": "T2020"},
    measures=("AantalInwoners", "WmoClienten", "Gemeentenaam"),
)


def _topic(key, datatype="Long"):
    return topic(key, key, "aantal", datatype)


def kwb_table(table_id, extra_topics, rows, *, wmo=True):
    """A Kerncijfers-shaped table; `extra_topics` shifts the numeric suffix of the later columns; without `wmo`,
    an edition that has no Wmo topic at all."""
    properties = data_properties(
        [
            dimension("WijkenEnBuurten", "Wijken en buurten", "GeoDetail"),
            _topic("Gemeentenaam", "String"),
            *(_topic(f"Extra{i}") for i in range(extra_topics)),
            _topic("AantalInwoners"),
            *([group("Zorg", _topic("WmoClienten"))] if wmo else []),
        ]
    )
    keys = topic_keys(properties)
    return v3_documents(
        table_id,
        title="t",
        period="2019",
        modified="2020-01-01T00:00:00",
        properties=properties,
        rows=[
            {
                "WijkenEnBuurten": pad(code),
                keys["Gemeentenaam"]: "Almelo   ",
                keys["AantalInwoners"]: inw,
                **({keys["WmoClienten"]: clients} if wmo else {}),
            }
            for code, inw, clients in rows
        ],
        categories={"WijkenEnBuurten": [{"Key": pad(c), "Title": f"Wijk {c}"} for c, _, _ in rows]},
    )


@pytest.fixture
def store(tmp_path):
    store = SnapshotStore(tmp_path / "cbs")
    store.write(
        "opendata",
        "T2019",
        kwb_table("T2019", 0, [("WK014101", 6215, 675), ("WK014110", 145, None)]),
        source_url="u",
        retrieved_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    # the next edition has two more topics before AantalInwoners: every suffix moves
    store.write(
        "opendata",
        "T2020",
        kwb_table("T2020", 2, [("WK014101", 6245, 680), ("WK014110", 145, ".")]),
        source_url="u",
        retrieved_at=datetime(2021, 1, 1, tzinfo=UTC),
    )
    return store


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_measures_match_on_stem_across_suffix_changes_and_keys_are_trimmed(store):
    con = duckdb.connect()
    result = load_family(con, store, FAMILY, "load-1")
    assert result.observations_loaded == 2 * 2 * 3  # 2 tables x 2 regions x 3 measures
    got = rows(
        con,
        "SELECT period_key, region_code, region_name, measure_key, value FROM raw.kwb "
        "WHERE measure = 'WmoClienten' AND region_code = 'WK014101' ORDER BY period_key",
    )
    assert got == [
        ("2019JJ00", "WK014101", "Wijk WK014101", "WmoClienten_3", 675.0),
        ("2020JJ00", "WK014101", "Wijk WK014101", "WmoClienten_5", 680.0),
    ]


def test_a_measure_an_edition_lacks_is_loaded_as_not_published_never_as_zero(tmp_path):
    store = SnapshotStore(tmp_path)
    store.write("opendata", "T2019", kwb_table("T2019", 0, [("GM0141", 72000, None)], wmo=False), source_url="u")
    con = duckdb.connect()
    result = load_family(con, store, FAMILY, "l")
    assert result.not_published == {"T2019": ["WmoClienten"]}
    assert result.unexpected(FAMILY) == {"T2019": ["WmoClienten"]}
    assert rows(con, "SELECT measure, measure_key, value, value_status FROM raw.kwb ORDER BY measure") == [
        ("AantalInwoners", "AantalInwoners_2", 72000.0, "ok"),
        ("Gemeentenaam", "Gemeentenaam_1", None, "text"),
        ("WmoClienten", None, None, "not_published"),
    ]
    # where the registry says the edition lacks it, it is not unexpected
    expected = dataclasses.replace(FAMILY, not_published={"T2019": ("WmoClienten",)})
    assert result.unexpected(expected) == {}


def test_a_repeated_stem_loads_when_the_registry_says_which_and_fails_clearly_when_it_does_not(tmp_path):
    properties = data_properties([
        dimension("WijkenEnBuurten", "Wijken en buurten", "GeoDetail"),
        group("Gemiddeld elektriciteitsverbruik", _topic("Appartement")),
        group("Gemiddeld aardgasverbruik", _topic("Appartement")),
    ])  # fmt: skip
    documents = v3_documents(
        "T2019", title="t", period="2019", modified="m", properties=properties,
        rows=[{"WijkenEnBuurten": pad("GM0141"), "Appartement_1": 2390, "Appartement_2": 1010}],
        categories={"WijkenEnBuurten": [{"Key": pad("GM0141"), "Title": "Almelo"}]},
    )  # fmt: skip
    store = SnapshotStore(tmp_path)
    store.write("opendata", "T2019", documents, source_url="u")
    gas = Measure("gas_appartement", ("Appartement",), group="Gemiddeld aardgasverbruik")
    family = dataclasses.replace(FAMILY, measures=(gas,))
    con = duckdb.connect()
    load_family(con, store, family, "l")
    got = rows(con, "SELECT measure, measure_key, value FROM raw.kwb")
    assert got == [("gas_appartement", "Appartement_2", 1010.0)]
    with pytest.raises(AmbiguousMeasureError, match="'Appartement' matches 2 topics"):
        load_family(duckdb.connect(), store, dataclasses.replace(FAMILY, measures=("Appartement",)), "l")


def test_secret_and_dot_cells_are_null_with_a_status_never_zero(store):
    con = duckdb.connect()
    load_family(con, store, FAMILY, "load-1")
    got = rows(
        con,
        "SELECT period_key, value, value_status FROM raw.kwb "
        "WHERE measure = 'WmoClienten' AND region_code = 'WK014110' ORDER BY period_key",
    )
    assert got == [("2019JJ00", None, "missing"), ("2020JJ00", None, "missing")]
    text = rows(con, "SELECT DISTINCT value_text, value, value_status FROM raw.kwb WHERE measure = 'Gemeentenaam'")
    assert text == [("Almelo", None, "text")]


def test_loading_the_same_snapshots_twice_changes_nothing(store):
    con = duckdb.connect()
    load_family(con, store, FAMILY, "load-1")
    second = load_family(con, store, FAMILY, "load-2")
    assert second.observations_loaded == 0
    assert len(second.snapshots_skipped) == 2
    assert rows(con, "SELECT DISTINCT load_id FROM raw.kwb") == [("load-1",)]


def test_every_row_names_its_snapshot_file_and_row(store):
    con = duckdb.connect()
    load_family(con, store, FAMILY, "load-1")
    (snapshot,) = store.snapshots("opendata", "T2020")
    got = rows(
        con,
        "SELECT DISTINCT snapshot_id, source_file, source_row FROM raw.kwb "
        "WHERE table_id = 'T2020' AND region_code = 'WK014110'",
    )
    assert got == [(snapshot.snapshot_id, f"opendata/T2020/{snapshot.path.name}/TypedDataSet/0001.json", 1)]


def test_status_symbols_in_text_cells_are_classified(tmp_path):
    """UntypedDataSet-style cells: '.', 'x', '-99997' and garbage are kept as NULL with their reason."""
    store = SnapshotStore(tmp_path)
    cells = [("GM0001", 1, "."), ("GM0002", 2, "x"), ("GM0003", 3, "-99997"), ("GM0004", 4, "12a"), ("GM0005", 5, "7")]
    store.write("opendata", "T2019", kwb_table("T2019", 0, cells), source_url="u")
    con = duckdb.connect()
    load_family(con, store, FAMILY, "l")
    got = rows(con, "SELECT region_code, value, value_status FROM raw.kwb WHERE measure = 'WmoClienten' ORDER BY 1")
    assert got == [
        ("GM0001", None, "missing"),
        ("GM0002", None, "secret"),
        ("GM0003", None, "secret"),
        ("GM0004", None, "unparseable"),
        ("GM0005", 7.0, "ok"),
    ]


def test_periods_from_a_time_dimension_carry_the_provisional_status(tmp_path):
    properties = data_properties(
        [
            dimension("Geslacht", "Geslacht"),
            dimension("RegioS", "Regio's", "GeoDimension"),
            dimension("Perioden", "Perioden", "TimeDimension"),
            _topic("WmoClienten"),
        ]
    )
    keys = topic_keys(properties)
    documents = v3_documents(
        "T2019",
        title="t",
        period="2022-2023",
        modified="2024-01-01T00:00:00",
        properties=properties,
        rows=[
            {"Geslacht": "T001038", "RegioS": pad("GM0141"), "Perioden": p, keys["WmoClienten"]: v}
            for p, v in (("2022JJ00", 6000), ("2023JJ00", 6100))
        ],
        categories={
            "Geslacht": [{"Key": "T001038", "Title": "Totaal mannen en vrouwen"}],
            "RegioS": [{"Key": pad("GM0141"), "Title": "Almelo"}],
            "Perioden": [
                {"Key": "2022JJ00", "Title": "2022", "Status": "Definitief"},
                {"Key": "2023JJ00", "Title": "2023*", "Status": "Voorlopig"},
            ],
        },
    )
    store = SnapshotStore(tmp_path)
    snapshot = store.write("opendata", "T2019", documents, source_url="u")
    con = duckdb.connect()
    inserted, missing = load_snapshot(con, store, FAMILY, snapshot, "l")
    assert inserted == 2 * 3 and missing == ["AantalInwoners", "Gemeentenaam"]  # those two as not_published
    got = rows(
        con,
        "SELECT period_key, is_voorlopig, dimensions['Geslacht'], dimension_titles['Geslacht'], value "
        "FROM raw.kwb WHERE measure = 'WmoClienten' ORDER BY period_key",
    )
    assert got == [
        ("2022JJ00", False, "T001038", "Totaal mannen en vrouwen", 6000.0),
        ("2023JJ00", True, "T001038", "Totaal mannen en vrouwen", 6100.0),
    ]


def test_a_table_without_any_registry_measure_is_a_clear_error(tmp_path):
    properties = data_properties([dimension("WijkenEnBuurten", "W", "GeoDimension"), _topic("Iets")])
    documents = v3_documents(
        "T2019",
        title="t",
        period="2019",
        modified="m",
        properties=properties,
        rows=[{"WijkenEnBuurten": pad("GM0141")}],
        categories={"WijkenEnBuurten": [{"Key": pad("GM0141"), "Title": "Almelo"}]},
    )
    store = SnapshotStore(tmp_path)
    snapshot = store.write("opendata", "T2019", documents, source_url="u")
    with pytest.raises(SnapshotFormatError, match="none of the registry measures"):
        load_snapshot(duckdb.connect(), store, FAMILY, snapshot, "l")
