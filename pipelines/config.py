"""Configuration from environment variables, with documented defaults.

Every path the project writes lives under one state folder, ``SBM_HOME`` (default: ``.sbm/`` in the
repository), so a reset is ``rm -rf .sbm``. The README's configuration table mirrors this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
# The demo region and default scope: the 14 Twente gemeenten (CBS codes, unchanged 2015-2024).
TWENTE = (
    "GM0141", "GM0147", "GM1774", "GM0153", "GM0158", "GM0163", "GM0164",
    "GM1735", "GM0168", "GM0173", "GM1742", "GM0183", "GM1700", "GM0189",
)  # fmt: skip
CBS_MODES = ("offline", "online")
# DuckDB's memory_limit for every process that writes the warehouse (Dagster steps, dbt, the intake): beyond it,
# DuckDB spills to the temp directory instead of failing.
DUCKDB_MEMORY_LIMIT = "5GB"
MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)", re.IGNORECASE)


class ConfigError(ValueError):
    """An environment variable has a value the pipeline cannot use; the message names it."""


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
    gemeenten: tuple[str, ...]  # which gemeenten to fetch from CBS (with their wijken and buurten)
    cbs_online: bool  # online: fetch from the CBS API, then load; offline: load stored snapshots only
    inbox: Path  # gemeente files waiting to be loaded, one subfolder per source (pipelines/sources/files/inbox.py)
    archive: Path  # every file taken from the inbox, unchanged, named by its sha256
    pseudonym_key_file: Path  # HMAC key for BSN pseudonyms when SBM_PSEUDONYM_KEY is not set; generated, mode 0600
    duckdb_memory_limit: str  # e.g. 3GB or 50% (of the machine's memory)
    duckdb_temp: Path  # where DuckDB spills what does not fit
    # the gemeente-file intake (pipelines/sources/files/)
    settle_seconds: float  # a file is taken from the inbox once its size and mtime have not changed this long
    replace_max_share: float  # a delivery that would remove more than this share of its scope's rows is held
    earliest_date: date  # dates (and years) before this are rejected as out of range
    archive_retention_days: int  # archived originals (they hold BSNs) are purged this many days after arrival

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
        """Work files of the intake (a decoded copy of a file), private, removed after each file."""
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
        mode = env.get("SBM_CBS_MODE", "offline")
        if mode not in CBS_MODES:
            raise ConfigError(f"SBM_CBS_MODE={mode!r}: expected one of {', '.join(CBS_MODES)}")
        gemeenten = tuple(code.strip().upper() for code in env.get("SBM_GEMEENTEN", ",".join(TWENTE)).split(","))
        if bad := [code for code in gemeenten if not re.fullmatch(r"GM\d{4}", code)]:
            raise ConfigError(f"SBM_GEMEENTEN: {bad} are not CBS gemeente codes (GM + 4 digits)")
        memory = env.get("SBM_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT).strip()
        if not MEMORY.fullmatch(memory):
            raise ConfigError(f"SBM_DUCKDB_MEMORY_LIMIT={memory!r}: expected an amount such as 3GB or 500MB, or 50%")
        return cls(
            home=home,
            warehouse=_path(env, "SBM_WAREHOUSE", home / "warehouse.duckdb"),
            serving=_path(env, "SBM_SERVING", home / "serving.duckdb"),
            snapshots=_path(env, "SBM_SNAPSHOTS", home / "snapshots"),
            dagster_home=_path(env, "DAGSTER_HOME", home / "dagster"),
            gemeenten=gemeenten,
            cbs_online=mode == "online",
            inbox=_path(env, "SBM_INBOX", home / "inbox"),
            archive=_path(env, "SBM_ARCHIVE", home / "archive"),
            pseudonym_key_file=_path(env, "SBM_PSEUDONYM_KEY_FILE", home / "secrets" / "pseudonym.key"),
            duckdb_memory_limit=memory,
            duckdb_temp=_path(env, "SBM_DUCKDB_TEMP", home / "duckdb_tmp"),
            settle_seconds=_number(env, "SBM_SETTLE_SECONDS", 5, 0, 3600),
            replace_max_share=_number(env, "SBM_REPLACE_MAX_SHARE", 0.5, 0, 1),
            earliest_date=_date(env, "SBM_EARLIEST_DATE", date(1990, 1, 1)),
            # the installation's `archive.bewaartermijn` (issue 11 moves settings into installation.yaml)
            archive_retention_days=int(_number(env, "SBM_ARCHIVE_RETENTION_DAYS", 90, 1, 36500)),
        )

    def duckdb_config(self) -> dict[str, str]:
        """DuckDB settings for every connection that writes the warehouse."""
        return {"memory_limit": self.duckdb_memory_limit, "temp_directory": str(self.duckdb_temp)}

    def dbt_env(self) -> dict[str, str]:
        """Variables dbt's profiles.yml reads, as absolute paths (dbt runs with its own working directory)."""
        return {"SBM_HOME": str(self.home), **dbt_environment(str(self.warehouse), self.duckdb_config())}


def dbt_environment(warehouse: str, duckdb_config: Mapping[str, str]) -> dict[str, str]:
    """What profiles.yml reads: the warehouse and the DuckDB settings (the Dagster resource holds the same)."""
    return {
        "SBM_WAREHOUSE": warehouse,
        "SBM_DUCKDB_MEMORY_LIMIT": duckdb_config["memory_limit"],
        "SBM_DUCKDB_TEMP": duckdb_config["temp_directory"],
    }
