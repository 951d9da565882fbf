"""The data-quality marts after the demo pipeline (the state `make demo` builds), against what the demo delivers:
which files, which bad rows, which periods, which cells are secret."""

from collections import Counter

import duckdb
import pytest

from pipelines.checks.gx_checks import gx_checks
from pipelines.demo import gemeente_files as demo

pytestmark = pytest.mark.integration


def query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_source_is_reported_with_its_loads_and_every_load_adds_up(demo_pipeline):
    rows = query(
        demo_pipeline.serving,
        """SELECT bron, bron_soort, ladingen, ladingen_dubbel, ladingen_mislukt, rijen_in_quarantaine,
                  ladingen_niet_sluitend
           FROM fct_datakwaliteit_bronnen""",
    )
    by_source = {bron: rest for bron, *rest in rows}
    assert len(by_source) == 16  # ten CBS table families, six kinds of gemeente file
    files_per_source = Counter(name.split("/")[0] for name in demo.gemeente_files())
    quarantined = {"subsidies": 5, "zorg": 3, "initiatieven": 1, "voorzieningen": 2, "indicatoren": 2, "postcodes": 0}
    for source, files in files_per_source.items():
        assert by_source[source] == ["gemeentebestand", files, 0, 0, quarantined[source], 0], source
    # CBS: one load per release; the demo's Kerncijfers come as one table per edition 2015-2024
    assert by_source["cbs_kerncijfers_wijken_buurten"][:2] == ["cbs", 10]
    assert all(rest[-1] == 0 for rest in by_source.values())


def test_quarantined_rows_per_reason_without_their_content(demo_pipeline):
    rows = query(demo_pipeline.serving, "SELECT bron, reden_code, rijen, bestanden FROM fct_datakwaliteit_quarantaine")
    # the bad rows the demo plants (tests/integration/test_gemeente_files.py lists each one)
    assert sorted(rows) == [
        ("indicatoren", "future_period", 1, 1),
        ("indicatoren", "unknown_region", 1, 1),
        ("initiatieven", "unknown_region", 1, 1),
        ("subsidies", "future_date", 1, 1),
        ("subsidies", "negative_amount", 1, 1),
        ("subsidies", "not_an_amount", 1, 1),
        ("subsidies", "summary_row", 1, 1),
        ("subsidies", "unknown_region", 1, 1),
        ("voorzieningen", "bad_value", 1, 1),
        ("voorzieningen", "no_location", 1, 1),
        ("zorg", "future_period", 1, 1),
        ("zorg", "invalid_bsn", 1, 1),
        ("zorg", "negative_amount", 1, 1),
    ]
    columns = query(
        demo_pipeline.serving,
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'fct_datakwaliteit_quarantaine'",
    )
    assert {c for (c,) in columns} == {"bron", "reden_code", "rijen", "bestanden", "kolommen", "laatste_lading"}


def test_freshness_is_the_last_period_each_source_holds(demo_pipeline):
    latest = dict(query(demo_pipeline.serving, "SELECT bron, laatste_periode FROM fct_datakwaliteit_bronnen"))
    assert latest["zorg"] == "2024-12"  # Almelo's export invoices through Q4 2024 (Q1 2025 is quarantined)
    assert latest["subsidies"] == "2024"
    assert latest["cbs_jeugdzorg_gemeente"] == "2024HJ02"  # half years
    assert latest["cbs_bijstand"] == "2024MM12"  # months
    assert latest["cbs_kerncijfers_wijken_buurten"] == "2024JJ00"


def test_every_check_of_the_run_is_reported_and_passed(demo_pipeline):
    kinds = dict(
        query(
            demo_pipeline.serving,
            "SELECT soort, count(*) FROM fct_datakwaliteit_controles WHERE is_geslaagd GROUP BY ALL",
        )
    )
    failed = query(demo_pipeline.serving, "SELECT * FROM fct_datakwaliteit_controles WHERE NOT is_geslaagd")
    assert failed == []
    # every GX check but the five on the data-quality marts themselves, which run after these marts are built
    checks = [spec for step in gx_checks for spec in step.check_specs]
    assert len([spec for spec in checks if "datakwaliteit" in spec.asset_key.path[-1]]) == 5
    assert kinds["gx"] == len(checks) - 5
    assert kinds["dbt_unit_test"] >= 14 and kinds["dbt_test"] >= 150
    # ...and those five are in the log for the next run's marts
    logged = query(
        demo_pipeline.warehouse,
        """SELECT count(*) FROM meta.check_results
           WHERE kind = 'gx' AND target LIKE 'marts.fct_datakwaliteit_%' AND status = 'pass'""",
    )
    assert logged == [(5,)]


def test_suppressed_share_per_indicator_covers_every_mart_with_suppressed_cells(demo_pipeline):
    marts = {m for (m,) in query(demo_pipeline.serving, "SELECT DISTINCT mart FROM fct_datakwaliteit_onderdrukking")}
    with_flag = query(
        demo_pipeline.serving, "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'is_onderdrukt'"
    )
    assert marts == {t for (t,) in with_flag}
    (row,) = query(
        demo_pipeline.serving,
        """SELECT cellen, onderdrukt, onderdrukt_geheim_of_onbekend, pct_onderdrukt FROM fct_datakwaliteit_onderdrukking
           WHERE mart = 'fct_indicator' AND indicator_code = 'WMO_CLIENTEN_PER_1000'""",
    )
    # 14 gemeenten + 79 wijken over 2015-2024 = 930 cells; the tiny wijk WK014110 is secret at CBS every year
    assert row == (930, 10, 10, round(100 * 10 / 930, 1))
