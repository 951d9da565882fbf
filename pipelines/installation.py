"""One installation of the monitor, as its ``installation.yaml`` says (path from ``SBM_INSTALLATION``).

The product knows no region: which gemeenten it monitors, which one is the installation's own (the dashboards'
defaults), the named peer groups and the size-class comparison, the target classification, the minimum cell
size, how CBS data come in, the label on the dashboards, extra column names of the gemeente's own files, the
dashboard users and how long delivered originals are kept all come from this file. It is read once, into
``Settings.installation``, and checked on load: an error names the file, the key and what is wrong, in words a data
team can act on.

The demo is one such installation (``demo/installation.yaml``); ``python -m pipelines init`` writes a new one.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
GEMEENTEN_SEED = SEEDS_DIR / "regio" / "gemeenten.csv"
HERINDELINGEN_SEED = SEEDS_DIR / "gemeente_herindelingen.csv"
GEMEENTE_CODE = re.compile(r"GM\d{4}")
PEER_GROUP_CODE = re.compile(r"[a-z][a-z0-9_]*")
CBS_MODES = ("offline", "online")
ROLES = ("Lezer", "Analist")
KEYS = {
    "name", "label", "gemeenten", "own_gemeente", "peer_groups", "size_class_comparison", "target_classification",
    "min_cell_size", "cbs", "column_mappings", "users", "wijk_conversion", "archive_retention_days",
}  # fmt: skip
ARCHIVE_RETENTION_DAYS = 90  # default: a quarter, enough to re-read a delivery that turned out wrong
WIJK_CONVERSION_HEADER = "van_code,naar_code,van_indeling,naar_indeling,aandeel,bron"


class InstallationError(ValueError):
    """The installation file cannot be used; the message names the file, the key and what is wrong."""


@dataclass(frozen=True)
class Gemeente:
    code: str
    name: str
    province_code: str
    province: str
    inhabitants_2020: int


@cache
def dutch_gemeenten() -> dict[str, Gemeente]:
    """Every gemeente of the 2024 classification (seed regio/gemeenten.csv, see its yml for the sources)."""
    with GEMEENTEN_SEED.open(encoding="utf-8", newline="") as handle:
        return {
            row["gemeente_code"]: Gemeente(
                row["gemeente_code"],
                row["gemeente_naam"],
                row["provincie_code"],
                row["provincie_naam"],
                int(row["inwoners_2020"]),
            )
            for row in csv.DictReader(handle)
        }


@cache
def former_gemeenten() -> dict[str, str]:
    """Codes of gemeenten merged away or renamed since 2015 -> their name (seed gemeente_herindelingen.csv); the
    warehouse converts their figures to the target classification."""
    with HERINDELINGEN_SEED.open(encoding="utf-8", newline="") as handle:
        return {row["oude_code"]: row["oude_naam"] for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class PeerGroup:
    code: str  # key in the warehouse (peergroep), e.g. "regio"
    name: str  # as the dashboards say it: "vergelijkingsgroep <name>"
    members: tuple[str, ...]


@dataclass(frozen=True)
class User:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    gemeenten: tuple[str, ...] = ()  # empty: every gemeente; else row-level security on these


@dataclass(frozen=True)
class Installation:
    path: Path
    name: str
    label: str  # shown on top of every dashboard ("" = none)
    gemeenten: tuple[str, ...]  # monitored: CBS data are fetched for these (with their wijken and buurten)
    own_gemeente: str  # the dashboards open on it
    peer_groups: tuple[PeerGroup, ...]  # the first is the one dashboards and wijkprofielen compare with
    size_class_comparison: bool  # also compare every gemeente with the gemeenten of its size class
    target_classification: int  # the classification year every series is converted to
    min_cell_size: int  # values resting on fewer clients are suppressed
    cbs_online: bool  # online: fetch from the CBS API first; offline: load stored snapshots only
    cbs_editions: tuple[int, int] | None  # first and last edition (year) of every CBS table to use; None: all
    column_mappings: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    users: tuple[User, ...] = ()
    wijk_conversion: Path | None = None  # the installation's wijk re-divisions (CSV), None: no wijk changed
    # delivered originals (archive, rejected, held: they hold BSNs) are removed this many days after they arrived
    archive_retention_days: int = ARCHIVE_RETENTION_DAYS

    @property
    def peer_group(self) -> PeerGroup:
        return self.peer_groups[0]

    def suite_parameters(self) -> dict[str, Any]:
        """What the GX suites read from the installation (``{"$PARAMETER": ...}`` in expectations/*.json)."""
        return {"min_cell_size": self.min_cell_size, "doelindelingen": [self.target_classification]}

    def dbt_vars(self) -> dict[str, Any]:
        """What dbt reads from the installation (``--vars``)."""
        return {
            "doelindeling": self.target_classification,
            "min_cell_size": self.min_cell_size,
            "peergroep": self.peer_group.code,
            "peergroepen": [{"code": g.code, "naam": g.name, "leden": list(g.members)} for g in self.peer_groups],
            "grootteklasse_vergelijking": self.size_class_comparison,
            "wijk_omzetting": str(self.wijk_conversion or ""),
        }


class _Reader:
    """Reads one installation file; every error says where."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> InstallationError:
        return InstallationError(f"{self.path}: {key}: {message}")

    def gemeente(self, key: str, value: Any) -> str:
        code = str(value).strip().upper()
        if not GEMEENTE_CODE.fullmatch(code):
            raise self.fail(key, f"{value!r} is not a CBS gemeente code (GM followed by 4 digits, e.g. GM0193)")
        if code not in dutch_gemeenten() and code not in former_gemeenten():
            raise self.fail(
                key,
                f"{code} is not a Dutch gemeente code (not in {GEMEENTEN_SEED.name}, the 342 gemeenten of 2024, "
                f"nor merged away since 2015); look the code up there",
            )
        return code

    def gemeenten(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "expected a list of gemeente codes, e.g. [GM0193, GM0148]")
        codes = tuple(self.gemeente(key, item) for item in value)
        if duplicates := sorted({c for c in codes if codes.count(c) > 1}):
            raise self.fail(key, f"{', '.join(duplicates)} listed more than once")
        return codes

    def integer(self, key: str, value: Any, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"expected a whole number from {low} to {high}, found {value!r}")
        return value

    def peer_groups(self, value: Any, monitored: tuple[str, ...]) -> tuple[PeerGroup, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("peer_groups", "expected at least one named peer group (code, name, members)")
        groups = []
        for number, item in enumerate(value, start=1):
            key = f"peer_groups[{number}]"
            if not isinstance(item, dict) or set(item) - {"code", "name", "members"}:
                raise self.fail(key, "expected code, name and members")
            code = str(item.get("code", ""))
            if not PEER_GROUP_CODE.fullmatch(code):
                raise self.fail(key, f"code {code!r}: expected lower-case letters, digits and _ (e.g. regio)")
            name = str(item.get("name") or "").strip()
            if not name:
                raise self.fail(key, f"peer group {code!r} has no name (dashboards say 'vergelijkingsgroep <name>')")
            members = item.get("members")
            if not members:
                raise self.fail(key, f"peer group {code!r} is empty: list its members (gemeente codes)")
            codes = self.gemeenten(f"{key}.members", members)
            if outside := [c for c in codes if c not in monitored]:
                raise self.fail(
                    f"{key}.members",
                    f"{', '.join(outside)} in peer group {code!r} are not monitored: add them to gemeenten "
                    "(the monitor only has data for those)",
                )
            groups.append(PeerGroup(code, name, codes))
        if duplicates := sorted({g.code for g in groups if [h.code for h in groups].count(g.code) > 1}):
            raise self.fail("peer_groups", f"code {', '.join(duplicates)} used twice")
        return tuple(groups)

    def cbs(self, value: Any) -> tuple[bool, tuple[int, int] | None]:
        value = value or {}
        if not isinstance(value, dict) or set(value) - {"mode", "editions"}:
            raise self.fail("cbs", "expected mode (offline or online) and editions (first, last)")
        mode = value.get("mode", "offline")
        if mode not in CBS_MODES:
            raise self.fail("cbs.mode", f"{mode!r}: expected offline (stored snapshots only) or online (the CBS API)")
        editions = value.get("editions")
        if editions is None:
            return mode == "online", None
        if not isinstance(editions, dict) or set(editions) != {"first", "last"}:
            raise self.fail("cbs.editions", "expected first and last, e.g. {first: 2015, last: 2024}")
        first = self.integer("cbs.editions.first", editions["first"], 2000, 2100)
        last = self.integer("cbs.editions.last", editions["last"], first, 2100)
        return mode == "online", (first, last)

    def column_mappings(self, value: Any) -> dict[str, dict[str, tuple[str, ...]]]:
        from pipelines.sources.files.spec import source_specs

        specs = source_specs()
        if not isinstance(value, dict):
            raise self.fail("column_mappings", "expected <source>: {<column>: [header names]}")
        mappings: dict[str, dict[str, tuple[str, ...]]] = {}
        for source, columns in value.items():
            if source not in specs:
                raise self.fail("column_mappings", f"unknown source {source!r}; expected one of {', '.join(specs)}")
            if not isinstance(columns, dict):
                raise self.fail(f"column_mappings.{source}", "expected <column>: [header names]")
            for column, headers in columns.items():
                if column not in specs[source].columns:
                    raise self.fail(
                        f"column_mappings.{source}",
                        f"{source} has no column {column!r}; its columns: {', '.join(specs[source].columns)}",
                    )
                if not isinstance(headers, list) or not all(isinstance(h, str) and h.strip() for h in headers):
                    raise self.fail(f"column_mappings.{source}.{column}", "expected a list of header names")
                mappings.setdefault(source, {})[column] = tuple(headers)
        return mappings

    def wijk_conversion(self, value: Any) -> Path | None:
        if not value:
            return None
        path = (self.path.parent / str(value)).resolve()
        if not path.is_file():
            raise self.fail("wijk_conversion", f"{path} does not exist (a path relative to the installation file)")
        header = path.read_text(encoding="utf-8-sig").splitlines()[:1]
        if header != [WIJK_CONVERSION_HEADER]:
            raise self.fail("wijk_conversion", f"{path}: expected the header {WIJK_CONVERSION_HEADER}, found {header}")
        return path

    def users(self, value: Any) -> tuple[User, ...]:
        users = []
        for number, item in enumerate(value or [], start=1):
            key = f"users[{number}]"
            fields = {"username", "first_name", "last_name", "email", "role", "gemeenten"}
            if not isinstance(item, dict) or set(item) - fields or not {"username", "role"} <= set(item):
                raise self.fail(key, f"expected {', '.join(sorted(fields))} (username and role required)")
            if item["role"] not in ROLES:
                raise self.fail(key, f"role {item['role']!r}: expected one of {', '.join(ROLES)}")
            username = str(item["username"])
            gemeenten = self.gemeenten(f"{key}.gemeenten", item["gemeenten"]) if "gemeenten" in item else ()
            users.append(
                User(
                    username=username,
                    first_name=str(item.get("first_name") or username),
                    last_name=str(item.get("last_name") or "-"),
                    email=str(item.get("email") or f"{username}@localhost"),
                    role=item["role"],
                    gemeenten=gemeenten,
                )
            )
        return tuple(users)


def parse_installation(path: Path, data: Any) -> Installation:
    reader = _Reader(path)
    if not isinstance(data, dict):
        raise InstallationError(f"{path}: expected keys such as gemeenten, own_gemeente, peer_groups; found {data!r}")
    if unknown := sorted(set(data) - KEYS):
        raise InstallationError(f"{path}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(KEYS))}")
    for required in ("name", "gemeenten", "own_gemeente", "peer_groups"):
        if required not in data:
            raise reader.fail(required, "missing")
    gemeenten = reader.gemeenten("gemeenten", data["gemeenten"])
    own = reader.gemeente("own_gemeente", data["own_gemeente"])
    if own not in gemeenten:
        raise reader.fail("own_gemeente", f"{own} is not monitored: add it to gemeenten")
    cbs_online, editions = reader.cbs(data.get("cbs"))
    size_classes = data.get("size_class_comparison", True)
    if not isinstance(size_classes, bool):
        raise reader.fail("size_class_comparison", f"expected true or false, found {size_classes!r}")
    return Installation(
        path=path,
        name=str(data["name"]),
        label=str(data.get("label") or ""),
        gemeenten=gemeenten,
        own_gemeente=own,
        peer_groups=reader.peer_groups(data["peer_groups"], gemeenten),
        size_class_comparison=size_classes,
        target_classification=reader.integer(
            "target_classification", data.get("target_classification", 2024), 2015, 2100
        ),  # fmt: skip
        min_cell_size=reader.integer("min_cell_size", data.get("min_cell_size", 10), 1, 1000),
        cbs_online=cbs_online,
        cbs_editions=editions,
        column_mappings=reader.column_mappings(data.get("column_mappings") or {}),
        users=reader.users(data.get("users")),
        wijk_conversion=reader.wijk_conversion(data.get("wijk_conversion")),
        archive_retention_days=reader.integer(
            "archive_retention_days", data.get("archive_retention_days", ARCHIVE_RETENTION_DAYS), 1, 36500
        ),
    )


def load_installation(path: Path) -> Installation:
    if not path.is_file():
        raise InstallationError(
            f"no installation file at {path}: run `python -m pipelines init --gemeente GM....` to write one, "
            "`make demo` for the demo, or point SBM_INSTALLATION at yours"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InstallationError(f"{path}: not valid YAML: {error}") from None
    return parse_installation(path, data)
