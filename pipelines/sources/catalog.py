"""The indicator catalogue (a dbt seed), read by the intake: uploaded indicator values must use its codes, be of
an indicator the gemeente delivers (its sources name the upload; one the monitor computes itself would count
twice), and lie within the range of the indicator's unit (seed ``eenheid_bereik``: a percentage 0-100, ...)."""

from __future__ import annotations

import csv
from functools import cache

from pipelines.config import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds" / "indicatoren"
CATALOG_FILE = SEEDS / "indicator_catalog.csv"
RANGES_FILE = SEEDS / "eenheid_bereik.csv"


def _rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


UPLOAD_MARK = "upload"  # in `bronnen`: the gemeente delivers the values (inbox/indicatoren/)


@cache
def indicator_catalog() -> dict[str, dict[str, float | bool | None]]:
    """Every catalogue code -> {'minimum', 'maximum'} of its unit (None: unbounded) and whether it is uploaded."""
    ranges = {row["eenheid"]: row for row in _rows(RANGES_FILE)}

    def bound(unit: str, side: str) -> float | None:
        value = ranges.get(unit, {}).get(side)
        return float(value) if value else None

    return {
        row["code"]: {
            "minimum": bound(row["eenheid"], "minimum"),
            "maximum": bound(row["eenheid"], "maximum"),
            "uploaded": UPLOAD_MARK in row["bronnen"].lower(),
        }
        for row in _rows(CATALOG_FILE)
    }
