"""Write the SYNTHETIC CBS snapshots of the demo region: every registry family, through the snapshot store, in the
shape the client stores real responses in. Editions after the demo's years (2025 on) get no snapshot: offline,
the loader and cbs-check report them as not fetched yet."""

from __future__ import annotations

from collections.abc import Callable

from demo.cbs_care import jeugdzorg_gemeente_tables, jeugdzorg_wijk_tables, verwijzer_tables, wmo_type_tables
from demo.cbs_finance import bijstand_tables, iv3_tables, jeugdzorg_kosten_tables, wmo_kosten_tables
from demo.cbs_kerncijfers import bevolking_leeftijd_tables, kerncijfers_tables
from demo.statline import DemoTable
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import Snapshot, SnapshotStore

GENERATORS: dict[str, Callable[[TableFamily], list[DemoTable]]] = {
    "kerncijfers_wijken_buurten": kerncijfers_tables,
    "wmo_clienten_type_wijk": wmo_type_tables,
    "jeugdzorg_wijk": jeugdzorg_wijk_tables,
    "jeugdzorg_gemeente": jeugdzorg_gemeente_tables,
    "jeugdhulp_verwijzer": verwijzer_tables,
    "wmo_kosten": wmo_kosten_tables,
    "jeugdzorg_kosten": jeugdzorg_kosten_tables,
    "iv3_lasten": iv3_tables,
    "bijstand": bijstand_tables,
    "bevolking_leeftijd": bevolking_leeftijd_tables,
}


def write_cbs_demo(store: SnapshotStore, families: dict[str, TableFamily]) -> list[Snapshot]:
    """Every family of the registry, as the snapshots a fetch would have stored (same content: same snapshot)."""
    if missing := set(families) - set(GENERATORS):
        raise KeyError(f"no demo generator for registry families {sorted(missing)}")
    snapshots = []
    for name, family in families.items():
        for table in GENERATORS[name](family):
            url = f"synthetic:demo (shape of CBS table {table.table_id}, {family.catalog} {family.api})"
            snapshots.append(
                store.write(
                    family.catalog,
                    table.table_id,
                    table.documents,
                    source_url=url,
                    retrieved_at=table.retrieved_at,
                    synthetic=True,
                )
            )
    return snapshots
