"""The installation file: read once into Settings, checked on load with errors a data team can act on."""

from pathlib import Path

import pytest
import yaml

from pipelines.config import REPO_ROOT, Settings
from pipelines.installation import InstallationError, load_installation, parse_installation

DEMO = REPO_ROOT / "demo" / "installation.yaml"
VALID = {
    "name": "Gemeente Zwolle",
    "gemeenten": ["GM0193", "GM0150", "GM0153"],
    "own_gemeente": "GM0193",
    "peer_groups": [{"code": "ijssel", "name": "IJsselsteden", "members": ["GM0193", "GM0150", "GM0153"]}],
}


def parse(**changes):
    return parse_installation(Path("installation.yaml"), {**VALID, **changes})


def test_the_demo_profile_loads_and_gives_dbt_its_vars():
    demo = load_installation(DEMO)
    assert (demo.own_gemeente, demo.peer_group.name, len(demo.gemeenten)) == ("GM0141", "Twente", 14)
    assert demo.cbs_editions == (2015, 2024) and not demo.cbs_online
    assert demo.dbt_vars() == {
        "doelindeling": 2024,
        "min_cell_size": 10,
        "peergroep": "twente",
        "peergroepen": [{"code": "twente", "naam": "Twente", "leden": list(demo.gemeenten)}],
        "grootteklasse_vergelijking": True,
        "wijk_omzetting": str(REPO_ROOT / "demo" / "wijk_omzetting.csv"),  # Almelo 2021, next to the file
    }


def test_defaults_of_a_minimal_file():
    installation = parse()
    assert (installation.target_classification, installation.min_cell_size) == (2024, 10)
    assert not installation.cbs_online
    assert installation.label == "" and installation.users == () and installation.size_class_comparison
    assert installation.archive_retention_days == 90
    assert parse(archive_retention_days=30).archive_retention_days == 30


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"gemeenten": ["GM0193", "GM9999"]}, "gemeenten: GM9999 is not a Dutch gemeente code"),
        ({"gemeenten": ["GM0193", "0150"]}, "'0150' is not a CBS gemeente code (GM followed by 4 digits"),
        ({"own_gemeente": "GM0150"} | {"gemeenten": ["GM0193"]}, "own_gemeente: GM0150 is not monitored: add it"),
        (
            {"peer_groups": [{"code": "leeg", "name": "Leeg", "members": []}]},
            "peer_groups[1]: peer group 'leeg' is empty: list its members",
        ),
        (
            {"peer_groups": [{"code": "g", "name": "G", "members": ["GM0193", "GM0141"]}]},
            "GM0141 in peer group 'g' are not monitored: add them to gemeenten",
        ),
        ({"peergroups": []}, "unknown key(s) peergroups"),
        ({"cbs": {"mode": "live"}}, "cbs.mode: 'live': expected offline"),
        ({"min_cell_size": 0}, "min_cell_size: expected a whole number from 1 to 1000, found 0"),
        (
            {"column_mappings": {"subsidies": {"regelingnaam": ["Soort subsidie"]}}},
            "subsidies has no column 'regelingnaam'",
        ),
        ({"users": [{"username": "x", "role": "Admin"}]}, "role 'Admin': expected one of Lezer, Analist"),
        ({"wijk_conversion": "geen.csv"}, "wijk_conversion: /"),
        ({"archive_retention_days": 0}, "archive_retention_days: expected a whole number from 1 to 36500, found 0"),
        ({"archive_retention_days": "90 dagen"}, "archive_retention_days: expected a whole number from 1 to 36500"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_that_says_what_to_do(changes, message):
    with pytest.raises(InstallationError) as error:
        parse(**changes)
    assert message in str(error.value) and str(error.value).startswith("installation.yaml: ")


def test_a_merged_away_gemeente_is_known_but_a_code_nobody_had_is_not():
    # Haaren (GM0788) was split on 1 January 2021: the warehouse converts its figures, so it may be monitored
    monitored = ["GM0193", "GM0150", "GM0153", "GM0788"]
    assert parse(gemeenten=monitored).gemeenten == tuple(monitored)


def test_settings_read_the_file_once_and_say_how_to_make_one_when_there_is_none(tmp_path):
    settings = Settings.from_env({"SBM_HOME": str(tmp_path)})
    assert settings.installation_file == tmp_path / "installation.yaml"
    with pytest.raises(InstallationError, match=r"python -m pipelines init --gemeente"):
        settings.installation  # noqa: B018
    (tmp_path / "installation.yaml").write_text(yaml.safe_dump(VALID), encoding="utf-8")
    settings = Settings.from_env({"SBM_HOME": str(tmp_path)})
    assert settings.installation.own_gemeente == "GM0193"
    assert settings.dbt_vars()["warehouse"] == str(tmp_path / "warehouse.duckdb")
    assert settings.dbt_vars()["peergroepen"][0]["naam"] == "IJsselsteden"


def test_a_broken_file_stops_settings_on_load(tmp_path):
    (tmp_path / "installation.yaml").write_text("gemeenten: [GM0193\n", encoding="utf-8")
    with pytest.raises(InstallationError, match="not valid YAML"):
        Settings.from_env({"SBM_HOME": str(tmp_path)})


def test_a_wijk_conversion_needs_the_documented_header(tmp_path):
    (tmp_path / "w.csv").write_text("van;naar\nWK019301;WK019302\n", encoding="utf-8")
    with pytest.raises(InstallationError, match="expected the header van_code,naar_code,van_indeling"):
        parse_installation(tmp_path / "installation.yaml", {**VALID, "wijk_conversion": "w.csv"})
