"""Shared test setup. dagster-dbt reads the dbt manifest when the definitions are imported, and a fresh clone
has none: parse the project once before any test imports the pipeline."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import dagster as dg
import duckdb
import pytest

from pipelines.config import Settings
from pipelines.instance import MANIFEST, parse_dbt_project

STATE_VARIABLES = (
    "SBM_WAREHOUSE",
    "SBM_SERVING",
    "SBM_SNAPSHOTS",
    "DAGSTER_HOME",
    "SBM_INBOX",
    "SBM_ARCHIVE",
    "SBM_PSEUDONYM_KEY",
    "SBM_PSEUDONYM_KEY_FILE",
)


def pytest_configure(config: pytest.Config) -> None:
    if not MANIFEST.exists():
        parse_dbt_project(Settings.from_env())


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    """A state folder of its own for each test."""
    monkeypatch.setenv("SBM_HOME", str(tmp_path / "sbm"))
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
    from pipelines.demo.cbs import write_cbs_demo
    from pipelines.demo.gemeente_files import write_gemeente_files
    from pipelines.sources.cbs.registry import load_registry
    from pipelines.sources.cbs.snapshots import SnapshotStore

    settings = Settings.from_env({"SBM_HOME": str(tmp_path_factory.mktemp("demo") / "sbm")})
    write_cbs_demo(SnapshotStore(settings.snapshots / "cbs"), load_registry())
    write_gemeente_files(settings.inbox)
    result = full_refresh(settings)
    assert result.success, "the demo pipeline failed; run `make refresh` to see the Dagster log"
    return settings


@pytest.fixture
def demo_copy(demo_pipeline, settings) -> Settings:
    """A copy of the demo state in this test's own state folder (the `settings` fixture points SBM_HOME there and
    clears the other state variables), to change without disturbing the session's."""
    shutil.copytree(demo_pipeline.home, settings.home, ignore=shutil.ignore_patterns("dagster"), dirs_exist_ok=True)
    settings.dagster_home.mkdir(parents=True)
    return settings


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
