"""Loading files: archive, load log, reconciliation, the same file twice, a failed file, a corrected file."""

import hashlib
import stat
from pathlib import Path

from pipelines.sources.files import load as loader
from pipelines.sources.files.grid import GRID, SCRATCH

REGISTER = "Regeling;Bedrag verleend;Jaar;Wijk\nBuurthuis;100;2023;WK014101\nSport;n.v.t.;2023;WK014101\nA;5;2024;\n"


def file_loads(intake):
    return intake.rows(
        "SELECT source_file, status, rows_in_file, rows_loaded, rows_quarantined, quarantine_reasons, replace_scopes "
        "FROM meta.file_loads ORDER BY started_at"
    )


def test_a_load_is_logged_and_reconciles_with_the_tables(intake):
    result = intake.load("subsidies", "r.csv", REGISTER, gemeente="GM0141")
    assert file_loads(intake) == [
        ("subsidies/GM0141/r.csv", "loaded", 3, 2, 1, {"not_an_amount": 1}, ["GM0141:2023", "GM0141:2024"])
    ]
    counted = intake.rows(
        "SELECT (SELECT count(*) FROM raw.subsidies WHERE file_sha256 = $1), "
        "(SELECT count(*) FROM quarantine.subsidies WHERE file_sha256 = $1)",
        [result.sha256],
    )
    assert counted == [(2, 1)] and result.rows_in_file == 2 + 1


def test_the_file_is_archived_unchanged_under_its_sha256_and_leaves_the_inbox(intake):
    path = intake.put("subsidies", "r.csv", REGISTER)
    result = intake.load("subsidies", "r.csv")
    archived = intake.home / "archive" / f"{hashlib.sha256(REGISTER.encode()).hexdigest()}.csv"
    assert result.sha256 == archived.stem
    assert archived.read_bytes() == REGISTER.encode() and not path.exists()
    assert stat.S_IMODE(archived.stat().st_mode) == 0o400  # it holds BSNs: the service user reads it, nobody else


def test_the_cells_as_read_stay_in_a_private_work_folder_that_goes_with_the_file(intake, monkeypatch):
    seen = []
    validate = loader.build_intake

    def spy(con, spec, ctx):  # while the file's rows are validated: where its cells are, who may read them
        [(path,)] = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = ?", [SCRATCH]).fetchall()
        folder = Path(path).parent
        cells = con.execute(f"SELECT source_row, COLUMNS('in__.*') FROM {GRID}").fetchall()
        seen.append((folder, stat.S_IMODE(folder.stat().st_mode), cells))
        return validate(con, spec, ctx)

    monkeypatch.setattr(loader, "build_intake", spy)
    intake.load("subsidies", "r.csv", REGISTER)
    assert intake.load("subsidies", "bad.csv", "Regeling;Jaar\nA;2024\n").status == "failed"
    [(folder, mode, cells)] = seen
    assert folder.parent == intake.places.scratch and mode == 0o700  # the service user's alone
    assert [(row[0], [cell for cell in row[1:] if cell is not None]) for row in cells] == [  # line, cells as text
        (2, ["Buurthuis", "100", "2023", "WK014101"]),
        (3, ["Sport", "n.v.t.", "2023", "WK014101"]),
        (4, ["A", "5", "2024"]),
    ]
    assert not folder.exists() and list(intake.places.scratch.iterdir()) == []
    assert intake.rows("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [SCRATCH]) == [(0,)]


def test_the_same_file_twice_is_a_no_op(intake):
    intake.load("subsidies", "r.csv", REGISTER)
    again = intake.load("subsidies", "copy of r.csv", REGISTER)
    assert again.summary().startswith("subsidies/copy of r.csv: already loaded (same content")
    assert intake.rows("SELECT count(*) FROM raw.subsidies") == [(2,)]
    assert intake.rows("SELECT count(*) FROM quarantine.subsidies") == [(1,)]
    assert [r[1] for r in file_loads(intake)] == ["loaded", "duplicate"]
    assert not (intake.inbox / "subsidies" / "copy of r.csv").exists()


def test_a_failed_file_is_archived_and_logged_and_loads_nothing(intake):
    result = intake.load("subsidies", "r.csv", "Regeling;Jaar\nA;2024\n")
    assert result.status == "failed"
    assert file_loads(intake) == [("subsidies/r.csv", "failed", None, None, None, None, None)]
    assert intake.rows("SELECT error FROM meta.file_loads") == [(result.error,)]
    assert (intake.home / "archive" / f"{result.sha256}.csv").exists()
    assert intake.rows("SELECT count(*) FROM raw.subsidies") == [(0,)]


def test_a_corrected_file_is_loaded_beside_the_first_raw_keeps_both(intake):
    intake.load("subsidies", "r.csv", REGISTER, gemeente="GM0141")
    corrected = REGISTER.replace("n.v.t.", "250")
    intake.load("subsidies", "r-gecorrigeerd.csv", corrected, gemeente="GM0141")
    assert intake.rows("SELECT source_file, count(*) FROM raw.subsidies GROUP BY 1 ORDER BY 1") == [
        ("subsidies/GM0141/r-gecorrigeerd.csv", 3),
        ("subsidies/GM0141/r.csv", 2),
    ]
    # staging keeps the latest load per scope (stg_subsidies__subsidies; tested in dbt and in the integration test)


def test_where_the_gemeente_comes_from(intake):
    text = "Regeling;Bedrag verleend;Jaar;Wijk;Gemeente\nA;1;2024;WK014101;\nB;1;2024;;\nC;1;2024;;GM0147\n"
    intake.load("subsidies", "r.csv", text, gemeente="GM0141")
    assert intake.rows("SELECT regeling, gemeente_code FROM raw.subsidies ORDER BY 1") == [
        ("A", "GM0141"),  # the folder names the register's gemeente
        ("B", "GM0141"),
        ("C", "GM0147"),  # a gemeente column wins
    ]
    intake.load("subsidies", "s.csv", "Regeling;Bedrag verleend;Jaar;Wijk\nD;1;2024;WK014701\n")
    assert intake.rows("SELECT gemeente_code FROM raw.subsidies WHERE regeling = 'D'") == [("GM0147",)]  # the wijk's


def test_files_named_synthetisch_are_flagged(intake):
    intake.load("subsidies", "demo_synthetisch.csv", REGISTER)
    intake.load("subsidies", "echt.csv", REGISTER.replace("100", "101"))
    assert intake.rows("SELECT source_file, bool_and(is_synthetic) FROM raw.subsidies GROUP BY 1 ORDER BY 1") == [
        ("subsidies/demo_synthetisch.csv", True),
        ("subsidies/echt.csv", False),
    ]


def test_an_uploaded_indicator_must_be_in_the_catalogue(intake):
    upload = "indicator;regio;periode;waarde\nPCT_EENZAAM;WK014101;2024;8,5\nPCT_GELUKKIG;WK014101;2024;71,0\n"
    result = intake.load("indicatoren", "monitor.csv", upload)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert intake.rows("SELECT indicator_code FROM raw.indicatoren") == [("PCT_EENZAAM",)]
    ((reason,),) = intake.rows("SELECT errors[1].message FROM quarantine.indicatoren")
    assert reason.startswith("the indicator code is not in the indicator catalogue")
