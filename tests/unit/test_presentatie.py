"""What the marts show a Dutch reader: the macros behind the presentation columns (macros/presentatie.sql), run in
DuckDB as dbt runs them, and the Dutch text of every quarantine reason."""

from __future__ import annotations

import csv
import re

import duckdb
import jinja2
import pytest
import yaml

from pipelines.config import DBT_PROJECT_DIR, REPO_ROOT
from pipelines.sources.geo.kaart import REASONS as MAP_REASONS

MACROS = (DBT_PROJECT_DIR / "macros" / "presentatie.sql").read_text(encoding="utf-8")


def render(call: str) -> str:
    """The SQL a macro call compiles to (the macros use plain Jinja, as dbt renders them)."""
    return jinja2.Environment().from_string(MACROS + "{{ " + call + " }}").render().strip()


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("2024JJ00", "2024"),
        ("2024", "2024"),
        ("2024HJ01", "1e halfjaar 2024"),
        ("2023HJ02", "2e halfjaar 2023"),
        ("2024KW03", "3e kwartaal 2024"),
        ("2024MM12", "december 2024"),
        ("2024-03", "maart 2024"),
        ("onbekend", "onbekend"),
    ],
)
def test_a_period_reads_as_a_dutch_reader_writes_it(key: str, name: str) -> None:
    sql = render("periode_naam('p')")
    assert duckdb.execute(f"SELECT {sql} FROM (SELECT ? AS p)", [key]).fetchall() == [(name,)]


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "text"),
    [
        (32.12, 2, "euro per inwoner", "€ 32,12"),
        (1_234_567.891, 0, "euro per cliënt", "€ 1.234.568"),
        (15.24, 1, "%", "15,2%"),
        (111.46, 1, "per 1.000 inwoners", "111,5"),
        (-0.5, 2, "verhouding", "-0,50"),
        (None, 1, "%", None),
    ],
)
def test_a_value_reads_in_its_unit_with_the_catalogues_decimals(value, decimals, unit, text) -> None:
    sql = render("waarde_tekst('w', 'd', 'e')")
    query = f"SELECT {sql} FROM (SELECT ?::DOUBLE AS w, ?::INTEGER AS d, ?::VARCHAR AS e)"
    assert duckdb.execute(query, [value, decimals, unit]).fetchall() == [(text,)]


def test_every_quarantine_reason_has_a_dutch_text() -> None:
    with (DBT_PROJECT_DIR / "seeds" / "datakwaliteit" / "quarantaineredenen.csv").open(encoding="utf-8") as f:
        seed = {row["reden_code"]: row["reden"] for row in csv.DictReader(f)}
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    documented = readme.split("keeps every rejected row with `reason_code` (the first failing check:", 1)[1]
    intake = set(re.findall(r"`([a-z_]+)`", documented.split("or a rule of the mapping", 1)[0]))
    mappings = {
        rule["code"]
        for path in (REPO_ROOT / "pipelines" / "sources" / "mappings").glob("*.yaml")
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []
    }
    assert len(intake) == 22 and mappings  # the README's list, and the rules of the mappings
    missing = (intake | mappings | set(MAP_REASONS)) - set(seed)
    assert not missing, f"no Dutch text in seeds/datakwaliteit/quarantaineredenen.csv for {sorted(missing)}"
    assert all(text and text != code and "_" not in text for code, text in seed.items())  # words, not the code
