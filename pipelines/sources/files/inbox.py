"""The inbox and the archive on disk.

Files are delivered into ``$SBM_INBOX/<source>/`` (``subsidies``, ``zorg``, ``initiatieven``, ``voorzieningen``,
``indicatoren``, ``postcodes``), optionally one level deeper in a folder named after the gemeente
(``inbox/subsidies/GM0141/register.csv``) when the file itself does not say whose it is. Hidden files, Office
lock files (``~$...``) and partial downloads are left alone.

A file is taken once it has *settled* (size and modification time unchanged for ``settle_seconds``: a copy in
progress waits), and only when it is a regular file: a symbolic link or a special file (a FIFO, a device) is
refused before anything is read. Taking it reads it once, into the archive (``$SBM_HOME/archive/<sha256>.<ext>``,
owner-read-only), hashing what was read; everything after that reads the archived copy. A file that changed while
it was being copied stays in the inbox for the next run. After the load the inbox file is removed, or moved to
``rejected/`` (could not be loaded) or ``held/`` (waits for the user's consent to a replacement).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.sources.files.errors import RefusedFileError
from pipelines.sources.privacy import redact_bsns

GEMEENTE_FOLDER = re.compile(r"^GM[0-9]{4}$")
PARTIAL_SUFFIXES = {".part", ".tmp", ".crdownload", ".partial"}
CHUNK = 1 << 20
ARCHIVE_MODE = 0o400  # originals hold BSNs: the service user reads them, nobody changes them


class FileChangedError(Exception):
    """The file changed while it was being copied into the archive (someone is still writing it)."""


@dataclass(frozen=True)
class InboxFile:
    path: Path
    source: str
    gemeente: str | None  # from a GMxxxx folder

    def label(self, inbox: Path) -> str:
        """How the file is named in logs, errors and the warehouse: its path below the inbox (a BSN in a file
        name redacted)."""
        try:
            name = self.path.relative_to(inbox).as_posix()
        except ValueError:
            name = self.path.name
        return redact_bsns(name)


@dataclass(frozen=True)
class Taken:
    """A file read into the archive: the archived copy, and the sha256 and size of what was read."""

    path: Path
    sha256: str
    size: int


def ensure_inbox(inbox: Path, sources: Iterable[str]) -> None:
    for source in sources:
        (inbox / source).mkdir(parents=True, exist_ok=True)


def _wanted(name: str) -> bool:
    return not name.startswith((".", "~$")) and Path(name).suffix.lower() not in PARTIAL_SUFFIXES


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


def _entries(folder: Path, depth: int) -> Iterator[Path]:
    """Everything in a source folder and its GMxxxx subfolders that is not a folder, symlinks included, never
    following a link (a linked folder is listed, not entered)."""
    with os.scandir(folder) as found:
        for entry in found:
            if not _wanted(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                if depth == 0 and GEMEENTE_FOLDER.match(entry.name):
                    yield from _entries(Path(entry.path), 1)
            else:
                yield Path(entry.path)


def pending_files(inbox: Path, sources: Iterable[str]) -> list[InboxFile]:
    """Every file waiting in the source folders, oldest first (then by name). Links and special files are listed
    too: taking them is refused, with a load-log row."""
    names = list(sources)
    found = []
    for source in names:
        folder = inbox / source
        if folder.is_dir() and not folder.is_symlink():
            found += [e for p in _entries(folder, 0) if (e := inbox_file(inbox, p, names)) is not None]
    return sorted(found, key=lambda f: (f.path.lstat().st_mtime, f.path.as_posix()))


def settled(path: Path, seconds: float, now: float | None = None) -> bool:
    """Whether the file has not been modified for ``seconds`` (a copy still in progress has not)."""
    return (now if now is not None else time.time()) - path.lstat().st_mtime >= seconds


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a device or socket" if not stat.S_ISREG(mode) else "a regular file"


def take(path: Path, label: str, archive_dir: Path) -> Taken:
    """Read a regular file once into the archive, hashing what was read; raises RefusedFileError for anything
    but a regular file (before reading a byte) and FileChangedError when the file changed while it was read."""
    kind = _kind(path.lstat().st_mode)
    if kind != "a regular file":
        raise RefusedFileError(label, None, "a regular file (the inbox takes no links or special files)", kind)
    # O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO after the check above is not followed or
    # waited on; fstat then says what was opened
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as source:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise RefusedFileError(label, None, "a regular file", _kind(before.st_mode))
        archive_dir.mkdir(parents=True, exist_ok=True)
        staging = archive_dir / f".incoming-{os.getpid()}-{uuid.uuid4().hex}"
        try:
            digest, size = hashlib.sha256(), 0
            with staging.open("xb") as sink:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    sink.write(chunk)
                    size += len(chunk)
            after = os.stat(path, follow_symlinks=False)
            if (size, after.st_size, after.st_mtime_ns) != (before.st_size, before.st_size, before.st_mtime_ns):
                raise FileChangedError(f"{label} changed while it was read ({before.st_size} -> {after.st_size} bytes)")
            staging.chmod(ARCHIVE_MODE)
            target = archive_dir / f"{digest.hexdigest()}{path.suffix.lower()}"
            if not target.exists():
                os.replace(staging, target)  # never a half-written archive file
        finally:
            staging.unlink(missing_ok=True)
    return Taken(target, digest.hexdigest(), size)


def move_aside(entry: InboxFile, inbox: Path, folder: Path) -> Path:
    """Move an inbox file (or link) to the same place below ``folder`` (``rejected/`` or ``held/``), private,
    never overwriting an earlier one of the same name."""
    relative = entry.path.relative_to(inbox)
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while target.exists() or target.is_symlink():
        n += 1
        target = folder / relative.with_name(f"{entry.path.stem}-{n}{entry.path.suffix}")
    shutil.move(entry.path, target)  # moves a link as a link
    if not target.is_symlink():
        target.chmod(0o600)  # an original with BSNs, whoever delivered it
    return target


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_leftovers(archive_dir: Path, scratch: Path) -> list[Path]:
    """Half-copied archive files and intake work folders of processes that died (e.g. killed mid-intake)."""
    leftovers = []
    patterns = [(archive_dir, re.compile(r"^\.incoming-(\d+)-")), (scratch, re.compile(r"^intake-(\d+)-"))]
    for folder, pattern in patterns:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = pattern.match(path.name)
            if match and not pid_alive(int(match.group(1))):
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
                leftovers.append(path)
    return leftovers
