"""Shared test setup. dagster-dbt reads the dbt manifest when the definitions are imported, and a fresh clone
has none: parse the project once before any test imports the pipeline."""

from __future__ import annotations

import pytest

from pipelines.config import Settings
from pipelines.instance import MANIFEST, parse_dbt_project


def pytest_configure(config: pytest.Config) -> None:
    if not MANIFEST.exists():
        parse_dbt_project(Settings.from_env())


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    """A state folder of its own for each test."""
    monkeypatch.setenv("SBM_HOME", str(tmp_path / "sbm"))
    for name in ("SBM_WAREHOUSE", "SBM_SERVING", "SBM_SNAPSHOTS", "DAGSTER_HOME"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    settings.home.mkdir(parents=True)
    return settings
