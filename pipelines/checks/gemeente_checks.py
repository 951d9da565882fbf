"""Blocking GX checks on the raw tables of the gemeente files: one suite per source, ``expectations/raw_<source>.json``.

They run on every row of the raw table (all loads), so a row that slipped past validation, or a BSN where a
pseudonym belongs, stops dbt before staging reads it.
"""

from pipelines.assets.gemeente_files import asset_key
from pipelines.checks.gx_checks import gx_check
from pipelines.sources.files.spec import source_specs

gemeente_gx_checks = [
    gx_check(asset_key(source), [f"raw_{source}"], f"SELECT * FROM raw.{source}") for source in source_specs()
]
