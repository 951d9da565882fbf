"""Text encodings of delivered CSV files: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

Excel on Windows still saves "CSV (gescheiden door lijstscheidingsteken)" as Windows-1252: `€` is byte 0x80,
which Latin-1 would read as a control character. DuckDB reads UTF-8 only (without extensions), so anything else
is transcoded, streaming, to a UTF-8 copy first. Detection: a BOM decides; otherwise the whole file must be
valid UTF-8, else it is read as Windows-1252.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from pipelines.sources.files.errors import UnreadableFileError

CHUNK = 1 << 20
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decodes(path: Path, encoding: str, label: str) -> tuple[bool, str]:
    """(whether the whole file decodes, where it failed)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, offset = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                position = offset + error.start
                line = lines + chunk[: error.start].count(b"\n")
                return False, f"line {line} (byte {position}: 0x{chunk[error.start]:02x})"
            lines += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, f"the end of the file (a truncated {label} character)"
    return True, ""


def detect_encoding(path: Path, label: str) -> str:
    """The Python codec name of a text file; ``label`` names the file in errors."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise UnreadableFileError(label, None, "a CSV file with a header and rows", "an empty file")
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    if b"\0" in head:
        raise UnreadableFileError(label, None, "a text (CSV) file", "binary content (NUL bytes)")
    if _decodes(path, "utf-8", "UTF-8")[0]:
        return "utf-8"
    ok, where = _decodes(path, "cp1252", "Windows-1252")
    if not ok:
        raise UnreadableFileError(label, where, "text in UTF-8 or Windows-1252", "a byte that is neither")
    return "cp1252"


def as_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """The file itself when it is plain UTF-8, else a streamed UTF-8 copy (without BOM) in ``workdir``."""
    if encoding == "utf-8":
        return path
    target = workdir / f"{path.name}.utf8"
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
        while chunk := source.read(CHUNK):
            sink.write(decoder.decode(chunk))
        sink.write(decoder.decode(b"", final=True))
    return target
