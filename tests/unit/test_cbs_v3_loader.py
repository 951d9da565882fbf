"""The v3 reader/loader on small hand-made tables in the exact CBS response shape."""

from datetime import UTC, datetime

import duckdb
import pytest

from pipelines.demo.odata import number_properties, pad, topic_keys, v3_documents
from pipelines.sources.cbs.load import load_family, load_snapshot
from pipelines.sources.cbs.observations import SnapshotFormatError
from pipelines.sources.cbs.registry import TableFamily
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
    return {"Type": "Topic", "Key": key, "Title": key, "Datatype": datatype, "Unit": "aantal"}


def kwb_table(table_id, extra_topics, rows):
    """A Kerncijfers-shaped table; `extra_topics` shifts the numeric suffix of the later columns."""
    properties = number_properties(
        [
            {"Type": "GeoDimension", "Key": "WijkenEnBuurten", "Title": "Wijken en buurten"},
            _topic("Gemeentenaam", "String"),
            *(_topic(f"Extra{i}") for i in range(extra_topics)),
            _topic("AantalInwoners"),
            _topic("WmoClienten"),
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
                keys["WijkenEnBuurten"]: pad(code),
                keys["Gemeentenaam"]: "Almelo   ",
                keys["AantalInwoners"]: inw,
                keys["WmoClienten"]: wmo,
            }
            for code, inw, wmo in rows
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
    properties = number_properties(
        [
            {"Type": "Dimension", "Key": "Geslacht", "Title": "Geslacht"},
            {"Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
            {"Type": "TimeDimension", "Key": "Perioden", "Title": "Perioden"},
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
    assert inserted == 2 and missing == ["AantalInwoners", "Gemeentenaam"]
    got = rows(
        con,
        "SELECT period_key, is_voorlopig, dimensions['Geslacht'], dimension_titles['Geslacht'], value "
        "FROM raw.kwb ORDER BY period_key",
    )
    assert got == [
        ("2022JJ00", False, "T001038", "Totaal mannen en vrouwen", 6000.0),
        ("2023JJ00", True, "T001038", "Totaal mannen en vrouwen", 6100.0),
    ]


def test_a_table_without_any_registry_measure_is_a_clear_error(tmp_path):
    properties = number_properties([{"Type": "GeoDimension", "Key": "WijkenEnBuurten", "Title": "W"}, _topic("Iets")])
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
