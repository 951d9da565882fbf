"""Great Expectations suites (``expectations/*.json``) run on DataFrames read from DuckDB.

What an installation decides enters a suite as a parameter (``{"$PARAMETER": "min_cell_size"}``; the values:
``Installation.suite_parameters``), never as a number written into the file.

GX 1.x cannot validate DuckDB through SQLAlchemy + duckdb_engine (every expectation errors), so the rows to
check are read with DuckDB into pandas and validated there; what DuckDB SQL can express runs as SQL instead
(pipelines/checks/expectations.py). GX is imported lazily, only when a suite needs it (it takes seconds to import),
and one GX context serves a whole run.
"""

from __future__ import annotations

import functools
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


def load_suite(path: Path, only: list[dict] | None = None) -> ExpectationSuite:
    """Build the suite from its file (or `only` those of its expectations) and insist every one survived."""
    import great_expectations as gx

    spec = json.loads(path.read_text(encoding="utf-8"))
    expectations = spec["expectations"] if only is None else only
    suite = gx.ExpectationSuite(name=spec["name"], expectations=expectations, meta=spec.get("meta"))
    if len(suite.expectations) != len(expectations):
        kept = {e.expectation_type for e in suite.expectations}
        dropped = [e.get("type") for e in expectations if e.get("type") not in kept]
        raise SuiteFileError(f"{path}: GX rejected expectation(s) {dropped}; check the type names and kwargs")
    return suite


@functools.cache
def _dataframes():
    """The pandas data source of the one GX context of this process (a run executes in one process)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context.data_sources.add_pandas("warehouse")


def validate(
    frame: pd.DataFrame, suite_file: Path, parameters: dict[str, Any] | None = None, only: list[dict] | None = None
) -> Outcome:
    """Validate a DataFrame with GX against a suite file (or `only` some of its expectations), its
    ``$PARAMETER``s from `parameters`."""
    suite = load_suite(suite_file, only)
    source = _dataframes()
    known = suite.name in source.get_asset_names()
    asset = source.get_asset(suite.name) if known else source.add_dataframe_asset(suite.name)
    definitions = {d.name: d for d in asset.batch_definitions}
    batch = (definitions.get("all_rows") or asset.add_batch_definition_whole_dataframe("all_rows")).get_batch(
        batch_parameters={"dataframe": frame}
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
