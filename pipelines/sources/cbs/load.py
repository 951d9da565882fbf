"""Load CBS snapshots into the warehouse's ``raw`` schema: append-only, one long table per table family.

Each row is one observation (region x period x other dimensions x measure) and carries where it came from:
``load_id``, the snapshot (content hash, retrieval time, synthetic flag), the page file and the row ID in the
CBS table. A snapshot already present in the table is skipped, so loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.sources.cbs import v3, v4
from pipelines.sources.cbs.observations import SnapshotFormatError, resolve
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import Snapshot, SnapshotStore

OBSERVATION_COLUMNS = """
    load_id VARCHAR NOT NULL,
    loaded_at TIMESTAMP WITH TIME ZONE NOT NULL,
    snapshot_id VARCHAR NOT NULL,
    retrieved_at TIMESTAMP WITH TIME ZONE NOT NULL,
    is_synthetic BOOLEAN NOT NULL,
    catalog VARCHAR NOT NULL,
    table_id VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    region_code VARCHAR,
    region_name VARCHAR,
    period_key VARCHAR NOT NULL,
    period_status VARCHAR,
    is_voorlopig BOOLEAN NOT NULL,
    dimensions MAP(VARCHAR, VARCHAR) NOT NULL,
    dimension_titles MAP(VARCHAR, VARCHAR) NOT NULL,
    measure VARCHAR NOT NULL,
    measure_key VARCHAR,
    measure_title VARCHAR,
    unit VARCHAR,
    decimals INTEGER,
    value_text VARCHAR,
    value DOUBLE,
    value_status VARCHAR NOT NULL
"""


READERS = {"v3": v3, "v4": v4}


@dataclass
class FamilyLoad:
    """What one load of a table family did; reported as asset metadata."""

    snapshots_loaded: list[str] = field(default_factory=list)
    snapshots_skipped: list[str] = field(default_factory=list)
    tables_without_snapshot: list[str] = field(default_factory=list)
    # table ID -> registry measures that release does not publish: loaded as `not_published` cells
    not_published: dict[str, list[str]] = field(default_factory=dict)
    observations_loaded: int = 0

    def unexpected(self, family: TableFamily) -> dict[str, list[str]]:
        """The measures not published that the registry does not say are missing from that edition."""
        found = {
            table_id: [m for m in names if m not in family.not_published.get(table_id, ())]
            for table_id, names in self.not_published.items()
        }
        return {table_id: names for table_id, names in found.items() if names}


def ensure_table(con: duckdb.DuckDBPyConnection, family: TableFamily) -> str:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    table = f"raw.{family.raw_table}"
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({OBSERVATION_COLUMNS})")
    # tables made before `not_published` cells existed required a measure key
    con.execute(f"ALTER TABLE {table} ALTER COLUMN measure_key DROP NOT NULL")
    return table


def is_loaded(con: duckdb.DuckDBPyConnection, table: str, snapshot: Snapshot) -> bool:
    return (
        con.execute(f"SELECT count(*) FROM {table} WHERE snapshot_id = ?", [snapshot.snapshot_id]).fetchall()[0][0] > 0
    )


def load_snapshot(
    con: duckdb.DuckDBPyConnection,
    store: SnapshotStore,
    family: TableFamily,
    snapshot: Snapshot,
    load_id: str,
) -> tuple[int, list[str]]:
    """Insert one snapshot's observations in one transaction; returns (rows inserted, measures not published)."""
    table = ensure_table(con, family)
    reader = READERS[family.api]
    layout = reader.table_layout(snapshot)
    measures, missing = resolve(layout, family.measures, snapshot.path)
    if not measures:
        raise SnapshotFormatError(
            f"{snapshot.path}: none of the registry measures {list(family.measure_names)} are topics of this table"
        )
    period_key = None if layout.time else f"{family.year_of(snapshot.table_id)}JJ00"
    select = reader.observations_sql(
        snapshot, layout, measures, missing, period_key=period_key, store_root=str(store.root)
    )
    con.execute("BEGIN TRANSACTION")
    try:
        before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        con.execute(
            f"""
            INSERT INTO {table}
            SELECT ?, now(), ?, ?::TIMESTAMPTZ, ?, ?, ?, obs.*
            FROM ({select}) AS obs
            """,
            [
                load_id,
                snapshot.snapshot_id,
                snapshot.manifest["retrieved_at"],
                snapshot.synthetic,
                snapshot.manifest["catalog"],
                snapshot.table_id,
            ],
        )
        inserted = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] - before
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return inserted, missing


def load_family(con: duckdb.DuckDBPyConnection, store: SnapshotStore, family: TableFamily, load_id: str) -> FamilyLoad:
    """Load every snapshot of every table of a family that is not in the warehouse yet."""
    result = FamilyLoad()
    table = ensure_table(con, family)
    for table_id in family.tables.values():
        snapshots = store.snapshots(family.catalog, table_id)
        if not snapshots:
            result.tables_without_snapshot.append(table_id)
        for snapshot in snapshots:
            if is_loaded(con, table, snapshot):
                result.snapshots_skipped.append(snapshot.snapshot_id)
                continue
            inserted, missing = load_snapshot(con, store, family, snapshot, load_id)
            result.snapshots_loaded.append(snapshot.snapshot_id)
            result.observations_loaded += inserted
            if missing:
                result.not_published[table_id] = missing
    return result
