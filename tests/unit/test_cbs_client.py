"""The real CBS client against CBS-shaped responses served by an HTTP mock at the transport layer (respx)."""

import json
from urllib.parse import parse_qs, urlparse

import duckdb
import httpx
import pytest
import respx

from demo.odata import data_properties, dimension, pad, topic, topic_keys, v3_documents, v4_documents
from pipelines.sources.cbs.client import CbsApiError, CbsClient
from pipelines.sources.cbs.fetch import fetch_family
from pipelines.sources.cbs.load import load_family
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import SnapshotStore

API, FEED, V4 = (
    "https://opendata.cbs.nl/ODataApi/odata",
    "https://opendata.cbs.nl/ODataFeed/odata",
    "https://datasets.cbs.nl/odata/v1/CBS",
)


def skip_of(url: str | None) -> int:
    return int(parse_qs(urlparse(url).query).get("$skip", ["0"])[0]) if url else 0


def serve(router: respx.MockRouter, base: str, table_id: str, documents: dict[str, bytes]) -> None:
    """Serve a table's documents: single documents by name (v3: from the ODataApi), paged entity sets (dimension
    lists, data; v3: from the ODataFeed) by the $skip their predecessor links to."""
    paged: dict[str, dict[int, bytes]] = {}
    for name in sorted(documents):
        entity, _, page = name.removesuffix(".json").partition("/")
        if not page:
            router.get(f"{base}/{table_id}/{entity}").mock(return_value=httpx.Response(200, content=documents[name]))
            continue
        pages = paged.setdefault(entity, {})
        skip = max(pages, default=None)
        pages[0 if skip is None else skip_of(_next(pages[skip]))] = documents[name]
    feed = FEED if base == API else base
    for entity, pages in paged.items():
        router.get(url__regex=rf"^{feed}/{table_id}/{entity}(\?.*)?$").mock(
            side_effect=lambda request, pages=pages: httpx.Response(200, content=pages[skip_of(str(request.url))])
        )


def _next(body: bytes) -> str | None:
    document = json.loads(body)
    return document.get("odata.nextLink") or document.get("@odata.nextLink")


PAGE = 10


def kwb(table_id: str, extra_topics: int, rows: list[tuple[str, int | None]], dataset="TypedDataSet") -> dict:
    properties = data_properties(
        [
            dimension("WijkenEnBuurten", "Wijken en buurten", "GeoDetail"),
            *(topic(f"X{i}", "x") for i in range(extra_topics)),
            topic("WmoClienten", "Wmo-cliënten"),
        ]
    )
    keys = topic_keys(properties)
    return v3_documents(
        table_id,
        title="t",
        period="2021",
        modified="2022-01-01T00:00:00",
        properties=properties,
        rows=[{"WijkenEnBuurten": pad(code), keys["WmoClienten"]: value} for code, value in rows],
        categories={"WijkenEnBuurten": [{"Key": pad(code), "Title": f"Regio {code}"} for code, _ in rows]},
        select=[keys["WmoClienten"]],
        page_size=PAGE,
        dataset=dataset,
    )


FAMILY = TableFamily(
    name="kwb",
    title="KWB",
    catalog="opendata",
    api="v3",
    raw_table="kwb",
    tables={"2020": "T2020", "2021": "T2021"},
    measures=("WmoClienten",),
    levels=("GM", "WK"),
)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sleeps):
    return CbsClient(httpx.Client(), sleep=sleeps.append, backoff_seconds=2)


@respx.mock
def test_paging_across_three_pages_follows_the_next_link_without_repeating_the_query(client, tmp_path):
    rows = [(f"WK0141{i:02d}", 100 + i) for i in range(25)]  # 25 rows, 10 per page
    serve(respx.mock, API, "T2021", kwb("T2021", 0, rows))
    fetched = client.fetch_v3(
        "opendata", "T2021", measures=("WmoClienten",), region_filter=lambda d: f"startswith({d},'WK0141')"
    )

    assert sorted(n for n in fetched.documents if n.startswith("TypedDataSet")) == [
        "TypedDataSet/0001.json",
        "TypedDataSet/0002.json",
        "TypedDataSet/0003.json",
    ]
    data_calls = [c.request.url for c in respx.mock.calls if "/TypedDataSet" in str(c.request.url)]
    first, *following = [parse_qs(urlparse(str(u)).query) for u in data_calls]
    assert first["$select"] == ["ID,WijkenEnBuurten,WmoClienten_1"]
    assert first["$filter"] == ["startswith(WijkenEnBuurten,'WK0141')"]
    assert [q["$skip"] for q in following] == [["10"], ["20"]]
    assert all(len(q["$format"]) == 1 for q in following)  # the link's own options, not appended again

    # the region list comes page by page too (KWB's has 17,341 entries), filtered on its key like the data
    region_calls = [c.request.url for c in respx.mock.calls if "/WijkenEnBuurten" in str(c.request.url)]
    assert [dict(parse_qs(urlparse(str(u)).query)).get("$skip") for u in region_calls] == [None, ["10"], ["20"]]
    assert parse_qs(urlparse(str(region_calls[0])).query)["$filter"] == ["startswith(Key,'WK0141')"]
    assert len([f for f in fetched.documents if f.startswith("WijkenEnBuurten/")]) == 3

    store = SnapshotStore(tmp_path)
    store.write("opendata", "T2021", fetched.documents, source_url=fetched.source_url)
    con = duckdb.connect()
    load_family(con, store, FAMILY, "l")
    assert con.execute("SELECT count(*), sum(value) FROM raw.kwb").fetchall() == [(25, sum(100 + i for i in range(25)))]
    assert con.execute("SELECT region_name FROM raw.kwb WHERE region_code = 'WK014124'").fetchall() == [
        ("Regio WK014124",)  # its title from the third page of the region list
    ]


@respx.mock
def test_a_503_is_retried_with_backoff_then_succeeds(client, sleeps):
    route = respx.get(f"{API}/T2021/TableInfos").mock(
        side_effect=[httpx.Response(503, text="Service Unavailable"), httpx.Response(200, json={"value": []})]
    )
    assert client.get("T2021", f"{API}/T2021/TableInfos").status_code == 200
    assert route.call_count == 2 and sleeps == [2]


@respx.mock
def test_429_waits_as_long_as_retry_after_says(client, sleeps):
    respx.get(f"{API}/T2021/TableInfos").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={})]
    )
    client.get("T2021", f"{API}/T2021/TableInfos")
    assert sleeps == [7.0]


@respx.mock
def test_a_persistent_failure_names_table_and_url_after_the_retries(client, sleeps):
    respx.get(f"{API}/T2021/DataProperties").mock(
        return_value=httpx.Response(
            500, json={"odata.error": {"message": {"value": "query returns more than 10000 records"}}}
        )
    )
    with pytest.raises(CbsApiError) as error:
        client.get("T2021", f"{API}/T2021/DataProperties", {"$format": "json"})
    assert str(error.value) == (
        "CBS table T2021: HTTP 500: query returns more than 10000 records, still failing after 5 retries "
        f"({API}/T2021/DataProperties?%24format=json)"
    )
    assert sleeps == [2, 4, 8, 16, 32]


@respx.mock
def test_a_404_is_not_retried(client, sleeps):
    respx.get(f"{API}/99999NED/TableInfos").mock(return_value=httpx.Response(404, text="Not Found"))
    with pytest.raises(CbsApiError, match="CBS table 99999NED: HTTP 404: Not Found"):
        client.get("99999NED", f"{API}/99999NED/TableInfos")
    assert sleeps == []


@respx.mock
def test_fetch_and_load_two_editions_whose_column_suffix_differs(client, tmp_path):
    serve(respx.mock, API, "T2020", kwb("T2020", 0, [("GM0141", 6078), ("WK014101", 670)]))
    serve(respx.mock, API, "T2021", kwb("T2021", 3, [("GM0141", 6112), ("WK014101", 680)]))
    store = SnapshotStore(tmp_path)
    fetched = fetch_family(client, store, FAMILY, ("GM0141",))
    assert fetched.new == ["T2020", "T2021"]

    con = duckdb.connect()
    load_family(con, store, FAMILY, "l")
    got = con.execute(
        "SELECT period_key, measure_key, value FROM raw.kwb WHERE region_code = 'WK014101' ORDER BY period_key"
    ).fetchall()
    assert got == [("2020JJ00", "WmoClienten_1", 670.0), ("2021JJ00", "WmoClienten_4", 680.0)]
    # the same releases again: nothing new is stored
    assert fetch_family(client, store, FAMILY, ("GM0141",)).new == []


@respx.mock
def test_suppressed_cells_and_padded_keys_in_an_untyped_dataset(client, tmp_path):
    documents = kwb("T2021", 0, [("WK014101", 680), ("WK014110", None)], dataset="UntypedDataSet")
    # the UntypedDataSet gives every value as text, padded, with StatLine's '.' for a secret cell
    documents["UntypedDataSet/0001.json"] = (
        documents["UntypedDataSet/0001.json"]
        .decode()
        .replace('"WmoClienten_1": 680', '"WmoClienten_1": "       680"')
        .replace('"WmoClienten_1": null', '"WmoClienten_1": "         ."')
        .encode()
    )
    serve(respx.mock, API, "T2021", documents)
    store = SnapshotStore(tmp_path)
    fetched = client.fetch_v3("opendata", "T2021", measures=("WmoClienten",), dataset="UntypedDataSet")
    store.write("opendata", "T2021", fetched.documents, source_url=fetched.source_url)
    family = TableFamily(
        name="kwb",
        title="KWB",
        catalog="opendata",
        api="v3",
        raw_table="kwb",
        tables={"2021": "T2021"},
        measures=("WmoClienten",),
        dataset="UntypedDataSet",
    )
    con = duckdb.connect()
    load_family(con, store, family, "l")
    assert con.execute("SELECT region_code, region_name, value, value_status FROM raw.kwb ORDER BY 1").fetchall() == [
        ("WK014101", "Regio WK014101", 680.0, "ok"),
        ("WK014110", "Regio WK014110", None, "missing"),
    ]


@respx.mock
def test_v4_observations_paging_value_attributes_and_provisional_periods(client, tmp_path):
    codes = [{"Identifier": "GM0141", "Title": "Almelo"}]
    periods = [
        {"Identifier": "2023JJ00", "Title": "2023", "Status": "Definitief"},
        {"Identifier": "2024JJ00", "Title": "2024", "Status": "Voorlopig"},
    ]
    referrers = [{"Identifier": "A1", "Title": "Huisarts"}, {"Identifier": "A2", "Title": "Gemeentelijke toegang"}]
    observations = [
        {
            "Measure": "M1",
            "RegioS": "GM0141",
            "Perioden": p,
            "VerwijzerJeugdzorg": r,
            "Value": v,
            "StringValue": None,
            "ValueAttribute": a,
        }
        for p, r, v, a in [
            ("2023JJ00", "A1", 410.0, "None"),
            ("2023JJ00", "A2", 390.0, "None"),
            ("2024JJ00", "A1", None, "Confidential"),
            ("2024JJ00", "A2", 405.0, "None"),
        ]
    ]
    documents = v4_documents(
        "85097NED",
        title="Jeugdhulptrajecten",
        modified="2025-05-01T02:00:00+02:00",
        temporal_coverage="2023-2024",
        page_size=PAGE // 5,  # 2 rows per page: 2 pages
        dimensions=[
            ("VerwijzerJeugdzorg", "Verwijzer", "Dimension", referrers),
            ("RegioS", "Regio's", "GeoDimension", codes),
            ("Perioden", "Perioden", "TimeDimension", periods),
        ],
        measures=[{"Identifier": "M1", "Title": "Jeugdhulptrajecten", "Unit": "aantal", "Decimals": 0}],
        groups=[],
        observations=observations,
    )
    serve(respx.mock, V4, "85097NED", documents)
    family = TableFamily(
        name="v",
        title="V",
        catalog="opendata",
        api="v4",
        raw_table="verwijzer",
        tables={"doorlopend": "85097NED"},
        measures=("M1", "M2"),  # M2: a measure this table does not have
        levels=("GM",),
    )
    store = SnapshotStore(tmp_path)
    fetch_family(client, store, family, ("GM0141",))
    data_calls = [c.request.url for c in respx.mock.calls if "Observations" in str(c.request.url)]
    assert len(data_calls) == 2
    assert parse_qs(urlparse(str(data_calls[0])).query)["$filter"] == [
        "(Measure eq 'M1') and (startswith(RegioS,'GM0141'))"
    ]

    con = duckdb.connect()
    result = load_family(con, store, family, "l")
    assert result.not_published == {"85097NED": ["M2"]}
    # one not_published cell per cell of the table (2 periods x 2 referrers), nothing else
    assert con.execute(
        "SELECT count(*), count(value), count(measure_key) FROM raw.verwijzer WHERE measure = 'M2' "
        "AND value_status = 'not_published'"
    ).fetchall() == [(4, 0, 0)]
    got = con.execute(
        "SELECT period_key, is_voorlopig, dimension_titles['VerwijzerJeugdzorg'], value, value_status "
        "FROM raw.verwijzer WHERE measure = 'M1' ORDER BY 1, 3"
    ).fetchall()
    assert got == [
        ("2023JJ00", False, "Gemeentelijke toegang", 390.0, "ok"),
        ("2023JJ00", False, "Huisarts", 410.0, "ok"),
        ("2024JJ00", True, "Gemeentelijke toegang", 405.0, "ok"),
        ("2024JJ00", True, "Huisarts", None, "secret"),
    ]
