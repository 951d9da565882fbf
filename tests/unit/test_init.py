"""`python -m pipelines init`: a new installation file with a proposed peer group, from the list of every Dutch
gemeente (seed regio/gemeenten.csv), offline."""

import math

import pytest

from pipelines.__main__ import main
from pipelines.config import Settings
from pipelines.init import init, propose_peers
from pipelines.installation import InstallationError, dutch_gemeenten, load_installation


def test_zwolle_gets_the_overijssel_gemeenten_closest_in_size():
    zwolle = dutch_gemeenten()["GM0193"]
    assert (zwolle.province, zwolle.inhabitants_2020) == ("Overijssel", 128_840)  # 100.000 tot 150.000 inwoners
    peers = {p.gemeente.name: p.reason for p in propose_peers(zwolle)}
    # In Overijssel only Deventer (100,719) is in Zwolle's size class; the group is filled up with the closest by
    # ratio: Enschede ln(159,640 / 128,840) = 0.21, Hengelo ln(128,840 / 81,140) = 0.46, Almelo (73,107) 0.57,
    # Hardenberg (60,948) 0.75; next would be Kampen (54,319) 0.86.
    assert round(math.log(159_640 / 128_840), 2) == 0.21 and round(math.log(128_840 / 54_319), 2) == 0.86
    assert peers == {
        "Almelo": "dichtst bij in inwoners",
        "Deventer": "zelfde grootteklasse (100.000 tot 150.000 inwoners)",
        "Enschede": "dichtst bij in inwoners",
        "Hardenberg": "dichtst bij in inwoners",
        "Hengelo": "dichtst bij in inwoners",
    }


def test_init_writes_a_file_that_loads_and_creates_the_state_folder(tmp_path, capsys, monkeypatch):
    home = tmp_path / "sbm"
    monkeypatch.setenv("SBM_HOME", str(home))
    monkeypatch.delenv("SBM_INSTALLATION", raising=False)
    assert main(["init", "--gemeente", "GM0193"]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {home / 'installation.yaml'}: Zwolle (GM0193)" in printed and "next steps:" in printed
    assert "make refresh" in printed and home.is_dir()
    installation = load_installation(home / "installation.yaml")
    assert installation.own_gemeente == "GM0193" and installation.cbs_online
    assert installation.peer_group.members == ("GM0193", "GM0141", "GM0150", "GM0153", "GM0160", "GM0164")
    assert installation.gemeenten == installation.peer_group.members
    # a second init does not overwrite the data team's edits
    assert main(["init", "--gemeente", "GM0150"]) == 2
    assert load_installation(home / "installation.yaml").own_gemeente == "GM0193"


def test_init_with_chosen_peers(tmp_path):
    settings = Settings.from_env({"SBM_HOME": str(tmp_path)})
    lines = init(settings, "gm0193", ["GM0200", "GM0268", "GM0202"])
    installation = settings.with_installation(load_installation(settings.installation_file)).installation
    assert installation.peer_group.members == ("GM0193", "GM0200", "GM0268", "GM0202")
    assert installation.peer_group.name == "Zwolle en 3 gekozen gemeenten"
    assert "  GM0268 Nijmegen: opgegeven met --peers" in lines


def test_init_refuses_a_code_that_is_no_gemeente_of_2024(tmp_path):
    with pytest.raises(InstallationError, match="GM0788: not a gemeente of 2024"):
        init(Settings.from_env({"SBM_HOME": str(tmp_path)}), "GM0788", None)  # Haaren, split in 2021
