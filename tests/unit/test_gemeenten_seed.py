"""The list of every Dutch gemeente (seed regio/gemeenten.csv) against the real CBS file it was built from."""

import csv
from pathlib import Path

import duckdb
import pytest

from pipelines.installation import GEMEENTEN_SEED, HERINDELINGEN_SEED

FIXTURE = Path(__file__).parents[1] / "fixtures" / "cbs-statline" / "84799NED" / "TypedDataSet.parquet"
REFERENCE = Path("/work/shared/reference-data/cbs-statline/84799NED/cbs.v3.84799NED_TypedDataSet.parquet")


def seed() -> dict[str, dict[str, str]]:
    with GEMEENTEN_SEED.open(encoding="utf-8", newline="") as handle:
        return {row["gemeente_code"]: row for row in csv.DictReader(handle)}


def inhabitants_2020(path: Path, code: str) -> int:
    sql = "SELECT AantalInwoners_5 FROM read_parquet(?) WHERE trim(WijkenEnBuurten) = ?"
    return duckdb.execute(sql, [str(path), code]).fetchone()[0]


def test_342_gemeenten_in_12_provinces_whose_inhabitants_add_up_to_the_national_figure():
    rows = seed()
    assert len(rows) == 342  # CBS: 342 gemeenten on 1 January 2023 and 1 January 2024
    assert len({row["provincie_code"] for row in rows.values()}) == 12
    national = inhabitants_2020(FIXTURE, "NL00")  # the real 84799NED excerpt: Nederland, 1 January 2020
    assert sum(int(row["inwoners_2020"]) for row in rows.values()) == national == 17_407_585


def test_values_are_those_of_the_real_2020_release():
    rows = seed()
    for code in ("GM0141", "GM0147"):  # Almelo and Borne are in the committed excerpt
        assert int(rows[code]["inwoners_2020"]) == inhabitants_2020(FIXTURE, code)
    assert (rows["GM0141"]["gemeente_naam"], rows["GM0141"]["provincie_naam"]) == ("Almelo", "Overijssel")
    # Eemsdelta (2021) = Appingedam 11,642 + Delfzijl 24,678 + Loppersum 9,537 on 1 January 2020
    assert int(rows["GM1979"]["inwoners_2020"]) == 11_642 + 24_678 + 9_537


@pytest.mark.skipif(not REFERENCE.exists(), reason="the whole 84799NED is not on this machine")
def test_every_gemeente_that_did_not_change_has_the_real_figure():
    rows = seed()
    with duckdb.connect() as con:
        sql = "SELECT trim(WijkenEnBuurten), AantalInwoners_5 FROM read_parquet(?) WHERE trim(SoortRegio_2) = ?"
        real = dict(con.execute(sql, [str(REFERENCE), "Gemeente"]).fetchall())
    assert real["GM0003"] + real["GM0010"] + real["GM0024"] == 11_642 + 24_678 + 9_537
    with HERINDELINGEN_SEED.open(encoding="utf-8", newline="") as handle:
        grown = {r["nieuwe_code"] for r in csv.DictReader(handle) if r["ingangsdatum"] > "2020-01-01"}
    unchanged = [code for code in rows if code not in grown]
    # formed or grown from 2021 to 2023: Eemsdelta, Boxtel, Oisterwijk, Tilburg, Vught (Haaren's parts), Dijk en
    # Waard, Maashorst, Land van Cuijk, Purmerend, Amsterdam, Voorne aan Zee
    assert len(unchanged) == 342 - 11
    assert all(int(rows[code]["inwoners_2020"]) == real[code] for code in unchanged)
