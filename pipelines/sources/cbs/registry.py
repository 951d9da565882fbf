"""The CBS table registry: which table ID holds which series, per edition and catalogue (``registry.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).with_name("registry.yaml")
CATALOGS = {"opendata", "dataderden"}
APIS = {"v3", "v4"}
DATASETS = {"TypedDataSet", "UntypedDataSet"}
LEVELS = {"NL", "GM", "WK", "BU"}
CONTINUOUS = "doorlopend"  # the edition key of a single table that keeps growing
REQUIRED = {"title", "catalog", "api", "raw_table", "tables", "measures"}


class RegistryError(ValueError):
    """The registry file is malformed; the message names the family and field."""


@dataclass(frozen=True)
class TableFamily:
    """A series published as one table per edition (e.g. Kerncijfers wijken en buurten 2015..2024) or as one
    growing table."""

    name: str
    title: str
    catalog: str
    api: str
    raw_table: str
    tables: dict[str, str]  # edition ('2019' or 'doorlopend') -> table ID
    measures: tuple[str, ...]
    levels: tuple[str, ...] = ("GM", "WK", "BU")
    dataset: str = "TypedDataSet"

    def year_of(self, table_id: str) -> int:
        """The year of a one-table-per-year edition (for tables without a period dimension)."""
        for edition, tid in self.tables.items():
            if tid == table_id:
                if not edition.isdigit():
                    raise KeyError(f"{table_id} of family {self.name!r} is a {edition} table without a year")
                return int(edition)
        raise KeyError(f"{table_id} is not a table of family {self.name!r}")


def _family(name: str, spec: dict) -> TableFamily:
    def fail(message: str) -> RegistryError:
        return RegistryError(f"family {name!r}: {message} (in {REGISTRY_FILE})")

    if missing := REQUIRED - spec.keys():
        raise fail(f"missing field(s) {sorted(missing)}")
    if spec["catalog"] not in CATALOGS:
        raise fail(f"catalog {spec['catalog']!r} is not one of {sorted(CATALOGS)}")
    if spec["api"] not in APIS:
        raise fail(f"api {spec['api']!r} is not one of {sorted(APIS)}")
    tables = {str(edition): str(tid) for edition, tid in spec["tables"].items()}
    if len(set(tables.values())) != len(tables):
        raise fail("a table ID is listed for more than one edition")
    if bad := [e for e in tables if not (e.isdigit() or e == CONTINUOUS)]:
        raise fail(f"edition(s) {bad} are neither a year nor {CONTINUOUS!r}")
    levels = tuple(spec.get("levels", ("GM", "WK", "BU")))
    if bad := set(levels) - LEVELS:
        raise fail(f"levels {sorted(bad)} are not among {sorted(LEVELS)}")
    dataset = spec.get("dataset", "TypedDataSet")
    if dataset not in DATASETS:
        raise fail(f"dataset {dataset!r} is not one of {sorted(DATASETS)}")
    return TableFamily(
        name=name,
        title=spec["title"],
        catalog=spec["catalog"],
        api=spec["api"],
        raw_table=spec["raw_table"],
        tables=tables,
        measures=tuple(spec["measures"]),
        levels=levels,
        dataset=dataset,
    )


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, TableFamily]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: _family(name, spec) for name, spec in data["families"].items()}
