"""A refresh with nothing new since the last successful one does not build again
(pipelines/warehouse/build_inputs.py): on a persistent Dagster instance, as `make refresh`, the second run skips
dbt, the checks downstream and the publish, and leaves the serving file as it was."""

import dagster as dg
import pytest

from pipelines.definitions import build_definitions

pytestmark = pytest.mark.integration
BUILT_LAYERS = {"staging", "intermediate", "marts", "serving"}


def test_a_refresh_with_nothing_new_skips_the_build_and_keeps_the_serving_file(demo_copy, tmp_path):
    job = build_definitions(demo_copy).resolve_job_def("full_refresh")
    with dg.DagsterInstance.local_temp(str(tmp_path)) as instance:
        # the copied warehouse remembers a build by a run this instance does not know: so it builds
        first = job.execute_in_process(instance=instance, raise_on_error=False)
        assert first.success
        assert {e.asset_key.path[0] for e in first.get_asset_materialization_events()} >= BUILT_LAYERS
        published = demo_copy.serving.stat().st_mtime_ns

        second = job.execute_in_process(instance=instance, raise_on_error=False)
        assert second.success
        assert not {e.asset_key.path[0] for e in second.get_asset_materialization_events()} & BUILT_LAYERS
        skipped = {e.step_key for e in second.all_events if e.event_type == dg.DagsterEventType.STEP_SKIPPED}
        assert {"gx_marts", "data_quality_dbt_assets", "serving__serving_duckdb"} <= skipped
        assert demo_copy.serving.stat().st_mtime_ns == published
        logged = [e.message for e in instance.all_logs(second.run_id) if e.message]
        assert any("nothing changed since the last build (run " + first.run_id in m for m in logged)
        # no dbt test outcome is stored as an asset observation (they are in meta.check_results)
        assert not [e for e in first.all_events if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION]
