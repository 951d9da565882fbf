"""Issue 13, findings 2 to 9, file by file: every bad input ends as it must (tests/bad_inputs.py), a bad file
never stops the others, a delivery that wipes data waits for consent, a file still being written waits, links and
special files are refused, and every failure is one line in the load log."""

import hashlib
import os
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from bad_inputs import BAD_INPUTS, expected, observed

from demo.gemeente_files import xlsx_bytes
from pipelines.assets.gemeente_files import gemeente_file_assets
from pipelines.publish import publish_intake_view
from pipelines.resources import build_resources
from pipelines.sources.files import load as loader
from pipelines.sources.files.errors import describe
from pipelines.sources.files.load import Rules
from pipelines.sources.files.spec import source_specs

AFTER_THE_EXAMPLES = date(2026, 6, 1)  # the JW323 example is dated 2026-05-06
ISSUE_13 = [item for item in BAD_INPUTS if "13." in item.finding]


@pytest.mark.parametrize("item", ISSUE_13, ids=lambda item: item.name)
def test_a_bad_input_ends_as_it_must(intake, item):
    result = intake.load(item.source, item.name, item.content, gemeente=item.gemeente, intake_date=AFTER_THE_EXAMPLES)
    assert observed(intake.con, item) == expected(item), result.summary()
    assert not (intake.inbox / item.path).exists()  # out of the inbox, whatever became of it


def test_a_totals_row_that_disagrees_with_the_rows_is_a_warning_in_the_load_log(intake):
    item = next(i for i in BAD_INPUTS if i.name == "totaalregel_klopt_niet.csv")
    result = intake.load(item.source, item.name, item.content, gemeente=item.gemeente)
    # A 1,000.00 + B 492,400.00 + C 1,000,000.00 = 1,493,400.00; the file's totals row says 1,494,400.00
    warning = "line 5: the totals row says bedrag_verleend 1,494,400.00, the rows add up to 1,493,400.00"
    assert result.warnings == [f"{warning} (difference 1,000.00)"]
    assert intake.rows("SELECT warnings FROM meta.file_loads") == [([f"{warning} (difference 1,000.00)"],)]


def test_a_summary_sheet_is_recognised_by_its_content_too(intake):
    header = ["Regeling", "Bedrag verleend", "Jaar"]
    rows = [header, ["A", 100, 2016], ["A", 200, 2016], ["B", 50, 2016]]
    totals = [header, ["A", 300, 2016], ["B", 50, 2016]]  # the totals of the first sheet, under a plain name
    result = intake.load("subsidies", "r.xlsx", xlsx_bytes([("Blad1", rows, []), ("Blad2", totals, [])]))
    assert (result.rows_in_file, result.rows_loaded, result.reasons) == (5, 3, {"summary_sheet": 2})
    assert intake.rows("SELECT DISTINCT source_sheet FROM quarantine.subsidies") == [("Blad2",)]


def test_the_lines_of_a_declaration_load_together_or_not_at_all(intake):
    item = next(i for i in BAD_INPUTS if i.name == "JW323_creditregel_ongeldig.xml")
    intake.load(item.source, item.name, item.content, intake_date=AFTER_THE_EXAMPLES)
    assert intake.rows("SELECT count(*) FROM raw.zorg") == [(0,)]  # not 2 lines summing to 290.00 of 370.00
    reasons = intake.rows("SELECT reason_code, reason FROM quarantine.zorg WHERE reason_code = 'incomplete_message'")
    assert len(reasons) == 2 and all("of this message was rejected" in r for _, r in reasons)


def test_a_large_cell_keeps_a_prefix_and_its_length_in_quarantine(intake):
    item = next(i for i in BAD_INPUTS if i.name == "grote_cel.xlsx")
    intake.load(item.source, item.name, item.content, gemeente=item.gemeente)
    ((project, cell),) = intake.rows("SELECT record['project'], cell_text FROM quarantine.subsidies")
    assert project == cell == "x" * 200 + "… (30000 characters)"


@pytest.fixture
def asset_run(settings, intake):
    """Materialise one ingest asset the way a refresh does (every settled file in its inbox folder), on the
    intake fixture's warehouse and folders."""
    from dagster_duckdb import DuckDBResource

    intake.con.close()
    settings = settings.__class__.from_env(
        {
            "SBM_HOME": str(intake.home),
            "SBM_INSTALLATION": str(settings.installation_file),
            "SBM_WAREHOUSE": str(intake.home / "warehouse.duckdb"),
            "SBM_SETTLE_SECONDS": "1",
        }
    )
    assets = {a.key.path[-1]: a for a in gemeente_file_assets}

    def run(source: str, files: list[str] | None = None) -> dg.ExecuteInProcessResult:
        config = {"ops": {f"raw__{source}": {"config": {"files": files}}}} if files else None
        built = build_resources(settings)
        built["warehouse"] = DuckDBResource(database=str(settings.warehouse))
        return dg.materialize([assets[source]], resources=built, run_config=config, raise_on_error=False)

    yield run, settings


def test_a_poison_file_never_stops_the_others(asset_run, intake):
    run, settings = asset_run
    poison = next(i for i in BAD_INPUTS if i.name == "afgebroken.xml")
    (settings.inbox / "zorg").mkdir(parents=True, exist_ok=True)
    (settings.inbox / "zorg" / "afgebroken.xml").write_bytes(poison.content)
    good = "berichttype;wet;gemeente;dagtekening;bsn;berichtidentificatie;bedrag;debet_credit\n"
    (settings.inbox / "zorg" / "goed.csv").write_text(good + "declaratie;wmo;GM0141;2025-01-10;200007919;B1;10,00;D\n")
    old = time.time() - 5
    for name in ("afgebroken.xml", "goed.csv"):
        os.utime(settings.inbox / "zorg" / name, (old, old))
    result = run("zorg")
    assert result.success  # the run goes on to dbt and publish
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        loads = dict(con.execute("SELECT source_file, status FROM meta.file_loads").fetchall())
        (error,) = con.execute("SELECT error FROM meta.file_loads WHERE status = 'failed'").fetchone()
    assert loads == {"zorg/afgebroken.xml": "failed", "zorg/goed.csv": "loaded"}
    assert "\n" not in error and error.startswith("zorg/afgebroken.xml, line ")
    assert (settings.rejected / "zorg" / "afgebroken.xml").exists() and not list((settings.inbox / "zorg").iterdir())


def test_any_error_while_loading_a_file_is_caught_with_a_one_line_reason(intake, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full\n  (a second line a user need not see)")

    monkeypatch.setattr(loader, "build_intake", broken)
    result = intake.load("subsidies", "r.csv", "Regeling;Bedrag verleend;Jaar\nA;1;2024\n")
    assert (result.status, result.error) == ("failed", "RuntimeError: the disk is full")
    assert (intake.home / "rejected" / "subsidies" / "r.csv").exists()
    assert intake.rows("SELECT status, error FROM meta.file_loads") == [("failed", "RuntimeError: the disk is full")]
    assert describe(ValueError("a\nb")) == "ValueError: a"


def test_an_unwritable_archive_gives_a_load_log_row_and_the_file_stays(intake):
    (intake.home / "archive").write_text("not a folder")  # the archive cannot be made (as root, chmod would not do)
    result = intake.load("subsidies", "r.csv", "Regeling;Bedrag verleend;Jaar\nA;1;2024\n")
    assert result.status == "failed" and result.error.endswith("; the file stays in the inbox")
    assert intake.rows("SELECT status, source_file FROM meta.file_loads") == [("failed", "subsidies/r.csv")]
    assert (intake.inbox / "subsidies" / "r.csv").exists()


def postcodes(rows):
    return "postcode;wijk;gemeente;jaar\n" + "".join(
        f"{pc};{wijk};{wijk[:2].replace('WK', 'GM')}{wijk[2:6]};2024\n" for pc, wijk in rows
    )


def test_a_small_delivery_waits_for_consent_before_it_wipes_data(intake):
    almelo = [(f"7601A{chr(65 + i)}", "WK014101" if i < 4 else "WK014105") for i in range(8)]
    borne = [(f"7621A{chr(65 + i)}", "WK014701") for i in range(4)]
    intake.load("postcodes", "pc2024.csv", postcodes(almelo + borne))
    # 3 postcodes of one wijk of Almelo: would remove 5 of Almelo's 8 rows (62.5 % > 50 %) and wijk WK014105
    small = postcodes(almelo[:3])
    held = intake.load("postcodes", "pc2024_almelo.csv", small)
    assert held.status == "held" and held.error.startswith("would remove more than 50% of the rows it replaces")
    assert "GM0141:2024: 8 rows (postcodes/pc2024.csv) -> 3, 2 -> 1 regions" in held.error
    assert held.moved_to == intake.home / "held" / "postcodes" / "pc2024_almelo.csv"
    assert intake.rows("SELECT count(*) FROM raw.postcodes") == [(12,)]  # nothing loaded
    # the user confirms: loaded, and the replacement is on record; Borne's postcodes are not in its scope
    confirmed = intake.load("postcodes", "pc2024_almelo.csv", small, replace=True)
    assert confirmed.status == "loaded"
    assert intake.rows(
        "SELECT replace_scope, replaced_file, rows_before, rows_after, regions_before, regions_after, is_confirmed "
        "FROM meta.file_replacements"
    ) == [("GM0141:2024", "postcodes/pc2024.csv", 8, 3, 2, 1, True)]
    assert intake.rows("SELECT status FROM meta.file_loads ORDER BY started_at") == [
        ("loaded",),
        ("held",),
        ("loaded",),
    ]


def test_a_corrected_register_of_the_same_size_replaces_without_asking(intake):
    register = "Regeling;Bedrag verleend;Jaar\n" + "".join(f"R{i};{100 + i};2022\n" for i in range(20))
    intake.load("subsidies", "r.csv", register, gemeente="GM0141")
    eight = "Regeling;Bedrag verleend;Jaar\n" + "".join(f"R{i};{100 + i};2022\n" for i in range(8))
    assert intake.load("subsidies", "klein.csv", eight, gemeente="GM0141").status == "held"  # 20 -> 8: 60 %
    corrected = register.replace("R0;100", "R0;150")
    assert intake.load("subsidies", "gecorrigeerd.csv", corrected, gemeente="GM0141").status == "loaded"
    assert intake.rows("SELECT rows_before, rows_after, is_confirmed FROM meta.file_replacements") == [(20, 20, False)]


def test_the_scope_index_holds_per_file_and_scope_what_raw_holds(intake):
    """meta.file_scopes is what a delivery is compared with: it must say what raw says, file by file."""
    almelo = [(f"7601A{chr(65 + i)}", "WK014101" if i < 4 else "WK014105") for i in range(8)]
    borne = [(f"7621A{chr(65 + i)}", "WK014701") for i in range(4)]
    intake.load("postcodes", "pc2024.csv", postcodes(almelo + borne))
    intake.load("postcodes", "pc2024_borne.csv", postcodes(borne[:3]))
    indexed = intake.rows(
        "SELECT source_file, replace_scope, rows, regions, list_sort(covered), loaded_at FROM meta.file_scopes "
        "WHERE source = 'postcodes' ORDER BY 1, 2"
    )
    from_raw = intake.rows(
        "SELECT source_file, replace_scope, count(*), count(DISTINCT wijk_code), list_sort(list(DISTINCT wijk_code)), "
        "max(loaded_at) FROM raw.postcodes GROUP BY ALL ORDER BY 1, 2"
    )
    assert indexed == from_raw
    assert [row[:4] for row in indexed] == [
        ("postcodes/pc2024.csv", "GM0141:2024", 8, 2),
        ("postcodes/pc2024.csv", "GM0147:2024", 4, 1),
        ("postcodes/pc2024_borne.csv", "GM0147:2024", 3, 1),
    ]


def test_a_warehouse_from_before_the_scope_index_is_indexed_from_raw_once(intake):
    register = "Regeling;Bedrag verleend;Jaar\n" + "".join(f"R{i};{100 + i};2022\n" for i in range(20))
    intake.load("subsidies", "r.csv", register, gemeente="GM0141")
    intake.con.execute("DROP TABLE meta.file_scopes")  # as a warehouse made before the index
    eight = "Regeling;Bedrag verleend;Jaar\n" + "".join(f"R{i};{100 + i};2022\n" for i in range(8))
    held = intake.load("subsidies", "klein.csv", eight, gemeente="GM0141")
    assert held.status == "held" and "GM0141:2022: 20 rows (subsidies/GM0141/r.csv) -> 8" in held.error
    assert intake.rows("SELECT source_file, replace_scope, rows FROM meta.file_scopes") == [
        ("subsidies/GM0141/r.csv", "GM0141:2022", 20)
    ]


def test_a_narrowed_scope_is_compared_on_the_columns_as_staging_keeps_it(intake):
    """Postcode tables stored the year as their scope before a table for one gemeente replaced only that
    gemeente's postcodes; their staging model evaluates the mapping's scope over raw's columns, and so does the
    index of such older loads."""
    almelo = [(f"7601A{chr(65 + i)}", "WK014101") for i in range(8)]
    intake.load("postcodes", "pc2024.csv", postcodes(almelo))
    intake.con.execute("UPDATE raw.postcodes SET replace_scope = '2024'")  # stored as before the rule
    intake.con.execute("DROP TABLE meta.file_scopes")
    held = intake.load("postcodes", "pc2024_klein.csv", postcodes(almelo[:2]))
    assert held.status == "held" and "GM0141:2024: 8 rows (postcodes/pc2024.csv) -> 2" in held.error
    staging = Path("dbt_project/models/staging/postcodes/stg_postcodes__postcodes.sql").read_text()
    spec = source_specs()["postcodes"]
    assert spec.scope_recomputed and f'scope="{spec.scope}"' in staging
    for name, other in source_specs().items():  # the others keep the stored column, in staging as here
        model = next(Path("dbt_project/models/staging").glob(f"*/stg_{name}__*.sql"), None)
        if name != "postcodes" and model is not None and "latest_load_per_scope" in model.read_text():
            assert not other.scope_recomputed and "scope=" not in model.read_text(), name


def test_the_threshold_is_a_setting(intake):
    intake.load("subsidies", "r.csv", "Regeling;Bedrag verleend;Jaar\nA;1;2022\nB;1;2022\n", gemeente="GM0141")
    half = "Regeling;Bedrag verleend;Jaar\nA;2;2022\n"  # removes 1 of 2 rows: 50 %
    strict = Rules(earliest_date=date(1990, 1, 1), replace_max_share=0.4)
    assert intake.load("subsidies", "s.csv", half, gemeente="GM0141", rules=strict).status == "held"
    assert intake.load("subsidies", "t.csv", half + "\n", gemeente="GM0141").status == "loaded"  # 50 % is not > 50 %


WRITER = """
import sys, time
with open(sys.argv[1], "w") as f:
    f.write("Regeling;Bedrag verleend;Jaar\\n"); f.flush()
    for i in range(30):
        f.write(f"R{i};{i};2023\\n"); f.flush(); time.sleep(0.05)
"""


def test_a_file_still_being_written_waits_and_is_archived_under_the_hash_of_what_was_read(asset_run):
    run, settings = asset_run
    path = settings.inbox / "subsidies" / "GM0141" / "register.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
    time.sleep(0.5)
    assert run("subsidies").success  # while it is written: left for the next run
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM meta.file_loads").fetchall() == [(0,)]
    writer.wait()
    time.sleep(1.1)  # settled: unchanged for SBM_SETTLE_SECONDS=1
    assert run("subsidies").success
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows_in, loaded, archived = con.execute(
            "SELECT rows_in_file, rows_loaded, archive_file FROM meta.file_loads"
        ).fetchone()
        assert con.execute("SELECT sum(bedrag_verleend) FROM raw.subsidies").fetchall() == [(Decimal(sum(range(30))),)]
    assert (rows_in, loaded) == (30, 30)  # the whole file, read once
    content = (settings.archive / archived).read_bytes()
    assert archived == hashlib.sha256(content).hexdigest() + ".csv" and content.count(b"\n") == 31


def test_links_and_special_files_are_refused_before_anything_is_read(asset_run):
    run, settings = asset_run
    folder = settings.inbox / "subsidies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wachtwoorden.csv").symlink_to("/etc/passwd")
    os.mkfifo(folder / "pijp.csv")
    old = time.time() - 5
    for name in ("wachtwoorden.csv", "pijp.csv"):
        os.utime(folder / name, (old, old), follow_symlinks=False)
    assert run("subsidies").success
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        loads = con.execute("SELECT source_file, status, error FROM meta.file_loads ORDER BY 1").fetchall()
    refused = "expected a regular file (the inbox takes no links or special files), found"
    assert loads == [
        ("subsidies/pijp.csv", "failed", f"subsidies/pijp.csv: {refused} a named pipe (FIFO)"),
        ("subsidies/wachtwoorden.csv", "failed", f"subsidies/wachtwoorden.csv: {refused} a symbolic link"),
    ]
    assert not settings.archive.exists() or not list(settings.archive.iterdir())  # nothing was copied
    assert (settings.rejected / "subsidies" / "wachtwoorden.csv").is_symlink()


HOLD_THE_LOCK = (
    "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(60)"
)


def test_the_load_log_and_quarantine_are_readable_while_the_warehouse_is_locked(intake, tmp_path):
    intake.load("subsidies", "r.csv", "Regeling;Bedrag verleend;Jaar\nA;1;2024\nB;x;2024\n")
    view = tmp_path / "intake.duckdb"
    publish_intake_view(intake.con, view)
    intake.con.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(intake.home / "warehouse.duckdb")], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline() == b"locked\n"
        with pytest.raises(duckdb.IOException):  # a refresh holds the warehouse: not even a read-only look
            duckdb.connect(str(intake.home / "warehouse.duckdb"), read_only=True)
        with duckdb.connect(str(view), read_only=True) as con:
            assert con.execute("SELECT status, rows_quarantined FROM meta.file_loads").fetchall() == [("loaded", 1)]
            assert con.execute("SELECT reason_code, cell_text FROM quarantine.subsidies").fetchall() == [
                ("not_an_amount", "x")
            ]
    finally:
        holder.kill()
        holder.wait()
