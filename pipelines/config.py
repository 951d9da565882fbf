"""Configuration: where state lives (environment variables, with documented defaults) and what the installation
monitors (its ``installation.yaml``), read once into one ``Settings`` object.

Every path the project writes lives under one state folder, ``SBM_HOME`` (default: ``.sbm/`` in the repository),
so a reset is ``rm -rf .sbm``. The installation file is ``SBM_INSTALLATION`` (default
``$SBM_HOME/installation.yaml``). The README's configuration table mirrors this module; nothing else reads these
variables: Dagster gets the object as a resource, dbt its ``--vars`` (``dbt_vars``), the dashboards and the
servers their fields.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.installation import Installation, load_installation

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
# DuckDB's memory_limit for every process that writes the warehouse (Dagster steps, dbt, the intake): beyond it,
# DuckDB spills to the temp directory instead of failing. With 3GB a 10M-line region peaked at 3.9 GB in all (the
# Python processes included) and built no slower than with 5GB (5.9 GB peak): README, Scale.
DUCKDB_MEMORY_LIMIT = "3GB"
MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)", re.IGNORECASE)


class ConfigError(ValueError):
    """An environment variable has a value the pipeline cannot use; the message names it."""


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name)
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"{name}={value!r}: expected a port number (1-65535)")
    return int(value)


def _path(environ: Mapping[str, str], name: str, default: Path) -> Path:
    value = environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _number(environ: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    value = environ.get(name)
    try:
        number = float(value) if value else default
    except ValueError:
        raise ConfigError(f"{name}={value!r}: expected a number") from None
    if not low <= number <= high:
        raise ConfigError(f"{name}={value!r}: expected a number from {low:g} to {high:g}")
    return number


def _date(environ: Mapping[str, str], name: str, default: date) -> date:
    value = environ.get(name)
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        raise ConfigError(f"{name}={value!r}: expected a date as YYYY-MM-DD") from None


@dataclass(frozen=True)
class Settings:
    home: Path
    warehouse: Path
    serving: Path
    snapshots: Path
    dagster_home: Path
    inbox: Path  # gemeente files waiting to be loaded, one subfolder per source (pipelines/sources/files/inbox.py)
    archive: Path  # every file taken from the inbox, unchanged, named by its sha256
    pseudonym_key_file: Path  # HMAC key for BSN pseudonyms when SBM_PSEUDONYM_KEY is not set; generated, mode 0600
    installation_file: Path
    superset_home: Path  # Superset's metadata, generated credentials, logs
    superset_host: str
    superset_port: int
    superset_url: str  # where provisioning and export talk to Superset
    dagster_host: str
    dagster_port: int
    dagster_allowed_hosts: tuple[str, ...]  # Host names the Dagster guard accepts besides its own address
    duckdb_memory_limit: str  # e.g. 3GB or 50% (of the machine's memory)
    duckdb_temp: Path  # where DuckDB spills what does not fit
    # the gemeente-file intake (pipelines/sources/files/)
    settle_seconds: float  # a file is taken from the inbox once its size and mtime have not changed this long
    replace_max_share: float  # a delivery that would remove more than this share of its scope's rows is held
    earliest_date: date  # dates (and years) before this are rejected as out of range
    basemap_url: str = ""  # tiles under the dashboards' maps (a URL with {z}/{x}/{y}); "": none, works offline
    pseudonym_key: str | None = field(default=None, repr=False)  # SBM_PSEUDONYM_KEY: overrides the key file
    loaded: Installation | None = field(default=None, repr=False)  # the installation file, read and checked

    @property
    def installation(self) -> Installation:
        """The installation file as read on load; when there was none, reading it now says how to make one."""
        return self.loaded or load_installation(self.installation_file)

    @property
    def dashboard_assets(self) -> Path:
        """The installation's dashboards as last built and provisioned (Superset's export format)."""
        return self.superset_home / "assets"

    def with_installation(self, installation: Installation) -> Settings:
        return dataclasses.replace(self, loaded=installation, installation_file=installation.path)

    @property
    def rejected(self) -> Path:
        """Files that could not be loaded, moved out of the inbox (their load-log row says why)."""
        return self.home / "rejected"

    @property
    def held(self) -> Path:
        """Files held until a user confirms the replacement they would make (``intake --vervang``)."""
        return self.home / "held"

    @property
    def scratch(self) -> Path:
        """The intake's work files (a decoded copy of a file, its scratch database), private, removed per file."""
        return self.home / "tmp"

    @property
    def intake_view(self) -> Path:
        """The load log and the quarantine as a small read-only file beside serving.duckdb (readable while a
        refresh holds the warehouse)."""
        return self.serving.with_name("intake.duckdb")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = _path(env, "SBM_HOME", REPO_ROOT / ".sbm")
        installation_file = _path(env, "SBM_INSTALLATION", home / "installation.yaml")
        superset_port = _port(env, "SBM_SUPERSET_PORT", 8088)
        memory = env.get("SBM_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT).strip()
        if not MEMORY.fullmatch(memory):
            raise ConfigError(f"SBM_DUCKDB_MEMORY_LIMIT={memory!r}: expected an amount such as 3GB or 500MB, or 50%")
        return cls(
            home=home,
            warehouse=_path(env, "SBM_WAREHOUSE", home / "warehouse.duckdb"),
            serving=_path(env, "SBM_SERVING", home / "serving.duckdb"),
            snapshots=_path(env, "SBM_SNAPSHOTS", home / "snapshots"),
            dagster_home=_path(env, "DAGSTER_HOME", home / "dagster"),
            inbox=_path(env, "SBM_INBOX", home / "inbox"),
            archive=_path(env, "SBM_ARCHIVE", home / "archive"),
            pseudonym_key_file=_path(env, "SBM_PSEUDONYM_KEY_FILE", home / "secrets" / "pseudonym.key"),
            installation_file=installation_file,
            superset_home=_path(env, "SBM_SUPERSET_HOME", home / "superset"),
            superset_host=env.get("SBM_SUPERSET_HOST") or "127.0.0.1",
            superset_port=superset_port,
            superset_url=(env.get("SBM_SUPERSET_URL") or f"http://127.0.0.1:{superset_port}").rstrip("/"),
            dagster_host=env.get("SBM_DAGSTER_HOST") or "127.0.0.1",
            dagster_port=_port(env, "SBM_DAGSTER_PORT", 3000),
            dagster_allowed_hosts=tuple(
                name.strip() for name in env.get("SBM_DAGSTER_ALLOWED_HOSTS", "").split(",") if name.strip()
            ),
            duckdb_memory_limit=memory,
            duckdb_temp=_path(env, "SBM_DUCKDB_TEMP", home / "duckdb_tmp"),
            settle_seconds=_number(env, "SBM_SETTLE_SECONDS", 5, 0, 3600),
            replace_max_share=_number(env, "SBM_REPLACE_MAX_SHARE", 0.5, 0, 1),
            earliest_date=_date(env, "SBM_EARLIEST_DATE", date(1990, 1, 1)),
            basemap_url=env.get("SBM_BASEMAP_URL", "").strip(),
            pseudonym_key=env.get("SBM_PSEUDONYM_KEY"),
            loaded=load_installation(installation_file) if installation_file.is_file() else None,
        )

    def duckdb_config(self) -> dict[str, str]:
        """DuckDB settings for every connection that writes the warehouse (dbt gets them in ``dbt_vars``)."""
        return {"memory_limit": self.duckdb_memory_limit, "temp_directory": str(self.duckdb_temp)}

    def dbt_vars(self) -> dict[str, Any]:
        """Everything dbt reads from outside its project, passed as ``--vars``: the warehouse and DuckDB's settings
        (profiles.yml) and what the installation decides (doelindeling, min_cell_size, peer groups)."""
        return {"warehouse": str(self.warehouse), **self.duckdb_config(), **self.installation.dbt_vars()}
