"""A stand-in for the CBS StatLine OData v3 server, serving real CBS responses (the excerpts in
tests/fixtures/cbs-statline/, see its README) through respx at the HTTP layer.

It answers what the client asks the way opendata.cbs.nl does: ``DataProperties`` and ``TableInfos`` from the
ODataApi; dimension lists and data from the ODataFeed, paged with ``odata.nextLink``, with ``$select`` and
``startswith`` ``$filter`` applied. The rows come from the real files, unchanged: padded keys, nulls, strings
such as ``'         .'``. Nothing here knows how the monitor reads them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import duckdb
import httpx
import respx

FIXTURES = Path(__file__).parent / "fixtures" / "cbs-statline"
HOSTS = {"opendata": "https://opendata.cbs.nl", "dataderden": "https://dataderden.cbs.nl"}
STARTSWITH = re.compile(r"startswith\((\w+),'([^']*)'\)")


def parquet_rows(path: Path) -> list[dict]:
    """The rows of a parquet file as JSON would carry them (CBS's ``odata.type`` was stored as ``odata_type``)."""
    with duckdb.connect() as con:
        cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        names = ["odata.type" if d[0] == "odata_type" else d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def data_properties(path: Path) -> list[dict]:
    """DataProperties entries with the fields their Type has (a field null for every entry of a Type is not one of
    its fields: statline-bq's table holds the union of all entries' fields)."""
    rows = parquet_rows(path)
    fields = {
        kind: {k for r in rows if r["Type"] == kind for k, v in r.items() if v is not None} | {"ParentID", "Position"}
        for kind in {r["Type"] for r in rows}
    }
    return [{k: v for k, v in r.items() if k in fields[r["Type"]]} for r in rows]


class StatLineV3:
    """One v3 table served from its fixture folder: ``TableInfos.json``, ``DataProperties.parquet``, one parquet per
    dimension list and ``TypedDataSet.parquet``."""

    def __init__(self, table_id: str, catalog: str = "opendata", page_size: int = 40):
        self.table_id, self.page_size = table_id, page_size
        self.folder = FIXTURES / table_id
        host = HOSTS[catalog]
        self.api, self.feed = f"{host}/ODataApi/odata/{table_id}", f"{host}/ODataFeed/odata/{table_id}"
        self.properties = data_properties(self.folder / "DataProperties.parquet")
        self.dimensions = [p["Key"] for p in self.properties if p["Type"] not in ("Topic", "TopicGroup")]
        self.requests: list[httpx.Request] = []

    def body(self, entity: str, value: list[dict], **extra: str) -> bytes:
        metadata = f"{self.api}/$metadata#Cbs.OData.WebAPI.{entity}"
        return json.dumps({"odata.metadata": metadata, "value": value, **extra}, ensure_ascii=False).encode()

    def rows(self, entity: str) -> list[dict]:
        return parquet_rows(self.folder / f"{entity}.parquet")

    def route(self, router: respx.MockRouter) -> None:
        info = json.loads((self.folder / "TableInfos.json").read_text(encoding="utf-8"))
        router.get(f"{self.api}/TableInfos").mock(
            return_value=httpx.Response(200, content=self.body("TableInfos", [info]))
        )
        router.get(f"{self.api}/DataProperties").mock(
            return_value=httpx.Response(200, content=self.body("DataProperties", self.properties))
        )
        for entity in (*self.dimensions, "TypedDataSet"):
            router.get(url__regex=rf"^{re.escape(self.feed)}/{entity}(\?.*)?$").mock(side_effect=self.page)

    def page(self, request: httpx.Request) -> httpx.Response:
        """One page of an entity set, as the ODataFeed serves it."""
        self.requests.append(request)
        entity = request.url.path.rsplit("/", 1)[-1]
        query = {k: v[0] for k, v in parse_qs(urlparse(str(request.url)).query).items()}
        rows = self.rows(entity)
        if "$filter" in query:
            tests = STARTSWITH.findall(query["$filter"])
            rows = [r for r in rows if any(str(r[field]).startswith(prefix) for field, prefix in tests)]
        if "$select" in query:
            rows = [{k: r[k] for k in query["$select"].split(",")} for r in rows]
        skip = int(query.get("$skip", 0))
        extra = {}
        if skip + self.page_size < len(rows):
            following = {**{k: v for k, v in query.items() if k != "$skip"}, "$skip": skip + self.page_size}
            extra["odata.nextLink"] = f"{self.feed}/{entity}?{urlencode(following)}"
        return httpx.Response(200, content=self.body(entity, rows[skip : skip + self.page_size], **extra))
