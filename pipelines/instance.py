"""Preparation every headless entry point needs: the Dagster instance folder and the dbt manifest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines.config import DBT_PROJECT_DIR, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def parse_dbt_project(settings: Settings) -> Path:
    """`dbt parse`: dagster-dbt builds its assets from the manifest, which a fresh clone does not have."""
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, **settings.dbt_env()}
    subprocess.run([str(dbt), "parse", "--quiet"], cwd=DBT_PROJECT_DIR, env=env, check=True)
    return MANIFEST


def prepare_dagster_home(settings: Settings) -> Path:
    """A persistent DAGSTER_HOME with our dagster.yaml (telemetry and the newsletter dialog off, one DuckDB writer at
    a time)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    target = settings.dagster_home / "dagster.yaml"
    shutil.copyfile(Path(__file__).with_name("dagster.yaml"), target)
    return target
