"""`dbt docs generate` works offline on the built warehouse and shows the indicator catalogue and the lineage."""

import json
import subprocess

import pytest

from pipelines.config import DBT_PROJECT_DIR
from pipelines.instance import dbt_command

pytestmark = pytest.mark.integration


def test_dbt_docs_generate_offline_shows_the_catalogue_and_lineage(demo_pipeline, tmp_path):
    # as `make docs` runs it (python -m pipelines dbt -- docs generate --static)
    command = dbt_command(demo_pipeline, "docs", "generate", "--static", "--target-path", str(tmp_path), "--quiet")
    subprocess.run(command, cwd=DBT_PROJECT_DIR, check=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    catalog = json.loads((tmp_path / "catalog.json").read_text())
    seed = "seed.sociale_basis_monitor.indicator_catalog"
    assert "code" in catalog["nodes"][seed]["columns"]  # the catalogue's columns, read from the warehouse
    assert "Every indicator the monitor shows" in manifest["nodes"][seed]["description"]
    parents = manifest["parent_map"]["model.sociale_basis_monitor.fct_indicator"]
    assert {"model.sociale_basis_monitor.int_indicator_geharmoniseerd", seed} <= set(parents)
    assert (tmp_path / "static_index.html").stat().st_size > 100_000  # one self-contained page, no server needed
