"""Incremental builds give the marts a full rebuild gives: care data delivered on top of the demo in two steps,
each built incrementally (as the inbox sensor's run does), then everything rebuilt from raw (`--full-refresh`),
every mart and care table compared row for row. The deliveries hit what the incremental care chain must get right:
a new half year that moves the peildatum (open care reaches a new year, the last year is no longer provisional),
exports that replace months of the demo's (clients leave those months), a stop reported long after its
allocation, a client moving to another wijk, corrected exports of an older year that drop a client's allocation
and withdraw an invoice line, a corrected stop that ends a period two weeks later within its year (only its
duration moves), and a corrected postcode table that moves clients' wijk without any new care data."""

import csv
import math
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from demo.region_care import HalfYear, write_care_exports
from pipelines.config import Settings
from pipelines.definitions import build_definitions

pytestmark = pytest.mark.integration
CARE_TABLES = [  # the care chain's tables, compared as well as the marts
    "staging.stg_zorg__berichtregels",
    *(f"intermediate.{m}" for m in ("int_zorgtoewijzingen", "int_zorgperiodes", "int_zorg_dekking",
                                     "int_zorgclienten_wijk_per_jaar", "int_zorgclienten_per_jaar",
                                     "int_zorgclienten_postcodes_per_jaar", "int_zorgkosten_per_client_jaar",
                                     "int_declaratieregels_per_wijk", "int_zorg_eigen_per_gemeente_jaar",
                                     "int_indicator__zorg_eigen")),
]  # fmt: skip
# these two report the pipeline's runs (when which check ran, how often), which differ by design
RUN_HISTORY = {"marts.fct_datakwaliteit_controles", "marts.fct_datakwaliteit_bronnen"}


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def run(settings: Settings, job: str, selection: list[dg.AssetKey], full_refresh: bool) -> dg.ExecuteInProcessResult:
    return (
        build_definitions(settings)
        .resolve_job_def(job)
        .execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            asset_selection=selection,
            run_config={"ops": {"sbm_dbt_assets": {"config": {"full_refresh": full_refresh}}}},
            raise_on_error=False,
        )
    )


def downstream_of(settings: Settings, *key: str) -> list[dg.AssetKey]:
    graph = build_definitions(settings).get_repository_def().asset_graph
    selection = dg.AssetSelection.assets(dg.AssetKey(list(key))).downstream().required_multi_asset_neighbors()
    return sorted(selection.resolve(graph))


def care_build(settings: Settings) -> dg.ExecuteInProcessResult:
    """The intake of what waits in inbox/zorg and every asset after it (the inbox sensor's run, without rebuilding
    what the care data do not feed)."""
    return run(settings, "gemeente_files", downstream_of(settings, "raw", "zorg"), full_refresh=False)


def rebuild_from_raw(settings: Settings) -> dg.ExecuteInProcessResult:
    """`refresh --full-refresh` for the care data: the incremental model and every asset after it, from all of raw."""
    care = downstream_of(settings, "staging", "stg_zorg__berichtregels")
    return run(settings, "full_refresh", care, full_refresh=True)


def copy_tables(warehouse: Path, target: Path, tables: list[str]) -> None:
    with duckdb.connect(str(target)) as con:
        con.execute(f"ATTACH '{warehouse}' AS wh (READ_ONLY)")
        for table in tables:
            con.execute(f'CREATE TABLE "{table}" AS FROM wh.{table}')


def same(a: object, b: object) -> bool:
    """Equal; for floating-point numbers: to 9 significant digits, or, for values rounded to at most 3 decimals,
    within one unit of the last one. DuckDB adds floating-point numbers in parallel, in no fixed order, so any two
    builds (two full ones too) may differ in the last bits, and a value on a rounding boundary (0.0905) may come out
    either way (0.09 or 0.091)."""
    if not (isinstance(a, float) and isinstance(b, float)):
        return a == b
    decimals = max(len(repr(v).partition(".")[2]) for v in (a, b))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (decimals <= 3 and abs(a - b) <= 10**-decimals + 1e-12)


def differing_rows(con: duckdb.DuckDBPyConnection, table: str, other: str) -> int:
    """Rows of `table` without an equal row in `other` and the other way round: exact for every column but those of
    type DOUBLE, which compare as `same` says (rows that differ exactly are paired in the order of their columns)."""
    described = con.execute(f"DESCRIBE {table}").fetchall()  # name, type, ...
    doubles = [i for i, row in enumerate(described) if row[1] == "DOUBLE"]
    order = [i for i in range(len(described)) if i not in doubles] + doubles

    def key(row: tuple) -> tuple:
        return tuple((row[i] is None, f"{row[i]:.4g}" if i in doubles and row[i] is not None else str(row[i]))
                     for i in order)  # fmt: skip

    mine = sorted(con.execute(f"FROM {table} EXCEPT ALL FROM {other}").fetchall(), key=key)
    theirs = sorted(con.execute(f"FROM {other} EXCEPT ALL FROM {table}").fetchall(), key=key)
    if len(mine) != len(theirs):
        return max(len(mine), len(theirs))
    return sum(not all(map(same, a, b)) for a, b in zip(mine, theirs, strict=True))


def mark(warehouse: Path, value: str | None) -> None:
    """Write `value` into a column of every staged care line that no model after staging reads (source_sheet: a
    CSV or XML line has none), to see afterwards which lines a build rewrote."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE staging.stg_zorg__berichtregels SET source_sheet = ?", [value])


ALMELO_EXPORT = "SELECT DISTINCT file_sha256 FROM raw.zorg WHERE source_file LIKE '%almelo%'"


def export_rows(settings: Settings) -> list[dict[str, str]]:
    """The rows of the demo's Almelo export (CSV, the gemeente's case system), from the archive."""
    (sha256,) = query(settings.warehouse, ALMELO_EXPORT)[0]
    return read_export(settings.archive / f"{sha256}.csv")


def read_export(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def months(rows: list[dict[str, str]]) -> set[tuple[str, str, str]]:
    """The scopes of export rows without a message id: law, kind of row and the month the row begins in."""
    return {(r["Wet"], r["Soort regel"], r["Begindatum"][:7]) for r in rows}


def write_export(path: Path, rows: list[dict[str, str]]) -> None:
    """An export in the format of the demo's (its columns, ';'-separated), with a message id column if rows
    carry one."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])


def open_allocation(rows: list[dict[str, str]], replaced: set) -> dict[str, str]:
    """A Wmo allocation of 2022 that runs past June 2023, without a reported stop, in a month no new export
    replaces."""
    stopped = {r["Toewijzingnummer"] for r in rows if r["Soort regel"] == "stop"}
    return next(r for r in rows if r["Soort regel"] == "toewijzing" and r["Wet"] == "wmo"
                and r["Begindatum"].startswith("2022") and r["Einddatum"] > "2023-07"
                and r["Toewijzingnummer"] not in stopped and not months([r]) & replaced)  # fmt: skip


def late_stop(allocation: dict[str, str]) -> dict[str, str]:
    """The provider's stop (307) for `allocation`, sent in 2025 in a message of its own: care ended in June 2023."""
    return {**allocation, "Soort regel": "stop", "Dagtekening": "2025-02-03", "Einddatum": "2023-06-30",
            "Berichtidentificatie": "STOP-LAAT-1"}  # fmt: skip


def stopped_in(rows: list[dict[str, str]], year: int) -> dict[str, str]:
    """A Wmo stop that ended care in `year` more than two months before the allocation's end date and more than two
    weeks before the year's end, of a client with no allocation beginning in the two months after: the end of a
    care period, which two weeks more keep in its year."""
    after = timedelta(days=61)
    begins = [(r["BSN"], date.fromisoformat(r["Begindatum"])) for r in rows
              if r["Soort regel"] == "toewijzing" and r["Wet"] == "wmo"]  # fmt: skip
    allocations = {r["Toewijzingnummer"]: r for r in rows if r["Soort regel"] == "toewijzing"}
    return next(r for r in rows if r["Soort regel"] == "stop" and r["Wet"] == "wmo"
                and r["Einddatum"] < f"{year}-12-17" and r["Einddatum"][:4] == str(year)
                and r["Einddatum"] < str(date.fromisoformat(allocations[r["Toewijzingnummer"]]["Einddatum"]) - after)
                and not any(bsn == r["BSN"] and date.fromisoformat(r["Einddatum"]) < begin
                            <= date.fromisoformat(r["Einddatum"]) + after for bsn, begin in begins))  # fmt: skip


def later_stop(stop: dict[str, str]) -> dict[str, str]:
    """The provider's corrected stop, sent in 2025 in a message of its own: care ended two weeks later (the latest
    reported end counts)."""
    end = date.fromisoformat(stop["Einddatum"]) + timedelta(days=14)
    return {**stop, "Dagtekening": "2025-03-03", "Einddatum": end.isoformat(), "Berichtidentificatie": "STOP-LATER-1"}


def mover(rows: list[dict[str, str]], skip: str) -> dict[str, str]:
    """A Wmo allocation of 2024 of another client than `skip`: whose client moves."""
    return next(r for r in rows if r["Soort regel"] == "toewijzing" and r["Wet"] == "wmo"
                and r["Begindatum"].startswith("2024-0") and r["BSN"] != skip)  # fmt: skip


def moved(allocation: dict[str, str], postcode: str) -> dict[str, str]:
    """A new allocation for the client of `allocation` (in a message of its own, January 2025, the client's only
    message of 2025) at a new address."""
    return {**allocation, "Dagtekening": "2025-01-15", "Begindatum": "2025-01-15", "Einddatum": "",
            "Postcode": postcode, "Toewijzingnummer": "VERHUISD-1", "Berichtidentificatie": "VERHUIZING-1"}  # fmt: skip


def first_in_borne(allocation: dict[str, str], postcode: str) -> dict[str, str]:
    """An allocation of February 2025 in Borne (whose demo data end on 2024-07-10), for the client of `allocation`:
    Borne's peildatum moves into 2025, so 2024 is no longer provisional, care that ended since counts as outflow
    and care that goes on reaches 2025, for clients the delivery does not name."""
    return {**allocation, "Gemeente": "GM0147", "Postcode": postcode, "Dagtekening": "2025-02-10",
            "Begindatum": "2025-03-01", "Einddatum": "2025-12-31", "Toewijzingnummer": "BORNE-2025-1",
            "Berichtidentificatie": "BORNE-2025-1"}  # fmt: skip


def test_care_built_incrementally_in_steps_gives_the_marts_of_a_full_rebuild(demo_copy, tmp_path, monkeypatch):
    # the new exports replace whole months of the demo's export with other clients' rows: accepted, not held
    monkeypatch.setenv("SBM_REPLACE_MAX_SHARE", "1")
    settings = Settings.from_env()
    warehouse = settings.warehouse
    inbox = settings.inbox / "zorg"
    before = dict(query(warehouse, "SELECT gemeente_code, count(*) FROM staging.stg_zorg__berichtregels GROUP BY 1"))
    enschede = "SELECT count(*) FROM marts.fct_indicator WHERE regio_code = 'GM0153' AND indicator_code LIKE 'EIGEN_%'"
    assert query(warehouse, enschede) == [(0,)]  # the demo has no own care data of Enschede
    # step 1: Almelo and Enschede deliver their export of the second half of 2024 and of the first half of 2025
    # (Almelo's exports also replace months of the demo's, of allocations that began years before; the peildatum
    # moves into 2025); a provider reports a stop for an allocation of 2022; a client moves to another wijk; Borne
    # sends one allocation of 2025
    files = write_care_exports(tmp_path / "exports", 3_000, HalfYear(2024, 2), HalfYear(2025, 1))
    delivered = [p for paths in files.values() for p in paths if p.name.split("_")[1] in ("GM0141", "GM0153")]
    replaced_months = months([r for p in delivered if "GM0141" in p.name for r in read_export(p)])
    rows = export_rows(settings)
    allocation = open_allocation(rows, replaced_months)
    moving = mover(rows, skip=allocation["BSN"])
    postcodes = "staging.stg_postcodes__postcodes WHERE jaar = 2024 AND gemeente_code = 'GM0141'"
    (old_wijk,) = query(warehouse, f"SELECT wijk_code FROM {postcodes} AND postcode = '{moving['Postcode']}'")[0]
    new_postcode, new_wijk = query(
        warehouse, f"SELECT postcode, wijk_code FROM {postcodes} AND wijk_code <> '{old_wijk}' ORDER BY 1 LIMIT 1"
    )[0]
    for path in delivered:
        path.rename(inbox / path.name)
    write_export(inbox / "stop_laat.csv", [late_stop(allocation)])
    write_export(inbox / "verhuizing.csv", [moved(moving, new_postcode)])
    borne_postcodes = "staging.stg_postcodes__postcodes WHERE jaar = 2024 AND gemeente_code = 'GM0147'"
    (borne_postcode,) = query(warehouse, f"SELECT min(postcode) FROM {borne_postcodes}")[0]
    write_export(inbox / "borne_2025.csv", [first_in_borne(moving, borne_postcode)])
    borne = "FROM intermediate.int_zorgclienten_per_jaar WHERE gemeente_code = 'GM0147'"
    assert query(warehouse, f"SELECT jaar, count(*), bool_and(is_voorlopig), count(*) FILTER (is_uitstroom) {borne} "
                            "GROUP BY ALL") == [(2024, 24, True, 0)]  # fmt: skip

    mark(warehouse, "kept")
    assert care_build(settings).success
    # the build rewrote exactly the messages (scopes) the new files deliver, with their lines; the rest was kept
    rewritten = query(
        warehouse,
        "SELECT bericht_sleutel, count(*) FROM staging.stg_zorg__berichtregels WHERE source_sheet IS NULL "
        "GROUP BY 1 ORDER BY 1",
    )
    scopes = query(
        warehouse,
        "SELECT replace_scope, count(*) FROM raw.zorg WHERE source_file LIKE 'zorg/zorgexport_GM%' "
        "OR source_file IN ('zorg/stop_laat.csv', 'zorg/verhuizing.csv', 'zorg/borne_2025.csv') GROUP BY 1 ORDER BY 1",
    )
    assert rewritten == scopes and len(scopes) > 50
    mark(warehouse, None)
    after = dict(query(warehouse, "SELECT gemeente_code, count(*) FROM staging.stg_zorg__berichtregels GROUP BY 1"))
    assert after["GM0153"] > before.get("GM0153", 0)
    assert after["GM0147"] == before["GM0147"] + 1  # Borne delivered one allocation
    assert query(warehouse, enschede)[0][0] > 0  # the new data reached the marts
    # Almelo's demo export no longer counts for the months the new export delivers
    replaced = query(
        warehouse,
        """SELECT count(*) FROM staging.stg_zorg__berichtregels AS s
           WHERE s.source_file LIKE '%almelo%' AND s.bericht_sleutel IN (
               SELECT replace_scope FROM raw.zorg WHERE source_file LIKE 'zorg/zorgexport_GM0141%')""",
    )
    assert replaced == [(0,)]
    # the late stop ended the allocation in 2023, and the mover lives in another wijk in 2025
    allocations = "FROM intermediate.int_zorgtoewijzingen WHERE toewijzing_sleutel = "
    ended = f"SELECT einddatum::VARCHAR, eind_bron {allocations} '{allocation['Toewijzingnummer']}'"
    assert query(warehouse, ended) == [("2023-06-30", "stopbericht")]
    mover_wijk = (
        "SELECT wijk_code FROM intermediate.int_zorgclienten_wijk_per_jaar WHERE jaar = 2025 "
        "AND gemeente_code = 'GM0141' AND client_id = "
        "(SELECT client_id FROM staging.stg_zorg__toewijzingen WHERE toewijzing_nummer = 'VERHUISD-1')"
    )
    assert query(warehouse, mover_wijk) == [(new_wijk,)]
    # Borne's Wmo clients of 2024, whom the delivery does not name: no longer provisional, some left, some still in
    # care in 2025 (Borne's youth care data did not move: 2024 stays provisional there)
    years = query(
        warehouse,
        f"SELECT jaar, bool_or(is_voorlopig), count(*) FILTER (is_uitstroom) {borne} AND wet = 'wmo' GROUP BY ALL "
        "ORDER BY 1",
    )
    assert years[0][:2] == (2024, False) and years[0][2] > 0 and years[1][0] == 2025

    # step 2: Almelo corrects its export of the Wmo allocations of a month of 2022 no new export replaced: one
    # client's allocation was wrong ...
    kept_months = months(rows) - replaced_months
    month = min(m for wet, kind, m in kept_months if (wet, kind) == ("wmo", "toewijzing") and m > "2022")
    scope = [r for r in rows if months([r]) == {("wmo", "toewijzing", month)}]
    dropped = scope[0]
    write_export(inbox / "zorgexport_almelo_2022-03_gecorrigeerd.csv", scope[1:])
    # ... and its Wmo invoice lines of a month of 2021, the first year of its data, which nothing else delivered
    # since moves: one line was invoiced in error (its client's 2021 costs drop by the line's amount, their other
    # years stay; the indicators of Almelo and its wijken of 2021 move with it)
    invoice_month = min(m for wet, kind, m in kept_months if (wet, kind) == ("wmo", "declaratie") and m > "2021")
    invoices = [r for r in rows if months([r]) == {("wmo", "declaratie", invoice_month)}]
    year = int(invoice_month[:4])
    kept_lines = Counter(
        r["BSN"]
        for r in rows
        if months([r]) & kept_months
        and (r["Wet"], r["Soort regel"], r["Begindatum"][:4]) == ("wmo", "declaratie", str(year))
    )
    withdrawn = next(r for r in invoices if r["Debet/credit"] == "D" and r["BSN"] != dropped["BSN"]
                     and kept_lines[r["BSN"]] > 1)  # a client with other lines that year: their row stays  # fmt: skip
    write_export(inbox / "zorgexport_almelo_declaraties_gecorrigeerd.csv", [r for r in invoices if r is not withdrawn])
    number = withdrawn["Toewijzingnummer"]
    (client,) = query(warehouse, f"SELECT client_id {allocations} '{number}' AND gemeente_code = 'GM0141'")[0]
    client_costs = (
        "SELECT jaar, sum(bedrag)::DOUBLE FROM intermediate.int_zorgkosten_per_client_jaar "
        f"WHERE gemeente_code = 'GM0141' AND client_id = '{client}' GROUP BY 1 ORDER BY 1"
    )
    costs_before = dict(query(warehouse, client_costs))
    # ... and a provider corrects a stop of 2021: care ended two weeks later, in the same year. The period's duration
    # changes, nothing else about it (its client, year, wijk, the year's clients), so only the fingerprint of
    # Almelo's 2021 periods can tell that year's durations must be computed again
    write_export(inbox / "stop_gecorrigeerd.csv", [later_stop(stopped_in(rows, 2021))])
    durations_2021 = (
        "SELECT DISTINCT invoer_vingerafdruk FROM intermediate.int_zorg_eigen_per_gemeente_jaar "
        "WHERE gemeente_code = 'GM0141' AND jaar = 2021 AND onderdeel = 'perioden'"
    )
    [fingerprint_before] = query(warehouse, durations_2021)
    assert care_build(settings).success
    [fingerprint_after] = query(warehouse, durations_2021)
    assert fingerprint_after != fingerprint_before
    assert query(warehouse, f"SELECT count(*) {allocations} '{dropped['Toewijzingnummer']}'") == [(0,)]
    costs = dict(query(warehouse, client_costs))
    assert costs[year] == pytest.approx(costs_before[year] - float(withdrawn["Bedrag"].replace(",", ".")))
    assert {y: c for y, c in costs.items() if y != year} == {y: c for y, c in costs_before.items() if y != year}

    # step 3: Almelo's corrected postcode table of 2024 places a postcode where clients lived that year in another
    # wijk; no care data changes, yet those client-years move wijk (and the wijk indicators with them)
    located = "FROM intermediate.int_zorgclienten_wijk_per_jaar WHERE gemeente_code = 'GM0141' AND jaar = 2024"
    (postcode, wijk), *_ = query(
        warehouse,
        f"SELECT postcode, wijk_code {located} AND wijk_status = 'gevonden' GROUP BY ALL ORDER BY count(*) DESC, 1",
    )
    table = query(warehouse, f"SELECT postcode, buurt_code, wijk_code, gemeente_code, jaar FROM {postcodes} ORDER BY 1")
    other_buurt, other_wijk = next((b, w) for _, b, w, _, _ in table if w != wijk)
    corrected = [(pc, other_buurt, other_wijk, *rest) if pc == postcode else (pc, b, w, *rest)
                 for pc, b, w, *rest in table]  # fmt: skip
    write_csv(
        settings.inbox / "postcodes" / "postcodes_almelo_2024_gecorrigeerd.csv",
        ["postcode", "buurtcode", "wijkcode", "gemeentecode", "jaar"],
        corrected,
    )
    care_years = (
        "SELECT DISTINCT wijk_code FROM intermediate.int_zorgclienten_per_jaar WHERE gemeente_code = 'GM0141' "
        f"AND jaar = 2024 AND client_id IN (SELECT client_id {located} AND postcode = '{postcode}')"
    )
    assert query(warehouse, care_years) == [(wijk,)]
    assert run(settings, "gemeente_files", downstream_of(settings, "raw", "postcodes"), full_refresh=False).success
    assert query(warehouse, care_years) == [(other_wijk,)]

    tables = [
        f"{schema}.{table}"
        for schema, table in query(warehouse, "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL")
        if schema == "marts"
    ]
    compared = [t for t in tables if t not in RUN_HISTORY] + CARE_TABLES
    assert len(compared) >= 20
    copy_tables(warehouse, tmp_path / "incremental.duckdb", compared)

    mark(warehouse, "kept")
    assert rebuild_from_raw(settings).success
    kept = query(warehouse, "SELECT count(*) FROM staging.stg_zorg__berichtregels WHERE source_sheet = 'kept'")
    assert kept == [(0,)]  # rebuilt from raw: every line written again

    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(f"ATTACH '{tmp_path / 'incremental.duckdb'}' AS incremental (READ_ONLY)")
        differences = {table: differing_rows(con, table, f'incremental."{table}"') for table in compared}
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in compared}
    assert {table: rows for table, rows in differences.items() if rows} == {}
    assert counts["marts.fct_indicator"] > 20_000 and counts["staging.stg_zorg__berichtregels"] > 100_000
