"""The GX suites on the raw gemeente tables guard what validation should already have ensured."""

import pandas as pd

from pipelines.checks.gx import suite_path, validate
from pipelines.sources.files.spec import source_specs
from pipelines.sources.files.validate import output_columns
from pipelines.sources.privacy import pseudonym


def raw_row(source: str, **values: object) -> pd.DataFrame:
    """One row with every column of raw.<source>: provenance, then NULLs except the given values."""
    row = {"load_id": "r", "file_sha256": "a" * 64, "source_sheet": None, "source_row": 2, "replace_scope": "s"}
    row |= dict.fromkeys(output_columns(source_specs()[source]))
    return pd.DataFrame([row | values])


def failures(source: str, frame: pd.DataFrame) -> list[tuple[str, str]]:
    return [(f.expectation, f.column) for f in validate(frame, suite_path(f"raw_{source}")).failures]


def test_raw_zorg_refuses_a_bsn_where_a_pseudonym_belongs():
    good = {"client_id": pseudonym(b"k" * 32, "999900006"), "wet": "wmo", "berichttype": "323"}
    assert failures("zorg", raw_row("zorg", **good)) == []
    assert failures("zorg", raw_row("zorg", **(good | {"client_id": "999900006"}))) == [
        ("expect_column_values_to_match_regex", "client_id")
    ]


def test_raw_subsidies_refuses_a_named_natural_person():
    good = {"regeling": "R", "bedrag_verleend": 10.0, "subsidiejaar": 2024, "aanvrager_is_particulier": True}
    assert failures("subsidies", raw_row("subsidies", **good)) == []
    assert failures("subsidies", raw_row("subsidies", **good, aanvrager="J. Jansen")) == [
        ("expect_column_values_to_be_null", "aanvrager")
    ]
