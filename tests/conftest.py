"""Shared test setup. dagster-dbt reads the dbt manifest when the definitions are imported, and a fresh clone
has none: parse the project once before any test imports the pipeline.

Markers: a test that needs the whole demo pipeline (fixture ``demo_pipeline``) is marked ``slow`` here, as are
tests marked so by hand (a whole-graph run of their own); ``make test-fast`` leaves out ``slow`` and ``e2e``."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg
import duckdb
import pytest

from pipelines.config import REPO_ROOT, Settings
from pipelines.instance import MANIFEST, parse_dbt_project

DEMO_INSTALLATION = REPO_ROOT / "demo" / "installation.yaml"
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


def demo_settings(home) -> Settings:
    """A state folder for the demo profile."""
    return Settings.from_env({"SBM_HOME": str(home), "SBM_INSTALLATION": str(DEMO_INSTALLATION)})


def pytest_configure(config: pytest.Config) -> None:
    if not MANIFEST.exists():
        parse_dbt_project(demo_settings(REPO_ROOT / ".sbm"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "demo_pipeline" in getattr(item, "fixturenames", ()):
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

    settings = demo_settings(tmp_path_factory.mktemp("demo") / "sbm")
    write_demo_data(settings)
    result = full_refresh(settings)
    assert result.success, "the demo pipeline failed; run `make refresh` to see the Dagster log"
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
