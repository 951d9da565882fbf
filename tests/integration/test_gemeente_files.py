"""The demo's gemeente files through the whole pipeline (the state `make demo` builds): every file accounted for,
bad rows quarantined, messages counted once, credits netted, no BSN or name anywhere; then a corrected file and
the same files again through `python -m pipelines intake` and the gemeente_files job."""

import re
from decimal import Decimal

import duckdb
import pytest

from demo import common, kaart
from demo import gemeente_files as demo
from pipelines.__main__ import main

pytestmark = pytest.mark.integration


def query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_demo_file_is_loaded_and_its_rows_reconcile(demo_pipeline):
    warehouse = demo_pipeline.warehouse
    statuses = query(warehouse, "SELECT status, count(*) FROM meta.file_loads GROUP BY 1")
    assert statuses == [("loaded", len(demo.gemeente_files()) + len(kaart.YEARS))]  # and a map per year
    # per file: rows in the file = rows in raw + rows in quarantine, counted from the tables themselves
    mismatches = query(
        warehouse,
        """
        WITH counted AS (
            SELECT 'subsidies' AS source, file_sha256, count(*) AS n, 0 AS q FROM raw.subsidies GROUP BY ALL
            UNION ALL SELECT 'subsidies', file_sha256, 0, count(*) FROM quarantine.subsidies GROUP BY ALL
            UNION ALL SELECT 'zorg', file_sha256, count(*), 0 FROM raw.zorg GROUP BY ALL
            UNION ALL SELECT 'zorg', file_sha256, 0, count(*) FROM quarantine.zorg GROUP BY ALL
            UNION ALL SELECT 'initiatieven', file_sha256, count(*), 0 FROM raw.initiatieven GROUP BY ALL
            UNION ALL SELECT 'initiatieven', file_sha256, 0, count(*) FROM quarantine.initiatieven GROUP BY ALL
            UNION ALL SELECT 'voorzieningen', file_sha256, count(*), 0 FROM raw.voorzieningen GROUP BY ALL
            UNION ALL SELECT 'voorzieningen', file_sha256, 0, count(*) FROM quarantine.voorzieningen GROUP BY ALL
            UNION ALL SELECT 'indicatoren', file_sha256, count(*), 0 FROM raw.indicatoren GROUP BY ALL
            UNION ALL SELECT 'indicatoren', file_sha256, 0, count(*) FROM quarantine.indicatoren GROUP BY ALL
            UNION ALL SELECT 'postcodes', file_sha256, count(*), 0 FROM raw.postcodes GROUP BY ALL
            UNION ALL SELECT 'wijkenbuurtkaart', file_sha256, count(*), 0 FROM raw.wijkenbuurtkaart GROUP BY ALL
            UNION ALL SELECT 'wijkenbuurtkaart', file_sha256, 0, count(*) FROM quarantine.wijkenbuurtkaart GROUP BY ALL
        )
        SELECT l.source_file, l.rows_in_file, l.rows_loaded, l.rows_quarantined, sum(c.n), sum(c.q)
        FROM meta.file_loads l LEFT JOIN counted c USING (source, file_sha256)
        GROUP BY ALL
        HAVING l.rows_in_file <> l.rows_loaded + l.rows_quarantined
            OR l.rows_loaded <> coalesce(sum(c.n), 0) OR l.rows_quarantined <> coalesce(sum(c.q), 0)
        """,
    )
    assert mismatches == []


def test_the_bad_rows_of_the_demo_are_quarantined_with_their_reasons(demo_pipeline):
    reasons = dict(
        ((source, code), n)
        for source, code, n in query(
            demo_pipeline.warehouse,
            """SELECT source, unnest(map_keys(quarantine_reasons)), unnest(map_values(quarantine_reasons))
               FROM meta.file_loads""",
        )
    )
    assert reasons == {
        # Almelo's register: "n.v.t.", WK014199, granted 01-06-2031, "-€ 1.500,00"; Enschede's totals row
        ("subsidies", "not_an_amount"): 1,
        ("subsidies", "unknown_region"): 1,
        ("subsidies", "future_date"): 1,
        ("subsidies", "negative_amount"): 1,
        ("subsidies", "summary_row"): 1,
        # Almelo's care export: BSN 999999999, "-125,00" debit, Q1 2025 invoiced on 2025-01-20
        ("zorg", "invalid_bsn"): 1,
        ("zorg", "negative_amount"): 1,
        ("zorg", "future_period"): 1,
        ("initiatieven", "unknown_region"): 1,  # "Esch-Oost" is no wijk of Hengelo
        ("voorzieningen", "no_location"): 1,
        ("voorzieningen", "bad_value"): 1,  # soort "kerk"
        ("indicatoren", "future_period"): 1,
        ("indicatoren", "unknown_region"): 1,
        ("wijkenbuurtkaart", "missing_geometry"): 1,  # in each map: a buurt without geometry (kaart.EMPTY_BUURT)
    }
    assert demo.BAD_SUBSIDY_ROWS + 1 == 5 and demo.BAD_EXPORT_ROWS == 3


def test_a_message_counts_once_and_credits_are_netted(demo_pipeline):
    def invoiced(table, wet):
        return query(
            demo_pipeline.warehouse,
            f"SELECT sum({'bedrag' if table.startswith('raw') else 'bedrag_euro'}) FROM {table} "
            f"WHERE gemeente_code = 'GM0147' AND wet = '{wet}'"
            + (" AND berichttype = '323'" if table.startswith("raw") else ""),
        )[0][0]

    # Borne, Wmo, per quarter: 3 x 02A02 (62.40 x 20 = 1248.00) + 3 x 07A03 (44.80 x 26 = 1164.80)
    #                          + 2 x 01A01 (31.50 x 39 = 1228.50) = 9695.40
    quarter = 3 * Decimal("1248.00") + 3 * Decimal("1164.80") + 2 * Decimal("1228.50")
    assert quarter == Decimal("9695.40")
    # Q1 + Q2, and in Q2 the first client's Q1 line credited (1248.00) and invoiced again with 18 hours (1123.20)
    assert invoiced("staging.stg_zorg__declaratieregels", "wmo") == 2 * quarter - 1248 + Decimal("1123.20")
    # raw keeps Q1 twice (it was delivered twice) and the credit as a positive amount
    assert invoiced("raw.zorg", "wmo") == 2 * quarter + quarter + 1248 + Decimal("1123.20")
    # Jeugd: 1657.80 + 1425.00 + 1657.80 + 6150.00 = 10890.60 per quarter; 2 of 18 hours at 92.10 credited back
    assert invoiced("staging.stg_zorg__declaratieregels", "jeugd") == 2 * Decimal("10890.60") - 2 * Decimal("92.10")
    assert query(
        demo_pipeline.warehouse, "SELECT bedrag_euro, retourcodes FROM staging.stg_zorg__afgewezen_declaratieregels"
    ) == [(Decimal("1657.80"), "8001")]


def test_invoice_lines_are_placed_in_a_wijk(demo_pipeline):
    rows = query(
        demo_pipeline.warehouse,
        "SELECT gemeente_code, wijk_status, count(*), count(DISTINCT wijk_code) "
        "FROM intermediate.int_declaratieregels_per_wijk GROUP BY ALL ORDER BY ALL",
    )
    # Almelo's export carries postcodes; Borne's invoices find them through the 301 allocations
    assert [r[:2] for r in rows] == [("GM0141", "gevonden"), ("GM0147", "gevonden")]
    assert rows[0][3] == 10 and rows[1][3] >= 1  # Almelo's ten wijken of 2024


def test_subsidies_are_mapped_to_ecosystem_elements(demo_pipeline):
    rows = dict(
        query(
            demo_pipeline.warehouse,
            "SELECT regeling, any_value(element_code || ' / ' || element_bron) "
            "FROM intermediate.int_subsidies_per_element GROUP BY 1",
        )
    )
    assert rows["Subsidieregeling Bewonersinitiatieven"] == "initiatief / regel 10"
    assert rows["Exploitatie buurthuizen en wijkcentra"] == "fysieke_infrastructuur / regel 30"
    assert rows["Buurtsportcoaches en beweegnetwerk"] == "netwerken / uitzondering"


def test_no_bsn_and_no_name_from_the_demo_files_is_in_any_database(demo_pipeline, words_in):
    files = demo.gemeente_files()
    bsns = sorted({m.decode() for body in files.values() for m in re.findall(rb"(?<![0-9])9[0-9]{8}(?![0-9])", body)})
    assert len(bsns) > 16_000  # every care client of Almelo 2021-2024 and the twelve of Borne, plus 999999999
    names = [*common.FIRST_NAMES, *(s.split()[-1] for s in common.SURNAMES)]
    for database in (demo_pipeline.warehouse, demo_pipeline.serving):
        with duckdb.connect(str(database), read_only=True) as con:
            assert words_in(con, bsns + names) == [], database


def test_a_corrected_register_replaces_its_year_in_staging_through_the_intake_command(demo_copy, tmp_path):
    settings = demo_copy
    borne = next(g for g in demo.demo_region() if g.code == "GM0147")
    lines = demo.plain_register(borne).decode().splitlines()
    corrected = [lines[0], *[line for line in lines[1:] if ",2024," in line][:3]]  # 2024, now only three grants
    path = tmp_path / "subsidieregister_borne_2024_gecorrigeerd.csv"
    path.write_text("\n".join(corrected) + "\n")

    # three rows for a year of many: held until the user confirms (nothing is rebuilt meanwhile)
    assert main(["intake", str(path), "--source", "subsidies"]) == 1
    held = settings.held / "subsidies" / path.name
    assert held.exists() and not (settings.inbox / "subsidies" / path.name).exists()
    assert main(["intake", str(held), "--vervang"]) == 0

    rows = query(
        settings.warehouse,
        "SELECT jaar, source_file, count(*) FROM staging.stg_subsidies__subsidies WHERE gemeente_code = 'GM0147' "
        "GROUP BY ALL ORDER BY ALL",
    )
    by_year = {jaar: (source, n) for jaar, source, n in rows}
    assert by_year[2024] == ("subsidies/subsidieregister_borne_2024_gecorrigeerd.csv", 3)  # replaced
    assert by_year[2023][0] == "subsidies/subsidieregister_borne_synthetisch.csv"  # other years stay
    assert len(by_year) == 6
    raw_2024 = query(
        settings.warehouse, "SELECT count(*) FROM raw.subsidies WHERE gemeente_code = 'GM0147' AND subsidiejaar = 2024"
    )
    assert raw_2024[0][0] > 3 + 3  # raw keeps both deliveries
    replaced = query(
        settings.warehouse,
        "SELECT vervangen_bestand, rijen_voor, rijen_na, is_bevestigd FROM marts.fct_datakwaliteit_vervangingen "
        "WHERE bestand LIKE '%gecorrigeerd%'",
    )
    assert replaced == [("subsidies/subsidieregister_borne_synthetisch.csv", raw_2024[0][0] - 3, 3, True)]


def test_the_same_files_delivered_again_change_nothing(demo_copy):
    settings = demo_copy
    before = query(settings.warehouse, "SELECT count(*) FROM raw.zorg")
    demo.write_gemeente_files(settings.inbox)
    path = next((settings.inbox / "zorg").glob("WMO323_Q1_borne*"))
    assert main(["intake", str(path)]) == 0  # a file already in its inbox folder needs no --source
    assert query(settings.warehouse, "SELECT count(*) FROM raw.zorg") == before
    assert query(settings.warehouse, "SELECT status FROM meta.file_loads ORDER BY started_at DESC LIMIT 1") == [
        ("duplicate",)
    ]
