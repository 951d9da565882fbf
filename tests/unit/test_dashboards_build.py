"""dashboards.build on a tiny spec and serving file: what it refuses, and what it takes from the installation and
from the data (titles, filter defaults, sources, the synthetic label)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from dashboards.build import SPEC_DIR, build_tree
from dashboards.charts import SpecError
from pipelines.installation import parse_installation

INSTALLATION = parse_installation(
    Path("installation.yaml"),
    {
        "name": "Gemeente Zwolle",
        "gemeenten": ["GM0193", "GM0150"],
        "own_gemeente": "GM0193",
        "peer_groups": [{"code": "ijssel", "name": "IJsselsteden", "members": ["GM0193", "GM0150"]}],
    },
)
DASHBOARD = {
    "title": "Test",
    "slug": "test",
    "markdown": {"uitleg": "Uitleg"},
    "rows": [[{"markdown": "uitleg", "width": 4, "height": 20}, {"chart": "tabel", "width": 8, "height": 20}]],
}


def _spec(tmp_path: Path, datasets: dict, charts: dict[str, dict], **dashboard) -> Path:
    spec = tmp_path / "spec"
    (spec / "dashboards").mkdir(parents=True)
    (spec / "database.yaml").write_text((SPEC_DIR / "database.yaml").read_text("utf-8"), "utf-8")
    labels = {"gemeente_naam": "Gemeente", "gemeente_code": "Code", "jaar": "Jaar", "is_synthetisch": "Synthetisch"}
    (spec / "datasets.yaml").write_text(yaml.safe_dump({"labels": labels, "datasets": datasets}), "utf-8")
    for slug, chart in charts.items():
        doc = {**DASHBOARD, "title": slug, "slug": slug, "charts": {"tabel": chart}, **dashboard}
        (spec / "dashboards" / f"{slug}.yaml").write_text(yaml.safe_dump(doc), "utf-8")
    return spec


def _serving(tmp_path: Path, synthetic: bool = False) -> Path:
    path = tmp_path / "serving.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE TABLE er_is (gemeente_naam VARCHAR, gemeente_code VARCHAR, jaar INTEGER, is_synthetisch BOOLEAN)"
        )
        conn.execute(
            "INSERT INTO er_is VALUES ('Zwolle', 'GM0193', 2022, ?), ('Deventer', 'GM0150', 2023, false)", [synthetic]
        )
        conn.execute(
            "CREATE TABLE dim_indicator AS SELECT * FROM (VALUES ('A', 'CBS Kerncijfers; Subsidieregister'), "
            "('B', 'Subsidieregister; CBS CPI')) t(code, bronnen)"
        )
        conn.execute("CREATE TABLE dim_regio AS SELECT 'GM0193' regio_code, 'Zwolle' regio_naam, 2024 indeling_jaar")
    return path


def _table(dataset: str, **extra) -> dict:
    return {"title": f"Tabel {dataset}", "viz": "table", "dataset": dataset, "columns": ["jaar"],
            "source": "Bron: test", **extra}  # fmt: skip


def _docs(tree: dict[str, str], kind: str) -> list[dict]:
    return [yaml.safe_load(text) for path, text in sorted(tree.items()) if path.startswith(f"{kind}/")]


def test_a_dataset_missing_from_the_serving_file_is_an_error(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"er_is": {"description": "d"}, "weg": {"description": "d"}}, {"een": _table("er_is")})
    with pytest.raises(SpecError, match="weg"):
        build_tree(_serving(tmp_path), INSTALLATION, spec_dir=spec)


def test_a_column_without_a_dutch_label_is_an_error(tmp_path: Path) -> None:
    serving = _serving(tmp_path)
    with duckdb.connect(str(serving)) as conn:
        conn.execute("ALTER TABLE er_is ADD COLUMN zonder_label INTEGER")
    spec = _spec(tmp_path, {"er_is": {"description": "d"}}, {"een": _table("er_is")})
    with pytest.raises(SpecError, match="zonder_label"):
        build_tree(serving, INSTALLATION, spec_dir=spec)


def test_titles_and_filter_defaults_follow_the_installation_and_its_data(tmp_path: Path) -> None:
    chart = _table("er_is", title="Tabel (vergelijkingsgroep {vergelijkingsgroep})",
                   where="gemeente_code IN ({vergelijkingsgroep_leden})")  # fmt: skip
    filters = [
        {"id": "gemeente", "name": "Gemeente", "column": "gemeente_naam", "dataset": "er_is"},
        {"id": "jaar", "name": "Jaar", "column": "jaar", "dataset": "er_is", "default": "laatste"},
    ]
    filters[0]["default"] = "eigen_gemeente"
    spec = _spec(tmp_path, {"er_is": {"description": "d"}}, {"een": chart}, filters=filters)
    tree = build_tree(_serving(tmp_path), INSTALLATION, spec_dir=spec)
    (doc,) = _docs(tree, "charts")
    assert doc["slice_name"] == "Tabel (vergelijkingsgroep IJsselsteden)"
    assert "gemeente_code IN ('GM0193', 'GM0150')" in doc["query_context"]
    (dashboard,) = _docs(tree, "dashboards")
    defaults = {f["name"]: f["defaultDataMask"]["filterState"]["value"]
                for f in dashboard["metadata"]["native_filter_configuration"]}  # fmt: skip
    assert defaults == {"Gemeente": ["Zwolle"], "Jaar": [2023]}  # the own gemeente; the latest year in the data


def test_an_unknown_placeholder_is_an_error(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"er_is": {"description": "d"}}, {"een": _table("er_is", title="In {regio}")})
    with pytest.raises(SpecError, match=r"\{regio\}"):
        build_tree(_serving(tmp_path), INSTALLATION, spec_dir=spec)


def test_sources_come_from_the_catalogue_once_each(tmp_path: Path) -> None:
    chart = {k: v for k, v in _table("er_is").items() if k != "source"} | {"indicators": ["A", "B"]}
    spec = _spec(tmp_path, {"er_is": {"description": "d"}}, {"een": chart})
    serving = _serving(tmp_path)
    (doc,) = _docs(build_tree(serving, INSTALLATION, spec_dir=spec), "charts")
    assert doc["description"] == "Bron: CBS Kerncijfers; Subsidieregister; CBS CPI"
    unknown = _spec(tmp_path / "x", {"er_is": {"description": "d"}}, {"een": {**chart, "indicators": ["C"]}})
    with pytest.raises(SpecError, match="not in the indicator catalogue"):
        build_tree(serving, INSTALLATION, spec_dir=unknown)


@pytest.mark.parametrize("synthetic", [False, True])
def test_the_synthetic_label_comes_from_the_data(tmp_path: Path, synthetic: bool) -> None:
    spec = _spec(tmp_path, {"er_is": {"description": "d"}}, {"een": _table("er_is")})
    tree = build_tree(_serving(tmp_path, synthetic=synthetic), INSTALLATION, spec_dir=spec)
    shown = "".join(text for path, text in tree.items() if path.startswith(("charts/", "dashboards/")))
    assert ("synthetisch" in shown.lower()) is synthetic
    if synthetic:  # one synthetic row (Zwolle 2022) is enough
        (doc,) = _docs(tree, "charts")
        assert doc["description"] == "Bron: test (synthetische demodata)"
        (dashboard,) = _docs(tree, "dashboards")
        assert dashboard["position"]["MARKDOWN-uitleg"]["meta"]["code"].startswith("**Let op: dit zijn synthetische")
