"""Write dbt_project/seeds/regio/gemeenten.csv: every Dutch gemeente with its province and inhabitants (offline).

    .venv/bin/python scripts/gemeenten_seed.py <84799NED TypedDataSet.parquet> <gemeenten-alfabetisch-2023.csv>

Two real CBS files, joined through the herindelingen seed:
- the gemeenten of the 2023 classification with their province: CBS "Gemeenten alfabetisch 2023" (columns
  Gemeentecode, GemeentecodeGM, Gemeentenaam, Provinciecode, ProvinciecodePV, Provincienaam), as republished in the
  public repository edugis-repo/cbsbuurtwijkgemeente (commit 9a31272, file gemeenten-alfabetisch-2023.csv); no
  gemeente changed on 1 January 2024, so this is also the 2024 classification;
- inhabitants on 1 January 2020: CBS Kerncijfers wijken en buurten 2020 (84799NED, release of March 2021,
  AantalInwoners_5 of every row of SoortRegio 'Gemeente'), on the 2020 classification; carried to the 2023 codes
  with dbt_project/seeds/gemeente_herindelingen.csv (whole gemeenten merged, Haaren's 2021 split by its shares).

The inhabitants only serve to propose peer groups of the same size class (``python -m pipelines init``); the
warehouse computes every size class from the inhabitants of each year.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
HERINDELINGEN = REPO / "dbt_project" / "seeds" / "gemeente_herindelingen.csv"
SEED = REPO / "dbt_project" / "seeds" / "regio" / "gemeenten.csv"

SQL = """
WITH inwoners_2020 AS (
    SELECT trim(WijkenEnBuurten) AS code, AantalInwoners_5 AS inwoners
    FROM read_parquet($kwb) WHERE trim(SoortRegio_2) = 'Gemeente'
),
-- every change after 1 January 2020 up to the 2023 classification: old code -> new code, share of the old
-- (the changes of one date never chain within this period)
omzetting AS (
    SELECT oude_code, nieuwe_code, coalesce(aandeel, 1.0) AS aandeel
    FROM read_csv($herindelingen, header = true, all_varchar = false)
    WHERE ingangsdatum > DATE '2020-01-01' AND ingangsdatum <= DATE '2023-01-01' AND soort <> 'naamswijziging'
),
op_indeling_2023 AS (
    SELECT coalesce(omzetting.nieuwe_code, inwoners_2020.code) AS code,
           sum(inwoners_2020.inwoners * coalesce(omzetting.aandeel, 1.0)) AS inwoners
    FROM inwoners_2020 LEFT JOIN omzetting ON omzetting.oude_code = inwoners_2020.code
    GROUP BY ALL
),
gemeenten AS (
    SELECT GemeentecodeGM AS code, Gemeentenaam AS naam, ProvinciecodePV AS provincie_code,
           Provincienaam AS provincie_naam
    FROM read_csv($lijst, header = true, all_varchar = true)
)
SELECT gemeenten.code AS gemeente_code, gemeenten.naam AS gemeente_naam, provincie_code, provincie_naam,
       round(op_indeling_2023.inwoners)::INTEGER AS inwoners_2020
FROM gemeenten LEFT JOIN op_indeling_2023 USING (code)
ORDER BY gemeente_code
"""


def main(kwb: str, lijst: str) -> int:
    with duckdb.connect() as con:
        rows = con.execute(SQL, {"kwb": kwb, "lijst": lijst, "herindelingen": str(HERINDELINGEN)}).fetchall()
        total_2020 = con.execute(
            "SELECT AantalInwoners_5 FROM read_parquet(?) WHERE trim(WijkenEnBuurten) = 'NL00'", [kwb]
        ).fetchall()[0][0]
    if missing := [code for code, *_, inwoners in rows if inwoners is None]:
        print(f"no inhabitants for {missing}: a herindeling missing from {HERINDELINGEN.name}?", file=sys.stderr)
        return 1
    total = sum(row[-1] for row in rows)
    if total != total_2020:  # every inhabitant of 2020 lands in exactly one gemeente of 2023
        print(f"inhabitants add up to {total}, CBS's national figure is {total_2020}", file=sys.stderr)
        return 1
    SEED.parent.mkdir(parents=True, exist_ok=True)
    with SEED.open("w", encoding="utf-8", newline="\n") as out:
        out.write("gemeente_code,gemeente_naam,provincie_code,provincie_naam,inwoners_2020\n")
        for code, naam, provincie_code, provincie_naam, inwoners in rows:
            quoted = f'"{naam}"' if "," in naam else naam
            out.write(f"{code},{quoted},{provincie_code},{provincie_naam},{inwoners}\n")
    print(f"wrote {SEED}: {len(rows)} gemeenten, {total} inhabitants")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
