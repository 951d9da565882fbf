"""Fetch every table of a registry family from CBS and store each response as a snapshot (online mode)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pipelines.sources.cbs.client import CbsClient, region_filter
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import Snapshot, SnapshotStore

log = logging.getLogger(__name__)


@dataclass
class FamilyFetch:
    snapshots: list[Snapshot] = field(default_factory=list)
    new: list[str] = field(default_factory=list)  # table IDs with a release not seen before


def fetch_family(
    client: CbsClient, store: SnapshotStore, family: TableFamily, gemeenten: tuple[str, ...]
) -> FamilyFetch:
    result = FamilyFetch()
    regions = region_filter(gemeenten, family.levels)
    for table_id in family.tables.values():
        known = {s.snapshot_id for s in store.snapshots(family.catalog, table_id)}
        if family.api == "v3":
            fetched = client.fetch_v3(
                family.catalog, table_id, measures=family.measures, region_filter=regions, dataset=family.dataset
            )
        else:
            fetched = client.fetch_v4(table_id, measures=family.measures, region_filter=regions)
        snapshot = store.write(family.catalog, table_id, fetched.documents, source_url=fetched.source_url)
        result.snapshots.append(snapshot)
        if snapshot.snapshot_id not in known:
            result.new.append(table_id)
        log.info("CBS %s: %s", table_id, "new release stored" if table_id in result.new else "unchanged")
    return result
