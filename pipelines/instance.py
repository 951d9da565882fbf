"""Preparation every headless entry point needs: the Dagster instance folder and the dbt manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from pipelines.config import DBT_PROJECT_DIR, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def parse_dbt_project(settings: Settings) -> Path:
    """`dbt parse`: dagster-dbt builds its assets from the manifest, which a fresh clone does not have."""
    subprocess.run(dbt_command(settings, "parse", "--quiet"), cwd=DBT_PROJECT_DIR, check=True)
    return MANIFEST


def dbt_command(settings: Settings, *args: str) -> list[str]:
    """A dbt command line for this installation: the venv's dbt, the project's profiles.yml, the vars."""
    dbt = Path(sys.executable).parent / "dbt"
    return [str(dbt), *args, "--profiles-dir", str(DBT_PROJECT_DIR), "--vars", json.dumps(settings.dbt_vars())]


def prepare_dagster_home(settings: Settings) -> Path:
    """A persistent DAGSTER_HOME with our dagster.yaml (telemetry and the newsletter dialog off, one DuckDB writer at
    a time)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    target = settings.dagster_home / "dagster.yaml"
    shutil.copyfile(Path(__file__).with_name("dagster.yaml"), target)
    return target
