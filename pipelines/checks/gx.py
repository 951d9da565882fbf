"""Great Expectations suites (``expectations/*.json``) run on DataFrames read from DuckDB.

What an installation decides enters a suite as a parameter (``{"$PARAMETER": "min_cell_size"}``; the values:
``Installation.suite_parameters``), never as a number written into the file.

GX 1.x cannot validate DuckDB through SQLAlchemy + duckdb_engine (every expectation errors), so the rows to
check are read with DuckDB into pandas and validated there. GX is imported lazily: it takes seconds to import
and only the check steps need it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.config import EXPECTATIONS_DIR

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core import ExpectationSuite

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network calls from GX (there is no internet)


class SuiteFileError(ValueError):
    """A suite file is malformed; GX would otherwise drop a bad expectation silently."""


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    examples: list[Any]

    def describe(self, examples: bool = True) -> str:
        """What failed; with `examples`, up to three of the values found (never stored in the warehouse)."""
        where = f" on {self.column}" if self.column else ""
        count = f": {self.unexpected_count} unexpected" if self.unexpected_count is not None else ""
        sample = f", e.g. {self.examples[:3]}" if self.examples and examples else ""
        return f"{self.expectation}{where}{count}{sample}"


@dataclass(frozen=True)
class Outcome:
    suite: str
    success: bool
    evaluated: int
    rows: int
    failures: list[Failure]


def _plain(value: Any) -> Any:
    """numpy scalars -> Python values, so failures serialise into Dagster metadata."""
    return value.item() if hasattr(value, "item") else value


def suite_path(name: str) -> Path:
    return EXPECTATIONS_DIR / f"{name}.json"


def load_suite(path: Path) -> ExpectationSuite:
    """Build the suite from its file and insist every expectation in the file survived."""
    import great_expectations as gx

    spec = json.loads(path.read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"], meta=spec.get("meta"))
    if len(suite.expectations) != len(spec["expectations"]):
        kept = {e.expectation_type for e in suite.expectations}
        dropped = [e.get("type") for e in spec["expectations"] if e.get("type") not in kept]
        raise SuiteFileError(f"{path}: GX rejected expectation(s) {dropped}; check the type names and kwargs")
    return suite


def validate(frame: pd.DataFrame, suite_file: Path, parameters: dict[str, Any] | None = None) -> Outcome:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    suite = load_suite(suite_file)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("all_rows")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(
        suite,
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
        expectation_parameters=parameters,
    )
    failures = [
        Failure(
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column"),
            unexpected_count=r.result.get("unexpected_count"),
            examples=[_plain(v) for v in r.result.get("partial_unexpected_list") or []],
        )
        for r in result.results
        if not r.success
    ]
    return Outcome(suite.name, result.success, len(result.results), len(frame), failures)
