"""Casting and checking cells in SQL: numbers in Dutch and English spelling, amounts, dates, codes, regions.
Every bad cell becomes a quarantined row with its reason and the cell as found; nothing is dropped."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from pipelines.sources.files.validate import number_steps


def number(text, style="point"):
    sql = "SELECT ?::VARCHAR AS v__n"
    for step in number_steps("n", style):
        sql = f"SELECT *, {', '.join(f'{expr} AS {name}' for name, expr in step.items())} FROM ({sql})"
    with duckdb.connect() as con:
        return con.execute(f"SELECT x__n FROM ({sql})", [text]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1234", "point", "1234"),
        ("€ 1.234,56", "point", "1234.56"),  # both separators: the last one is the decimal separator
        ("1,234.56", "comma", "1234.56"),
        ("12,5", "point", "12.5"),  # a comma followed by one or two digits is a decimal comma
        (".00", "comma", ".00"),
        ("1.234.567", "point", "1234567"),  # two groups of three: thousands
        ("1.250", "comma", "1250"),  # ambiguous: the column's style decides
        ("1.250", "point", "1.250"),
        ("1,250", "comma", "1.250"),
        ("1,250", "point", "1250"),
        ("-€ 1.500,00", "comma", "-1500.00"),
        ("(75,00)", "comma", "-75.00"),
        ("1250 EUR", "comma", "1250"),
        ("n.v.t.", "comma", None),
        ("12,5,0", "comma", None),
    ],
)
def test_numbers_are_read_in_dutch_and_english_spelling(text, style, expected):
    assert number(text, style) == (None if expected is None else Decimal(expected))


def subsidies(intake, rows, header="Regeling;Bedrag verleend;Jaar;Datum verlening;Wijk", **options):
    text = header + "\n" + "\n".join(rows) + "\n"
    return intake.load("subsidies", "r.csv", text, **options)


def quarantine(intake, source="subsidies"):
    return intake.rows(
        f"SELECT source_row, reason_code, column_name, cell_text, reason FROM quarantine.{source} ORDER BY 1"
    )


def test_bad_cells_are_quarantined_with_reason_column_and_cell(intake):
    result = subsidies(
        intake,
        [
            "Buurthuis;1.000,00;2024;15-01-2024;WK014101",  # 2: good
            "Buurthuis;n.v.t.;2024;;",  # 3: text in an amount column
            "Buurthuis;-€ 50,00;2024;;",  # 4: negative amount
            "Buurthuis;12.345;2024;;",  # 5: good; a point in a decimal-comma column groups thousands
            "Buurthuis;10,55;2024;;Kerkelanden",  # 6: good; a wijk by its name (the gemeente from the folder)
            "Buurthuis;1,00;2024;;WK999999",  # 7: a wijk the warehouse does not know
            "Buurthuis;5;2024;01-06-2025;",  # 8: granted after the intake date (2025-03-01)
            "Buurthuis;5;2027;;",  # 9: more than one year after the intake year
            ";5;2024;;",  # 10: no regeling
            "Buurthuis;5;24;;",  # 11: not a year
            "Buurthuis;5;2024;31-02-2024;",  # 12: no such date
            "Buurthuis;5;2024;;Centrum",  # 13: a wijk name of another gemeente (Borne)
        ],
        gemeente="GM0141",
    )
    assert quarantine(intake) == [
        (3, "not_an_amount", "bedrag_verleend", "n.v.t.", "bedrag_verleend: n.v.t. is not an amount"),
        (4, "negative_amount", "bedrag_verleend", "-€ 50,00", "bedrag_verleend: -€ 50,00 is below the minimum 0"),
        (7, "unknown_region", "wijk_code", "WK999999", "wijk_code: WK999999 is not a region the warehouse knows"),
        (
            8,
            "future_date",
            "datum_verlening",
            "01-06-2025",
            "datum_verlening: 01-06-2025 lies after the intake date 2025-03-01",
        ),
        (9, "future_date", "subsidiejaar", "2027", "subsidiejaar: 2027 lies more than 1 year(s) after the intake date"),
        (10, "missing_value", "regeling", None, "regeling: required value is empty"),
        (11, "bad_year", "subsidiejaar", "24", "subsidiejaar: 24 is not a year (four digits)"),
        (
            12,
            "bad_date",
            "datum_verlening",
            "31-02-2024",
            "datum_verlening: 31-02-2024 is not a date (e.g. 2023-01-31 or 31-01-2023)",
        ),
        (
            13,
            "unknown_region",
            "wijk_code",
            "Centrum",
            "wijk_code: Centrum is not a wijk code or the name of a wijk of the gemeente",
        ),
    ]
    # 12 rows = 3 loaded (lines 2, 5, 6) + 9 quarantined
    assert (result.rows_in_file, result.rows_loaded, result.rows_quarantined) == (12, 3, 9)
    assert result.read_as["decimal"]["bedrag_verleend"] == "comma"
    assert intake.rows(
        "SELECT source_row, bedrag_verleend, wijk_code, gemeente_code FROM raw.subsidies ORDER BY 1"
    ) == [
        (2, Decimal("1000.00"), "WK014101", "GM0141"),
        (5, Decimal("12345.00"), None, "GM0141"),
        (6, Decimal("10.55"), "WK014105", "GM0141"),
    ]


def test_all_reasons_of_a_row_are_kept(intake):
    subsidies(intake, [";abc;1800;;"])
    (row,) = intake.rows("SELECT reason_code, reason, errors, record FROM quarantine.subsidies")
    assert row[0] == "missing_value"
    assert row[1] == (
        "regeling: required value is empty; bedrag_verleend: abc is not an amount; subsidiejaar: 1800 is before 1990"
    )
    assert [e["code"] for e in row[2]] == ["missing_value", "not_an_amount", "out_of_range"]
    assert row[3] == {"bedrag_verleend": "abc", "subsidiejaar": "1800"}


def test_an_amount_with_more_than_two_decimals_is_not_rounded(intake):
    subsidies(intake, ["A;12.345,678;2024;;"])
    assert quarantine(intake)[0][4] == "bedrag_verleend: 12.345,678 has more than two decimals"


def test_natural_persons_are_never_stored_only_counted(intake):
    subsidies(
        intake, ["A;1;2024;(Particulier)", "B;1;2024;Stichting X"], header="Regeling;Bedrag verleend;Jaar;Aanvrager"
    )
    assert intake.rows("SELECT aanvrager, aanvrager_is_particulier FROM raw.subsidies ORDER BY 1 NULLS FIRST") == [
        (None, True),
        ("Stichting X", False),
    ]


def test_enum_values_are_matched_by_their_spellings(intake):
    header = "Naam;Wijk;Jaar;Status"
    rows = ["A;WK014101;2024;In uitvoering", "B;WK014101;2024;Afgesloten", "C;WK014101;2024;misschien"]
    rows.append("D;WK014101;2024;afgerond")  # spelled as the canonical value itself: looked up without the regex
    intake.load("initiatieven", "i.csv", header + "\n" + "\n".join(rows) + "\n")
    assert intake.rows("SELECT naam, status FROM raw.initiatieven ORDER BY 1") == [
        ("A", "lopend"),
        ("B", "afgerond"),
        ("D", "afgerond"),
    ]
    assert quarantine(intake, "initiatieven")[0][1:4] == ("bad_value", "status", "misschien")


def test_a_file_with_wijk_codes_needs_the_regions_loaded_first(intake):
    intake.con.execute("DELETE FROM raw.cbs_kerncijfers_wijken_buurten")
    result = subsidies(intake, ["A;1;2024;;WK014101"])
    assert result.error == (
        "subsidies/r.csv: expected known regions in raw.cbs_kerncijfers_wijken_buurten to check wijk codes against, "
        "found none: load CBS Kerncijfers wijken en buurten first (the full refresh does)"
    )


def test_the_intake_date_decides_what_is_in_the_future(intake):
    subsidies(intake, ["A;1;2024;01-06-2025;"], intake_date=date(2025, 7, 1))
    assert intake.rows("SELECT count(*) FROM raw.subsidies") == [(1,)]
