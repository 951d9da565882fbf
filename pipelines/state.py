"""The state folder is private: originals with BSNs, the pseudonym key, the warehouse and the serving file are
readable by the service user only (Superset and Dagster run as that user).

Every process the product starts sets ``PRIVATE_UMASK`` first (``python -m pipelines``, ``serve`` included;
the servers, dbt and Dagster's run workers inherit it), so whatever it creates is private from the start.
``make_private`` repairs an existing installation (``prepare`` runs it): folders 0700, files without any group or
other bits.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from pipelines.config import Settings

PRIVATE_UMASK = 0o077
log = logging.getLogger(__name__)


def private_umask() -> None:
    os.umask(PRIVATE_UMASK)


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner can enter (made if missing)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _tighten(path: Path) -> bool:
    """Remove the group and other bits of one file or folder (never following a symlink); True if changed."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return False
    wanted = 0o700 if stat.S_ISDIR(mode) else stat.S_IMODE(mode) & 0o700
    if stat.S_IMODE(mode) == wanted:
        return False
    path.chmod(wanted)
    return True


def _tree(root: Path) -> Iterable[Path]:
    yield root
    for folder, folders, files in os.walk(root):  # os.walk does not descend into symlinked folders
        for name in (*folders, *files):
            yield Path(folder) / name


def make_private(settings: Settings) -> int:
    """Tighten every mode in the state folder, and the warehouse, serving file, archive and key file where they
    live outside it; returns how many paths were changed. The inbox keeps its modes when it lies outside the state
    folder (a delivering account may need to write there)."""
    private_folder(settings.home)
    changed = 0
    for path in _tree(settings.home):
        changed += _tighten(path)
    outside = [
        p
        for p in (settings.warehouse, settings.serving, settings.intake_view, settings.pseudonym_key_file)
        if p.exists() and not p.is_relative_to(settings.home)
    ]
    for path in outside:
        changed += _tighten(path)
    if settings.archive.exists() and not settings.archive.is_relative_to(settings.home):
        changed += sum(_tighten(p) for p in _tree(settings.archive))
    if changed:
        log.info("made %d path(s) in %s private (they were readable by others)", changed, settings.home)
    return changed
