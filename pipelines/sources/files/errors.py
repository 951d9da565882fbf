"""One exception type per failure class of a whole file. Each message names the file, where in it, what was
expected and what was found, so a data team can fix the file without reading a stack trace.

Problems with single rows are not exceptions: those rows go to ``quarantine.<source>`` with a reason.
"""

from __future__ import annotations

from pipelines.sources.privacy import redact_bsns

MAX_MESSAGE = 500  # characters of an error in the load log and the terminal


class IntakeError(Exception):
    """A file that cannot be loaded at all."""

    def __init__(self, file: str, where: str | None, expected: str, found: str):
        self.file, self.where, self.expected, self.found = file, where, expected, found
        location = f"{file}, {where}" if where else file
        super().__init__(f"{location}: expected {expected}, found {found}")


class UnreadableFileError(IntakeError):
    """Not a readable CSV/XLSX/XML file: wrong encoding, broken quoting, truncated XML, empty file."""


class MissingColumnError(IntakeError):
    """A required column is not in the header (under any of its known names)."""


class UnknownFormatError(IntakeError):
    """The file is readable but is not the kind of file this source takes (e.g. another XML namespace)."""


class BadValueError(IntakeError):
    """A value that makes the whole file unusable (e.g. no region table to validate wijk codes against)."""


class RefusedFileError(IntakeError):
    """Not a regular file (a symbolic link, a FIFO, a device): refused before anything is read."""


def describe(error: BaseException) -> str:
    """One line for the load log and the terminal: an intake error's own message; anything else (a bug, a full
    disk, a folder that cannot be written) by its type and first line. BSN-like numbers redacted, length bounded;
    the details go to the Dagster log."""
    if isinstance(error, IntakeError):
        text = str(error)
    else:
        first = next((line.strip() for line in str(error).splitlines() if line.strip()), "")
        text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    line = redact_bsns(" ".join(text.split()))
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"
