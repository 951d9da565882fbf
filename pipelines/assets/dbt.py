"""The dbt project as Dagster assets: staging -> intermediate -> marts, with dbt tests as asset checks.

Two dbt builds: every model but the data-quality ones (tag `datakwaliteit`), then, once the other marts and their
GX checks have run and meta/check_results is complete, the data-quality marts, so they report this run's checks.
After each build the outcome of every dbt test goes into meta.check_results (pipelines/checks/results.py).
"""

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from pipelines.checks.results import dbt_check_results, record
from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.resources import WAREHOUSE_POOL

# The manifest comes from `python -m pipelines prepare` (make serve and make refresh run it first): parsing needs the
# installation's vars, which DbtProject's own prepare_if_dev() would not pass.
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
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


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource, settings: Settings):
    """`dbt build` of the asset's selection, then its test outcomes into the warehouse (also when tests failed).
    The warehouse and everything the installation decides reach dbt as --vars (Settings.dbt_vars)."""
    invocation = None
    try:
        invocation = dbt.cli(["build", "--vars", json.dumps(settings.dbt_vars())], context=context)
        yield from invocation.stream()
    finally:
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
    def _assets(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: DuckDBResource,
        settings: dg.ResourceParam[Settings],
    ):
        yield from _build(context, dbt, warehouse, settings)

    return _assets


sbm_dbt_assets = _dbt_build_assets("sbm_dbt_assets", exclude=DATA_QUALITY)
data_quality_dbt_assets = _dbt_build_assets("data_quality_dbt_assets", select=DATA_QUALITY)


def _marts(assets: dg.AssetsDefinition) -> list[dg.AssetKey]:
    return [key for key in assets.keys if key.path[0] == "marts"]


CORE_MART_KEYS = _marts(sbm_dbt_assets)  # every mart but the data-quality ones
MART_KEYS = CORE_MART_KEYS + _marts(data_quality_dbt_assets)
