"""``python -m pipelines init --gemeente GM0193 [--peers GM0150,GM0153]``: a new installation in one file.

Writes the installation file (``SBM_INSTALLATION``, default ``$SBM_HOME/installation.yaml``) for one gemeente,
with a proposed peer group from the list of every Dutch gemeente (seed regio/gemeenten.csv): the gemeenten of
its province in its size class, filled up with the ones of the province closest in inhabitants, so that element
scores have peers to compare with. Creates the state folder and prints the next steps. Nothing is fetched: the
proposal is offline and the data team edits the file before the first refresh.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.installation import Gemeente, InstallationError, dutch_gemeenten, load_installation
from pipelines.state import private_folder

SIZE_CLASSES = DBT_PROJECT_DIR / "seeds" / "peergroepen" / "grootteklassen.csv"
PROPOSED_GROUP_SIZE = 6  # the gemeente and five peers: element scores need at least three peers per year


@dataclass(frozen=True)
class SizeClass:
    code: str
    name: str
    low: int
    high: int


def size_classes() -> list[SizeClass]:
    with SIZE_CLASSES.open(encoding="utf-8", newline="") as handle:
        return [
            SizeClass(r["grootteklasse"], r["naam"], int(r["vanaf_inwoners"]), int(r["tot_inwoners"]))
            for r in csv.DictReader(handle)
        ]


def size_class(inhabitants: int) -> SizeClass:
    return next(c for c in size_classes() if c.low <= inhabitants < c.high)


@dataclass(frozen=True)
class Peer:
    gemeente: Gemeente
    reason: str  # why it was proposed


def propose_peers(own: Gemeente, size: int = PROPOSED_GROUP_SIZE) -> list[Peer]:
    """The gemeenten of the province in the same size class; if those are fewer than ``size - 1``, the others of
    the province closest in inhabitants (by ratio) fill up the group."""
    province = [g for g in dutch_gemeenten().values() if g.province_code == own.province_code and g != own]
    klass = size_class(own.inhabitants_2020)
    reason = f"zelfde grootteklasse ({klass.name})"
    same = [Peer(g, reason) for g in province if size_class(g.inhabitants_2020) == klass]
    if len(same) >= size - 1:
        return sorted(same, key=lambda p: p.gemeente.name)
    distance = {g.code: abs(math.log(g.inhabitants_2020 / own.inhabitants_2020)) for g in province}
    chosen = {p.gemeente.code for p in same}
    nearest = sorted((g for g in province if g.code not in chosen), key=lambda g: distance[g.code])
    fill = [Peer(g, "dichtst bij in inwoners") for g in nearest[: size - 1 - len(same)]]
    return sorted(same + fill, key=lambda p: p.gemeente.name)


def _dutch(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def installation_text(own: Gemeente, peers: list[Peer], group_name: str) -> str:
    codes = [own.code] + [p.gemeente.code for p in peers]
    members = ", ".join(codes)
    comments = "\n".join(
        f"#   {p.gemeente.code} {p.gemeente.name} ({_dutch(p.gemeente.inhabitants_2020)} inwoners in 2020): {p.reason}"
        for p in peers
    )
    return f"""\
# Installation of the sociale basis monitor for {own.name}, written by `python -m pipelines init`.
# Edit it before the first refresh; every key is explained in the README ("Op eigen data").
name: {_quoted(f"Gemeente {own.name}")}
label: ""  # a line shown on top of every dashboard, e.g. "testomgeving"; empty: none
gemeenten: [{members}]  # monitored: CBS data are fetched for these, with their wijken and buurten
own_gemeente: {own.code}  # {own.name}: the dashboards open on it
peer_groups:  # the first is the one the dashboards and the wijkprofiel compare with
  - code: vergelijking
    name: {_quoted(group_name)}
    members: [{members}]
# Proposed peers ({own.province}; {own.name} had {_dutch(own.inhabitants_2020)} inwoners in 2020):
{comments}
size_class_comparison: true  # also compare with every monitored gemeente of the same size class
target_classification: 2024  # every series on the gemeente and wijk classification of this year
min_cell_size: 10  # values resting on fewer clients are suppressed
archive_retention_days: 90  # delivered originals (they hold BSNs) are removed this many days after they arrived
cbs:
  mode: online  # fetch from the CBS API on every refresh (offline: load stored snapshots only)
  editions: {{first: 2015, last: 2024}}  # the editions (years) to use; `cbs-check --online` lists newer ones
column_mappings: {{}}  # your files' own header names, e.g. {{subsidies: {{regeling: [Soort subsidie]}}}}
users: []  # dashboard users, e.g. [{{username: lezer, role: Lezer, gemeenten: [{own.code}]}}]
"""


def init(settings: Settings, gemeente: str, peers: list[str] | None, force: bool = False) -> list[str]:
    """Write the installation file and create the state folder; returns the lines to print."""
    code = gemeente.strip().upper()
    known = dutch_gemeenten()
    if code not in known:
        raise InstallationError(
            f"--gemeente {gemeente}: not a gemeente of 2024 (see dbt_project/seeds/regio/gemeenten.csv)"
        )
    own = known[code]
    if peers:
        unknown = [p for p in peers if p.strip().upper() not in known]
        if unknown:
            raise InstallationError(f"--peers: {', '.join(unknown)} are not gemeenten of 2024 (GM + 4 digits)")
        chosen = [Peer(known[p.strip().upper()], "opgegeven met --peers") for p in peers if p.strip().upper() != code]
        group_name = f"{own.name} en {len(chosen)} gekozen gemeenten"
    else:
        chosen = propose_peers(own)
        group_name = f"{own.province}, vergelijkbare omvang"
    target = settings.installation_file
    if target.exists() and not force:
        raise InstallationError(f"{target} exists already; edit it, or give --force to write a new one")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(installation_text(own, chosen, group_name), encoding="utf-8")
    installation = load_installation(target)  # what was written must load
    private_folder(settings.home)
    lines = [
        f"wrote {target}: {own.name} ({own.code}) with peer group {group_name!r}:",
        *(f"  {p.gemeente.code} {p.gemeente.name}: {p.reason}" for p in chosen),
        f"state folder: {settings.home}",
    ]
    if len(installation.peer_group.members) < 4:
        lines.append("note: element scores need at least three peers besides the gemeente; add peers (--peers)")
    lines += [
        "next steps:",
        f"  1. check and edit {target} (peers, users, your files' column names)",
        "  2. make refresh      fetches the CBS tables for these gemeenten (online) and builds the warehouse",
        f"  3. deliver files:   python -m pipelines intake <file> --source subsidies --gemeente {own.code}",
        f"  4. make serve        the dashboards on {settings.superset_url}",
    ]
    if settings.installation_file != settings.home / "installation.yaml":
        lines.append(f"  (keep SBM_INSTALLATION={target} set for every command)")
    return lines


def parse_peers(value: str | None) -> list[str] | None:
    return [p for p in (value or "").replace(" ", ",").split(",") if p] or None
