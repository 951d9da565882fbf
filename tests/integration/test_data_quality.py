"""The data-quality marts after the demo pipeline (the state `make demo` builds), against what the demo delivers:
which files, which bad rows, which periods, which cells are secret."""

from collections import Counter

import duckdb
import pytest

from demo import gemeente_files as demo
from demo import kaart
from pipelines.checks.gx_checks import gx_checks

pytestmark = pytest.mark.integration


def query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_source_is_reported_with_its_loads_and_every_load_adds_up(demo_pipeline):
    rows = query(
        demo_pipeline.serving,
        """SELECT bron, any_value(bron_soort), sum(ladingen), sum(ladingen_dubbel), sum(ladingen_mislukt),
                  sum(rijen_in_quarantaine), sum(ladingen_niet_sluitend)
           FROM fct_datakwaliteit_bronnen GROUP BY bron""",
    )
    by_source = {bron: rest for bron, *rest in rows}
    assert len(by_source) == 17  # ten CBS table families, six kinds of gemeente file, the Wijk- en buurtkaart
    files_per_source = Counter(name.split("/")[0] for name in demo.gemeente_files())
    files_per_source["wijkenbuurtkaart"] = len(kaart.YEARS)
    quarantined = {"subsidies": 5, "zorg": 3, "initiatieven": 1, "voorzieningen": 2, "indicatoren": 2, "postcodes": 0,
                   "wijkenbuurtkaart": len(kaart.YEARS)}  # fmt: skip  # a buurt without geometry in each map
    for source, files in files_per_source.items():
        assert by_source[source] == ["gemeentebestand", files, 0, 0, quarantined[source], 0], source
    # CBS: one load per release; the demo's Kerncijfers come as one table per edition 2015-2024, 2020 released twice
    assert by_source["cbs_kerncijfers_wijken_buurten"][:2] == ["cbs", 11]
    assert all(rest[-1] == 0 for rest in by_source.values())


def test_quarantined_rows_per_gemeente_and_reason_without_their_content(demo_pipeline):
    rows = query(
        demo_pipeline.serving,
        "SELECT bron, gemeente_code, reden_code, rijen, bestanden FROM fct_datakwaliteit_quarantaine",
    )
    # the bad rows the demo plants (tests/integration/test_gemeente_files.py lists each one), with the gemeente the
    # row names (Almelo's register sits in folder GM0141; Enschede's totals row names none: its file's gemeente);
    # per demo map one buurt without geometry (demo/kaart.py, EMPTY_BUURT), of no one gemeente: a map
    # holds the wijken of every gemeente of the installation
    assert sorted(rows, key=str) == sorted([
        ("indicatoren", "GM0141", "future_period", 1, 1),
        ("indicatoren", "GM9999", "unknown_region", 1, 1),
        ("initiatieven", "GM0164", "unknown_region", 1, 1),
        ("subsidies", "GM0141", "future_date", 1, 1),
        ("subsidies", "GM0141", "negative_amount", 1, 1),
        ("subsidies", "GM0141", "not_an_amount", 1, 1),
        ("subsidies", "GM0141", "unknown_region", 1, 1),
        ("subsidies", "GM0153", "summary_row", 1, 1),
        ("voorzieningen", "GM0153", "bad_value", 1, 1),
        ("voorzieningen", "GM0153", "no_location", 1, 1),
        ("wijkenbuurtkaart", None, "missing_geometry", 2, 2),
        ("zorg", "GM0141", "future_period", 1, 1),
        ("zorg", "GM0141", "invalid_bsn", 1, 1),
        ("zorg", "GM0141", "negative_amount", 1, 1),
    ], key=str)  # fmt: skip
    columns = query(
        demo_pipeline.serving,
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'fct_datakwaliteit_quarantaine'",
    )
    assert {c for (c,) in columns} == {
        "bron", "bron_naam", "gemeente_code", "gemeente_naam", "reden_code", "reden", "rijen", "bestanden", "kolommen",
        "laatste_lading",
    }  # fmt: skip
    # the dashboard reads the reason in Dutch (seed quarantaineredenen)
    reasons = dict(query(demo_pipeline.serving, "SELECT reden_code, reden FROM fct_datakwaliteit_quarantaine"))
    assert reasons["invalid_bsn"] == "ongeldig BSN (elfproef)" and reasons["missing_geometry"] == "geometrie ontbreekt"


def test_a_file_belongs_to_the_gemeente_of_its_folder_or_of_all_its_rows(demo_pipeline):
    """Row-level security filters the data-quality marts on gemeente_code: every file load has the gemeente it
    speaks for, a file with rows of several gemeenten none, a CBS release is for all gemeenten."""
    loads = query(
        demo_pipeline.serving,
        "SELECT bron_soort, bestand, gemeente_code, voor_alle_gemeenten FROM fct_datakwaliteit_ladingen",
    )
    by_file = {name: (code, shared) for kind, name, code, shared in loads if kind == "gemeentebestand"}
    assert by_file["subsidies/GM0141/subsidieregister_almelo_synthetisch.csv"] == ("GM0141", False)  # folder
    assert by_file["zorg/zorgexport_almelo_2021-2024_synthetisch.csv"] == ("GM0141", False)  # all rows
    assert by_file["subsidies/subsidieregister_enschede_synthetisch.xlsx"] == ("GM0153", False)
    for regional in ("postcodes/postcodetabel_2015-2024_synthetisch.csv", "voorzieningen/voorzieningen_twente_2024_"
                     "synthetisch.csv", "indicatoren/wijkmonitor_twente_synthetisch.csv"):  # fmt: skip
        assert by_file[regional] == (None, False), regional
    assert {(code, shared) for kind, _, code, shared in loads if kind == "cbs"} == {(None, True)}
    # Almelo's own sources: its register (633 rows, 4 quarantined) and its care export (219,892 rows, 3 quarantined)
    almelo = query(
        demo_pipeline.serving,
        "SELECT bron, rijen_geladen, rijen_in_quarantaine FROM fct_datakwaliteit_bronnen "
        "WHERE gemeente_code = 'GM0141'",
    )
    assert sorted(almelo) == [("subsidies", 633 - 4, 4), ("zorg", 219_892 - 3, 3)]
    marts = query(
        demo_pipeline.serving,
        "SELECT table_name, bool_or(column_name = 'gemeente_code') FROM duckdb_columns() "
        "WHERE table_name LIKE 'fct_datakwaliteit_%' GROUP BY table_name",
    )
    assert len(marts) == 6 and all(has for _, has in marts), f"every data-quality mart carries gemeente_code: {marts}"


def test_freshness_is_the_last_period_each_source_holds(demo_pipeline):
    # a source delivered by several gemeenten has a row per gemeente (in no fixed order): its latest period of all
    latest = dict(
        query(demo_pipeline.serving, "SELECT bron, max(laatste_periode) FROM fct_datakwaliteit_bronnen GROUP BY bron")
    )
    assert latest["zorg"] == "2024-12"  # Almelo's export invoices through Q4 2024 (Q1 2025 is quarantined)
    assert latest["subsidies"] == "2024"
    assert latest["cbs_jeugdzorg_gemeente"] == "2024HJ02"  # half years
    assert latest["cbs_bijstand"] == "2024MM12"  # months
    assert latest["cbs_kerncijfers_wijken_buurten"] == "2024JJ00"
    assert latest["wijkenbuurtkaart"] == "2024"  # the newest classification year of a map
    # ... and as a Dutch reader writes it
    names = dict(
        query(
            demo_pipeline.serving,
            "SELECT bron, arg_max(laatste_periode_naam, laatste_periode) FROM fct_datakwaliteit_bronnen GROUP BY bron",
        )
    )
    assert (names["zorg"], names["cbs_jeugdzorg_gemeente"], names["cbs_bijstand"]) == (
        "december 2024", "2e halfjaar 2024", "december 2024",
    )  # fmt: skip


def test_every_check_of_the_run_is_reported_and_passed(demo_pipeline):
    kinds = dict(
        query(
            demo_pipeline.serving,
            "SELECT soort, count(*) FROM fct_datakwaliteit_controles WHERE is_geslaagd GROUP BY ALL",
        )
    )
    failed = query(demo_pipeline.serving, "SELECT * FROM fct_datakwaliteit_controles WHERE NOT is_geslaagd")
    assert failed == []
    # every GX check but the six on the data-quality marts themselves, which run after these marts are built
    checks = [spec for step in gx_checks for spec in step.check_specs]
    assert len([spec for spec in checks if "datakwaliteit" in spec.asset_key.path[-1]]) == 6
    assert kinds["gx"] == len(checks) - 6
    assert kinds["dbt_unit_test"] >= 14 and kinds["dbt_test"] >= 150
    # ...and those six are in the log for the next run's marts
    logged = query(
        demo_pipeline.warehouse,
        """SELECT count(*) FROM meta.check_results
           WHERE kind = 'gx' AND target LIKE 'marts.fct_datakwaliteit_%' AND status = 'pass'""",
    )
    assert logged == [(6,)]


def test_suppressed_share_per_indicator_covers_every_mart_with_suppressed_cells(demo_pipeline):
    marts = {m for (m,) in query(demo_pipeline.serving, "SELECT DISTINCT mart FROM fct_datakwaliteit_onderdrukking")}
    with_flag = query(
        demo_pipeline.serving, "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'is_onderdrukt'"
    )
    assert marts == {t for (t,) in with_flag}
    rows = query(
        demo_pipeline.serving,
        """SELECT gemeente_code, cellen, onderdrukt, onderdrukt_geheim_of_onbekend, pct_onderdrukt
           FROM fct_datakwaliteit_onderdrukking
           WHERE mart = 'fct_indicator' AND indicator_code = 'WMO_CLIENTEN_PER_1000'""",
    )
    # 14 gemeenten + 79 wijken over 2018-2024 (the Kerncijfers up to 2017 have no Wmo figures, so no cells) = 651
    # cells; the tiny wijk WK014110 (Almelo) is secret at CBS every year: Almelo has the gemeente and its 10 wijken
    # (on the 2024 classification) over 7 years, (1 + 10) x 7 = 77 cells, 7 of them suppressed
    assert sum(row[1] for row in rows) == 93 * 7 and sum(row[2] for row in rows) == 7
    assert [row for row in rows if row[0] == "GM0141"] == [("GM0141", 77, 7, 7, round(100 * 7 / 77, 1))]
