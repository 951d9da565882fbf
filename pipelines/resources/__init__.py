"""Dagster resources, built from the environment (pipelines/config.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.sources.cbs.client import CbsClient
from pipelines.sources.cbs.snapshots import SnapshotStore

# Every asset that writes the warehouse file runs in this pool. DuckDB lets one process write a file and
# nobody waits for the lock, so $DAGSTER_HOME/dagster.yaml limits the pool to 1 across runs; within a run,
# the in-process executor (definitions.py) runs steps one after another.
WAREHOUSE_POOL = "duckdb_warehouse"


class CbsSource(dg.ConfigurableResource):
    """Where CBS data come from: the API and then the snapshot store (online), or the store alone (offline)."""

    snapshots: str
    online: bool = False
    gemeenten: list[str]

    def store(self) -> SnapshotStore:
        return SnapshotStore(Path(self.snapshots) / "cbs")

    def client(self) -> CbsClient:
        return CbsClient()


class ServingFile(dg.ConfigurableResource):
    """The file Superset reads; only the publish asset replaces it."""

    path: str


class IntakeFolders(dg.ConfigurableResource):
    """Where gemeente files arrive (inbox), where they are kept (archive), and the pseudonym key file."""

    inbox: str
    archive: str
    pseudonym_key_file: str


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "warehouse": DuckDBResource(database=str(settings.warehouse), connection_config=settings.duckdb_config()),
        "cbs": CbsSource(
            snapshots=str(settings.snapshots), online=settings.cbs_online, gemeenten=list(settings.gemeenten)
        ),
        "serving": ServingFile(path=str(settings.serving)),
        "intake": IntakeFolders(
            inbox=str(settings.inbox),
            archive=str(settings.archive),
            pseudonym_key_file=str(settings.pseudonym_key_file),
        ),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # the dbt of this interpreter's venv, so nothing depends on PATH
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        ),
    }
