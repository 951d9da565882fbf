"""A gemeente-file source described as data: ``pipelines/sources/mappings/<source>.yaml``.

The YAML names the canonical columns of the source, the header names each column is known under in real files
(the synonyms), the type and checks of every column, the row rules, and the *replace scope*: the period a file
speaks for, so that a corrected file for the same period replaces the earlier one in staging. Everything a
data team may want to adjust for a new gemeente's file lives there, not in code.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.sources.files.persons import NaturalPersonRule

MAPPINGS_DIR = Path(__file__).resolve().parents[1] / "mappings"
TYPES = {"text", "code", "integer", "year", "number", "amount", "date", "enum", "region", "postcode", "bsn"}
REGION_LEVELS = {"gemeente": "GM", "wijk": "WK", "buurt": "BU", "any": ""}


class SpecError(ValueError):
    """A mapping file is malformed; the message names the file and the column."""


@cache  # asked for every cell of the first rows of every file, under every delimiter
def header_key(text: str) -> str:
    """How headers are compared: case, accents, spaces and punctuation ignored ("Bedrag_Verleend (€)" ==
    "bedrag verleend")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", plain.replace("€", ""))


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    cent_synonyms: tuple[str, ...] = ()  # header names under which an amount is given in euro cents
    pattern: str | None = None  # code: full-match regex after trimming and upper-casing
    minimum: float | None = None
    maximum: float | None = None
    not_future: bool = False  # date: not after the intake date
    max_years_ahead: int | None = None  # year: at most this many years after the intake year
    values: dict[str, str] = field(default_factory=dict)  # enum: header_key(spelling) -> canonical value
    level: str | None = None  # region: gemeente / wijk / buurt / any
    known: bool = False  # region: must be a region the warehouse knows (pipelines/sources/regions.py)
    natural_person: NaturalPersonRule | None = None  # text: names of natural persons are never stored (persons.py)
    output: str | None = None  # column name in raw when it differs (bsn -> client_id)

    @property
    def raw_name(self) -> str:
        return self.output or self.name

    def unit_of(self, header: str) -> str:
        """'cent' when the matched header is one of the cent synonyms, else 'euro'."""
        return "cent" if header_key(header) in {header_key(s) for s in self.cent_synonyms} else "euro"


@dataclass(frozen=True)
class Rule:
    code: str
    when: str  # SQL over the typed columns: true marks the row as bad
    message: str


@dataclass(frozen=True)
class SourceSpec:
    name: str
    title: str
    description: str
    formats: tuple[str, ...]  # csv, xlsx, xml
    columns: dict[str, ColumnSpec]
    derived: dict[str, str]  # raw column -> SQL over typed columns (e.g. gemeente from the inbox folder)
    rules: tuple[Rule, ...]
    scope: str  # SQL: the period a row's file speaks for; the latest load per scope wins in staging
    path: Path
    coverage: str | None = None  # a region column: a delivery must cover every region of the scope it replaces
    whole: str | None = None  # SQL: rows that load all or none per scope (a message with a declared total)
    # staging evaluates ``scope`` over raw's columns instead of the stored replace_scope: the mapping narrowed the
    # scope after loads were stored with the old one
    scope_recomputed: bool = False
    index: dict[str, ColumnSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, ColumnSpec] = {}
        for column in self.columns.values():
            for synonym in (column.name, *column.synonyms, *column.cent_synonyms):
                key = header_key(synonym)
                if index.setdefault(key, column) is not column:
                    raise SpecError(
                        f"{self.path}: header {synonym!r} is a synonym of both {index[key].name} and {column.name}"
                    )
        object.__setattr__(self, "index", index)

    @property
    def personal(self) -> bool:
        """Client-level data (the source has a BSN column): quarantine shows the shape of a rejected cell, not its
        letters, since a shifted row can put a client's name in any column."""
        return any(c.type == "bsn" for c in self.columns.values())

    @property
    def uses_folder_gemeente(self) -> bool:
        """Whether rows may take their gemeente from the inbox folder (``GMxxxx/``, ``intake --gemeente``)."""
        return any("intake_gemeente" in sql for sql in self.derived.values())

    @property
    def required(self) -> list[ColumnSpec]:
        return [c for c in self.columns.values() if c.required]

    def match(self, header: str) -> ColumnSpec | None:
        """The column a header cell names, if any."""
        return self.index.get(header_key(header))


def _column(path: Path, name: str, spec: dict[str, Any]) -> ColumnSpec:
    kind = spec.get("type")
    if kind not in TYPES:
        raise SpecError(f"{path}: column {name!r} has type {kind!r}; expected one of {sorted(TYPES)}")
    level = spec.get("level")
    if kind == "region" and level not in REGION_LEVELS:
        raise SpecError(f"{path}: region column {name!r} needs a level in {sorted(REGION_LEVELS)}")
    values = {
        header_key(spelling): canonical
        for canonical, spellings in (spec.get("values") or {}).items()
        for spelling in (canonical, *spellings)
    }
    if kind == "enum" and not values:
        raise SpecError(f"{path}: enum column {name!r} lists no values")
    return ColumnSpec(
        name=name,
        type=kind,
        required=bool(spec.get("required", False)),
        synonyms=tuple(spec.get("synonyms", ())),
        cent_synonyms=tuple(spec.get("cent_synonyms", ())),
        pattern=spec.get("pattern"),
        minimum=spec.get("min"),
        maximum=spec.get("max"),
        not_future=bool(spec.get("not_future", False)),
        max_years_ahead=spec.get("max_years_ahead"),
        values=values,
        level=level,
        known=bool(spec.get("known", False)),
        natural_person=NaturalPersonRule.from_mapping(spec["natural_person"]) if "natural_person" in spec else None,
        output=spec.get("output"),
    )


def load_spec(path: Path) -> SourceSpec:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = {"title", "formats", "columns", "scope"} - data.keys()
    if missing:
        raise SpecError(f"{path}: missing key(s) {sorted(missing)}")
    return SourceSpec(
        name=path.stem,
        title=data["title"],
        description=data.get("description", ""),
        formats=tuple(data["formats"]),
        columns={name: _column(path, name, col) for name, col in data["columns"].items()},
        derived=dict(data.get("derived") or {}),
        rules=tuple(Rule(r["code"], r["when"], r["message"]) for r in data.get("rules") or ()),
        scope=data["scope"],
        path=path,
        coverage=data.get("coverage"),
        whole=data.get("whole"),
        scope_recomputed=bool(data.get("scope_recomputed", False)),
    )


@cache
def source_specs() -> dict[str, SourceSpec]:
    """Every source with a mapping file, by name (the inbox subfolder, raw and quarantine table name)."""
    return {path.stem: load_spec(path) for path in sorted(MAPPINGS_DIR.glob("*.yaml"))}


def with_headers(spec: SourceSpec, headers: Mapping[str, tuple[str, ...]]) -> SourceSpec:
    """The spec with an installation's own header names (installation.yaml ``column_mappings``): each header becomes
    a synonym of its column, and stops being one of any other column (the installation's choice wins)."""
    if not headers:
        return spec
    taken = {header_key(h) for names in headers.values() for h in names}
    columns = {}
    for name, column in spec.columns.items():
        keep = tuple(s for s in column.synonyms if header_key(s) not in taken)
        cents = tuple(s for s in column.cent_synonyms if header_key(s) not in taken)
        columns[name] = dataclasses.replace(column, synonyms=keep + headers.get(name, ()), cent_synonyms=cents)
    return dataclasses.replace(spec, columns=columns)
