"""The dbt project as Dagster assets: staging -> intermediate -> marts.

Two dbt builds: every model but the data-quality ones (tag `datakwaliteit`), then, once the other marts and their
GX checks have run and meta/check_results is complete, the data-quality marts, so they report this run's checks.
After each build the outcome of every dbt test goes into meta.check_results (pipelines/warehouse/check_results.py).
A failing test fails the build's step, so nothing downstream runs. The tests are not Dagster asset checks as well: a
run then plans and records two events fewer per test (over 400 of a refresh's events, most of its fixed cost);
their outcomes are in the step's log, in meta.check_results and on the data-quality dashboard.

Incremental models (the care data's staging, see dbt_project.yml) read only the loads that are new since their
last build. They are rebuilt from raw (`dbt build --full-refresh`) when asked (`python -m pipelines refresh
--full-refresh`) and whenever their definition changed since the warehouse was built with it: the SQL of the
model or of a macro it uses, or its config (``meta.dbt_incremental_models`` keeps the fingerprint it was built with,
pipelines/warehouse/incremental.py).
"""

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from dagster_duckdb import DuckDBResource

from pipelines.asset_keys import DATA_QUALITY_TAG, dbt_key
from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.resources import WAREHOUSE_POOL
from pipelines.warehouse.build_inputs import build_fingerprint, last_build, remember_build
from pipelines.warehouse.check_results import dbt_check_results, record
from pipelines.warehouse.incremental import (
    incremental_fingerprints,
    remember_incremental_models,
    stale_incremental_models,
)

# The manifest comes from `python -m pipelines prepare` (make serve and make refresh run it first): parsing needs the
# installation's vars, which DbtProject's own prepare_if_dev() would not pass.
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
KEEP_TARGET_RUNS = 3
DATA_QUALITY = f"tag:{DATA_QUALITY_TAG}"


class LayeredTranslator(DagsterDbtTranslator):
    """Asset keys follow the warehouse schemas (pipelines/asset_keys.py): a source is the asset that loads its
    table, a model or seed is <layer>/<model>; groups are the layers."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        return dbt_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema")


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False  # rebuild incremental models from every load in raw (dbt --full-refresh)
    force: bool = False  # build even when nothing changed since the last successful build


def prune_target_runs(target: Path, keep: int = KEEP_TARGET_RUNS) -> None:
    """dagster-dbt writes each invocation to its own folder under target/; keep only the newest few."""
    runs = sorted((p for p in target.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def _after_build(
    context: dg.AssetExecutionContext,
    invocation: Any,
    warehouse: DuckDBResource,
    fingerprints: Mapping[str, tuple[str, str]],
) -> None:
    """From a finished dbt invocation (also a failed one): every test's outcome into meta.check_results, and the
    definitions the incremental models it built were built with."""
    if not (invocation.target_path / "run_results.json").exists():
        context.log.warning("dbt wrote no run_results.json: no test outcomes to record")
        return
    run_results = invocation.get_artifact("run_results.json")
    with warehouse.get_connection() as con:
        recorded = record(con, context.run.run_id, dbt_check_results(run_results, invocation.manifest))
        remember_incremental_models(con, fingerprints, run_results)
    context.log.info(f"{recorded} dbt test outcome(s) recorded in meta.check_results")


def _unchanged_since_last_build(
    context: dg.AssetExecutionContext, con: duckdb.DuckDBPyConnection, name: str, inputs: str, settings: Settings
) -> str | None:
    """How the last build of these inputs went, if it makes this one needless: same inputs, and the run that built
    them succeeded as a whole (checks and publish included) and its serving file is still there."""
    previous = last_build(con, name)
    if previous is None or previous[0] != inputs or not settings.serving.exists():
        return None
    run = context.instance.get_run_by_id(previous[1])
    if run is None or run.status != dg.DagsterRunStatus.SUCCESS:
        return None
    return f"run {previous[1]} at {previous[2]:%Y-%m-%d %H:%M}"


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: DuckDBResource,
    settings: Settings,
    config: DbtBuildConfig,
    name: str,
    skippable: Callable[[Mapping[str, Any]], bool] | None,
):
    """`dbt build` of the asset's selection, then its test outcomes into the warehouse (also when tests failed).
    The warehouse, DuckDB's settings and everything the installation decides reach dbt as --vars
    (Settings.dbt_vars). A skippable selection (the nodes it builds) is not built again when nothing it reads
    changed since its last successful run (pipelines/warehouse/build_inputs.py); it then materialises nothing, so
    the checks and the publish downstream are skipped too."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    fingerprints = incremental_fingerprints(manifest)
    whole = skippable is not None and set(context.selected_asset_keys) == set(context.assets_def.keys)
    with warehouse.get_connection() as con:
        stale = stale_incremental_models(con, fingerprints)
        inputs = build_fingerprint(con, manifest, skippable, settings.dbt_vars()) if whole else None
        unchanged = inputs and _unchanged_since_last_build(context, con, name, inputs, settings)
    if unchanged and not (config.full_refresh or config.force or stale):
        context.log.info(
            f"nothing changed since the last build ({unchanged}): not one source table, model, seed or setting; "
            "dbt build, checks and publish skipped (`python -m pipelines refresh --force` builds anyway)"
        )
        return
    if stale and not config.full_refresh:
        context.log.info(f"rebuilding from raw: the definition of {', '.join(stale)} changed since they were built")
    full_refresh = config.full_refresh or bool(stale)
    args = ["build", *(["--full-refresh"] if full_refresh else []), "--vars", json.dumps(settings.dbt_vars())]
    invocation = None
    try:
        invocation = dbt.cli(args, context=context)
        # dbt test outcomes are not asset observations as well: they are in meta.check_results (and the step's
        # log), and two stored events per test were a third of a refresh's event-log writes
        yield from (event for event in invocation.stream() if not isinstance(event, dg.AssetObservation))
        if inputs:
            with warehouse.get_connection() as con:
                remember_build(con, name, inputs, context.run.run_id)
    finally:
        if invocation is not None:
            _after_build(context, invocation, warehouse, fingerprints)
        prune_target_runs(dbt_project.project_dir / "target")


def _dbt_build_assets(
    name: str, skippable: Callable[[Mapping[str, Any]], bool] | None = None, **selection: str
) -> dg.AssetsDefinition:
    """The models, seeds and tests of a dbt selection as one multi-asset that runs `dbt build` on them;
    ``skippable``: the selection's nodes, if the build may be skipped when nothing they read changed."""

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=LayeredTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=False)),
        name=name,
        pool=WAREHOUSE_POOL,
        **selection,
    )
    def _assets(
        context: dg.AssetExecutionContext,
        config: DbtBuildConfig,
        dbt: DbtCliResource,
        warehouse: DuckDBResource,
        settings: dg.ResourceParam[Settings],
    ):
        yield from _build(context, dbt, warehouse, settings, config, name, skippable)

    return _assets


def _core(node: Mapping[str, Any]) -> bool:
    return DATA_QUALITY_TAG not in node.get("tags", [])


# The data-quality build always runs: it reports this run's checks (meta.check_results changes every run).
sbm_dbt_assets = _dbt_build_assets("sbm_dbt_assets", skippable=_core, exclude=DATA_QUALITY)
data_quality_dbt_assets = _dbt_build_assets("data_quality_dbt_assets", select=DATA_QUALITY)
