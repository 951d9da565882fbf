"""Region codes: which gemeente (or wijk) a code belongs to, and the regions the warehouse knows.

The one place that decides the gemeente of a region code is ``REGION_MACROS``: DuckDB macros created on every
connection that writes the warehouse (the intake here, dbt through its plugin ``pipelines.dbt_plugin``), so the
mapping YAMLs, dbt's models and this module all call ``gemeente_van(code)`` instead of spelling the rule out.
CBS codes nest: gemeente GM + 4 digits, wijk WK + the gemeente's 4 + 2, buurt BU + the wijk's 6 + 2.

The regions the warehouse knows, against which wijk (and other region) codes in gemeente files are checked: today
every region code that appears in any edition of CBS Kerncijfers wijken en buurten in raw (so a wijk code of an
earlier classification is still known). When the ``dim_regio`` dbt model exists, point ``KNOWN_REGIONS_SQL`` at
it; nothing else changes.
"""

from __future__ import annotations

import duckdb

from pipelines.sources.files.errors import BadValueError

REGION_MACROS = {
    "gemeente_van": "'GM' || substr(code, 3, 4)",
    "wijk_van": "'WK' || substr(code, 3, 6)",
    "regio_niveau": "CASE left(code, 2) WHEN 'GM' THEN 'gemeente' WHEN 'WK' THEN 'wijk' WHEN 'BU' THEN 'buurt' END",
}
KNOWN_REGIONS_SOURCE = "raw.cbs_kerncijfers_wijken_buurten"

# code, level (gemeente/wijk/buurt), gemeente code, name as compared (lower case, letters and digits only)
KNOWN_REGIONS_SQL = f"""
    SELECT DISTINCT
        region_code AS code,
        regio_niveau(region_code) AS level,
        gemeente_van(region_code) AS gemeente_code,
        regexp_replace(lower(strip_accents(region_name)), '[^a-z0-9]', '', 'g') AS name_key
    FROM {KNOWN_REGIONS_SOURCE}
    WHERE region_code SIMILAR TO '(GM[0-9]{{4}}|WK[0-9]{{6}}|BU[0-9]{{8}})'
"""


def create_region_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The region macros, in the warehouse itself (views that use them stay readable from any connection); once
    per connection (a connection variable remembers it), since each CREATE is a commit and the intake asks for
    them once per file."""
    if con.execute("SELECT getvariable('region_macros_created')").fetchall()[0][0]:
        return
    for name, body in REGION_MACROS.items():
        con.execute(f"CREATE OR REPLACE MACRO main.{name}(code) AS {body}")
    con.execute("SET VARIABLE region_macros_created = true")


def load_known_regions(con: duckdb.DuckDBPyConnection, label: str, needed: bool = True) -> int:
    """Fill the TEMP table ``_known_regions``; a file with region codes cannot be checked without it. When the
    file has no region column to check (``needed`` false) the table is made empty, so the checks still bind. The
    region macros are (re)created first: the mapping's SQL calls them."""
    create_region_macros(con)
    source_exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name || '.' || table_name = ?", [KNOWN_REGIONS_SOURCE]
    ).fetchall()[0][0]
    con.execute("DROP TABLE IF EXISTS _known_regions")
    con.execute(
        f"CREATE TEMP TABLE _known_regions AS {KNOWN_REGIONS_SQL}"
        if needed and source_exists
        else "CREATE TEMP TABLE _known_regions (code VARCHAR, level VARCHAR, gemeente_code VARCHAR, name_key VARCHAR)"
    )
    count = con.execute("SELECT count(*) FROM _known_regions").fetchall()[0][0]
    if count == 0 and needed:
        raise BadValueError(
            label,
            None,
            f"known regions in {KNOWN_REGIONS_SOURCE} to check wijk codes against",
            "none: load CBS Kerncijfers wijken en buurten first (the full refresh does)",
        )
    return count
