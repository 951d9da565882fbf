"""The CBS table registry: which table ID holds which series, per year and catalogue (``registry.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).with_name("registry.yaml")
CATALOGS = {"opendata", "dataderden"}
APIS = {"v3", "v4"}


class RegistryError(ValueError):
    """The registry file is malformed; the message names the family and field."""


@dataclass(frozen=True)
class TableFamily:
    """A series published as one table per edition (e.g. Kerncijfers wijken en buurten 2015..2024)."""

    name: str
    title: str
    catalog: str
    api: str
    raw_table: str
    tables: dict[int, str]  # year -> table ID
    measures: tuple[str, ...]

    def year_of(self, table_id: str) -> int:
        for year, tid in self.tables.items():
            if tid == table_id:
                return year
        raise KeyError(f"{table_id} is not a table of family {self.name!r}")


def _family(name: str, spec: dict) -> TableFamily:
    missing = {"title", "catalog", "api", "raw_table", "tables", "measures"} - spec.keys()
    if missing:
        raise RegistryError(f"family {name!r}: missing field(s) {sorted(missing)} in {REGISTRY_FILE}")
    if spec["catalog"] not in CATALOGS:
        raise RegistryError(f"family {name!r}: catalog {spec['catalog']!r} is not one of {sorted(CATALOGS)}")
    if spec["api"] not in APIS:
        raise RegistryError(f"family {name!r}: api {spec['api']!r} is not one of {sorted(APIS)}")
    tables = {int(year): str(tid) for year, tid in spec["tables"].items()}
    if len(set(tables.values())) != len(tables):
        raise RegistryError(f"family {name!r}: a table ID is listed for more than one year")
    return TableFamily(
        name=name,
        title=spec["title"],
        catalog=spec["catalog"],
        api=spec["api"],
        raw_table=spec["raw_table"],
        tables=tables,
        measures=tuple(spec["measures"]),
    )


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, TableFamily]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: _family(name, spec) for name, spec in data["families"].items()}
