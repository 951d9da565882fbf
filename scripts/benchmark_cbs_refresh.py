"""How long a full CBS refresh of the demo region takes from snapshots.

Run: ``.venv/bin/python scripts/benchmark_cbs_refresh.py``.

Writes the SYNTHETIC demo snapshots into a fresh temporary state folder, runs job ``cbs_refresh`` (load every
family, dbt build with its tests, GX checks, publish) and prints the time per step. Then runs it a second time,
when every snapshot is already loaded. Prints figures; asserts nothing.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import dagster as dg

from demo.__main__ import INSTALLATION as DEMO_INSTALLATION
from demo.cbs import write_cbs_demo
from pipelines.config import Settings
from pipelines.definitions import build_definitions
from pipelines.sources.cbs.registry import load_registry
from pipelines.sources.cbs.snapshots import SnapshotStore


def step_seconds(result: dg.ExecuteInProcessResult) -> dict[str, float]:
    seconds: dict[str, float] = defaultdict(float)
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS":
            seconds[event.step_key] += event.event_specific_data.duration_ms / 1000
    return seconds


def run(settings: Settings, label: str) -> None:
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # dbt's own progress lines
        result = (
            build_definitions(settings)
            .resolve_job_def("cbs_refresh")
            .execute_in_process(
                instance=dg.DagsterInstance.ephemeral(),
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            )
        )
    wall = time.perf_counter() - started
    steps = step_seconds(result)
    loads = {k: v for k, v in steps.items() if k.startswith("raw__") and "_gx_" not in k}
    checks = sum(v for k, v in steps.items() if "_gx_" in k)
    print(f"\n{label}: {'ok' if result.success else 'FAILED'}, {wall:.1f} s wall time")
    for step, seconds in sorted(loads.items()):
        print(f"  load {step.removeprefix('raw__'):34s} {seconds:6.2f} s")
    print(f"  load, all {len(loads)} families               {sum(loads.values()):6.2f} s")
    print(f"  dbt build (models, tests, unit tests)    {steps.get('sbm_dbt_assets', 0):6.2f} s")
    print(f"  GX checks                                {checks:6.2f} s")
    print(f"  publish serving.duckdb                   {steps.get('serving__serving_duckdb', 0):6.2f} s")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sbm-bench-") as home:
        settings = Settings.from_env({"SBM_HOME": home, "SBM_INSTALLATION": str(DEMO_INSTALLATION)})
        started = time.perf_counter()
        snapshots = write_cbs_demo(SnapshotStore(settings.snapshots / "cbs"), load_registry())
        elapsed = time.perf_counter() - started
        size = sum(f.stat().st_size for f in Path(home).rglob("*") if f.is_file())
        print(f"demo snapshots: {len(snapshots)} written ({size / 1e6:.1f} MB) in {elapsed:.1f} s")
        run(settings, "first refresh (every snapshot new)")
        run(settings, "second refresh (every snapshot already loaded)")


if __name__ == "__main__":
    main()
