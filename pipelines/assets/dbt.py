"""The dbt project as Dagster assets: staging -> intermediate -> marts, with dbt tests as asset checks."""

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from pipelines.config import DBT_PROJECT_DIR
from pipelines.resources import WAREHOUSE_POOL

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()  # `dagster dev` re-parses; tests and `make` run `dbt parse` first
KEEP_TARGET_RUNS = 3


class LayeredTranslator(DagsterDbtTranslator):
    """Asset keys follow the warehouse schemas: raw/<table> for sources (the ingest assets), <layer>/<model>."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["config"]["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema")


def prune_target_runs(target: Path, keep: int = KEEP_TARGET_RUNS) -> None:
    """dagster-dbt writes each invocation to its own folder under target/; keep only the newest few."""
    runs = sorted((p for p in target.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=LayeredTranslator(),
    pool=WAREHOUSE_POOL,
)
def sbm_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource):
    # profiles.yml reads SBM_WAREHOUSE; dagster-dbt hands dbt this process's environment, so set it for the dbt
    # call only (left set, it would steer every later Settings.from_env() in this process to this warehouse)
    previous = os.environ.get("SBM_WAREHOUSE")
    os.environ["SBM_WAREHOUSE"] = warehouse.database
    try:
        yield from dbt.cli(["build"], context=context).stream()
    finally:
        if previous is None:
            del os.environ["SBM_WAREHOUSE"]
        else:
            os.environ["SBM_WAREHOUSE"] = previous
        prune_target_runs(dbt_project.project_dir / "target")


MART_KEYS = [key for key in sbm_dbt_assets.keys if key.path[0] == "marts"]
