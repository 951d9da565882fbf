"""Shared test setup. dagster-dbt reads the dbt manifest when the definitions are imported, and a fresh clone
has none: parse the project once before any test imports the pipeline.

Markers: a test that needs the whole demo pipeline (fixture ``demo_pipeline``, or ``faulted_pipeline``: whole
refreshes killed and recovered) is marked ``slow`` here, as are tests marked so by hand (a whole-graph run of their
own); ``make test-fast`` leaves out ``slow`` and ``e2e``."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from faults import STATE_VARIABLES

from pipelines.config import REPO_ROOT, Settings
from pipelines.instance import parse_dbt_project
from pipelines.sources.files.inbox import inbox_file
from pipelines.sources.files.load import FileLoad, Places, Rules, ingest_file
from pipelines.sources.files.spec import source_specs

# One Superset for the whole session, shared by tests/e2e and tests/security (tests/superset_fixtures.py).
pytest_plugins = ["superset_fixtures"]

DEMO_INSTALLATION = REPO_ROOT / "demo" / "installation.yaml"


def demo_settings(home, **environ: str) -> Settings:
    """A state folder for the demo profile (and any other settings in `environ`)."""
    return Settings.from_env({"SBM_HOME": str(home), "SBM_INSTALLATION": str(DEMO_INSTALLATION), **environ})


def pytest_configure(config: pytest.Config) -> None:
    # also in a working copy whose manifest is of an older project (parses only when the project changed)
    parse_dbt_project(demo_settings(REPO_ROOT / ".sbm"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if {"demo_pipeline", "faulted_pipeline"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    """A state folder of its own for each test, with the demo profile as its installation."""
    monkeypatch.setenv("SBM_HOME", str(tmp_path / "sbm"))
    monkeypatch.setenv("SBM_INSTALLATION", str(DEMO_INSTALLATION))
    for name in STATE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    settings.home.mkdir(parents=True)
    return settings


@pytest.fixture(scope="session")
def full_refresh() -> Callable[[Settings], dg.ExecuteInProcessResult]:
    """Run the full_refresh job, as `make refresh` does, against a given state folder."""
    from pipelines.definitions import build_definitions

    def run(settings: Settings) -> dg.ExecuteInProcessResult:
        job = build_definitions(settings).resolve_job_def("full_refresh")
        return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)

    return run


@pytest.fixture(scope="session")
def demo_pipeline(tmp_path_factory, full_refresh) -> Settings:
    """The synthetic demo region through the whole pipeline, once per session: the state `make demo` builds."""
    from demo.__main__ import write_demo_data

    # the demo's files are whole once written: taken without the settle wait (tests/reliability tests that wait),
    # which a run that reaches the intake within SBM_SETTLE_SECONDS would otherwise leave them to
    settings = demo_settings(tmp_path_factory.mktemp("demo") / "sbm", SBM_SETTLE_SECONDS="0")
    write_demo_data(settings)
    result = full_refresh(settings)
    assert result.success, "the demo pipeline failed; run `make refresh` to see the Dagster log"
    return settings


@pytest.fixture
def demo_copy(demo_pipeline, settings, monkeypatch) -> Settings:
    """A copy of the demo state in this test's own state folder (the `settings` fixture points SBM_HOME there and
    clears the other state variables), to change without disturbing the session's; files a test puts into its
    inbox are taken without the settle wait, as in the demo's."""
    shutil.copytree(demo_pipeline.home, settings.home, ignore=shutil.ignore_patterns("dagster"), dirs_exist_ok=True)
    settings.dagster_home.mkdir(parents=True)
    monkeypatch.setenv("SBM_SETTLE_SECONDS", "0")
    return Settings.from_env()


def _words_in(con: duckdb.DuckDBPyConnection, needles: list[str]) -> list[tuple[str, str, str]]:
    con.execute("CREATE OR REPLACE TEMP TABLE _needles AS SELECT unnest(?::VARCHAR[]) AS needle", [needles])
    found = []
    columns = con.execute(
        "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE NOT internal "
        "AND database_name = current_database() AND table_name <> '_needles' ORDER BY ALL"
    ).fetchall()
    for schema, table, column in columns:
        # a pseudonym (64 hex digits) is one word, else its digit runs could match a BSN by chance; whole numbers
        # (a decimal is one word) and words
        words = r"'[0-9a-f]{64}|[0-9]+(?:\.[0-9]+)?|[^\W\d_]+'"
        hits = con.execute(
            f"""SELECT DISTINCT word FROM (
                    SELECT unnest(regexp_extract_all(CAST("{column}" AS VARCHAR), {words})) AS word
                    FROM "{schema}"."{table}"
                ) JOIN _needles ON word = needle ORDER BY 1"""
        ).fetchall()
        found += [(f"{schema}.{table}", column, word) for (word,) in hits]
    return found


@pytest.fixture(scope="session")
def words_in() -> Callable[[duckdb.DuckDBPyConnection, list[str]], list[tuple[str, str, str]]]:
    """(table, column, needle) for every needle (a whole number or word, e.g. a BSN or a surname) that occurs in
    any column of any table or view of a database, every value cast to text (lists, maps, structs included). A
    decimal number is one word (the digits of 1653832.9999999998 are no BSN), and so is a pseudonym (an HMAC in
    hex). For proving that no BSN or name got into the warehouse."""
    return _words_in


# The file intake without Dagster: a small warehouse that knows a few regions, and a loader (unit, reliability
# and security tests).
KEY = b"test-key-of-at-least-32-characters!!"
INTAKE_DATE = date(2025, 3, 1)
RULES = Rules.of(Settings.from_env({}))  # the installation's defaults (pipelines/config.py)
# the regions the test warehouse knows (as the demo's CBS data name them): Almelo with two wijken, Borne and
# Enschede with one each
REGIONS = [
    ("GM0141", "Almelo"),
    ("WK014101", "Binnenstad"),
    ("WK014105", "Kerkelanden"),
    ("BU01410101", "Binnenstad A"),
    ("GM0147", "Borne"),
    ("WK014701", "Centrum"),
    ("GM0153", "Enschede"),
    ("WK015301", "Centrum"),
    ("GM0384", "Ermelo"),  # gemeenten of the iWmo/iJw standard's example messages
    ("GM0363", "Amsterdam"),
]


@dataclass
class Intake:
    home: Path
    con: duckdb.DuckDBPyConnection
    key: bytes = KEY

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def places(self) -> Places:
        return Places.of(Settings.from_env({"SBM_HOME": str(self.home)}))

    def put(self, source: str, name: str, content: bytes | str, gemeente: str | None = None) -> Path:
        folder = self.inbox / source / (gemeente or "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    def load(
        self, source: str, name: str, content: bytes | str | None = None, gemeente: str | None = None, **options
    ) -> FileLoad:
        """Put a file into the inbox (unless content is None: it is there already) and load it (with the product's
        mapping of the source, unless ``spec`` gives another)."""
        path = self.put(source, name, content, gemeente) if content is not None else self.inbox / source / name
        entry = inbox_file(self.inbox, path, list(source_specs()))
        return ingest_file(
            self.con,
            options.pop("spec", None) or source_specs()[source],
            entry,
            self.places,
            load_id=options.pop("load_id", "test-run"),
            key=self.key,
            rules=options.pop("rules", RULES),
            intake_date=options.pop("intake_date", INTAKE_DATE),
            replace=options.pop("replace", False),
        )

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()


@pytest.fixture
def intake(tmp_path) -> Iterator[Intake]:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.cbs_kerncijfers_wijken_buurten (region_code VARCHAR, region_name VARCHAR)")
    con.executemany("INSERT INTO raw.cbs_kerncijfers_wijken_buurten VALUES (?, ?)", REGIONS)
    yield Intake(tmp_path, con)
    con.close()


@pytest.fixture(scope="session")
def faulted_pipeline(tmp_path_factory):
    """The state `make prepare demo-data` builds (the demo's CBS data), with the bad inputs of issues 12 and 13 in
    the inbox (tests/bad_inputs.py), put through real processes that are stopped at four points:

    - wait:    `refresh` while another live run holds the warehouse: it must wait, say so, and stop on Ctrl-C;
    - dbt:     `refresh` (loads CBS and the bad inputs), killed (SIGKILL, process group) while dbt builds;
    - intake:  `refresh` with ten more files in the inbox, killed while the care files load;
    - publish: `refresh`, killed while it writes the new serving file;
    - final:   a plain `refresh`, which must succeed without anyone cleaning up.

    Outputs are kept per step (Sequence.steps); tests/reliability and tests/security assert on the result."""
    import os

    root = tmp_path_factory.mktemp("faulted")
    settings = demo_settings(root / "sbm")
    # this process prepares the state (as `make prepare demo-data` would) and looks into the Dagster instance: with
    # the umask every process of the product has, so that what it creates is no test of the product's modes
    previous = os.umask(0o077)
    try:
        return _faulted_pipeline(root, settings)
    finally:
        os.umask(previous)


def _faulted_pipeline(root: Path, settings: Settings):
    import signal
    import uuid

    import faults
    from bad_inputs import BAD_INPUTS, QUEUED_EXPORTS
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

    from demo.cbs import write_cbs_demo
    from pipelines.instance import prepare_dagster_home
    from pipelines.resources import WAREHOUSE_POOL
    from pipelines.runs import run_tags
    from pipelines.sources.cbs.registry import load_registry
    from pipelines.sources.cbs.snapshots import SnapshotStore
    from pipelines.sources.files.inbox import ensure_inbox

    write_cbs_demo(SnapshotStore(settings.snapshots / "cbs"), load_registry())
    prepare_dagster_home(settings)
    ensure_inbox(settings.inbox, source_specs())
    for item in BAD_INPUTS:  # delivered by the gemeente, as they come
        path = settings.inbox / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.content)
    (settings.inbox / "subsidies" / "wachtwoorden.csv").symlink_to("/etc/passwd")
    sequence = faults.Sequence(settings.home, root / "logs", faults.environment(settings, SBM_SETTLE_SECONDS="0"))

    # wait: a live run (this test process) holds the warehouse slot
    with sequence.instance() as instance:
        holder = DagsterRun(
            job_name="handwerk", run_id=str(uuid.uuid4()), status=DagsterRunStatus.STARTED, tags=run_tags()
        )
        instance.add_run(holder)
        instance.event_log_storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
        instance.event_log_storage.claim_concurrency_slot(WAREHOUSE_POOL, holder.run_id, "handwerk", 0)
    step, process = sequence.start("wait", "refresh")
    step.stopped_when = faults.wait_for(
        lambda: step.text().count("waiting for the warehouse") >= 2 and "saw it wait", 60
    )
    faults.kill(process, signal.SIGINT)
    sequence.finish(step, process, timeout=30)
    with sequence.instance() as instance:
        instance.event_log_storage.free_concurrency_slots_for_run(holder.run_id)
        instance.delete_run(holder.run_id)

    def dbt_running(process, holders) -> str | None:
        dbt = [c for c in faults.children(process.pid) if "dbt" in c and "build" in c]
        return f"dbt building ({dbt[0][-40:].strip()})" if dbt and "sbm_dbt_assets" in holders() else None

    sequence.kill_when("dbt", dbt_running, "refresh")

    for path, content, _ in QUEUED_EXPORTS:  # more care files, queued after the bad ones
        (settings.inbox / path).write_bytes(content)
    sequence.kill_when(
        "intake", lambda p, holders: "raw__zorg loading" if "raw__zorg" in holders() else None, "refresh"
    )

    def publishing(process, holders) -> str | None:
        staging = settings.serving.with_name(f".{settings.serving.name}.{process.pid}.new")
        return f"{staging.name} being written" if staging.exists() else None

    sequence.kill_when("publish", publishing, "refresh")
    step, process = sequence.start("final", "refresh")
    sequence.finish(step, process)
    return sequence
