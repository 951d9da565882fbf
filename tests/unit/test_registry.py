import pytest

from pipelines.sources.cbs.registry import RegistryError, load_registry


def test_registry_lists_kerncijfers_2015_to_2024_with_the_domain_table_ids():
    family = load_registry()["kerncijfers_wijken_buurten"]
    assert family.tables["2015"] == "83220NED"
    assert family.tables["2024"] == "85984NED"
    assert sorted(family.tables) == [str(year) for year in range(2015, 2025)]
    assert family.year_of("84583NED") == 2019


def test_malformed_registry_names_family_and_field(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text(
        "families:\n  x:\n    title: X\n    catalog: statline\n    api: v3\n    raw_table: t\n"
        "    tables: {2020: A}\n    measures: [M]\n"
    )
    with pytest.raises(RegistryError, match="family 'x': catalog 'statline'"):
        load_registry(path)
