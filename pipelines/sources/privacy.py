"""Pseudonymisation of BSNs at the border: a keyed HMAC-SHA256, never a plain hash.

A plain SHA-256 of a BSN can be reversed by hashing all 10^9 candidates; a keyed HMAC cannot without the key.
The key is configuration, never code: ``SBM_PSEUDONYM_KEY`` (any string of at least 32 characters), else a key
file (``SBM_PSEUDONYM_KEY_FILE``, default ``$SBM_HOME/secrets/pseudonym.key``) generated on first use with mode
0600. Keep that key: with another key the same client gets another pseudonym, and series over time break.

Files are pseudonymised in DuckDB SQL (``pseudonym_sql``, every format goes through it, so a client has one
pseudonym whether the gemeente delivers XML or CSV). ``pseudonym`` is the same HMAC in Python: the reference the
tests hold the SQL to, and the way to find one person's rows (e.g. for a request under the AVG).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

KEY_ENV = "SBM_PSEUDONYM_KEY"
REDACTED = "*********"  # a 9-digit number that passes the 11-test, in free text and messages
NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
MIN_KEY_LENGTH = 32
BLOCK_SIZE = 64  # SHA-256's block size, the HMAC padding length


class PseudonymKeyError(ValueError):
    """The configured key is unusable; the message says which setting to fix."""


def load_key(key_file: Path, configured: str | None = None) -> bytes:
    """The configured key (``SBM_PSEUDONYM_KEY``, read by Settings), else the key file, created (mode 0600) if
    missing."""
    if configured is not None:
        if len(configured) < MIN_KEY_LENGTH:
            raise PseudonymKeyError(f"{KEY_ENV} is set but shorter than {MIN_KEY_LENGTH} characters")
        return configured.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    key = key_file.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_LENGTH:
        raise PseudonymKeyError(f"{key_file} holds a key shorter than {MIN_KEY_LENGTH} characters")
    return key.encode()


def pseudonym(key: bytes, value: str) -> str:
    """HMAC-SHA256 of the value, hex; the value is trimmed first, as the SQL version does."""
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()


def pseudonym_sql(key: bytes, expression: str) -> str:
    """The same HMAC as a DuckDB expression over a VARCHAR expression (RFC 2104, from DuckDB's sha256).

    HMAC(k, m) = H((k ^ opad) || H((k ^ ipad) || m)); the padded keys are computed here and inlined as blobs.
    """
    block = hashlib.sha256(key).digest() if len(key) > BLOCK_SIZE else key
    block = block.ljust(BLOCK_SIZE, b"\0")
    inner = bytes(b ^ 0x36 for b in block).hex()
    outer = bytes(b ^ 0x5C for b in block).hex()
    return (
        f"CASE WHEN ({expression}) IS NOT NULL THEN sha256(unhex('{outer}') || "
        f"unhex(sha256(unhex('{inner}') || encode(trim({expression}))))) END"
    )


def is_valid_bsn(value: str) -> bool:
    """The 11-test (elfproef) for a BSN: 9 digits, sum of digit x weight (9..2, -1) divisible by 11."""
    if len(value) != 9 or not value.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11 == 0


def redact_bsns(text: str) -> str:
    """Every 9-digit number in ``text`` that passes the 11-test replaced by ``REDACTED`` (it may be a BSN).
    For messages, file names and log lines; ``redact_bsns_sql`` does the same to cells."""
    return NINE_DIGITS.sub(lambda m: REDACTED if is_valid_bsn(m.group()) else m.group(), text)


def redact_bsns_sql(expression: str) -> str:
    """``redact_bsns`` as a DuckDB expression over a VARCHAR column (cheap for cells without 9 digits in a row).
    A number is replaced wherever its digits occur in the cell, so a longer number holding the same nine digits
    is masked too: erring on the side of privacy."""
    candidates = (
        f"list_filter(regexp_extract_all({expression}, '[0-9]+'), lambda d: length(d) = 9 AND {bsn_check_sql('d')})"
    )
    return (
        f"CASE WHEN regexp_matches({expression}, '[0-9]{{9}}') THEN list_reduce(list_prepend({expression}, "
        f"{candidates}), lambda text, number: replace(text, number, '{REDACTED}')) ELSE {expression} END"
    )


def bsn_check_sql(expression: str) -> str:
    """The elfproef as a DuckDB boolean expression (NULL for a NULL input)."""
    digits = " + ".join(
        f"{w} * CAST(substr({expression}, {i + 1}, 1) AS INTEGER)" for i, w in enumerate(range(9, 1, -1))
    )
    return (
        f"(regexp_full_match({expression}, '[0-9]{{9}}') AND "
        f"CASE WHEN regexp_full_match({expression}, '[0-9]{{9}}') "
        f"THEN ({digits} - CAST(substr({expression}, 9, 1) AS INTEGER)) % 11 = 0 END)"
    )
