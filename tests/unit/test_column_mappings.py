"""An installation's own header names (installation.yaml column_mappings) on top of the product's mapping, without
editing it: a real register export whose scheme is in "Soort subsidie" or "Omschrijving"."""

from pathlib import Path

import pytest

from pipelines.installation import parse_installation
from pipelines.sources.files.spec import source_specs, with_headers

# The header of a real gemeente's register export (as the issue reports it), with two grants of 2024.
HEADER = (
    "Subsidiejaar;Jaar van toekenning;Programma;Taakveld;Soort subsidie;Aanvrager;Omschrijving;Regelmaat;"
    "Aangevraagd bedrag;Verleend bedrag;Vastgesteld bedrag"
)
REGISTER = (
    f"{HEADER}\n"
    "2024;2023;Zorg;6.1;Buurtinitiatieven;Stichting Buurtkracht;Zomerprogramma buurthuis;eenmalig;1.500,00;1.200,00;\n"
    "2024;2024;Zorg;6.1;Vrijwilligerswerk;Vereniging Samen;Maatjesproject;structureel;10.000,00;9.500,00;9.500,00\n"
)
SUBSIDIES = source_specs()["subsidies"]


def load(intake, spec, name="register.csv"):
    return intake.load("subsidies", name, REGISTER, gemeente="GM0141", spec=spec, load_id="t")


def installed(headers: dict[str, list[str]]):
    installation = parse_installation(
        Path("installation.yaml"),
        {
            "name": "t",
            "gemeenten": ["GM0141"],
            "own_gemeente": "GM0141",
            "peer_groups": [{"code": "g", "name": "G", "members": ["GM0141"]}],
            "column_mappings": {"subsidies": headers},
        },
    )
    return with_headers(SUBSIDIES, installation.column_mappings["subsidies"])


def test_the_product_mapping_alone_cannot_read_the_register(intake):
    result = load(intake, SUBSIDIES)
    assert result.status == "failed"
    assert "expected required column(s) regeling" in result.error


@pytest.mark.parametrize(("header", "schemes"), [
    ("Soort subsidie", ["Buurtinitiatieven", "Vrijwilligerswerk"]),
    ("Omschrijving", ["Maatjesproject", "Zomerprogramma buurthuis"]),
])  # fmt: skip
def test_the_installation_maps_a_column_to_regeling_and_the_register_loads(intake, header, schemes):
    result = load(intake, installed({"regeling": [header]}))
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 2, 0)
    rows = intake.rows("SELECT regeling, bedrag_verleend, subsidiejaar FROM raw.subsidies ORDER BY regeling")
    assert rows == [(schemes[0], *rows[0][1:]), (schemes[1], *rows[1][1:])]
    assert sorted(r[1] for r in rows) == [1200.00, 9500.00] and {r[2] for r in rows} == {2024}


def test_a_header_the_installation_takes_leaves_the_product_column_it_belonged_to():
    spec = installed({"regeling": ["Omschrijving"]})
    assert spec.match("Omschrijving").name == "regeling"
    assert "omschrijving" not in [s.lower() for s in spec.columns["project"].synonyms]
    assert SUBSIDIES.match("Omschrijving").name == "project"  # the product's mapping is unchanged
