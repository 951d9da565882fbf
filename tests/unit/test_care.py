"""Care data: the iWmo/iJw 3.2 example messages of the standard (tests/fixtures/istandaarden, fictitious BSNs),
broken messages, and the CSV export format."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.sources.care import xml
from pipelines.sources.privacy import pseudonym

EXAMPLES = Path(__file__).parents[1] / "fixtures" / "istandaarden"
BSNS = ["999900006", "999900018"]  # the fictitious BSNs of the examples
NAMES = ["Wit", "Jansen", "Tim", "Tom", "Meindert", "Dijkhof", "Mentor", "Galen", "Klaas", "Bakker", "Peter"]


AFTER_THE_EXAMPLES = date(2026, 12, 1)  # the iJw examples are dated up to 2026-07-20


def load_example(intake, name, content=None, intake_date=AFTER_THE_EXAMPLES):
    return intake.load("zorg", name, content or (EXAMPLES / name).read_bytes(), intake_date=intake_date)


def lines(intake, columns, where="true"):
    return intake.rows(f"SELECT {columns} FROM raw.zorg WHERE {where} ORDER BY source_file, source_row")


def test_wmo323_an_invoice_in_cents_becomes_euros(intake):
    result = load_example(intake, "WMO323.xml")
    assert result.summary() == "zorg/WMO323.xml: 4 rows = 4 loaded + 0 quarantined; 0 blank rows skipped"
    assert lines(intake, "source_row, client_id, product_code, volume, tarief, bedrag, debet_credit") == [
        (33, pseudonym(intake.key, "999900006"), "01A03", 4, Decimal("12.50"), Decimal("50.00"), "D"),
        (52, pseudonym(intake.key, "999900006"), "01A04", 16, Decimal("15.00"), Decimal("240.00"), "D"),
        (76, pseudonym(intake.key, "999900018"), "01A03", 4, Decimal("12.50"), Decimal("50.00"), "D"),
        (95, pseudonym(intake.key, "999900018"), "01A04", 16, Decimal("15.00"), Decimal("240.00"), "D"),
    ]
    # 5000 + 24000 + 5000 + 24000 cents = 58000 = TotaalIngediendBedrag; 4 x 12.50 = 50.00, 16 x 15.00 = 240.00
    assert intake.rows("SELECT sum(bedrag), any_value(totaal_bedrag) FROM raw.zorg") == [
        (Decimal("580.00"), Decimal("580.00"))
    ]
    assert intake.rows("SELECT DISTINCT wet, berichttype, bericht_id, gemeente_code, aanbieder FROM raw.zorg") == [
        ("wmo", "323", "765432198", "GM0384", "65656055")  # a 323 goes from the provider to the gemeente
    ]


def test_jw323_and_its_answer_jw325(intake):
    load_example(intake, "JW323.xml")
    load_example(intake, "JW325.xml")
    # JW323: 5000 + 24000 + 5000 + 24000 + 21000 cents = 79000 = its TotaalIngediendBedrag
    assert intake.rows("SELECT count(*), sum(bedrag) FROM raw.zorg WHERE berichttype = '323'") == [
        (5, Decimal("790.00"))
    ]
    # JW325 lists only rejected lines: 5000 + 14000 + 5000 = 24000 = 58000 submitted - 34000 accepted
    assert lines(intake, "referentie_nummer, bedrag, debet_credit, retourcodes", "berichttype = '325'") == [
        ("RN001", Decimal("50.00"), "C", "0611"),
        ("RN002", Decimal("140.00"), "C", "9339,9340,9341"),
        ("RN003", Decimal("50.00"), "C", "9307"),
    ]
    assert intake.rows("SELECT DISTINCT gemeente_code, aanbieder FROM raw.zorg WHERE berichttype = '325'") == [
        ("GM0384", "65656055")  # a 325 goes from the gemeente to the provider
    ]


def test_wmo301_allocation_keeps_postcode_and_birth_year_only(intake):
    load_example(intake, "WMO301.xml")
    assert lines(
        intake, "gemeente_code, aanbieder, geboortejaar, postcode, toewijzing_nummer, begindatum, volume, eenheid"
    ) == [("GM0384", "42420001", 1967, "9999XX", "101", date(2023, 1, 1), 10, "01")]


@pytest.mark.parametrize(
    ("name", "rows"),
    [("WMO305.xml", 2), ("WMO307.xml", 2), ("WMO315.xml", 2), ("JW301.xml", 2), ("JW305.xml", 2), ("JW307.xml", 2)],
)
def test_every_example_message_loads(intake, name, rows):
    result = load_example(intake, name)
    assert (result.status, result.rows_in_file, result.rows_loaded) == ("loaded", rows, rows)


def test_jw315_with_an_impossible_date_is_quarantined_not_dropped(intake):
    # the standard's example has ToewijzingEinddatum 2027-06-31 in both requested products
    result = load_example(intake, "JW315.xml")
    assert (result.rows_in_file, result.rows_loaded, result.rows_quarantined) == (2, 0, 2)
    assert intake.rows("SELECT source_row, reason_code, cell_text, record['verwijzer_type'] FROM quarantine.zorg") == [
        (35, "bad_date", "2027-06-31", "01"),
        (57, "bad_date", "2027-06-31", "02"),
    ]


def test_a_message_dated_after_the_intake_date_is_quarantined(intake):
    # JW323's Dagtekening is 2026-05-06: loaded on 2026-03-01 that lies in the future
    result = load_example(intake, "JW323.xml", intake_date=date(2026, 3, 1))
    assert (result.rows_loaded, result.rows_quarantined, result.reasons) == (0, 5, {"future_date": 5})
    assert intake.rows("SELECT DISTINCT reason FROM quarantine.zorg") == [
        ("dagtekening: 2026-05-06 lies after the intake date 2026-03-01",)
    ]


def test_a_message_type_that_is_not_loaded_gets_a_clear_error(intake):
    result = load_example(intake, "WMO317.xml")
    assert result.error == (
        "zorg/WMO317.xml, line 1: expected message type 301, 305, 307, 315, 323, 325, found IWMO 317 (not loaded)"
    )


def test_a_truncated_message_fails_with_the_line(intake):
    text = (EXAMPLES / "WMO323.xml").read_text()
    result = load_example(intake, "cut.xml", text[: text.index("<wmo323:Client>", 1500)].encode())
    assert result.status == "failed", result.summary()
    assert result.error.startswith(
        "zorg/cut.xml, line 73: expected well-formed XML, found Premature end of data in tag"
    )
    assert intake.rows("SELECT count(*) FROM raw.zorg") == [(0,)]  # the lines before the cut are not loaded


def test_a_message_cut_after_its_first_batch_fails_with_the_line(intake, monkeypatch):
    """The batches after the first are parsed while DuckDB reads them: the file's error still comes out as such."""
    monkeypatch.setattr(xml, "BATCH_ROWS", 1)
    text = (EXAMPLES / "WMO323.xml").read_text()
    cut = text.index("<wmo323:Client>", text.index("<wmo323:Prestatie>") + 1)
    result = load_example(intake, "cut.xml", text[:cut].encode())
    assert result.status == "failed", result.summary()
    assert result.error.startswith("zorg/cut.xml, line ")
    assert "expected well-formed XML, found Premature end of data in tag" in result.error
    assert intake.rows("SELECT count(*) FROM raw.zorg") == [(0,)]


def test_a_wrong_namespace_gets_a_clear_error(intake):
    text = (EXAMPLES / "WMO323.xml").read_text().replace("iwmo/3_2/wmo323", "iwmo/3_1/wmo323")
    result = load_example(intake, "old.xml", text.encode())
    assert result.error.startswith("zorg/old.xml, line 1: expected an iWmo or iJw 3.2 message")
    assert "found root element '{http://www.istandaarden.nl/iwmo/3_1/wmo323/schema}Bericht'" in result.error


def test_a_declaration_whose_lines_do_not_add_up_is_quarantined(intake):
    text = (EXAMPLES / "WMO323.xml").read_text().replace("<iwmo:TotaalBedrag>58000", "<iwmo:TotaalBedrag>57000")
    result = load_example(intake, "sum.xml", text.encode())
    assert (result.rows_loaded, result.rows_quarantined, result.reasons) == (0, 4, {"total_mismatch": 4})


def test_no_bsn_and_no_client_name_reaches_the_warehouse(intake, words_in):
    for path in sorted(EXAMPLES.glob("*.xml")):
        load_example(intake, path.name)
    assert intake.rows("SELECT count(*) FROM raw.zorg") > [(20,)]
    assert words_in(intake.con, BSNS + NAMES) == []


EXPORT_HEADER = (
    "Soort regel;Wet;Gemeente;Dagtekening;BSN;Naam client;Postcode;Productcategorie;Productcode;"
    "Begindatum;Einddatum;Volume;Eenheid;Tarief;Bedrag;Debet/credit"
)


def export(rows):
    return EXPORT_HEADER + "\n" + "\n".join(rows) + "\n"


def test_the_csv_export_format(intake, words_in):
    result = intake.load(
        "zorg",
        "export.csv",
        export(
            [
                "declaratie;wmo;GM0141;2025-01-20;999900006;Anna Visser;7601 AB;01;01A01;2024-01-01;2024-03-31;"
                "39;04;31,50;1228,50;D",
                "declaratie;wmo;GM0141;2025-01-20;999900006;Anna Visser;7601AB;01;01A01;2024-01-01;2024-03-31;"
                "2;04;31,50;63,00;C",  # a credit: two hours too many
                "declaratie;wmo;GM0141;2025-01-20;999900007;Kees Kok;7601AB;01;01A01;2024-04-01;2024-06-30;"
                "1;04;31,50;31,50;D",  # fails the 11-test
                "declaratie;jeugd;GM0141;2025-01-20;999900018;Noor Smit;7601AB;45;45A01;2024-04-01;2024-06-30;"
                "1;04;92,10;-92,10;D",  # negative without a credit flag
                "declaratie;jeugd;GM0141;2025-01-20;999900018;Noor Smit;7601AB;45;45A01;2025-01-01;2025-03-31;"
                "1;04;92,10;92,10;D",  # invoiced before the period ended
            ]
        ),
    )
    assert (result.rows_in_file, result.rows_loaded, result.rows_quarantined) == (5, 2, 3)
    # 1228.50 - 63.00 = 1165.50 net
    assert intake.rows(
        "SELECT sum(CASE debet_credit WHEN 'C' THEN -bedrag ELSE bedrag END), any_value(bericht_id) FROM raw.zorg"
    ) == [(Decimal("1165.50"), "export:2024-01")]
    assert intake.rows("SELECT source_row, reason_code, cell_text FROM quarantine.zorg ORDER BY 1") == [
        (4, "invalid_bsn", pseudonym(intake.key, "999900007")),  # the pseudonym, never the number
        (5, "negative_amount", "-92,10"),
        (6, "future_period", None),
    ]
    assert words_in(intake.con, ["999900006", "999900007", "999900018", "Anna", "Visser", "Kees", "Kok", "Noor"]) == []


def test_amounts_in_cents_in_an_export(intake):
    text = (
        "berichttype;wet;gemeente;dagtekening;bsn;begindatum;bedrag_cent;debet_credit\n"
        "323;wmo;GM0141;2025-01-20;999900006;2024-01-01;125050;D\n323;wmo;GM0141;2025-01-20;999900006;2024-01-01;12,5;D\n"
    )
    result = intake.load("zorg", "cents.csv", text)
    assert intake.rows("SELECT bedrag FROM raw.zorg") == [(Decimal("1250.50"),)]
    assert result.reasons == {"not_an_amount": 1}
