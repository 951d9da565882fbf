"""The inbox sensor: one run of ``gemeente_files`` per new file, keyed by the file's sha256.

A run key is used once per sensor, so the same file delivered twice (same content, any name) starts no second
run; its copy stays in the inbox until a full refresh or ``intake`` records it as a duplicate and clears it.
Files still being written (changed in the last few seconds) wait for the next tick. The cursor remembers each
file's size, modification time and hash, so a large file is hashed once, not on every tick.
"""

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.jobs import INBOX_SOURCES, gemeente_files, refresh_selection
from pipelines.resources import IntakeFolders
from pipelines.sources.files import inbox

if TYPE_CHECKING:
    from dagster._core.definitions.assets.graph.base_asset_graph import BaseAssetGraph

SETTLE_SECONDS = 5  # a file must be unchanged this long before it is loaded (copies in progress)


def file_run_config(entry: inbox.InboxFile) -> dict:
    """Run config that makes the source's asset load exactly this file."""
    return {"ops": {f"raw__{entry.source}": {"config": {"files": [str(entry.path)]}}}}


def file_run_assets(source: str, asset_graph: "BaseAssetGraph") -> list[dg.AssetKey]:
    """The assets a run for one file of ``source`` materialises (see jobs.refresh_selection)."""
    return sorted(refresh_selection([source]).resolve(asset_graph))


@dg.sensor(
    job=gemeente_files,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches $SBM_INBOX/<source>/ and requests one gemeente_files run per new file (run key: sha256).",
)
def inbox_sensor(context: dg.SensorEvaluationContext, intake: IntakeFolders):
    seen = json.loads(context.cursor) if context.cursor else {}
    current: dict[str, list] = {}
    now = time.time()
    for entry in inbox.pending_files(Path(intake.inbox), INBOX_SOURCES):
        stat = entry.path.stat()
        if now - stat.st_mtime < SETTLE_SECONDS:
            continue
        fingerprint = [stat.st_size, stat.st_mtime_ns]
        known = seen.get(str(entry.path))
        sha256 = known[2] if known and known[:2] == fingerprint else inbox.sha256_of(entry.path)
        current[str(entry.path)] = [*fingerprint, sha256]
        yield dg.RunRequest(
            run_key=sha256,
            asset_selection=file_run_assets(entry.source, context.repository_def.asset_graph),
            run_config=file_run_config(entry),
            tags={"sbm/source": entry.source, "sbm/file": entry.label(Path(intake.inbox)), "sbm/sha256": sha256},
        )
    context.update_cursor(json.dumps(current))
