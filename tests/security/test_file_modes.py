"""Issue 12, finding 4: the state folder is private. Originals with BSNs, the key, the warehouse and the serving
file are readable by the service user only; every process the product starts sets a private umask; `prepare`
repairs an existing installation; originals are kept only as long as configured."""

import os
import stat
import time

import dagster as dg
import pytest
import yaml

from pipelines import __main__ as cli
from pipelines.config import REPO_ROOT
from pipelines.installation import parse_installation
from pipelines.resources import build_resources
from pipelines.retention import DAY, archive_purge, purge_originals
from pipelines.state import PRIVATE_UMASK

DEMO_INSTALLATION = REPO_ROOT / "demo" / "installation.yaml"


def mode(path):
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.integration
def test_after_a_refresh_nothing_in_the_state_folder_is_readable_by_others(faulted_pipeline):
    home = faulted_pipeline.home
    assert mode(home) == 0o700
    public = home / "snapshots"  # CBS open data as published (immutable, 0444), behind the 0700 state folder
    open_to_others = [
        (str(p.relative_to(home)), oct(mode(p)))
        for p in home.rglob("*")
        if not p.is_symlink() and mode(p) & 0o077 and not p.is_relative_to(public)
    ]
    assert open_to_others == []
    archived = list((home / "archive").iterdir())
    assert archived and {mode(p) for p in archived} == {0o400}  # originals: read by the service user, changed by none
    for name in ("warehouse.duckdb", "serving.duckdb", "intake.duckdb", "secrets/pseudonym.key"):
        assert mode(home / name) == 0o600, name


def test_prepare_repairs_an_existing_installation(settings, monkeypatch):
    for folder in ("archive", "secrets", "dagster"):
        (settings.home / folder).mkdir(parents=True)
    settings.home.chmod(0o755)
    (settings.home / "archive").chmod(0o755)
    (settings.home / "archive" / "abc.csv").write_text("bsn;200007919\n")
    (settings.home / "archive" / "abc.csv").chmod(0o444)
    (settings.home / "warehouse.duckdb").write_bytes(b"")
    (settings.home / "warehouse.duckdb").chmod(0o644)
    monkeypatch.setattr(cli, "parse_dbt_project", lambda settings: "manifest.json")  # dbt parse: slow, not the point
    cli.prepare(settings)
    assert mode(settings.home) == 0o700 and mode(settings.home / "archive") == 0o700
    assert mode(settings.home / "archive" / "abc.csv") == 0o400
    assert mode(settings.home / "warehouse.duckdb") == 0o600
    assert mode(settings.inbox / "subsidies") == 0o700


def test_every_process_the_product_starts_has_a_private_umask(settings, monkeypatch):
    # settings: a state folder of its own with the demo's installation file, as `serve` and `refresh` need one
    from pipelines import serve

    seen = {}

    def record(*args):
        seen["umask"] = os.umask(0o022)
        os.umask(seen["umask"])

    previous = os.umask(0o022)
    try:
        monkeypatch.setattr(serve, "run", record)  # the servers would start here, inheriting the umask
        cli.main(["serve"])
        assert seen["umask"] == PRIVATE_UMASK
        os.umask(0o022)
        monkeypatch.setattr(cli, "refresh", lambda settings, *flags: record() or 0)
        cli.main(["refresh"])
        assert seen["umask"] == PRIVATE_UMASK
    finally:
        os.umask(previous)


def test_originals_are_purged_after_the_retention_period_and_raw_stays(intake):
    intake.load("subsidies", "r.csv", "Regeling;Bedrag verleend;Jaar\nA;1;2024\n")
    folders = [intake.home / "archive", intake.home / "rejected", intake.home / "held"]
    assert purge_originals(folders, 90, now=time.time() + 89 * DAY) == []
    purged = purge_originals(folders, 90, now=time.time() + 91 * DAY)
    assert [p.path.parent.name for p in purged] == ["archive"] and "days ago" in purged[0].line()
    assert not list((intake.home / "archive").iterdir())
    assert intake.rows("SELECT count(*) FROM raw.subsidies") == [(1,)]  # a pseudonymised reload stays possible


def with_retention(settings, days: int):
    """The demo profile with ``archive_retention_days: <days>`` in its installation file."""
    data = yaml.safe_load(DEMO_INSTALLATION.read_text(encoding="utf-8")) | {"archive_retention_days": days}
    return settings.with_installation(parse_installation(DEMO_INSTALLATION, data))


def test_the_purge_is_a_daily_job_that_logs_what_it_removed(settings, monkeypatch):
    settings = with_retention(settings, 30)  # the default, 90 days, would keep a file of 31 days
    (settings.archive).mkdir(parents=True)
    (settings.archive / "oud.csv").write_text("x")
    later = time.time() + 31 * DAY
    monkeypatch.setattr("pipelines.retention.time.time", lambda: later)
    with dg.DagsterInstance.ephemeral() as instance:
        result = archive_purge.execute_in_process(resources=build_resources(settings), instance=instance)
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert any(m.startswith("removed ") and m.endswith("oud.csv (arrived 31 days ago)") for m in messages)
    assert "1 original(s) older than 30 days removed" in messages
    assert not (settings.archive / "oud.csv").exists()
    from pipelines.definitions import build_definitions

    schedule = build_definitions(settings).get_repository_def().get_schedule_def("archive_purge_daily")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_the_purge_command_removes_what_is_older_than_the_installations_retention(settings, monkeypatch, caplog):
    settings.rejected.mkdir(parents=True)
    (settings.rejected / "oud.csv").write_text("x")
    later = time.time() + 11 * DAY  # the file arrived 11 days before the purge
    monkeypatch.setattr("pipelines.retention.time.time", lambda: later)
    with caplog.at_level("INFO", logger="pipelines"):
        assert cli.purge(with_retention(settings, 12)) == 0
        assert (settings.rejected / "oud.csv").exists()
        assert cli.purge(with_retention(settings, 10)) == 0
    assert not (settings.rejected / "oud.csv").exists()
    assert "0 original(s) older than 12 days removed" in caplog.text
    assert "1 original(s) older than 10 days removed" in caplog.text
