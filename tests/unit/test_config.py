"""DuckDB's memory limit and spill folder: decided once in Settings, handed to every writer."""

import duckdb
import pytest

from pipelines.config import REPO_ROOT, ConfigError, Settings
from pipelines.resources import build_resources

DEMO_INSTALLATION = REPO_ROOT / "demo" / "installation.yaml"


def test_every_writer_gets_the_memory_limit_and_the_spill_folder(tmp_path):
    env = {"SBM_HOME": str(tmp_path), "SBM_INSTALLATION": str(DEMO_INSTALLATION), "SBM_DUCKDB_MEMORY_LIMIT": "2GB"}
    settings = Settings.from_env(env)
    expected = {"memory_limit": "2GB", "temp_directory": str(tmp_path / "duckdb_tmp")}
    assert settings.duckdb_config() == expected
    assert build_resources(settings)["warehouse"].connection_config == expected  # Dagster steps and the intake
    dbt = settings.dbt_vars()  # what profiles.yml reads
    assert (dbt["memory_limit"], dbt["temp_directory"]) == ("2GB", str(tmp_path / "duckdb_tmp"))


@pytest.mark.parametrize("value", ["lots", "2 G", "-1GB", ""])
def test_a_memory_limit_duckdb_cannot_read_is_refused_by_name(tmp_path, value):
    with pytest.raises(ConfigError, match="SBM_DUCKDB_MEMORY_LIMIT"):
        Settings.from_env({"SBM_HOME": str(tmp_path), "SBM_DUCKDB_MEMORY_LIMIT": value})


def test_a_query_larger_than_the_limit_spills_to_the_folder_instead_of_failing(tmp_path):
    # 3 million groups of a BIGINT key and a count need more than 100 MB of hash table
    query = "SELECT count(*) FROM (SELECT i % 3000000 AS k, count(*) FROM range(6000000) AS t(i) GROUP BY k)"
    settings = Settings.from_env({"SBM_HOME": str(tmp_path), "SBM_DUCKDB_MEMORY_LIMIT": "100MB"})
    assert not settings.duckdb_temp.exists()
    with duckdb.connect(str(tmp_path / "w.duckdb"), config={**settings.duckdb_config(), "threads": 1}) as con:
        assert con.execute(query).fetchone() == (3_000_000,)
        assert settings.duckdb_temp.is_dir()  # DuckDB made it when it had to spill (and removes it on closing)
