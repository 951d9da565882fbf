"""dbt-duckdb plugin (dbt_project/profiles.yml): every dbt connection gets the region macros of
pipelines/sources/regions.py, so dbt's models decide the gemeente of a region code as the intake does."""

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from pipelines.sources.regions import create_region_macros


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        create_region_macros(conn)
