"""dashboards.build on a tiny spec and serving file: what it refuses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from dashboards.build import build_tree
from dashboards.charts import SpecError

DASHBOARD = {
    "title": "Test",
    "slug": "test",
    "markdown": {"uitleg": "Synthetische demodata"},
    "rows": [[{"markdown": "uitleg", "width": 4, "height": 20}, {"chart": "tabel", "width": 8, "height": 20}]],
}


def _spec(tmp_path: Path, datasets: dict, charts: dict[str, dict]) -> Path:
    spec = tmp_path / "spec"
    (spec / "dashboards").mkdir(parents=True)
    labels = {"gemeente_naam": "Gemeente", "jaar": "Jaar"}
    (spec / "datasets.yaml").write_text(yaml.safe_dump({"labels": labels, "datasets": datasets}), "utf-8")
    for slug, chart in charts.items():
        dashboard = {**DASHBOARD, "title": slug, "slug": slug, "charts": {"tabel": chart}}
        (spec / "dashboards" / f"{slug}.yaml").write_text(yaml.safe_dump(dashboard), "utf-8")
    return spec


def _serving(tmp_path: Path) -> Path:
    path = tmp_path / "serving.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE er_is (gemeente_naam VARCHAR, jaar INTEGER)")
    return path


def _table(dataset: str) -> dict:
    return {
        "title": f"Tabel {dataset}",
        "viz": "table",
        "dataset": dataset,
        "columns": ["jaar"],
        "source": "Bron: test",
    }


def test_a_dataset_missing_from_the_serving_file_is_an_error(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"er_is": {"description": "d"}, "weg": {"description": "d"}}, {"een": _table("er_is")})
    with pytest.raises(SpecError, match="weg"):
        build_tree(_serving(tmp_path), spec_dir=spec)


def test_a_column_without_a_dutch_label_is_an_error(tmp_path: Path) -> None:
    serving = _serving(tmp_path)
    with duckdb.connect(str(serving)) as conn:
        conn.execute("ALTER TABLE er_is ADD COLUMN zonder_label INTEGER")
    spec = _spec(tmp_path, {"er_is": {"description": "d"}}, {"een": _table("er_is")})
    with pytest.raises(SpecError, match="zonder_label"):
        build_tree(serving, spec_dir=spec)
