"""Reading delivered files: encodings, separators, title blocks, two-row headers, blank and totals rows, sheets,
line numbers, and the errors for files that cannot be read. Loaded through the subsidies mapping."""

import codecs
from decimal import Decimal

import pytest

from demo.gemeente_files import xlsx_bytes
from pipelines.sources.files.csvfile import scan_lines
from pipelines.sources.files.xlsxfile import cell_text


def raw(intake, columns="source_row, regeling, bedrag_verleend, subsidiejaar"):
    return intake.rows(f"SELECT {columns} FROM raw.subsidies ORDER BY source_sheet, source_row")


def quarantined(intake):
    return intake.rows("SELECT source_row, reason_code, column_name, cell_text FROM quarantine.subsidies ORDER BY 1")


def failure(result):
    assert result.status == "failed", result.summary()
    return result.error


def test_utf8_with_bom_comma_separated_decimal_points(intake):
    text = 'Regeling,Bedrag verleend,Jaar\r\nBuurthuis,1250.50,2024\r\nSport,"1,000.00",2023\r\n'
    result = intake.load("subsidies", "r.csv", codecs.BOM_UTF8 + text.encode())
    assert (result.rows_in_file, result.rows_loaded) == (2, 2)
    assert result.read_as["encoding"] == "utf-8-sig" and result.read_as["delimiter"] == ","
    assert raw(intake) == [(2, "Buurthuis", Decimal("1250.50"), 2024), (3, "Sport", Decimal("1000.00"), 2023)]


def test_windows_1252_semicolons_decimal_commas_euro_signs_and_thousands_points(intake):
    text = "Regeling;Aanvrager;Bedrag verleend;Jaar\nBuurthuis;Café De Hoek;€ 1.234,50;2024\nSport;Bar;12,5;2024\n"
    result = intake.load("subsidies", "r.csv", text.encode("cp1252"))
    assert result.read_as["encoding"] == "cp1252"
    assert result.read_as["decimal"]["bedrag_verleend"] == "comma"
    assert raw(intake, "aanvrager, bedrag_verleend") == [
        ("Café De Hoek", Decimal("1234.50")),
        ("Bar", Decimal("12.50")),
    ]


def test_utf16_and_tab_separated(intake):
    text = "Regeling\tBedrag verleend\tJaar\r\nBuurthuis\t100\t2024\r\n"
    result = intake.load("subsidies", "r.txt", text.encode("utf-16"))
    assert (result.read_as["encoding"], result.read_as["delimiter"], result.rows_loaded) == ("utf-16", "tab", 1)


def test_title_block_blank_lines_and_a_totals_row_keep_true_line_numbers(intake):
    text = (
        "Subsidieregister gemeente Almelo 2024\n"  # line 1
        "Stand per 1 maart\n"  # 2
        "\n"  # 3
        "Regeling;Bedrag verleend;Jaar\n"  # 4: the header
        "Buurthuis;100;2024\n"  # 5
        "\n"  # 6: blank, skipped and counted
        ";;\n"  # 7: only separators, blank too
        "Sport;200;2024\n"  # 8
        "Totaal;300;\n"  # 9: a totals row is quarantined, not loaded
    )
    result = intake.load("subsidies", "r.csv", text)
    assert result.summary().startswith("subsidies/r.csv: 3 rows = 2 loaded + 1 quarantined (summary_row 1); 2 blank")
    assert result.read_as["sheets"][0]["header_row"] == 4
    assert raw(intake, "source_row, regeling") == [(5, "Buurthuis"), (8, "Sport")]
    assert quarantined(intake) == [(9, "summary_row", None, None)]


def test_a_line_break_inside_a_quoted_field_does_not_shift_line_numbers(intake):
    text = 'Regeling;Project;Bedrag verleend;Jaar\nA;"twee\nregels";1;2024\nB;x;2;2024\n\nC;"een ""quote""";3;2024\n'
    intake.load("subsidies", "r.csv", text)
    assert raw(intake, "source_row, project") == [(2, "twee\nregels"), (4, "x"), (6, 'een "quote"')]


def test_a_file_read_in_parallel_keeps_every_row_on_its_own_line(intake):
    # 23 MB: DuckDB's CSV reader splits a file this size between threads (at 16 MB it does not yet; without
    # preserve_insertion_order its rows come back out of order). The rows must still pair with their lines, also
    # after blank lines (lines 3, 300,003, 600,003 and 900,003), where they are paired by position.
    lines = ["Regeling;Bedrag verleend;Jaar"] + [
        f"R{n};{n},00;2024" if n % 300_000 != 3 else "" for n in range(2, 1_000_002)
    ]
    result = intake.load("subsidies", "r.csv", "\n".join(lines) + "\n")
    assert (result.rows_in_file, result.rows_loaded, result.blank_rows) == (999_996, 999_996, 4)
    assert intake.rows("SELECT count(*) FROM raw.subsidies WHERE regeling <> 'R' || source_row") == [(0,)]
    assert intake.rows("SELECT count(*) FROM raw.subsidies WHERE bedrag_verleend <> source_row") == [(0,)]


def test_the_line_scan_skips_empty_records_like_duckdb_and_finds_an_open_quote(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b'a\r\n\r\n"b\nc"\n\nd\n')
    scan = scan_lines(path)
    assert (scan.records.tolist(), scan.empty.tolist(), scan.open_quote) == ([1, 3, 6], [2, 5], None)
    path.write_bytes(b'a\n"b\nc\n')
    assert scan_lines(path).open_quote == 2


def test_the_line_scan_sees_control_characters_and_the_longest_record(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a;b\r\n\tc;d\n" + b"e" * 30 + b"\n")  # tab, newline, carriage return: no control characters
    scan = scan_lines(path)
    assert (scan.control, scan.longest) == (False, 30)  # the record of 30 e's; its newline not counted
    for byte in (b"\x00", b"\x1f", b"\x7f"):
        path.write_bytes(b"a;b\nc" + byte + b";d\n")
        assert scan_lines(path).control, byte


def test_a_csv_cell_too_long_is_quarantined_and_a_long_row_of_short_cells_is_not(intake):
    # validation skips the check over every row only when the byte scan says no cell can fail it
    two_long_cells = "r" * 6_000 + ";" + "x" * 6_000  # a line of 12,008 characters, no cell over 10,000
    one_too_long = "B;" + "y" * 10_001
    text = f"Regeling;Project;Bedrag verleend;Jaar\n{two_long_cells};1;2014\n{one_too_long};1;2014\n"
    result = intake.load("subsidies", "r.csv", text)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1), result.summary()
    assert intake.rows("SELECT source_row, reason_code FROM quarantine.subsidies") == [(3, "cell_too_long")]


def test_a_row_with_more_fields_than_the_header_is_quarantined(intake):
    result = intake.load("subsidies", "r.csv", "Regeling;Bedrag verleend;Jaar\nA;1;2024;extra;meer\nB;2;2024\n")
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert intake.rows("SELECT source_row, reason FROM quarantine.subsidies") == [
        (2, "the row has more fields than the header: extra | meer")
    ]


def test_unclosed_quotes_fail_the_file_naming_the_line(intake):
    # DuckDB's reader would read line 2 and silently drop line 3 onwards
    error = failure(intake.load("subsidies", "r.csv", 'Regeling;Bedrag verleend;Jaar\nA;1;2024\n"B;2;2024\nC;3;2024\n'))
    assert (
        error
        == "subsidies/r.csv, line 3: expected well-formed CSV (every quoted field closed), found a quote never closed"
    )
    assert intake.rows("SELECT count(*) FROM raw.subsidies") == [(0,)]  # nothing of the file is loaded


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "subsidies/r.csv: expected a CSV file with a header and rows, found an empty file"),
        (b"%PDF-1.4\x00\x01", "subsidies/r.csv: expected a text (CSV) file, found binary content (NUL bytes)"),
        (
            b"Regeling;Bedrag\n\x81\x8d;1\n",
            "subsidies/r.csv, line 2 (byte 16: 0x81): expected text in UTF-8 or Windows",
        ),
    ],
    ids=["empty", "binary", "undefined-cp1252-byte"],
)
def test_unreadable_files_get_a_clear_error(intake, content, message):
    assert failure(intake.load("subsidies", "r.csv", content)).startswith(message)


def test_a_missing_required_column_names_file_row_expected_and_found(intake):
    error = failure(intake.load("subsidies", "r.csv", "Regeling;Aanvrager;Jaar\nA;B;2024\n"))
    assert error.startswith("subsidies/r.csv, header row 1: expected required column(s) bedrag_verleend (also: ")
    assert error.endswith("found header cells ['Regeling', 'Aanvrager', 'Jaar']")
    (log,) = intake.rows("SELECT status, error, rows_in_file FROM meta.file_loads")
    assert log == ("failed", error, None)


def test_two_columns_for_one_field_is_an_error(intake):
    error = failure(intake.load("subsidies", "r.csv", "Regeling;Bedrag verleend;Toegekend bedrag;Jaar\nA;1;1;2024\n"))
    assert "expected one column for bedrag_verleend, found two: 'Bedrag verleend' and 'Toegekend bedrag'" in error


def test_a_file_type_the_source_does_not_take(intake):
    error = failure(intake.load("subsidies", "r.pdf", b"%PDF"))
    assert error == "subsidies/r.pdf: expected a file of type .csv, .tsv, .txt, .xlsm, .xlsx for subsidies, found .pdf"


def test_xlsx_sheets_with_title_blocks_a_merged_two_row_header_and_a_totals_row(intake):
    header_2023 = [
        ["Subsidies 2023"],
        [],
        ["Regeling", "Bedrag", None, "Boekjaar"],
        [None, "aangevraagd", "verleend", None],
        ["Buurthuis", 1000, 800.5, 2023],
        [],
        ["Totaal", 1000, 800.5, None],
    ]
    other_order_2024 = [["Subsidies 2024"], ["Boekjaar", "Verleend bedrag", "Regelingnaam"], [2024, 1.5, "Sport"]]
    notes = [["Toelichting"], ["Bedragen in euro"]]
    content = xlsx_bytes(
        [("2023", header_2023, ["B3:C3", "A3:A4", "D3:D4"]), ("2024", other_order_2024, []), ("Uitleg", notes, [])]
    )
    result = intake.load("subsidies", "r.xlsx", content)
    assert (result.rows_in_file, result.rows_loaded, result.rows_quarantined, result.blank_rows) == (3, 2, 1, 1)
    assert result.read_as["ignored_sheets"] == ["Uitleg"]
    assert [s["header_row"] for s in result.read_as["sheets"]] == [4, 2]
    assert result.read_as["sheets"][0]["columns"]["bedrag_aangevraagd"] == "Bedrag aangevraagd"
    assert raw(intake, "source_sheet, source_row, regeling, bedrag_aangevraagd, bedrag_verleend") == [
        ("2023", 5, "Buurthuis", Decimal("1000.00"), Decimal("800.50")),
        ("2024", 3, "Sport", None, Decimal("1.50")),
    ]
    assert intake.rows("SELECT source_sheet, source_row, reason_code FROM quarantine.subsidies ORDER BY 1") == [
        ("2023", 7, "summary_row"),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(1250.0, "1250"), (1.5, "1.5"), (1.125, "1.1250"), (1e-05, "0.00001"), (" x ", "x"), ("", None)],
)
def test_typed_xlsx_cells_become_unambiguous_text(value, text):
    # three digits after a point would read as a Dutch thousands group: 1.125 must not become 1125
    assert cell_text(value) == text


def test_a_broken_xlsx_file(intake):
    error = failure(intake.load("subsidies", "r.xlsx", b"PK\x03\x04 not really a zip"))
    assert error.startswith("subsidies/r.xlsx: expected an Excel workbook (.xlsx), found BadZipFile")


def test_sheets_that_give_an_amount_in_different_units_are_refused(intake):
    common = ["Soort", "Wet", "Gemeente", "Dagtekening", "BSN"]
    row = ["declaratie", "wmo", "GM0141", "2025-01-20", "999900006"]
    content = xlsx_bytes(
        [("euro", [[*common, "Bedrag"], [*row, 12.5]], []), ("cent", [[*common, "bedrag_cent"], [*row, 1250]], [])]
    )
    error = failure(intake.load("zorg", "z.xlsx", content))
    assert error.startswith("zorg/z.xlsx: expected the same amount columns (euro or cent) in every sheet, found ")
