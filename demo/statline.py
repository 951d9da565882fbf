"""How CBS publishes a figure (random rounding to 5, small care counts secret, provisional periods, the text cells
of the UntypedDataSet), for the SYNTHETIC demo tables."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

SECRET_BELOW = 7.5  # CBS shows care counts 0-7 as secret


def round_to_5(value: float, r: random.Random) -> int:
    """CBS's random rounding of wijk and buurt counts to a multiple of 5 (unbiased in expectation)."""
    low = int(value // 5) * 5
    return low + 5 if r.random() < (value - low) / 5 else low


def published(value: float, r: random.Random, *, rounded: bool, care: bool = False) -> int | None:
    """A count as CBS shows it: exact at gemeente level; rounded to 5 below it; a small care count is secret."""
    if rounded and care and value < SECRET_BELOW:
        return None
    return round_to_5(value, r) if rounded else round(value)


def untyped(values: list[int | float | str | None]) -> list[str]:
    """One UntypedDataSet column: every value as text, right-aligned to the column's own width, StatLine's '.' for
    a figure that is secret or missing (so widths differ from column to column)."""
    texts = ["." if v is None else str(v) for v in values]
    width = max(map(len, texts), default=1)
    return [t.rjust(width) for t in texts]


def period_categories(keys: list[str], provisional: set[str]) -> list[dict]:
    """Perioden categories with CBS's Status; provisional periods also carry the '*' in their title."""

    def title(key: str) -> str:
        year, kind, number = key[:4], key[4:6], int(key[6:])
        label = {"JJ": year, "HJ": f"{year} {number}e halfjaar", "MM": f"{year} maand {number}"}[kind]
        return f"{label}*" if key in provisional else label

    return [
        {
            "Key": key,
            "Title": title(key),
            "Description": "",
            "Status": "Voorlopig" if key in provisional else "Definitief",
        }
        for key in keys
    ]


@dataclass(frozen=True)
class DemoTable:
    """One release of one table: what a fetch would have stored, and when."""

    table_id: str
    documents: dict[str, bytes]
    retrieved_at: datetime
