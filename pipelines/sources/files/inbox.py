"""The inbox and the archive on disk.

Files are delivered into ``$SBM_INBOX/<source>/`` (``subsidies``, ``zorg``, ``initiatieven``, ``voorzieningen``,
``indicatoren``, ``postcodes``), optionally one level deeper in a folder named after the gemeente
(``inbox/subsidies/GM0141/register.csv``) when the file itself does not say whose it is. Hidden files, Office
lock files (``~$...``) and partial downloads are left alone. Once read, a file moves out of the inbox into
``$SBM_HOME/archive/``, stored unchanged under its sha256.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

GEMEENTE_FOLDER = re.compile(r"^GM[0-9]{4}$")
PARTIAL_SUFFIXES = {".part", ".tmp", ".crdownload", ".partial"}


@dataclass(frozen=True)
class InboxFile:
    path: Path
    source: str
    gemeente: str | None  # from a GMxxxx folder

    def label(self, inbox: Path) -> str:
        """How the file is named in logs and errors: its path below the inbox."""
        try:
            return self.path.relative_to(inbox).as_posix()
        except ValueError:
            return self.path.name


def ensure_inbox(inbox: Path, sources: Iterable[str]) -> None:
    for source in sources:
        (inbox / source).mkdir(parents=True, exist_ok=True)


def _is_candidate(path: Path) -> bool:
    return path.is_file() and not path.name.startswith((".", "~$")) and path.suffix.lower() not in PARTIAL_SUFFIXES


def inbox_file(inbox: Path, path: Path, sources: Iterable[str]) -> InboxFile | None:
    """The inbox file at ``path``, or None when it is not in a source folder (or its GMxxxx subfolder)."""
    try:
        parts = path.relative_to(inbox).parts
    except ValueError:
        return None
    if len(parts) == 2 and parts[0] in sources:
        return InboxFile(path, parts[0], None)
    if len(parts) == 3 and parts[0] in sources and GEMEENTE_FOLDER.match(parts[1]):
        return InboxFile(path, parts[0], parts[1])
    return None


def pending_files(inbox: Path, sources: Iterable[str]) -> list[InboxFile]:
    """Every file waiting in the source folders, oldest first (then by name)."""
    names = list(sources)
    found = []
    for source in names:
        folder = inbox / source
        if folder.is_dir():
            for path in folder.rglob("*"):
                entry = inbox_file(inbox, path, names) if _is_candidate(path) else None
                if entry is not None:
                    found.append(entry)
    return sorted(found, key=lambda f: (f.path.stat().st_mtime, f.path.as_posix()))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def archive(path: Path, sha256: str, archive_dir: Path) -> Path:
    """Store the file unchanged as ``<archive>/<sha256><suffix>`` (read-only); a stored copy is kept as is."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    target = archive_dir / f"{sha256}{path.suffix.lower()}"
    if not target.exists():
        staging = archive_dir / f".incoming-{uuid.uuid4().hex}"
        try:
            shutil.copyfile(path, staging)
            staging.chmod(0o444)
            os.replace(staging, target)  # never a half-written archive file
        finally:
            staging.unlink(missing_ok=True)
    return target
