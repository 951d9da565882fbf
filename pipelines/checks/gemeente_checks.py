"""Blocking GX checks on the raw tables of the inbox's files: one suite per source, ``expectations/raw_<source>.json``.

They run on every row of the raw table (all loads), so a row that slipped past validation, or a BSN where a
pseudonym belongs, stops dbt before staging reads it.
"""

from pipelines.assets.gemeente_files import asset_key
from pipelines.checks.gx_checks import gx_check
from pipelines.jobs import INBOX_SOURCES
from pipelines.sources.geo.load import SOURCE as MAP_SOURCE

# the map's polygons are checked for being there, not loaded into pandas (GEOS checked them on loading)
QUERIES = {
    MAP_SOURCE: f"SELECT * EXCLUDE (geometrie), octet_length(geometrie) AS geometrie_bytes FROM raw.{MAP_SOURCE}"
}

gemeente_gx_checks = [
    gx_check(asset_key(source), [f"raw_{source}"], QUERIES.get(source, f"SELECT * FROM raw.{source}"))
    for source in INBOX_SOURCES
]
