import subprocess
import sys

import duckdb

from pipelines.publish import publish_marts


def make_warehouse(path, value):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA staging")
    con.execute(f"CREATE TABLE marts.fct_a AS SELECT {value} AS v UNION ALL SELECT 2")
    con.execute("CREATE TABLE staging.not_published AS SELECT 1 AS x")
    con.close()


def test_publish_copies_only_the_marts_into_main(tmp_path):
    make_warehouse(tmp_path / "wh.duckdb", 1)
    counts = publish_marts(tmp_path / "wh.duckdb", tmp_path / "serving.duckdb")
    assert counts == {"fct_a": 2}
    con = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    assert con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall() == [
        ("main", "fct_a")
    ]


def total_in_other_process(path):
    code = (
        f"import duckdb; con = duckdb.connect({str(path)!r}, read_only=True); "
        "print(con.execute('SELECT sum(v) FROM fct_a').fetchall()[0][0])"
    )
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_a_reader_of_the_old_file_keeps_reading_while_new_connections_see_the_new_one(tmp_path):
    serving = tmp_path / "serving.duckdb"
    make_warehouse(tmp_path / "wh1.duckdb", 1)
    publish_marts(tmp_path / "wh1.duckdb", serving)
    reader = duckdb.connect(str(serving), read_only=True)

    make_warehouse(tmp_path / "wh2.duckdb", 100)
    publish_marts(tmp_path / "wh2.duckdb", serving)

    assert reader.execute("SELECT sum(v) FROM fct_a").fetchall() == [(3,)]  # the old file, still whole
    assert total_in_other_process(serving) == 102
    # within one process DuckDB shares the open instance per path: new data once the old handle is closed
    reader.close()
    assert duckdb.connect(str(serving), read_only=True).execute("SELECT sum(v) FROM fct_a").fetchall() == [(102,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serving.duckdb", "wh1.duckdb", "wh2.duckdb"]
