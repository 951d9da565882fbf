import re

import pytest

from pipelines.config import DBT_PROJECT_DIR
from pipelines.sources.cbs.registry import RegistryError, load_registry

REGISTRY = load_registry()


def test_registry_lists_kerncijfers_2015_to_2025_with_the_table_ids_of_the_evidence():
    family = REGISTRY["kerncijfers_wijken_buurten"]
    assert family.tables["2015"] == "83220NED"
    assert family.tables["2024"] == "85984NED"
    assert family.tables["2025"] == "86165NED"
    assert sorted(family.tables) == [str(year) for year in range(2015, 2026)]
    assert family.year_of("84583NED") == 2019
    # the real 2017 metadata has no Wmo or jeugdzorg measures: the registry says so
    care = {"JongerenMetJeugdzorgInNatura", "PercentageJongerenMetJeugdzorg", "WmoClienten", "WmoClientenRelatief"}
    assert set(family.not_published["83765NED"]) == care


def test_the_newest_editions_are_listed():
    assert REGISTRY["wmo_clienten_type_wijk"].tables["2025"] == "86158NED"
    assert REGISTRY["jeugdzorg_wijk"].tables["2025"] == "86204NED"
    assert (REGISTRY["iv3_lasten"].tables["2025"], REGISTRY["iv3_lasten"].tables["2026"]) == ("45071NED", "45078NED")


def test_every_table_says_what_it_was_verified_against():
    for family in REGISTRY.values():
        assert set(family.verified) == set(family.tables.values()), family.name
        for table_id, note in family.verified.items():
            assert note.startswith("unverified") or re.search(r"reference-data|public code|title only", note), (
                f"{table_id}: {note}"
            )


def test_care_forms_and_types_are_dimensions_not_measures():
    jeugd = REGISTRY["jeugdzorg_wijk"]
    assert jeugd.measure_names == ("TotaalJongerenMetJeugdzorg",)
    assert jeugd.measures[0].stems == ("TotaalJongerenMetJeugdzorg", "TotaalJongerenMetJeugdzorgInNatur")
    assert jeugd.dimension_role("TypeJeugdzorg") == jeugd.dimension_role("Vormen") == "vorm"
    assert REGISTRY["jeugdzorg_gemeente"].measure_names == ("JongerenMetJeugdzorg",)
    wmo = REGISTRY["wmo_clienten_type_wijk"]
    assert wmo.dimensions == {"voorziening": ("TypeMaatwerkarrangement", "TypeMaatwerkvoorziening")}


def test_dbt_staging_reads_every_dimension_name_the_registry_knows():
    """The registry's roles and the staging models' dimension lists are one decision written down twice (Python
    reads one, dbt the other): they must agree."""
    for family in REGISTRY.values():
        model = (
            DBT_PROJECT_DIR / "models" / "staging" / "cbs" / f"stg_{family.raw_table.replace('cbs_', 'cbs__', 1)}.sql"
        )
        sql = model.read_text(encoding="utf-8")
        for role, names in family.dimensions.items():
            assert f"'{role}'" in sql, (model.name, role)
            assert all(f"'{name}'" in sql for name in names), (model.name, names)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("catalog: statline\n    tables: {2020: {id: A, verified: unverified}}", "family 'x': catalog 'statline'"),
        ("catalog: opendata\n    tables: {2020: {id: A}}", "edition 2020: expected a mapping with id and verified"),
    ],
)
def test_a_malformed_registry_names_family_and_field(tmp_path, fields, message):
    path = tmp_path / "registry.yaml"
    path.write_text(f"families:\n  x:\n    title: X\n    {fields}\n    api: v3\n    raw_table: t\n    measures: [M]\n")
    with pytest.raises(RegistryError, match=message):
        load_registry(path)
