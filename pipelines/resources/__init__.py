"""Dagster resources, built from the one settings object (pipelines/config.py), which is a resource itself."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.sources.cbs.client import CbsClient
from pipelines.sources.cbs.registry import TableFamily
from pipelines.sources.cbs.snapshots import SnapshotStore
from pipelines.sources.files.load import Places, Rules

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


class Intake(dg.ConfigurableResource):
    """The gemeente-file intake: where files arrive (inbox), are kept (archive), go when they cannot be loaded
    (rejected) or wait for consent (held), the pseudonym key file, and the rules (pipelines/config.py)."""

    inbox: str
    archive: str
    rejected: str
    held: str
    scratch: str
    view: str  # the load log and quarantine, readable while a refresh holds the warehouse
    pseudonym_key_file: str
    settle_seconds: float
    replace_max_share: float
    earliest_date: str  # ISO date
    archive_retention_days: int

    def places(self) -> Places:
        return Places(*(Path(p) for p in (self.inbox, self.archive, self.rejected, self.held, self.scratch)))

    def rules(self) -> Rules:
        return Rules(date.fromisoformat(self.earliest_date), self.replace_max_share)


def build_resources(settings: Settings) -> dict[str, object]:
    installation = settings.installation
    first, last = installation.cbs_editions or (None, None)
    return {
        "settings": settings,
        "warehouse": DuckDBResource(database=str(settings.warehouse), connection_config=settings.duckdb_config()),
        "cbs": CbsSource(
            snapshots=str(settings.snapshots),
            online=installation.cbs_online,
            gemeenten=list(installation.gemeenten),
            first_edition=first,
            last_edition=last,
        ),
        "serving": ServingFile(path=str(settings.serving)),
        "intake": Intake(
            inbox=str(settings.inbox),
            archive=str(settings.archive),
            rejected=str(settings.rejected),
            held=str(settings.held),
            scratch=str(settings.scratch),
            view=str(settings.intake_view),
            pseudonym_key_file=str(settings.pseudonym_key_file),
            settle_seconds=settings.settle_seconds,
            replace_max_share=settings.replace_max_share,
            earliest_date=settings.earliest_date.isoformat(),
            archive_retention_days=installation.archive_retention_days,
        ),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            # the dbt of this interpreter's venv, so nothing depends on PATH
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
        ),
    }
