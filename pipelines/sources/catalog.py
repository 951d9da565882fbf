"""The indicator catalogue (a dbt seed), read by the intake: uploaded indicator values must use its codes."""

from __future__ import annotations

import csv
from functools import cache

from pipelines.config import DBT_PROJECT_DIR

CATALOG_FILE = DBT_PROJECT_DIR / "seeds" / "indicatoren" / "indicator_catalog.csv"


@cache
def indicator_codes() -> tuple[str, ...]:
    with CATALOG_FILE.open(encoding="utf-8") as catalog:
        return tuple(row["code"] for row in csv.DictReader(catalog))
