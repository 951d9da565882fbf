"""Issue 12, findings 7 to 10: privacy at the border for every text, and bad input that must not leak or poison.

File by file on a small warehouse (tests/bad_inputs.py), then the whole pipeline after the bad inputs
(tests/conftest.py, faulted_pipeline): every warehouse, serving and log file scanned for each BSN and name the
inputs held."""

import duckdb
import pytest
from bad_inputs import BAD_INPUTS, QUEUED_EXPORTS, expected, observed

from pipelines.publish import FORMULA, publish_marts
from pipelines.sources.files.persons import is_natural_person_sql
from pipelines.sources.files.spec import source_specs
from pipelines.sources.privacy import redact_bsns

ISSUE_12 = [item for item in BAD_INPUTS if "12." in item.finding]
SECRETS = sorted({s for item in BAD_INPUTS for s in item.secrets} | {bsn for _, _, bsn in QUEUED_EXPORTS})


@pytest.mark.parametrize("item", ISSUE_12, ids=lambda item: item.name)
def test_a_bad_input_leaves_nothing_personal_behind(intake, words_in, item):
    result = intake.load(item.source, item.name, item.content, gemeente=item.gemeente)
    assert observed(intake.con, item) == expected(item), result.summary()
    assert words_in(intake.con, list(item.secrets)) == []
    assert not [s for s in item.secrets if s in result.summary()]


def test_an_error_names_file_line_and_column_never_the_row(intake):
    bsn, name = "200007919", "Jan Jansen"
    rows = [f"declaratie;wmo;GM0141;A1;2025-01-10;{bsn};{name};B1;10,00;D" for _ in range(70)]
    text = "Soort regel;Wet;Gemeente;Aanbieder;Dagtekening;BSN;Naam client;Berichtidentificatie;Bedrag;Debet/credit\n"
    result = intake.load("zorg", "breed.csv", text + "\n".join([*rows, rows[0] + ";x" * 1100]) + "\n")
    assert result.error == "zorg/breed.csv, line 72: expected at most 1024 fields in a row, found 1025 or more"
    assert intake.rows("SELECT error FROM meta.file_loads") == [(result.error,)]


@pytest.mark.parametrize(
    ("applicant", "is_person"),
    [
        ("(Particulier)", True),  # Amsterdam's marker
        ("J. de Vries", True),  # initials and a surname
        ("Piet Persoonsnaam", True),  # a first name and a surname
        ("Dhr. A.B. van den Berg", True),
        ("J. & M. Jansen-Smit", True),
        ("J.Jansen", True),
        ("J. Nijhuis", True),  # a surname ending in -huis is no organisation
        ("J. van Wijk", True),  # nor is one that is a word
        ("B.V. Jansen", True),  # B.V. as initials, not as the last word
        ("Stichting De Kern", False),  # a legal form
        ("Jansen B.V.", False),
        ("Bloemsierkunst Flora V.O.F.", False),
        ("St. Centrale Dorpenraad Landelijk Noord", False),  # St. = stichting (Amsterdam's register)
        ("Woonstichting Lieven de Key", False),  # an organisation word at the end of a word
        ("Bewonersgroep De Riet", False),
        ("Voetbalvereniging Almelo", False),
        ("Jansen Holding 12345678", False),  # a KvK number
        ("Humanitas", False),  # one word is no person's name
        ("Humanitas Twente", True),  # looks like a person's name: not stored (the cautious side)
    ],
)
def test_natural_persons_are_recognised_by_a_documented_rule(applicant, is_person):
    rule = source_specs()["subsidies"].columns["aanvrager"].natural_person
    with duckdb.connect() as con:
        assert con.execute(f"SELECT {is_natural_person_sql(rule, '$1')}", [applicant]).fetchall() == [(is_person,)]


def test_every_bsn_like_number_in_a_message_is_redacted():
    assert redact_bsns("file client_200007919.csv, line 3: 200649358 and 123456789") == (
        "file client_*********.csv, line 3: ********* and 123456789"  # 123456789 fails the 11-test
    )


def test_formula_cells_are_neutralised_where_data_leaves(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.fct_x AS SELECT * FROM (VALUES ('=HYPERLINK(\"http://x\")'), ('+SUM(A1)'), "
            "('@cmd'), (' =1+1'), ('-2+3'), ('-12,5'), ('Buurthuis'), (NULL)) AS t(v)"
        )
    publish_marts(warehouse, tmp_path / "serving.duckdb")
    with duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True) as con:
        assert [r[0] for r in con.execute("SELECT v FROM fct_x").fetchall()] == [
            "'=HYPERLINK(\"http://x\")", "'+SUM(A1)", "'@cmd", "' =1+1", "'-2+3", "-12,5", "Buurthuis", None
        ]  # fmt: skip


def _text_files(root):
    """Every file of the state but the delivered originals (archive, rejected, held: private by design) and the
    CBS snapshots."""
    skip = {"archive", "rejected", "held", "snapshots"}
    return [
        p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and not skip & set(p.relative_to(root).parts)
    ]


@pytest.mark.integration
def test_no_bsn_and_no_name_of_the_bad_inputs_is_stored_or_logged_anywhere(faulted_pipeline, words_in):
    home = faulted_pipeline.home
    for database in ("warehouse.duckdb", "serving.duckdb", "intake.duckdb"):
        with duckdb.connect(str(home / database), read_only=True) as con:
            assert words_in(con, SECRETS) == [], database
    # every other file: Dagster's run storage and event logs, the terminal output of every step
    files = _text_files(home) + list(faulted_pipeline.logs.iterdir())
    leaks = [(str(f), s) for f in files for s in SECRETS if s.encode() in f.read_bytes()]
    assert leaks == []
    assert len(files) > 10 and any(f.suffix == ".db" for f in files)  # the scan saw the run storage


@pytest.mark.integration
def test_the_bad_input_table(faulted_pipeline):
    """Every bad input ended as it must through the whole pipeline; prints the table for the closing note."""
    with duckdb.connect(str(faulted_pipeline.home / "warehouse.duckdb"), read_only=True) as con:
        lines = ["| finding | file | outcome | rows in = loaded + quarantined | reasons |", "|---|---|---|---|---|"]
        for item in BAD_INPUTS:
            got = observed(con, item)
            assert got == expected(item), item.path
            counts = f"{got[1][0]} = {got[1][1]} + {got[1][2]}" if got[1] else ""
            lines.append(f"| {item.finding} | {item.path} | {got[0]} | {counts} | {got[2]} |")
    print("\n".join(lines))


@pytest.mark.integration
def test_no_cell_that_leaves_the_warehouse_starts_a_formula(faulted_pipeline):
    home = faulted_pipeline.home
    for database in ("serving.duckdb", "intake.duckdb"):
        with duckdb.connect(str(home / database), read_only=True) as con:
            texts = con.execute(
                "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' "
                "AND NOT internal AND database_name = current_database()"
            ).fetchall()
            for schema, table, column in texts:
                found = con.execute(
                    f'SELECT "{column}" FROM "{schema}"."{table}" WHERE regexp_matches("{column}", ?) '
                    f"AND NOT regexp_full_match(\"{column}\", '-[0-9]+([.,][0-9]+)*')",
                    [FORMULA],
                ).fetchall()
                assert found == [], (database, table, column)
        with duckdb.connect(str(home / "intake.duckdb"), read_only=True) as con:
            cells = [r[0] for r in con.execute("SELECT cell_text FROM quarantine.subsidies").fetchall()]
    assert "'=1+1" in cells  # formules.csv: the formula shown, neutralised
