"""Configuration from environment variables, with documented defaults.

Every path the project writes lives under one state folder, ``SBM_HOME`` (default: ``.sbm/`` in the
repository), so a reset is ``rm -rf .sbm``. The README's configuration table mirrors this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
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
# DuckDB spills to the temp directory instead of failing. Not lower by default: the CBS loader's read_json reserves
# 2 GB per call (maximum_object_size 1 GB in pipelines/sources/cbs/v3.py and v4.py) and a load makes two calls.
DUCKDB_MEMORY_LIMIT = "5GB"
MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)", re.IGNORECASE)


class ConfigError(ValueError):
    """An environment variable has a value the pipeline cannot use; the message names it."""


def _path(environ: Mapping[str, str], name: str, default: Path) -> Path:
    value = environ.get(name)
    return Path(value).expanduser().resolve() if value else default


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
