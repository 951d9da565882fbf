"""Preparation every headless entry point needs: the Dagster instance folder and the dbt manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from pipelines.config import DBT_PROJECT_DIR, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
PARSED = DBT_PROJECT_DIR / "target" / "parsed_from.sha256"  # the fingerprint of the project the manifest is of
PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")


def project_fingerprint(settings: Settings) -> str:
    """Every file dbt parses, the installation's vars and the dbt version: the manifest stays valid while this stays
    the same."""
    digest = hashlib.sha256(f"dbt-core {version('dbt-core')}, dbt-duckdb {version('dbt-duckdb')}".encode())
    digest.update(json.dumps(settings.installation.dbt_vars(), sort_keys=True).encode())
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in PROJECT_FOLDERS:
        files += sorted(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def parse_dbt_project(settings: Settings) -> Path:
    """`dbt parse`, only when the project or the installation's vars changed since the manifest was written:
    dagster-dbt builds its assets from the manifest (a fresh clone has none), and parsing takes seconds."""
    fingerprint = project_fingerprint(settings)
    if MANIFEST.exists() and PARSED.exists() and PARSED.read_text() == fingerprint:
        return MANIFEST
    subprocess.run(dbt_command(settings, "parse", "--quiet"), cwd=DBT_PROJECT_DIR, check=True)
    PARSED.write_text(fingerprint)
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
