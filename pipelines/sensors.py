"""The inbox sensor: one run of ``gemeente_files`` per new file, keyed by the file's sha256.

A run key is used once per sensor, so the same file delivered twice (same content, any name) starts no second
run; its copy stays in the inbox until a full refresh or ``intake`` records it as a duplicate and clears it.
Files still being written (changed in the last ``settle_seconds``) wait for the next tick. The cursor remembers
each file's size, modification time and hash, so a large file is hashed once, not on every tick. A link or a
special file is never read: its run refuses it (with a load-log row).

A second sensor keeps the pool free: a run whose process died (killed, a crashed machine) is marked failed and
its warehouse slot freed (pipelines/runs.py), so queued runs go on without anyone deleting runs by hand.
"""

import json
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.jobs import gemeente_files, refresh_selection
from pipelines.resources import Intake
from pipelines.runs import recover_dead_runs
from pipelines.sources.files import inbox
from pipelines.sources.files.spec import source_specs

if TYPE_CHECKING:
    from dagster._core.definitions.assets.graph.base_asset_graph import BaseAssetGraph


def file_run_config(entry: inbox.InboxFile, replace: bool = False) -> dict:
    """Run config that makes the source's asset load exactly this file (``replace``: with the user's consent to
    what it replaces)."""
    return {"ops": {f"raw__{entry.source}": {"config": {"files": [str(entry.path)], "replace": replace}}}}


def file_run_assets(source: str, asset_graph: "BaseAssetGraph") -> list[dg.AssetKey]:
    """The assets a run for one file of ``source`` materialises (see jobs.refresh_selection)."""
    return sorted(refresh_selection([source]).resolve(asset_graph))


@dg.sensor(
    job=gemeente_files,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches $SBM_INBOX/<source>/ and requests one gemeente_files run per new file (run key: sha256).",
)
def inbox_sensor(context: dg.SensorEvaluationContext, intake: Intake):
    seen = json.loads(context.cursor) if context.cursor else {}
    current: dict[str, list] = {}
    now = time.time()
    for entry in inbox.pending_files(Path(intake.inbox), list(source_specs())):
        if not inbox.settled(entry.path, intake.settle_seconds, now):
            continue
        found = entry.path.lstat()
        fingerprint = [found.st_size, found.st_mtime_ns]
        known = seen.get(str(entry.path))
        if not stat.S_ISREG(found.st_mode):  # never read: its run refuses it
            sha256 = f"not-a-file:{entry.path}:{found.st_mtime_ns}"
        elif known and known[:2] == fingerprint:
            sha256 = known[2]
        else:
            sha256 = inbox.sha256_of(entry.path)
        current[str(entry.path)] = [*fingerprint, sha256]
        yield dg.RunRequest(
            run_key=sha256,
            asset_selection=file_run_assets(entry.source, context.repository_def.asset_graph),
            run_config=file_run_config(entry),
            tags={"sbm/source": entry.source, "sbm/file": entry.label(Path(intake.inbox)), "sbm/sha256": sha256},
        )
    context.update_cursor(json.dumps(current))


@dg.sensor(
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks runs whose process died as failed and frees their warehouse slot (pipelines/runs.py).",
)
def dead_run_sensor(context: dg.SensorEvaluationContext):
    recovered = recover_dead_runs(context.instance)
    for line in recovered:
        context.log.warning(line)
    return dg.SkipReason(f"{len(recovered)} dead run(s) recovered" if recovered else "no dead runs")
