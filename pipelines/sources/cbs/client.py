"""HTTP client for CBS open data: OData v3 (opendata.cbs.nl, dataderden.cbs.nl) and OData v4 (datasets.cbs.nl).

It only fetches: every response body is returned byte for byte, to be stored as a snapshot before anything is
loaded (see snapshots.py). Metadata comes from the ``ODataApi`` (small), data from the bulk ``ODataFeed``, which
pages per 10,000 rows and links the next page with ``odata.nextLink`` (v4: ``@odata.nextLink``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from pipelines.sources.cbs.v3 import stem

log = logging.getLogger(__name__)

RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Endpoints:
    """Base URLs; tests and mirrors can point elsewhere (e.g. ``SBM_CBS_V3_URL``)."""

    opendata: str = "https://opendata.cbs.nl"
    dataderden: str = "https://dataderden.cbs.nl"
    v4: str = "https://datasets.cbs.nl/odata/v1/CBS"

    def v3_api(self, catalog: str, table_id: str) -> str:
        return f"{self._v3_host(catalog)}/ODataApi/odata/{table_id}"

    def v3_feed(self, catalog: str, table_id: str) -> str:
        return f"{self._v3_host(catalog)}/ODataFeed/odata/{table_id}"

    def _v3_host(self, catalog: str) -> str:
        if catalog == "opendata":
            return self.opendata
        if catalog == "dataderden":
            return self.dataderden
        raise ValueError(f"unknown CBS catalogue {catalog!r} (expected 'opendata' or 'dataderden')")


class CbsApiError(RuntimeError):
    """A CBS request failed for good; the message names the table and the URL."""

    def __init__(self, table_id: str, url: str, reason: str):
        super().__init__(f"CBS table {table_id}: {reason} ({url})")
        self.table_id, self.url = table_id, url


@dataclass(frozen=True)
class Fetched:
    """The response bodies of one table, keyed by their file name in a snapshot, and the URL they came from."""

    source_url: str
    documents: dict[str, bytes]


class CbsClient:
    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        endpoints: Endpoints | None = None,
        retries: int = 5,
        backoff_seconds: float = 2.0,
        timeout_seconds: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.http = http or httpx.Client(timeout=timeout_seconds, headers={"Accept": "application/json"})
        self.endpoints = endpoints or Endpoints()
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep

    # -- transport -----------------------------------------------------------------------------------------

    def get(self, table_id: str, url: str, params: dict[str, str] | None = None) -> httpx.Response:
        """GET with retries on 429/5xx and transport errors (exponential backoff, ``Retry-After`` honoured)."""
        for attempt in range(self.retries + 1):
            try:
                response = self.http.get(url, params=params)
            except httpx.TransportError as error:
                reason = f"{type(error).__name__}: {error}"
                wait = self.backoff_seconds * 2**attempt
            else:
                if response.status_code == 200:
                    return response
                reason = f"HTTP {response.status_code}: {_error_text(response)}"
                if response.status_code not in RETRY_STATUS:
                    raise CbsApiError(table_id, str(response.request.url), reason)
                wait = _retry_after(response) or self.backoff_seconds * 2**attempt
            if attempt == self.retries:
                break
            log.warning("CBS %s: %s; retry %d/%d in %.0f s", table_id, reason, attempt + 1, self.retries, wait)
            self.sleep(wait)
        raise CbsApiError(table_id, _full_url(url, params), f"{reason}, still failing after {self.retries} retries")

    def _pages(self, table_id: str, url: str, params: dict[str, str], next_key: str) -> list[bytes]:
        """Every page of an entity set, following the server's next links until there is none."""
        pages: list[bytes] = []
        next_url: str | None = url
        while next_url:
            # the next link repeats the query options itself; adding them again would duplicate them
            response = self.get(table_id, next_url, params if next_url == url else None)
            pages.append(response.content)
            next_url = _json(table_id, response).get(next_key)
            log.info("CBS %s: page %d fetched", table_id, len(pages))
        return pages

    # -- OData v3 ------------------------------------------------------------------------------------------

    def fetch_v3(
        self,
        catalog: str,
        table_id: str,
        *,
        measures: tuple[str, ...] = (),
        region_filter: Callable[[str], str] | None = None,
        dataset: str = "TypedDataSet",
    ) -> Fetched:
        """TableInfos, DataProperties, every dimension's categories, and the data pages of a v3 table.

        ``measures`` are column stems to select (all topics when empty); ``region_filter`` turns the name of the
        table's geo dimension into an OData ``$filter`` (tables can hold every region of the Netherlands).
        """
        api, feed = self.endpoints.v3_api(catalog, table_id), self.endpoints.v3_feed(catalog, table_id)
        documents = {
            "TableInfos.json": self.get(table_id, f"{api}/TableInfos", {"$format": "json"}).content,
        }
        properties_body = self.get(table_id, f"{api}/DataProperties", {"$format": "json"}).content
        documents["DataProperties.json"] = properties_body
        properties = json.loads(properties_body)["value"]
        dimensions = [p for p in properties if p["Type"] in ("Dimension", "GeoDimension", "GeoDetail", "TimeDimension")]
        for dimension in dimensions:
            body = self.get(table_id, f"{api}/{dimension['Key']}", {"$format": "json"}).content
            documents[f"{dimension['Key']}.json"] = body

        params = {"$format": "json"}
        topics = [p["Key"] for p in properties if p["Type"] == "Topic" and stem(p["Key"]) in measures]
        if measures:
            params["$select"] = ",".join(["ID", *(d["Key"] for d in dimensions), *topics])
        geo = next((d["Key"] for d in dimensions if d["Type"] in ("GeoDimension", "GeoDetail")), None)
        if region_filter and geo:
            params["$filter"] = region_filter(geo)
        for number, page in enumerate(self._pages(table_id, f"{feed}/{dataset}", params, "odata.nextLink"), 1):
            documents[f"{dataset}/{number:04d}.json"] = page
        return Fetched(_full_url(f"{feed}/{dataset}", params), documents)

    # -- OData v4 ------------------------------------------------------------------------------------------

    def fetch_v4(
        self,
        table_id: str,
        *,
        measures: tuple[str, ...] = (),
        region_filter: Callable[[str], str] | None = None,
    ) -> Fetched:
        """Properties, MeasureCodes, Dimensions, every ``<Dimension>Codes`` list and the long ``Observations``."""
        base = f"{self.endpoints.v4}/{table_id}"
        documents = {name: self.get(table_id, f"{base}/{name}").content for name in ("Properties", "MeasureCodes")}
        documents = {f"{name}.json": body for name, body in documents.items()}
        dimensions_body = self.get(table_id, f"{base}/Dimensions").content
        documents["Dimensions.json"] = dimensions_body
        dimensions = json.loads(dimensions_body)["value"]
        for dimension in dimensions:
            name = f"{dimension['Identifier']}Codes"
            documents[f"{name}.json"] = self.get(table_id, f"{base}/{name}").content

        clauses = []
        if measures:
            clauses.append("(" + " or ".join(f"Measure eq '{m}'" for m in measures) + ")")
        geo = next((d["Identifier"] for d in dimensions if d.get("Kind") in ("GeoDimension", "GeoDetail")), None)
        if region_filter and geo:
            clauses.append(region_filter(geo))
        params = {"$filter": " and ".join(clauses)} if clauses else {}
        for number, page in enumerate(self._pages(table_id, f"{base}/Observations", params, "@odata.nextLink"), 1):
            documents[f"Observations/{number:04d}.json"] = page
        return Fetched(_full_url(f"{base}/Observations", params), documents)


def region_filter(gemeenten: tuple[str, ...], levels: tuple[str, ...] = ("GM", "WK", "BU")) -> Callable[[str], str]:
    """An OData filter keeping these gemeenten (and their wijken and buurten) on any geo dimension; level ``NL``
    adds the national figure.

    ``startswith`` rather than ``eq`` because CBS pads keys to a fixed width that differs per table.
    """

    def build(dimension: str) -> str:
        prefixes = ["NL"] if "NL" in levels else []
        prefixes += [f"{level}{code[2:]}" for level in levels if level != "NL" for code in gemeenten]
        return "(" + " or ".join(f"startswith({dimension},'{p}')" for p in prefixes) + ")"

    return build


def _json(table_id: str, response: httpx.Response) -> dict:
    try:
        return response.json()
    except ValueError:
        raise CbsApiError(table_id, str(response.request.url), "the response is not JSON") from None


def _error_text(response: httpx.Response) -> str:
    """CBS's own error message where it gives one (``odata.error.message.value``), else the start of the body."""
    try:
        error = response.json().get("odata.error") or response.json().get("error") or {}
        message = error.get("message")
        return (message.get("value") if isinstance(message, dict) else message) or response.text[:200]
    except (ValueError, AttributeError):
        return response.text[:200] or response.reason_phrase


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.replace(".", "", 1).isdigit() else None


def _full_url(url: str, params: dict[str, str] | None) -> str:
    return str(httpx.URL(url, params=params or None))
