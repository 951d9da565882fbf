"""dashboards.build on a tiny spec and serving file: pending datasets, and what it refuses."""

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


def test_a_pending_dataset_and_its_dashboard_wait_for_the_serving_file(tmp_path: Path) -> None:
    datasets = {"er_is": {"description": "d"}, "komt_nog": {"description": "d", "pending": "issue 5"}}
    spec = _spec(tmp_path, datasets, {"een": _table("er_is"), "twee": _table("komt_nog")})
    notes: list[str] = []
    tree = build_tree(_serving(tmp_path), spec_dir=spec, log=notes.append)
    assert sorted(path for path in tree if path.startswith("dashboards/")) == ["dashboards/een.yaml"]
    assert not any("komt_nog" in path for path in tree)
    assert any("komt_nog" in note and "issue 5" in note for note in notes)
    assert any("'twee'" in note for note in notes)


def test_a_missing_dataset_that_is_not_pending_is_an_error(tmp_path: Path) -> None:
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
