"""Preparation every headless entry point needs: the Dagster instance folder and the dbt manifest."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from pipelines.config import DBT_PROJECT_DIR, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
PARSED = DBT_PROJECT_DIR / "target" / "parsed_from.sha256"  # the fingerprint of the project the manifest is of
PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")


def dbt_command(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """dbt of this interpreter's venv in the dbt project, with the variables profiles.yml reads."""
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, **settings.dbt_env()}
    return subprocess.run([str(dbt), *args], cwd=DBT_PROJECT_DIR, env=env, check=check)


def project_fingerprint() -> str:
    """Every file dbt parses, and the dbt version: the manifest stays valid while this stays the same."""
    digest = hashlib.sha256(f"dbt-core {version('dbt-core')}, dbt-duckdb {version('dbt-duckdb')}".encode())
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in PROJECT_FOLDERS:
        files += sorted(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def parse_dbt_project(settings: Settings) -> Path:
    """`dbt parse`, only when the project changed since the manifest was written: dagster-dbt builds its assets
    from the manifest (a fresh clone has none), and parsing takes seconds."""
    fingerprint = project_fingerprint()
    if MANIFEST.exists() and PARSED.exists() and PARSED.read_text() == fingerprint:
        return MANIFEST
    dbt_command(settings, "parse", "--quiet")
    PARSED.write_text(fingerprint)
    return MANIFEST


def prepare_dagster_home(settings: Settings) -> Path:
    """A persistent DAGSTER_HOME with our dagster.yaml (telemetry off, one DuckDB writer at a time)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    target = settings.dagster_home / "dagster.yaml"
    shutil.copyfile(Path(__file__).with_name("dagster.yaml"), target)
    return target
