"""Dagster resources, built from the one settings object (pipelines/config.py), which is a resource itself."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.sources.cbs.client import CbsClient
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import SnapshotStore

# Every asset that writes the warehouse file runs in this pool. DuckDB lets one process write a file and
# nobody waits for the lock, so $DAGSTER_HOME/dagster.yaml limits the pool to 1 across runs; within a run,
# the in-process executor (definitions.py) runs steps one after another.
WAREHOUSE_POOL = "duckdb_warehouse"


class CbsSource(dg.ConfigurableResource):
    """Where CBS data come from: the API and then the snapshot store (online), or the store alone (offline), for
    which gemeenten and editions (installation.yaml)."""

    snapshots: str
    online: bool = False
    gemeenten: list[str]
    first_edition: int | None = None  # None: every edition in the registry
    last_edition: int | None = None

    def editions(self, family: TableFamily) -> TableFamily:
        """The family with only the editions (years) the installation uses; continuous tables always."""
        def used(edition: str) -> bool:
            if not edition.isdigit():
                return True
            return (self.first_edition or 0) <= int(edition) <= (self.last_edition or 9999)

        return dataclasses.replace(family, tables={e: t for e, t in family.tables.items() if used(e)})

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
    installation = settings.installation
    first, last = installation.cbs_editions or (None, None)
    return {
        "settings": settings,
        "warehouse": DuckDBResource(database=str(settings.warehouse)),
        "cbs": CbsSource(
            snapshots=str(settings.snapshots),
            online=installation.cbs_online,
            gemeenten=list(installation.gemeenten),
            first_edition=first,
            last_edition=last,
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
