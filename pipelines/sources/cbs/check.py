"""``cbs-check``: every registry table's metadata held against the registry, so a data team sees in a minute
whether CBS changed something: per table the measures found (with the column or code they are under) or not
published, the dimensions found, missing or unknown, the periods on offer, and, online, editions in the catalogue
that the registry does not list yet.

Online it fetches only metadata (``TableInfos``, ``DataProperties`` and the period list; v4: ``Properties``,
``MeasureCodes``, ``Dimensions`` and the period codes); offline it reads the newest stored snapshot of each table.
Parsing is the readers' own (v3.layout_of, v4.layout_of), so what the check finds is what a load would find.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipelines.sources.cbs import v3, v4
from pipelines.sources.cbs.client import CbsApiError, CbsClient
from pipelines.sources.cbs.observations import SnapshotFormatError, TableLayout, resolve
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import Snapshot, SnapshotStore

DATA = ("TypedDataSet/", "UntypedDataSet/", "Observations/")
STATUSES = ("ok", "deviation", "error", "no_snapshot")


@dataclass
class TableCheck:
    family: str
    edition: str
    table_id: str
    source: str = ""  # "online" or "snapshot <retrieved> (<id>)"; empty when there was nothing to check
    found: dict[str, str] = field(default_factory=dict)  # registry measure -> column key (v3) or code (v4)
    expected_absent: list[str] = field(default_factory=list)  # not published, as the registry says
    missing: list[str] = field(default_factory=list)  # not published, and the registry expects them
    dimensions_missing: list[str] = field(default_factory=list)  # roles none of whose names the table has
    dimensions_unknown: list[str] = field(default_factory=list)  # table dimensions no registry role covers
    periods: list[str] = field(default_factory=list)  # period keys on offer, or the table's own period
    discontinued: bool = False
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error:
            return "error"
        if not self.source:
            return "no_snapshot"
        if self.missing or self.dimensions_missing or self.dimensions_unknown or self.discontinued:
            return "deviation"
        return "ok"

    def describe(self) -> str:
        if self.error:
            return self.error
        if not self.source:
            return "no snapshot stored yet (run online, or the demo does not cover this edition)"
        measures = len(self.found) + len(self.missing) + len(self.expected_absent)
        parts = [f"measures {len(self.found)}/{measures}"]
        if self.missing:
            parts.append(f"NOT PUBLISHED: {', '.join(self.missing)}")
        if self.expected_absent:
            parts.append(f"not published, as registered: {', '.join(self.expected_absent)}")
        if self.dimensions_missing:
            parts.append(f"DIMENSION MISSING: {', '.join(self.dimensions_missing)}")
        if self.dimensions_unknown:
            parts.append(f"UNKNOWN DIMENSION: {', '.join(self.dimensions_unknown)}")
        if self.discontinued:
            parts.append("DISCONTINUED by CBS")
        parts.append(f"periods {summarise(self.periods)}")
        parts.append(self.source)
        return "; ".join(parts)


@dataclass
class FamilyCheck:
    family: TableFamily
    tables: list[TableCheck]
    catalogue: str  # what was learnt from the catalogue
    newer: list[dict] = field(default_factory=list)  # catalogue entries of editions the registry does not list

    @property
    def differs(self) -> bool:
        return bool(self.newer) or any(t.status in ("deviation", "error") for t in self.tables)


def summarise(periods: list[str]) -> str:
    if not periods:
        return "none"
    if len(periods) == 1:
        return periods[0]
    kinds = sorted({p[4:6] for p in periods if len(p) == 8})
    return f"{periods[0]}..{periods[-1]} ({len(periods)}{', ' + '/'.join(kinds) if kinds else ''})"


def _json(documents: Mapping[str, bytes], name: str) -> dict:
    body = documents.get(name)
    return json.loads(body) if body else {}


def _category_keys(documents: Mapping[str, bytes], name: str, key_field: str) -> list[str]:
    """The keys of a category list stored as one document or as pages."""
    names = sorted(n for n in documents if n == f"{name}.json" or n.startswith(f"{name}/"))
    return [str(c[key_field]).strip() for n in names for c in _json(documents, n).get("value", [])]


def layout_and_periods(api: str, documents: Mapping[str, bytes], where: str) -> tuple[TableLayout, list[str], dict]:
    """(layout, period keys or the table's own period, table info) from a table's metadata documents."""
    if api == "v3":
        layout = v3.layout_of(_json(documents, "DataProperties.json").get("value"), where)
        info = next(iter(_json(documents, "TableInfos.json").get("value") or [{}]))
        periods = _category_keys(documents, layout.time, "Key") if layout.time else [str(info.get("Period", ""))]
        return layout, periods, {"status": info.get("OutputStatus"), "modified": info.get("Modified")}
    layout = v4.layout_of(
        _json(documents, "Dimensions.json").get("value"),
        _json(documents, "MeasureCodes.json").get("value") or [],
        _json(documents, "MeasureGroups.json").get("value") or [],
        where,
    )
    info = _json(documents, "Properties.json")
    periods = (
        _category_keys(documents, f"{layout.time}Codes", "Identifier")
        if layout.time
        else [str(info.get("TemporalCoverage", ""))]
    )
    return layout, periods, {"status": info.get("Status"), "modified": info.get("Modified")}


def check_documents(family: TableFamily, table_id: str, documents: Mapping[str, bytes], source: str) -> TableCheck:
    """One table's metadata against the registry."""
    result = TableCheck(family.name, family.edition_of(table_id), table_id, source=source)
    where = f"CBS table {table_id}"
    try:
        layout, periods, info = layout_and_periods(family.api, documents, where)
        found, absent = resolve(layout, family.measures, where)
    except (SnapshotFormatError, ValueError, KeyError) as error:
        result.error = f"{type(error).__name__}: {error}"
        return result
    expected = family.not_published.get(table_id, ())
    result.found = {name: topic.key for name, topic in found.items()}
    result.expected_absent = [name for name in absent if name in expected]
    result.missing = [name for name in absent if name not in expected]
    result.dimensions_missing = [
        role for role, names in family.dimensions.items() if not set(names) & set(layout.dimensions)
    ]
    result.dimensions_unknown = [d for d in layout.dimensions if family.dimension_role(d) is None]
    result.periods = sorted(p for p in periods if p)
    result.discontinued = (info.get("status") or "").lower().startswith("gediscontinueerd")
    return result


def snapshot_documents(snapshot: Snapshot) -> dict[str, bytes]:
    """A stored snapshot's metadata documents (everything but the data pages)."""
    return {
        name: (snapshot.path / name).read_bytes() for name in snapshot.manifest["files"] if not name.startswith(DATA)
    }


def check_offline(family: TableFamily, store: SnapshotStore) -> FamilyCheck:
    tables = []
    for edition, table_id in family.tables.items():
        snapshots = store.snapshots(family.catalog, table_id)
        if not snapshots:
            tables.append(TableCheck(family.name, edition, table_id))
            continue
        newest = snapshots[-1]
        source = f"snapshot {newest.retrieved_at:%Y-%m-%d} ({newest.snapshot_id[:8]})"
        tables.append(check_documents(family, table_id, snapshot_documents(newest), source))
    return FamilyCheck(family, tables, catalogue="not checked (offline)")


def check_online(family: TableFamily, client: CbsClient) -> FamilyCheck:
    tables = []
    for edition, table_id in family.tables.items():
        try:
            fetched = client.periods_v3(family.catalog, table_id) if family.api == "v3" else client.periods_v4(table_id)
        except (CbsApiError, SnapshotFormatError, ValueError) as error:
            tables.append(TableCheck(family.name, edition, table_id, source="online", error=str(error)))
            continue
        tables.append(check_documents(family, table_id, fetched.documents, "online"))
    catalogue, newer = newer_editions(family, client)
    return FamilyCheck(family, tables, catalogue=catalogue, newer=newer)


def newer_editions(family: TableFamily, client: CbsClient) -> tuple[str, list[dict]]:
    """Catalogue entries whose title is this series' title for a year after the registry's newest edition."""
    if not family.catalog_title or "{year}" not in family.catalog_title:
        return "no catalogue title in the registry (one table, or title not known)", []
    before, after = family.catalog_title.split("{year}")
    pattern = re.compile(re.escape(before.strip()) + r"\s*(\d{4})\s*" + re.escape(after.strip()), re.IGNORECASE)
    newest = max(int(e) for e in family.tables if e.isdigit())
    try:
        entries = client.catalog_tables(family.catalog, max(before, after, key=len).strip())
    except CbsApiError as error:
        return f"catalogue not reachable: {error}", []
    newer = [
        entry
        for entry in entries
        if (match := pattern.fullmatch((entry.get("Title") or "").strip()))
        and int(match.group(1)) > newest
        and entry.get("Identifier") not in family.tables.values()
    ]
    return f"checked ({len(entries)} tables with that title)", newer


def report(checks: list[FamilyCheck]) -> str:
    """The report the CLI prints: one line per table, then what the catalogue says."""
    lines = []
    for fc in checks:
        f = fc.family
        lines.append(f"{f.name}: {f.title} ({f.catalog}, {f.api})")
        for t in fc.tables:
            lines.append(f"  {t.edition:<10} {t.table_id:<9} {t.status:<11} {t.describe()}")
        lines.append(f"  catalogue: {fc.catalogue}")
        for entry in fc.newer:
            lines.append(
                f"  NEWER EDITION: {entry.get('Identifier')} {entry.get('Title', '').strip()!r} "
                f"({entry.get('Period', '')}, modified {entry.get('Modified', '')})"
            )
    tables = [t for fc in checks for t in fc.tables]
    counts = {s: sum(t.status == s for t in tables) for s in STATUSES}
    newer = sum(len(fc.newer) for fc in checks)
    lines.append(
        f"{len(tables)} tables: {counts['ok']} as registered, {counts['deviation']} differ, {counts['error']} "
        f"could not be read, {counts['no_snapshot']} without snapshot; {newer} newer edition(s) in the catalogue"
    )
    return "\n".join(lines)
