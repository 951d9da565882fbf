"""HTTP client for CBS open data: OData v3 (opendata.cbs.nl, dataderden.cbs.nl) and OData v4 (datasets.cbs.nl).

It only fetches: every response body is returned byte for byte, to be stored as a snapshot before anything is
loaded (see snapshots.py). Table metadata comes from the ``ODataApi`` (small); dimension lists and data from the
bulk ``ODataFeed``, which pages per 10,000 rows and links the next page with ``odata.nextLink`` (v4:
``@odata.nextLink``). The registry's measures are found in the metadata first (by stem, title or group), so a
table that has the same stem twice is asked for the right column.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from pipelines.sources.cbs import v3, v4
from pipelines.sources.cbs.observations import TableLayout, resolve
from pipelines.sources.cbs.registry import Measure

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

    def catalog(self, catalog: str) -> str:
        return f"{self._v3_host(catalog)}/ODataCatalog/Tables"

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

    def _documents(self, table_id: str, name: str, url: str, params: dict[str, str], next_key: str) -> dict[str, bytes]:
        """An entity set fetched page by page, as snapshot documents ``<name>/0001.json``, ``<name>/0002.json``, ..."""
        return {
            f"{name}/{number:04d}.json": page
            for number, page in enumerate(self._pages(table_id, url, params, next_key), 1)
        }

    # -- OData v3 ------------------------------------------------------------------------------------------

    def metadata_v3(self, catalog: str, table_id: str) -> tuple[dict[str, bytes], TableLayout]:
        """``TableInfos`` and ``DataProperties`` (small; from the ODataApi) and the layout they describe."""
        api = self.endpoints.v3_api(catalog, table_id)
        documents = {
            f"{name}.json": self.get(table_id, f"{api}/{name}", {"$format": "json"}).content
            for name in ("TableInfos", "DataProperties")
        }
        properties = json.loads(documents["DataProperties.json"]).get("value")
        return documents, v3.layout_of(properties, f"CBS table {table_id}")

    def periods_v3(self, catalog: str, table_id: str) -> Fetched:
        """The metadata and the list of periods on offer: what ``cbs-check`` needs, without any data."""
        documents, layout = self.metadata_v3(catalog, table_id)
        if layout.time:
            feed = self.endpoints.v3_feed(catalog, table_id)
            params = {"$format": "json"}
            documents |= self._documents(table_id, layout.time, f"{feed}/{layout.time}", params, "odata.nextLink")
        return Fetched(self.endpoints.v3_api(catalog, table_id), documents)

    def fetch_v3(
        self,
        catalog: str,
        table_id: str,
        *,
        measures: Sequence[Measure | str] = (),
        region_filter: Callable[[str], str] | None = None,
        dataset: str = "TypedDataSet",
    ) -> Fetched:
        """TableInfos, DataProperties, every dimension's categories, and the data pages of a v3 table.

        ``measures`` are the registry measures to select (all topics when empty); ``region_filter`` turns the name
        of a key field into an OData ``$filter`` (tables can hold every region of the Netherlands: KWB 2020 has
        17,341). Dimension lists and data come from the ODataFeed, page by page.
        """
        documents, layout = self.metadata_v3(catalog, table_id)
        feed = self.endpoints.v3_feed(catalog, table_id)
        for dimension in layout.all_dimensions:
            params = {"$format": "json"}
            if region_filter and dimension == layout.geo:
                params["$filter"] = region_filter("Key")
            documents |= self._documents(table_id, dimension, f"{feed}/{dimension}", params, "odata.nextLink")

        params = {"$format": "json"}
        if measures:
            found, _ = resolve(layout, [_measure(m) for m in measures], f"CBS table {table_id}")
            params["$select"] = ",".join(["ID", *layout.all_dimensions, *(t.key for t in found.values())])
        if region_filter and layout.geo:
            params["$filter"] = region_filter(layout.geo)
        documents |= self._documents(table_id, dataset, f"{feed}/{dataset}", params, "odata.nextLink")
        return Fetched(_full_url(f"{feed}/{dataset}", params), documents)

    # -- OData v4 ------------------------------------------------------------------------------------------

    def metadata_v4(self, table_id: str) -> tuple[dict[str, bytes], TableLayout]:
        base = f"{self.endpoints.v4}/{table_id}"
        names = ("Properties", "MeasureCodes", "MeasureGroups", "Dimensions")
        documents = {f"{name}.json": self.get(table_id, f"{base}/{name}").content for name in names}

        def value(name: str) -> list[dict]:
            return json.loads(documents[f"{name}.json"]).get("value") or []

        layout = v4.layout_of(value("Dimensions"), value("MeasureCodes"), value("MeasureGroups"), f"CBS {table_id}")
        return documents, layout

    def periods_v4(self, table_id: str) -> Fetched:
        documents, layout = self.metadata_v4(table_id)
        base = f"{self.endpoints.v4}/{table_id}"
        if layout.time:
            name = f"{layout.time}Codes"
            documents |= self._documents(table_id, name, f"{base}/{name}", {}, "@odata.nextLink")
        return Fetched(base, documents)

    def fetch_v4(
        self,
        table_id: str,
        *,
        measures: Sequence[Measure | str] = (),
        region_filter: Callable[[str], str] | None = None,
    ) -> Fetched:
        """Properties, MeasureCodes, MeasureGroups, Dimensions, every ``<Dimension>Codes`` list and the long
        ``Observations``, page by page."""
        documents, layout = self.metadata_v4(table_id)
        base = f"{self.endpoints.v4}/{table_id}"
        for dimension in layout.all_dimensions:
            name = f"{dimension}Codes"
            params = {"$filter": region_filter("Identifier")} if region_filter and dimension == layout.geo else {}
            documents |= self._documents(table_id, name, f"{base}/{name}", params, "@odata.nextLink")

        clauses = []
        if measures:
            found, _ = resolve(layout, [_measure(m) for m in measures], f"CBS table {table_id}")
            clauses.append("(" + " or ".join(f"Measure eq '{t.key}'" for t in found.values()) + ")")
        if region_filter and layout.geo:
            clauses.append(region_filter(layout.geo))
        params = {"$filter": " and ".join(clauses)} if clauses else {}
        documents |= self._documents(table_id, "Observations", f"{base}/Observations", params, "@odata.nextLink")
        return Fetched(_full_url(f"{base}/Observations", params), documents)

    # -- catalogue -----------------------------------------------------------------------------------------

    def catalog_tables(self, catalog: str, title: str) -> list[dict]:
        """The catalogue's tables whose title contains ``title`` (e.g. every edition of Kerncijfers wijken en
        buurten), to spot an edition the registry does not list yet."""
        url = self.endpoints.catalog(catalog)
        params = {
            "$format": "json",
            "$filter": f"substringof('{title}',Title)",
            "$select": "Identifier,Title,ShortTitle,Period,Modified,OutputStatus",
        }
        return [row for page in self._pages(title, url, params, "odata.nextLink") for row in json.loads(page)["value"]]


def _measure(measure: Measure | str) -> Measure:
    return measure if isinstance(measure, Measure) else Measure(measure)


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
