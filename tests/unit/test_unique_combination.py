"""The grain test's SQL (dbt_project/tests/generic/unique_combination.sql) on hand-made rows: it reports exactly
the combinations that occur more than once, NULL equal to NULL as in a GROUP BY, with their counts."""

import duckdb
import jinja2

from pipelines.config import DBT_PROJECT_DIR

MACRO = DBT_PROJECT_DIR / "tests" / "generic" / "unique_combination.sql"


def render(model: str, columns: list[str]) -> str:
    # a dbt generic test is a macro under another tag: rendered here as one, with plain Jinja
    text = MACRO.read_text().replace("{% test ", "{% macro ").replace("{% endtest %}", "{% endmacro %}")
    return jinja2.Environment().from_string(text).module.unique_combination(model, columns)


def test_reports_each_repeated_combination_once_with_its_count():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (k VARCHAR, n INTEGER)")
    rows = [("a", 1), ("a", 1), ("a", 1), ("a", 2), (None, 1), (None, 1), ("b", None), ("b", 2), ("c", 1)]
    con.executemany("INSERT INTO t VALUES (?, ?)", rows)
    found = con.execute(f"SELECT * FROM ({render('t', ['k', 'n'])}) ORDER BY k NULLS LAST").fetchall()
    assert found == [("a", 1, 3), (None, 1, 2)]


def test_unique_rows_pass():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT i % 1000 AS k, i // 1000 AS n FROM range(100000) AS r(i)")
    assert con.execute(f"SELECT count(*) FROM ({render('t', ['k', 'n'])})").fetchall() == [(0,)]
    assert con.execute(f"SELECT count(*) FROM ({render('t', ['k'])})").fetchall() == [(1000,)]
