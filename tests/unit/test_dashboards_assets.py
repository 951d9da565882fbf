"""The Superset asset tree in dashboards/assets and the import bundle built from it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboards.provision import ASSETS_DIR, BUNDLE_ROOT, SERVING_PATH_PLACEHOLDER, build_bundle, serving_uri_path


def _load(kind: str) -> dict[str, dict[str, Any]]:
    """{file name: document} for one asset type."""
    return {path.name: yaml.safe_load(path.read_text("utf-8")) for path in sorted((ASSETS_DIR / kind).rglob("*.yaml"))}


DATABASES, DATASETS, CHARTS, DASHBOARDS = (_load(kind) for kind in ("databases", "datasets", "charts", "dashboards"))


def _position_charts(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in dashboard["position"].values() if isinstance(node, dict) and node["type"] == "CHART"]


def test_tree_is_an_assets_export_without_timestamp() -> None:
    assert yaml.safe_load((ASSETS_DIR / "metadata.yaml").read_text("utf-8")) == {"version": "1.0.0", "type": "assets"}
    assert len(DATABASES) == 1 and len(DATASETS) == 1 and len(DASHBOARDS) == 1 and len(CHARTS) >= 2
    # Superset names exported files Name_<id>.yaml; normalised names carry no instance id.
    for path in ASSETS_DIR.rglob("*.yaml"):
        assert not re.search(r"_\d+\.yaml$", path.name), path


def test_every_chart_in_the_layout_has_a_uuid_that_exists() -> None:
    chart_uuids = {chart["uuid"] for chart in CHARTS.values()}
    for name, dashboard in DASHBOARDS.items():
        placed = _position_charts(dashboard)
        assert placed, f"{name} shows no charts"
        assert all("uuid" in node["meta"] for node in placed), f"{name}: a CHART without meta.uuid"
        assert {node["meta"]["uuid"] for node in placed} == chart_uuids, "every chart placed, none missing"
        assert len({node["meta"]["chartId"] for node in placed}) == len(placed), "chartIds must be distinct"


def test_references_between_assets_resolve() -> None:
    database_uuids = {database["uuid"] for database in DATABASES.values()}
    dataset_uuids = {dataset["uuid"] for dataset in DATASETS.values()}
    assert all(dataset["database_uuid"] in database_uuids for dataset in DATASETS.values())
    assert all(chart["dataset_uuid"] in dataset_uuids for chart in CHARTS.values())
    for dashboard in DASHBOARDS.values():
        for native_filter in dashboard["metadata"]["native_filter_configuration"]:
            assert all(target["datasetUuid"] in dataset_uuids for target in native_filter["targets"])


def test_uuids_are_unique() -> None:
    uuids = [doc["uuid"] for docs in (DATABASES, DATASETS, CHARTS, DASHBOARDS) for doc in docs.values()]
    assert len(uuids) == len(set(uuids))


def test_every_chart_has_a_saved_query_context() -> None:
    # /api/v1/chart/<id>/data/ answers 400 "Chart has no query context saved" without one.
    for name, chart in CHARTS.items():
        context = json.loads(chart["query_context"])
        assert context["queries"], name
        assert context["form_data"]["viz_type"] == chart["viz_type"], name


def test_database_reads_the_serving_file_read_only_and_sandboxed() -> None:
    (database,) = DATABASES.values()
    assert database["sqlalchemy_uri"] == f"duckdb:///{SERVING_PATH_PLACEHOLDER}?access_mode=read_only"
    assert database["extra"]["engine_params"]["connect_args"]["config"] == {
        "enable_external_access": False,
        "lock_configuration": True,
    }
    assert database["allow_dml"] is False and database["allow_file_upload"] is False


def test_dataset_is_the_zorggebruik_mart() -> None:
    (dataset,) = DATASETS.values()
    assert (dataset["schema"], dataset["table_name"]) == ("main", "fct_zorggebruik_wijk")
    assert dataset["main_dttm_col"] == "peildatum"
    contract = {"gemeente_code", "gemeente_naam", "wijk_code", "wijk_naam", "jaar", "peildatum", "inwoners",
                "wmo_clienten", "wmo_per_1000", "is_onderdrukt", "is_voorlopig", "is_synthetisch", "bron"}  # fmt: skip
    physical = {column["column_name"] for column in dataset["columns"] if not column["expression"]}
    assert physical == contract
    assert all(column["verbose_name"] for column in dataset["columns"]), "every column has a Dutch label"


def test_trend_chart_plots_the_rate_per_wijk_by_year() -> None:
    (trend,) = [chart for chart in CHARTS.values() if chart["viz_type"] == "echarts_timeseries_line"]
    params = trend["params"]
    assert (params["x_axis"], params["time_grain_sqla"], params["groupby"]) == ("peildatum", "P1Y", ["wijk_naam"])
    (dataset,) = DATASETS.values()
    metrics = {metric["metric_name"]: metric for metric in dataset["metrics"]}
    (metric,) = params["metrics"]
    assert metrics[metric]["verbose_name"] == "Wmo-cliënten per 1.000 inwoners"
    # Suppressed cells must not weigh in: their inhabitants would dilute the rate.
    assert "WHERE NOT is_onderdrukt" in metrics[metric]["expression"]


def test_table_shows_the_figures_and_both_flags() -> None:
    (table,) = [chart for chart in CHARTS.values() if chart["viz_type"] == "table"]
    assert {"wijk_naam", "jaar", "inwoners", "wmo_clienten", "wmo_per_1000", "voorlopig", "onderdrukt"} <= set(
        table["params"]["all_columns"]
    )


def test_markdown_states_source_synthetic_data_and_suppression() -> None:
    (dashboard,) = DASHBOARDS.values()
    assert dashboard["dashboard_title"] == "Zorggebruik"
    markdown = " ".join(
        node["meta"]["code"]
        for node in dashboard["position"].values()
        if isinstance(node, dict) and node["type"] == "MARKDOWN"
    ).replace("*", "")
    assert "Synthetische demodata" in markdown
    assert "Bron: CBS Kerncijfers wijken en buurten" in markdown
    assert "minder dan 10" in markdown


def _bundle(serving: Path) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(build_bundle(serving))) as bundle:
        return {name: bundle.read(name).decode("utf-8") for name in bundle.namelist()}


def test_bundle_has_superset_import_layout(tmp_path: Path) -> None:
    files = _bundle(tmp_path / "serving.duckdb")
    assert all(name.startswith(f"{BUNDLE_ROOT}/") for name in files)
    relative = {name.removeprefix(f"{BUNDLE_ROOT}/") for name in files}
    assert "metadata.yaml" in relative
    assert {name.split("/")[0] for name in relative - {"metadata.yaml"}} == {
        "databases", "datasets", "charts", "dashboards",
    }  # fmt: skip
    assert relative == {path.relative_to(ASSETS_DIR).as_posix() for path in ASSETS_DIR.rglob("*.yaml")}


def test_bundle_points_the_database_at_the_serving_file(tmp_path: Path) -> None:
    serving = tmp_path / "state" / "serving.duckdb"
    files = _bundle(serving)
    (database,) = [yaml.safe_load(text) for name, text in files.items() if "/databases/" in name]
    assert database["sqlalchemy_uri"] == f"duckdb:///{serving}?access_mode=read_only"
    assert database["sqlalchemy_uri"].startswith("duckdb:////")  # four slashes: an absolute path
    assert not any(SERVING_PATH_PLACEHOLDER in text for text in files.values())


def test_relative_serving_path_becomes_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert serving_uri_path(Path("serving.duckdb")) == str(tmp_path.resolve() / "serving.duckdb")


@pytest.mark.parametrize("name", ["serving?x.duckdb", "serving#1.duckdb", "100%.duckdb"])
def test_serving_path_that_would_break_the_uri_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="break a SQLAlchemy URI"):
        serving_uri_path(tmp_path / name)
