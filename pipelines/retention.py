"""How long delivered originals are kept. Archived files (and files in ``rejected/`` and ``held/``) hold BSNs,
names and addresses as the gemeente delivered them; they are kept ``archive_retention_days`` after they arrived
(a key of the installation file, default 90 days, pipelines/installation.py) and then removed by the
job ``archive_purge`` (scheduled daily) or ``python -m pipelines purge``, which log every file they remove.

Nothing else needs them: raw keeps every loaded row (pseudonymised), so staging and everything after it can be
rebuilt from the warehouse; only re-reading an original is no longer possible.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.resources import Intake

DAY = 86_400


@dataclass(frozen=True)
class Purged:
    path: Path
    age_days: float

    def line(self) -> str:
        return f"removed {self.path} (arrived {self.age_days:.0f} days ago)"


def purge_originals(folders: Iterable[Path], retention_days: int, now: float | None = None) -> list[Purged]:
    """Remove every file below ``folders`` that arrived (its inode last changed: archived, moved, made
    private) more than ``retention_days`` ago; returns what was removed."""
    now = time.time() if now is None else now
    purged = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
            age = (now - path.lstat().st_ctime) / DAY
            if age > retention_days:
                path.unlink()
                purged.append(Purged(path, age))
    return purged


@dg.op(description="Removes delivered originals older than the retention period (archive, rejected, held).")
def purge_archive(context: dg.OpExecutionContext, intake: Intake) -> None:
    purged = purge_originals(
        [Path(intake.archive), Path(intake.rejected), Path(intake.held)], intake.archive_retention_days
    )
    for item in purged:
        context.log.info(item.line())
    context.log.info(f"{len(purged)} original(s) older than {intake.archive_retention_days} days removed")


@dg.job(description="Remove delivered originals (they hold BSNs) once the retention period has passed.")
def archive_purge():
    purge_archive()


archive_purge_daily = dg.ScheduleDefinition(
    name="archive_purge_daily",
    job=archive_purge,
    cron_schedule="30 3 * * *",
    execution_timezone="Europe/Amsterdam",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="03:30 every day: remove originals older than the retention period (archive_retention_days in "
    "installation.yaml).",
)
