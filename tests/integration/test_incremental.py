"""Incremental builds give the marts a full rebuild gives: a half year of care data delivered on top of the demo,
built incrementally (as the inbox sensor's run does), then everything rebuilt from raw (`--full-refresh`), every
mart compared row for row."""

import math
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
                                     "int_declaratieregels_per_wijk", "int_indicator__zorg_eigen")),
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


def test_a_half_year_built_incrementally_gives_the_marts_of_a_full_rebuild(demo_copy, tmp_path):
    settings = demo_copy
    warehouse = settings.warehouse
    before = dict(query(warehouse, "SELECT gemeente_code, count(*) FROM staging.stg_zorg__berichtregels GROUP BY 1"))
    enschede = "SELECT count(*) FROM marts.fct_indicator WHERE regio_code = 'GM0153' AND indicator_code LIKE 'EIGEN_%'"
    assert query(warehouse, enschede) == [(0,)]  # the demo has no own care data of Enschede
    # Almelo and Enschede deliver their export of the second half of 2024 and of the first half of 2025: Almelo's
    # months overlap the demo's export (those messages are replaced), the rest is new
    files = write_care_exports(tmp_path / "exports", 3_000, HalfYear(2024, 2), HalfYear(2025, 1))
    inbox = settings.inbox / "zorg"
    delivered = [p for paths in files.values() for p in paths if p.name.split("_")[1] in ("GM0141", "GM0153")]
    for path in delivered:
        path.rename(inbox / path.name)

    mark(warehouse, "kept")
    assert care_build(settings).success
    # the build rewrote exactly the messages (scopes) the new files deliver, with their lines; the rest was kept
    rewritten = query(
        warehouse,
        "SELECT bericht_sleutel, count(*) FROM staging.stg_zorg__berichtregels WHERE source_sheet IS NULL "
        "GROUP BY 1 ORDER BY 1",
    )
    delivered = query(
        warehouse,
        "SELECT replace_scope, count(*) FROM raw.zorg WHERE source_file LIKE 'zorg/zorgexport_GM%' "
        "GROUP BY 1 ORDER BY 1",
    )
    assert rewritten == delivered and len(delivered) > 50
    mark(warehouse, None)
    after = dict(query(warehouse, "SELECT gemeente_code, count(*) FROM staging.stg_zorg__berichtregels GROUP BY 1"))
    assert after["GM0153"] > before.get("GM0153", 0)
    assert after["GM0147"] == before["GM0147"]  # Borne delivered nothing
    assert query(warehouse, enschede)[0][0] > 0  # the new data reached the marts
    # Almelo's demo export no longer counts for the months the new export delivers
    replaced = query(
        warehouse,
        """SELECT count(*) FROM staging.stg_zorg__berichtregels AS s
           WHERE s.source_file LIKE '%almelo%' AND s.bericht_sleutel IN (
               SELECT replace_scope FROM raw.zorg WHERE source_file LIKE 'zorg/zorgexport_GM0141%')""",
    )
    assert replaced == [(0,)]

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
