"""The dbt project as Dagster assets: staging -> intermediate -> marts, with dbt tests as asset checks.

Two dbt builds: every model but the data-quality ones (tag `datakwaliteit`), then, once the other marts and their
GX checks have run and meta/check_results is complete, the data-quality marts, so they report this run's checks.
After each build the outcome of every dbt test goes into meta.check_results (pipelines/checks/results.py).
"""

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from pipelines.checks.results import dbt_check_results, record
from pipelines.config import DBT_PROJECT_DIR
from pipelines.resources import WAREHOUSE_POOL

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()  # `dagster dev` re-parses; tests and `make` run `dbt parse` first
KEEP_TARGET_RUNS = 3
DATA_QUALITY = "tag:datakwaliteit"


class LayeredTranslator(DagsterDbtTranslator):
    """Asset keys follow the warehouse schemas: <schema>/<table> for sources (raw/<table>: the ingest assets;
    quarantine/<source> and meta/<table>: pipelines/assets/meta.py), <layer>/<model> for models and seeds."""

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


def _record_tests(context: dg.AssetExecutionContext, invocation: Any, warehouse: DuckDBResource) -> None:
    """The outcome of every test of a finished dbt invocation, into meta.check_results."""
    if not (invocation.target_path / "run_results.json").exists():
        context.log.warning("dbt wrote no run_results.json: no test outcomes to record")
        return
    results = dbt_check_results(invocation.get_artifact("run_results.json"), invocation.manifest)
    with warehouse.get_connection() as con:
        recorded = record(con, context.run.run_id, results)
    context.log.info(f"{recorded} dbt test outcome(s) recorded in meta.check_results")


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource):
    """`dbt build` of the asset's selection, then its test outcomes into the warehouse (also when tests failed)."""
    # profiles.yml reads SBM_WAREHOUSE; dagster-dbt hands dbt this process's environment, so set it for the dbt
    # call only (left set, it would steer every later Settings.from_env() in this process to this warehouse)
    previous = os.environ.get("SBM_WAREHOUSE")
    os.environ["SBM_WAREHOUSE"] = warehouse.database
    invocation = None
    try:
        invocation = dbt.cli(["build"], context=context)
        yield from invocation.stream()
    finally:
        if previous is None:
            del os.environ["SBM_WAREHOUSE"]
        else:
            os.environ["SBM_WAREHOUSE"] = previous
        if invocation is not None:
            _record_tests(context, invocation, warehouse)
        prune_target_runs(dbt_project.project_dir / "target")


def _dbt_build_assets(name: str, **selection: str) -> dg.AssetsDefinition:
    """The models, seeds and tests of a dbt selection as one multi-asset that runs `dbt build` on them."""

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=LayeredTranslator(),
        name=name,
        pool=WAREHOUSE_POOL,
        **selection,
    )
    def _assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource):
        yield from _build(context, dbt, warehouse)

    return _assets


sbm_dbt_assets = _dbt_build_assets("sbm_dbt_assets", exclude=DATA_QUALITY)
data_quality_dbt_assets = _dbt_build_assets("data_quality_dbt_assets", select=DATA_QUALITY)


def _marts(assets: dg.AssetsDefinition) -> list[dg.AssetKey]:
    return [key for key in assets.keys if key.path[0] == "marts"]


CORE_MART_KEYS = _marts(sbm_dbt_assets)  # every mart but the data-quality ones
MART_KEYS = CORE_MART_KEYS + _marts(data_quality_dbt_assets)
