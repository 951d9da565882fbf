"""The CBS table registry: which table ID holds which series, per edition and catalogue (``registry.yaml``), and
what each table was verified against."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).with_name("registry.yaml")
CATALOGS = {"opendata", "dataderden"}
APIS = {"v3", "v4"}
DATASETS = {"TypedDataSet", "UntypedDataSet"}
LEVELS = {"NL", "GM", "WK", "BU"}
CONTINUOUS = "doorlopend"  # the edition key of a single table that keeps growing
UNVERIFIED = "unverified"  # how a `verified:` note starts when nothing real was checked
REQUIRED = {"title", "catalog", "api", "raw_table", "tables", "measures"}
MEASURE_FIELDS = {"name", "stems", "title", "group"}


class RegistryError(ValueError):
    """The registry file is malformed; the message names the family and field."""


@dataclass(frozen=True)
class Measure:
    """A measure the monitor loads, as the registry names it (``name``: what staging and dbt see), and how to find
    it in a table: the column stems (v3) or measure codes (v4) it is published under in some edition, and, where a
    stem occurs more than once (KWB's ``Appartement_48`` and ``Appartement_56``), the topic's title or the title
    of a topic group above it."""

    name: str
    stems: tuple[str, ...] = ()
    title: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        if not self.stems:
            object.__setattr__(self, "stems", (self.name,))


@dataclass(frozen=True)
class TableFamily:
    """A series published as one table per edition (e.g. Kerncijfers wijken en buurten 2015..2025) or as one
    growing table."""

    name: str
    title: str
    catalog: str
    api: str
    raw_table: str
    tables: dict[str, str]  # edition ('2019' or 'doorlopend') -> table ID
    measures: tuple[Measure, ...]
    levels: tuple[str, ...] = ("GM", "WK", "BU")
    dataset: str = "TypedDataSet"
    # role -> the CBS dimension names it has had over the editions (e.g. TypeMaatwerkarrangement, then
    # TypeMaatwerkvoorziening); every dimension but the geographic and the time dimension has a role
    dimensions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    verified: dict[str, str] = field(default_factory=dict)  # table ID -> what it was checked against
    not_published: dict[str, tuple[str, ...]] = field(default_factory=dict)  # table ID -> measures it lacks
    catalog_title: str | None = None  # what the catalogue's table titles of this series start with

    def __post_init__(self) -> None:
        measures = tuple(m if isinstance(m, Measure) else Measure(m) for m in self.measures)
        object.__setattr__(self, "measures", measures)

    @property
    def measure_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.measures)

    def edition_of(self, table_id: str) -> str:
        for edition, tid in self.tables.items():
            if tid == table_id:
                return edition
        raise KeyError(f"{table_id} is not a table of family {self.name!r}")

    def year_of(self, table_id: str) -> int:
        """The year of a one-table-per-year edition (for tables without a period dimension)."""
        edition = self.edition_of(table_id)
        if not edition.isdigit():
            raise KeyError(f"{table_id} of family {self.name!r} is a {edition} table without a year")
        return int(edition)

    def dimension_role(self, cbs_name: str) -> str | None:
        return next((role for role, names in self.dimensions.items() if cbs_name in names), None)


def _measure(spec: str | dict, fail) -> Measure:
    if isinstance(spec, str):
        return Measure(spec)
    if not isinstance(spec, dict) or "name" not in spec or set(spec) - MEASURE_FIELDS:
        raise fail(f"measure {spec!r}: expected a stem or a mapping with name (and stems, title, group)")
    return Measure(spec["name"], tuple(spec.get("stems", ())), spec.get("title"), spec.get("group"))


def _family(name: str, spec: dict) -> TableFamily:
    def fail(message: str) -> RegistryError:
        return RegistryError(f"family {name!r}: {message} (in {REGISTRY_FILE})")

    if missing := REQUIRED - spec.keys():
        raise fail(f"missing field(s) {sorted(missing)}")
    if spec["catalog"] not in CATALOGS:
        raise fail(f"catalog {spec['catalog']!r} is not one of {sorted(CATALOGS)}")
    if spec["api"] not in APIS:
        raise fail(f"api {spec['api']!r} is not one of {sorted(APIS)}")
    measures = tuple(_measure(m, fail) for m in spec["measures"])
    names = [m.name for m in measures]
    if len(set(names)) != len(names):
        raise fail("a measure name is listed twice")
    tables, verified, not_published = {}, {}, {}
    for edition, entry in spec["tables"].items():
        edition = str(edition)
        if not (edition.isdigit() or edition == CONTINUOUS):
            raise fail(f"edition {edition!r} is neither a year nor {CONTINUOUS!r}")
        if not isinstance(entry, dict) or not entry.get("id") or not str(entry.get("verified", "")).strip():
            raise fail(f"edition {edition}: expected a mapping with id and verified (what it was checked against)")
        table_id = str(entry["id"])
        if table_id in tables.values():
            raise fail(f"table ID {table_id} is listed for more than one edition")
        if unknown := set(entry.get("not_published", ())) - set(names):
            raise fail(f"edition {edition}: not_published names measures it does not load: {sorted(unknown)}")
        tables[edition] = table_id
        verified[table_id] = " ".join(str(entry["verified"]).split())
        not_published[table_id] = tuple(entry.get("not_published", ()))
    levels = tuple(spec.get("levels", ("GM", "WK", "BU")))
    if bad := set(levels) - LEVELS:
        raise fail(f"levels {sorted(bad)} are not among {sorted(LEVELS)}")
    dataset = spec.get("dataset", "TypedDataSet")
    if dataset not in DATASETS:
        raise fail(f"dataset {dataset!r} is not one of {sorted(DATASETS)}")
    dimensions = {role: tuple(names) for role, names in (spec.get("dimensions") or {}).items()}
    return TableFamily(
        name=name,
        title=spec["title"],
        catalog=spec["catalog"],
        api=spec["api"],
        raw_table=spec["raw_table"],
        tables=tables,
        measures=measures,
        levels=levels,
        dataset=dataset,
        dimensions=dimensions,
        verified=verified,
        not_published=not_published,
        catalog_title=spec.get("catalog_title"),
    )


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, TableFamily]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: _family(name, spec) for name, spec in data["families"].items()}
