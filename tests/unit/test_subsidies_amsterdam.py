"""Amsterdam's real subsidy register: a committed excerpt with hand-checked totals, and the whole file when present."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

EXCERPT = Path(__file__).parents[1] / "fixtures" / "subsidieregister-amsterdam" / "subsidie_out2_excerpt.csv"
FULL = Path(
    os.environ.get("SBM_AMSTERDAM_REGISTER", "/work/shared/reference-data/subsidieregister-amsterdam/subsidie_out2.csv")
)


def test_the_excerpt_loads_with_hand_checked_totals(intake):
    result = intake.load("subsidies", "subsidie_out2_excerpt.csv", EXCERPT.read_bytes())
    # 12 data rows; file line 638 (row 13 here) has BEDRAG_VERLEEND = NULL: quarantined
    assert (result.rows_in_file, result.rows_loaded, result.rows_quarantined) == (12, 11, 1)
    assert result.read_as["sheets"][0]["ignored_columns"] == ["TABLE_NAME", "DATUM_OVERZICHT"]
    granted = 4000 + 83280 + 11782 + 21450 + 29800 + 10000 + 47240 + 1850 + 87500 + 5000 + 0  # line 18: ".00"
    requested = 4000 + 83280 + 61000 + 21450 + 44300 + 10000 + Decimal("51373.60") + 1850 + 87500 + 5000 + 25010
    assert intake.rows("SELECT sum(bedrag_verleend), sum(bedrag_aangevraagd), count(*) FROM raw.subsidies") == [
        (Decimal(granted), requested, 11)
    ]
    assert granted == 301902 and requested == Decimal("394763.60")
    # three natural persons: counted, never named
    assert intake.rows("SELECT count(*) FROM raw.subsidies WHERE aanvrager_is_particulier AND aanvrager IS NULL") == [
        (3,)
    ]
    assert intake.rows("SELECT source_row, reason, record['dossiernummer'] FROM quarantine.subsidies") == [
        (13, "bedrag_verleend: required value is empty", "SBA-000992")
    ]
    assert intake.rows("SELECT DISTINCT replace_scope FROM raw.subsidies") == [("onbekend:2016",)]


@pytest.mark.skipif(
    not FULL.exists(), reason=f"the full Amsterdam register is not at {FULL} (set SBM_AMSTERDAM_REGISTER)"
)
def test_the_whole_register_loads_and_every_row_is_accounted_for(intake):
    result = intake.load("subsidies", FULL.name, FULL.read_bytes(), gemeente="GM0363")
    # 12,778 rows = 12,772 loaded + 6 with BEDRAG_VERLEEND = NULL (file lines 638, 12330, 12421, 12570, 12707, 12760)
    assert (result.rows_in_file, result.rows_loaded, result.rows_quarantined) == (12_778, 12_772, 6)
    assert result.reasons == {"missing_value": 6}
    assert [r[0] for r in intake.rows("SELECT source_row FROM quarantine.subsidies ORDER BY 1")] == [
        638,
        12330,
        12421,
        12570,
        12707,
        12760,
    ]
    # 2,769 rows say (Particulier); 640 more have an applicant with a person's shape and no organisation word
    # (pipelines/sources/files/persons.py): private persons with their name, and small organisations whose name
    # looks like a person's, which lose their name (the cautious side). None keeps a name.
    assert intake.rows(
        "SELECT count(*) FILTER (WHERE aanvrager_is_particulier), count(*) FILTER (WHERE aanvrager_is_particulier "
        "AND aanvrager IS NOT NULL), sum(bedrag_verleend) FROM raw.subsidies"
    ) == [(2769 + 640, 0, Decimal("1634302449.15"))]
    # rows per year in the file: 2016 3,259, 2017 4,206, 2018 4,399, 2019 914; the NULLs: one of 2016, five of 2018
    assert intake.rows("SELECT subsidiejaar, count(*) FROM raw.subsidies GROUP BY 1 ORDER BY 1") == [
        (2016, 3259 - 1),
        (2017, 4206),
        (2018, 4399 - 5),
        (2019, 914),
    ]
