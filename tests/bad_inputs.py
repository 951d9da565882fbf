"""Files that broke the intake when they were tried as a hostile but realistic user would (issues 12 and 13), each
with what must become of it: status, rows in = loaded + quarantined, the reasons, values checked by hand, and the
BSNs and names in it that must not be stored anywhere (tests/security scans for them).

Every file lies in its own replace scope (gemeente and year, message id), so loading all of them into one
warehouse replaces nothing. Region codes are ones both the unit tests' warehouse (tests/conftest.py REGIONS) and
the demo's CBS regions know. Used by tests/reliability, tests/security and the crash-recovery state
(tests/conftest.py, faulted_pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from demo.common import synthetic_bsn
from demo.gemeente_files import xlsx_bytes

JW323 = Path(__file__).parent / "fixtures" / "istandaarden" / "JW323.xml"
EXPORT_HEADER = (
    "Soort regel;Wet;Gemeente;Aanbieder;Dagtekening;BSN;Naam client;Berichtidentificatie;Bedrag;Debet/credit"
)
CLIENTS = ("Anna Bakker", "Gerrit Oude Egberink", "Fatima Kok", "Wim Nijhuis", "Ilse Meijer")


@dataclass(frozen=True)
class BadInput:
    path: str  # below the inbox
    content: bytes
    finding: str  # the finding, e.g. "13.5" (issue 13, finding 5)
    what: str
    status: str  # loaded, failed or held
    counts: tuple[int, int, int] | None  # rows in the file, loaded, quarantined
    reasons: dict[str, int] = field(default_factory=dict)
    # (SQL over this file's rows in raw.<source>, filtered by `WHERE file_sha256 = $1`, expected result)
    values: tuple[tuple[str, object], ...] = ()
    secrets: tuple[str, ...] = ()  # BSNs and names in the file; none may be stored anywhere

    @property
    def source(self) -> str:
        return self.path.split("/")[0]

    @property
    def gemeente(self) -> str | None:
        parts = self.path.split("/")
        return parts[1] if len(parts) == 3 else None

    @property
    def name(self) -> str:
        return self.path.split("/")[-1]


def _export(rows: list[str]) -> bytes:
    return ("\n".join([EXPORT_HEADER, *rows]) + "\n").encode()


def _declaration(i: int, message: str, bsn: str | None = None, name: str | None = None) -> str:
    bsn = bsn or synthetic_bsn(900 + i)
    return f"declaratie;wmo;GM0141;71000001;2025-01-10;{bsn};{name or CLIENTS[i % 5]};{message};10,00;D"


def _long_line_export() -> bytes:
    """70 good lines (more than the 60 records the reader samples) and then a line with 40 more fields."""
    rows = [_declaration(i, "EXP-LANG") for i in range(70)]
    return _export([*rows, _declaration(70, "EXP-LANG") + ";x" * 40])


def _jw323_with_a_bad_credit_line() -> bytes:
    """The standard's JW323 example, sent to Almelo: its second client's last line (210.00) turned into a credit,
    the declared total adjusted (50 + 240 + 50 + 240 - 210 = 370.00), and that client's BSN made invalid
    (999900018 -> 999900019)."""
    text = JW323.read_text(encoding="utf-8").replace("<jw323:Ontvanger>0384</", "<jw323:Ontvanger>0141</")  # Almelo
    text = text.replace("<ijw:TotaalBedrag>79000</ijw:TotaalBedrag>", "<ijw:TotaalBedrag>37000</ijw:TotaalBedrag>")
    credit = "<ijw:Bedrag>21000</ijw:Bedrag>\n\t\t\t\t\t\t\t<ijw:DebetCredit>D</ijw:DebetCredit>"
    assert credit in text
    text = text.replace(credit, credit.replace(">D<", ">C<"))
    assert "<jw323:Bsn>999900018</jw323:Bsn>" in text
    return text.replace("<jw323:Bsn>999900018</jw323:Bsn>", "<jw323:Bsn>999900019</jw323:Bsn>").encode()


SUBSIDY_SUM = "SELECT sum(bedrag_verleend) FROM raw.subsidies WHERE file_sha256 = $1"

BAD_INPUTS = [
    BadInput(
        "subsidies/GM0141/namen_aanvragers.csv",
        b"Regeling;Aanvrager;Bedrag verleend;Jaar\nBuurtfeest;J. de Vries;250;2024\n"
        b"Speeltuinonderhoud;Piet Persoonsnaam;300;2024\nExploitatie buurthuis;Stichting De Kern;5000;2024\n",
        "12.7",
        "natural persons without Amsterdam's (Particulier) marker",
        "loaded",
        (3, 3, 0),
        values=(
            (
                "SELECT list(aanvrager ORDER BY source_row), list(aanvrager_is_particulier ORDER BY source_row) "
                "FROM raw.subsidies WHERE file_sha256 = $1",
                ([None, None, "Stichting De Kern"], [True, True, False]),
            ),
        ),
        secrets=("Vries", "Piet", "Persoonsnaam"),
    ),
    BadInput(
        "zorg/export_lange_regel.csv",
        _long_line_export(),
        "12.8",
        "a line 40 fields too long after the reader's sample (its BSN and name were quoted in the error)",
        "loaded",
        (71, 70, 1),
        {"too_many_fields": 1},
        values=(("SELECT sum(bedrag) FROM raw.zorg WHERE file_sha256 = $1", Decimal("700.00")),),  # 70 x 10.00
        secrets=(*(synthetic_bsn(900 + i) for i in range(71)), "Bakker", "Egberink", "Fatima", "Nijhuis", "Meijer"),
    ),
    BadInput(
        "zorg/export_verschoven.csv",
        _export(
            [
                _declaration(0, "EXP-SCHUIF", bsn="200007919", name="Jan Jansen"),
                "declaratie;wmo;GM0141;Zorg; Co;2025-01-10;200649358;Kees Visser;EXP-SCHUIF;10,00;D",
            ]
        ),
        "12.8",
        "an unquoted ';' in a provider name shifts the row (BSN and client name into other columns)",
        "loaded",
        (2, 1, 1),
        {"too_many_fields": 1},
        secrets=("200007919", "200649358", "Jansen", "Kees", "Visser"),
    ),
    BadInput(
        "subsidies/GM0147/vrije_tekst.csv",
        b"Dossiernummer;Regeling;Project;Bedrag verleend;Jaar\n"
        b"BSN200649358;Individuele ondersteuning;Ondersteuning client BSN 200007919;1.250,00;2023\n"
        b"D-2023-2;Buurtkrant;Buurtkrant nr. 123456789;500,00;2023\n",
        "12.9",
        "BSNs in free text (123456789 fails the 11-test and stays)",
        "loaded",
        (2, 2, 0),
        values=(
            (
                "SELECT list(dossiernummer ORDER BY source_row), list(project ORDER BY source_row) "
                "FROM raw.subsidies WHERE file_sha256 = $1",
                (["BSN*********", "D-2023-2"], ["Ondersteuning client BSN *********", "Buurtkrant nr. 123456789"]),
            ),
            (SUBSIDY_SUM, Decimal("1750.00")),
        ),
        secrets=("200649358", "200007919"),
    ),
    BadInput(
        "subsidies/GM0153/bedrag_20_cijfers.csv",
        b"Regeling;Bedrag verleend;Jaar\nR1;1.000,00;2020\nR2;99999999999999999999,99;2020\n",
        "12.10, 13.2",
        "an amount of 20 digits (a DuckDB ConversionException failed the file, every later refresh too)",
        "loaded",
        (2, 1, 1),
        {"out_of_range": 1},
        values=((SUBSIDY_SUM, Decimal("1000.00")),),
    ),
    BadInput(
        "subsidies/GM9999/onbekende_gemeente.csv",
        b"Regeling;Bedrag verleend;Jaar\nBuurthuis;100;2021\n",
        "12.10, 13.6",
        "a gemeente that does not exist, given by the folder (or intake --gemeente)",
        "loaded",
        (1, 0, 1),
        {"unknown_region": 1},
    ),
    BadInput(
        "subsidies/GM0141/formules.csv",
        b'Regeling;Bedrag verleend;Jaar\n"=HYPERLINK(""http://example.org/x"";""klik"")";100;2019\n'
        b"@SUM(1+1);=1+1;2019\n",
        "12.10",
        "cells a spreadsheet would run as formulas (neutralised where data leaves: serving, intake view)",
        "loaded",
        (2, 1, 1),
        {"not_an_amount": 1},
        values=(
            ("SELECT regeling FROM raw.subsidies WHERE file_sha256 = $1", '=HYPERLINK("http://example.org/x";"klik")'),
        ),
    ),
    BadInput(
        "subsidies/GM0141/komma_gescheiden.csv",
        b"Regeling,Bedrag verleend,Jaar\nA,1.250,2018\nB,300,2018\n",
        "13.5",
        "1.250 in a ','-separated file, no other value to say which separator (was read as 1.25)",
        "loaded",
        (2, 1, 1),
        {"ambiguous_number": 1},
        values=((SUBSIDY_SUM, Decimal("300.00")),),
    ),
    BadInput(
        "subsidies/GM0147/puntkomma.csv",
        b"Regeling;Bedrag verleend;Jaar\nA;1,250;2017\nB;300;2017\n",
        "13.5",
        "1,250 in a ';'-separated file, no other value to say which separator (was read as 1.25)",
        "loaded",
        (2, 1, 1),
        {"ambiguous_number": 1},
        values=((SUBSIDY_SUM, Decimal("300.00")),),
    ),
    BadInput(
        "subsidies/GM0153/register_met_overzicht.xlsx",
        xlsx_bytes(
            [
                (
                    "2016",
                    [["Regeling", "Bedrag verleend", "Jaar"], ["A", 100, 2016], ["A", 200, 2016], ["B", 50, 2016]],
                    [],
                ),
                (
                    "Overzicht per regeling",
                    [["Regeling", "Bedrag verleend", "Jaar"], ["A", 300, 2016], ["B", 50, 2016]],
                    [],
                ),
            ]
        ),
        "13.5",
        "a workbook's summary sheet (was loaded as subsidies: double counted)",
        "loaded",
        (5, 3, 2),
        {"summary_sheet": 2},
        values=((SUBSIDY_SUM, Decimal("350.00")),),  # 100 + 200 + 50, once
    ),
    BadInput(
        "subsidies/GM0141/datum_0001.csv",
        b"Regeling;Bedrag verleend;Jaar;Datum verlening\nA;100;2016;0001-01-01\nB;100;2016;2016-03-01\n",
        "13.5",
        "0001-01-01 as a grant date",
        "loaded",
        (2, 1, 1),
        {"out_of_range": 1},
    ),
    BadInput(
        "zorg/bsn_nullen.csv",
        _export([_declaration(0, "EXP-NUL"), _declaration(1, "EXP-NUL", bsn="000000000")]),
        "13.5",
        "BSN 000000000 (passes the 11-test)",
        "loaded",
        (2, 1, 1),
        {"invalid_bsn": 1},
        secrets=(synthetic_bsn(900),),
    ),
    BadInput(
        "indicatoren/percentages.csv",
        b"indicator;regio;periode;waarde\nPCT_EENZAAM;WK014101;2023;-5\nPCT_EENZAAM;WK014105;2023;150\n"
        b"PCT_EENZAAM;GM0141;2023;12,5\n",
        "13.5",
        "-5 % and 150 % for a percentage indicator",
        "loaded",
        (3, 1, 2),
        {"out_of_range": 2},
        values=(("SELECT waarde FROM raw.indicatoren WHERE file_sha256 = $1", 12.5),),
    ),
    BadInput(
        "indicatoren/berekende_indicator.csv",
        b"indicator;regio;periode;waarde\nJEUGDZORG_PCT;GM0141;2023;12,5\nPCT_MANTELZORGER;GM0141;2023;14,0\n",
        "13.2",
        "an upload of an indicator the monitor computes from CBS (its duplicate failed a dbt test: nothing published)",
        "loaded",
        (2, 1, 1),
        {"computed_indicator": 1},
        values=(("SELECT indicator_code FROM raw.indicatoren WHERE file_sha256 = $1", "PCT_MANTELZORGER"),),
    ),
    BadInput(
        "subsidies/GM0147/gemengde_codering.csv",
        "Regeling;Aanvrager;Bedrag verleend;Jaar\nBuurthuis;Stichting Café Zoë;100;2016\n".encode("cp1252")
        + "Sport;Stichting Café Zoë;200;2016\n".encode(),
        "13.5",
        "a UTF-8 row in a Windows-1252 file (was stored as CafÃ© ZoÃ«)",
        "loaded",
        (2, 1, 1),
        {"mixed_encoding": 1},
        values=(("SELECT aanvrager FROM raw.subsidies WHERE file_sha256 = $1", "Stichting Café Zoë"),),
    ),
    BadInput(
        "subsidies/GM0153/nul_byte.csv",  # the NUL after 4 KB: a NUL in the first 4 KB says "binary file"
        b"Regeling;Aanvrager;Bedrag verleend;Jaar\n"
        + b"".join(b"Buurthuis %03d;Stichting Goed;100;2015\n" % i for i in range(120))
        + b"Sport;Stichting Nul\x00Byte;100;2015\n",
        "13.5",
        "a NUL byte inside a name (was stored)",
        "loaded",
        (121, 120, 1),
        {"control_character": 1},
        values=((SUBSIDY_SUM, Decimal("12000.00")),),
    ),
    BadInput(
        "subsidies/GM0141/wijk_van_enschede.csv",
        b"Regeling;Bedrag verleend;Jaar;Wijk\nA;100;2021;WK015301\nB;100;2021;WK014101\n",
        "13.6",
        "a wijk of Enschede in Almelo's register (was loaded under Almelo)",
        "loaded",
        (2, 1, 1),
        {"wijk_not_in_gemeente": 1},
    ),
    BadInput(
        "zorg/JW323_creditregel_ongeldig.xml",
        _jw323_with_a_bad_credit_line(),
        "13.7",
        "a JW323 whose credit line has an invalid BSN (its other lines loaded: net 290.00, declared 370.00)",
        "loaded",
        (5, 0, 5),
        {"invalid_bsn": 3, "incomplete_message": 2},
        secrets=("999900006",),
    ),
    BadInput(
        "subsidies/GM0147/totaalregel_klopt_niet.csv",
        b"Regeling;Bedrag verleend;Jaar\nA;1.000,00;2022\nB;492.400,00;2022\nC;1.000.000,00;2022\n"
        b"Totaal;1.494.400,00;\n",
        "13.7",
        "a totals row that disagrees with the rows (1,494,400 vs 1,493,400): a warning in the load log",
        "loaded",
        (4, 3, 1),
        {"summary_row": 1},
        values=((SUBSIDY_SUM, Decimal("1493400.00")),),
    ),
    BadInput(
        "subsidies/GM0153/grote_cel.xlsx",
        xlsx_bytes([("2014", [["Regeling", "Project", "Bedrag verleend", "Jaar"], ["A", "x" * 30_000, 1, 2014]], [])]),
        "13.8",
        "a cell of 30,000 characters (a workbook bomb's 400 MB cell was stored whole in quarantine)",
        "loaded",
        (1, 0, 1),
        {"cell_too_long": 1},
    ),
    BadInput(
        "zorg/afgebroken.xml",
        JW323.read_bytes()[:1500],
        "13.2",
        "a message cut off halfway: it cannot be read, it must not stop the others",
        "failed",
        None,
    ),
]


# Ten more care exports, queued after the bad files (the crash-recovery state kills a refresh while they load):
# (path below the inbox, content, the client's BSN)
QUEUED_EXPORTS = [
    (
        f"zorg/export_{i}.csv",
        _export([_declaration(i, f"EXP-Q{i}", bsn=synthetic_bsn(1000 + i))]),
        synthetic_bsn(1000 + i),
    )
    for i in range(10)
]


def observed(con, item: BadInput) -> tuple:
    """What became of a loaded bad input, in the shape of its expectations: (status, counts, reasons, values)."""
    status, sha256, rows_in, loaded, quarantined, reasons = con.execute(
        "SELECT status, file_sha256, rows_in_file, rows_loaded, rows_quarantined, quarantine_reasons "
        "FROM meta.file_loads WHERE source_file = ? ORDER BY started_at DESC LIMIT 1",
        [item.path],
    ).fetchall()[0]
    values = []
    for sql, _ in item.values:
        row = con.execute(sql, [sha256]).fetchall()[0]
        values.append(row if len(row) > 1 else row[0])
    counts = (rows_in, loaded, quarantined) if status == "loaded" else None
    return status, counts, reasons or {}, values


def expected(item: BadInput) -> tuple:
    return item.status, item.counts, item.reasons, [value for _, value in item.values]
