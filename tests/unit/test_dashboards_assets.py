"""The demo profile's Superset asset tree (demo/dashboards, built from dashboards/spec for demo/installation.yaml
and its data) and the import bundle built from it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboards.build import secure_filename
from dashboards.charts import SpecError, build_chart
from dashboards.provision import BUNDLE_ROOT, build_bundle, serving_uri_path
from dashboards.tree import SERVING_PATH_PLACEHOLDER
from pipelines.config import REPO_ROOT

ASSETS_DIR = REPO_ROOT / "demo" / "dashboards"


def _load(kind: str) -> dict[str, dict[str, Any]]:
    """{file name: document} for one asset type."""
    return {path.name: yaml.safe_load(path.read_text("utf-8")) for path in sorted((ASSETS_DIR / kind).rglob("*.yaml"))}


DATABASES, DATASETS, CHARTS, DASHBOARDS = (_load(kind) for kind in ("databases", "datasets", "charts", "dashboards"))
# Each dashboard's native filters: gemeente, wijk and period where the data have them; the data team's by source.
FILTERS = {
    "Datakwaliteit en verversing": {"Bron"},
    "Sociale basis als ecosysteem": {"Gemeente", "Wijk", "Jaar", "Element op de kaart"},
    "Wijkprofiel": {"Gemeente", "Wijk", "Jaar"},
    "Zorggebruik en zorgkosten": {"Gemeente", "Jaar"},  # gemeente level only: no wijk
}
DASHBOARD_TITLES = sorted(FILTERS)
REGION_COLUMNS = {"gemeente_naam", "regio_naam", "wijk_naam", "gemeente_code", "regio_code", "wijk_code"}
# a map groups by a wijk's shape; a comparison by its series (the gemeente's own, or its group's median, ...)
REGION_COLUMNS |= {"geojson", "reeks"}
FLAGS = {"is_voorlopig", "is_geschat", "is_onderdrukt", "heeft_onderdrukte_cijfers"}


def _nodes(dashboard: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [node for node in dashboard["position"].values() if isinstance(node, dict) and node["type"] == kind]


def _dataset(uuid: str) -> dict[str, Any]:
    (dataset,) = [dataset for dataset in DATASETS.values() if dataset["uuid"] == uuid]
    return dataset


def _columns(dataset: dict[str, Any]) -> set[str]:
    return {column["column_name"] for column in dataset["columns"]}


def _charts_of(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    by_uuid = {chart["uuid"]: chart for chart in CHARTS.values()}
    return [by_uuid[node["meta"]["uuid"]] for node in _nodes(dashboard, "CHART")]


def _dashboard(title: str) -> dict[str, Any]:
    (dashboard,) = [d for d in DASHBOARDS.values() if d["dashboard_title"] == title]
    return dashboard


def test_tree_is_an_assets_export_without_timestamp() -> None:
    assert yaml.safe_load((ASSETS_DIR / "metadata.yaml").read_text("utf-8")) == {"version": "1.0.0", "type": "assets"}
    assert len(DATABASES) == 1
    assert sorted(d["dashboard_title"] for d in DASHBOARDS.values()) == DASHBOARD_TITLES
    # Superset names exported files <secure_filename(name)>_<id>.yaml; normalised names carry no instance id.
    names = {"databases": "database_name", "datasets": "table_name", "charts": "slice_name",
             "dashboards": "dashboard_title"}  # fmt: skip
    for path in ASSETS_DIR.rglob("*.yaml"):
        kind = path.relative_to(ASSETS_DIR).parts[0]
        if kind != "metadata.yaml":
            doc = yaml.safe_load(path.read_text("utf-8"))
            assert path.name == f"{secure_filename(doc[names[kind]])}.yaml", path


def test_every_chart_is_placed_once_with_a_uuid_that_exists() -> None:
    placed = [node["meta"]["uuid"] for dashboard in DASHBOARDS.values() for node in _nodes(dashboard, "CHART")]
    assert sorted(placed) == sorted(chart["uuid"] for chart in CHARTS.values()), "every chart on one dashboard"
    for name, dashboard in DASHBOARDS.items():
        charts = _nodes(dashboard, "CHART")
        assert 5 <= len(charts) <= 12, f"{name}: a sensible number of charts"
        assert sorted(node["meta"]["chartId"] for node in charts) == list(range(1, len(charts) + 1)), name
        titles = {chart["uuid"]: chart["slice_name"] for chart in CHARTS.values()}
        assert all(node["meta"]["sliceName"] == titles[node["meta"]["uuid"]] for node in charts), name


def test_references_between_assets_resolve() -> None:
    database_uuids = {database["uuid"] for database in DATABASES.values()}
    dataset_uuids = {dataset["uuid"] for dataset in DATASETS.values()}
    assert all(dataset["database_uuid"] in database_uuids for dataset in DATASETS.values())
    assert all(chart["dataset_uuid"] in dataset_uuids for chart in CHARTS.values())


def test_uuids_are_unique() -> None:
    uuids = [doc["uuid"] for docs in (DATABASES, DATASETS, CHARTS, DASHBOARDS) for doc in docs.values()]
    assert len(uuids) == len(set(uuids))


def test_every_query_context_names_only_what_its_dataset_has() -> None:
    # /api/v1/chart/<id>/data/ answers 400 "Chart has no query context saved" without one, and fails at query
    # time on an unknown column or metric.
    for name, chart in CHARTS.items():
        dataset = _dataset(chart["dataset_uuid"])
        metrics = {metric["metric_name"] for metric in dataset["metrics"]}
        context = json.loads(chart["query_context"])
        assert context["form_data"]["viz_type"] == chart["viz_type"], name
        (query,) = context["queries"]
        columns = [c if isinstance(c, str) else c["sqlExpression"] for c in query["columns"]]
        assert columns and set(columns) <= _columns(dataset), name
        assert set(query.get("metrics", [])) <= metrics, name
        assert {column for column, _ in query["orderby"]} <= _columns(dataset) | metrics, name


def test_database_reads_the_serving_file_read_only_and_sandboxed() -> None:
    (database,) = DATABASES.values()
    assert database["sqlalchemy_uri"] == f"duckdb:///{SERVING_PATH_PLACEHOLDER}?access_mode=read_only"
    assert database["extra"]["engine_params"]["connect_args"]["config"] == {
        "enable_external_access": False,
        "lock_configuration": True,
    }
    assert database["allow_dml"] is False and database["allow_file_upload"] is False


def test_datasets_have_dutch_labels_and_a_marker_column() -> None:
    for dataset in DATASETS.values():
        table = dataset["table_name"]
        assert all(column["verbose_name"] for column in dataset["columns"]), f"{table}: every column a Dutch label"
        assert all(metric["verbose_name"] for metric in dataset["metrics"]), f"{table}: every metric a Dutch label"
        assert dataset["description"], table
        if _columns(dataset) & FLAGS:
            (marker,) = [column for column in dataset["columns"] if column["column_name"] == "markering"]
            for flag in _columns(dataset) & FLAGS:
                assert flag in marker["expression"], f"{table}: markering leaves out {flag}"


def test_no_metric_rebuilds_a_suppressed_cell() -> None:
    """Suppressed cells are NULL; a SUM over regions could give them back (total minus the rest), an AVG of rates
    is wrong anyway. Metrics on data with suppression take one cell's value, or sum only unsuppressed rows."""
    for dataset in DATASETS.values():
        for metric in dataset["metrics"]:
            expression = metric["expression"].upper()
            assert "AVG(" not in expression, (dataset["table_name"], metric["metric_name"])
            if _columns(dataset) & {"is_onderdrukt", "heeft_onderdrukte_cijfers"}:
                sums = expression.count("SUM(")
                assert sums == expression.count("FILTER (WHERE NOT IS_ONDERDRUKT)"), metric["metric_name"]


def _required_filter_columns(chart: dict[str, Any]) -> set[str]:
    """The columns of the required native filters that apply to the chart on every dashboard that places it."""
    columns = None
    for dashboard in DASHBOARDS.values():
        ids = {node["meta"]["uuid"]: node["meta"]["chartId"] for node in _nodes(dashboard, "CHART")}
        if chart["uuid"] not in ids:
            continue
        here = {
            f["targets"][0]["column"]["name"]
            for f in dashboard["metadata"]["native_filter_configuration"]
            if f["controlValues"]["enableEmptyFilter"] and ids[chart["uuid"]] not in f["scope"]["excluded"]
        }
        columns = here if columns is None else columns & here
    return columns or set()


def test_single_cell_metrics_are_grouped_by_region() -> None:
    """MAX(waarde) is one cell only when the chart groups by region (and the period is on an axis or filtered), or
    when a required filter pins the region: one wijk, or one gemeente of data at gemeente level."""
    for chart in CHARTS.values():
        dataset = _dataset(chart["dataset_uuid"])
        expressions = {m["metric_name"]: m["expression"] for m in dataset["metrics"]}
        params = chart["params"]
        metrics = params.get("metrics") or [params.get("metric")]
        if any(re.match(r"(COALESCE\()?MAX\(", expressions[m]) for m in metrics if m):
            grouped = {*params.get("groupby", []), params.get("x_axis")} if isinstance(params.get("groupby"), list) \
                else {params.get("groupby"), params.get("x_axis")}  # fmt: skip
            grouped |= {params.get("line_column"), params.get("y_axis")}
            pinned = _required_filter_columns(chart)
            gemeente_level = "regio_niveau = 'gemeente'" in json.dumps(params.get("adhoc_filters", []))
            assert (
                grouped & REGION_COLUMNS or "wijk_naam" in pinned or ("gemeente_naam" in pinned and gemeente_level)
            ), chart["slice_name"]


def test_every_chart_names_its_source() -> None:
    for chart in CHARTS.values():
        assert re.search(r"(^|\n)Bron: \S", chart["description"]), chart["slice_name"]


def test_tables_on_flagged_data_show_the_marker() -> None:
    for chart in CHARTS.values():
        dataset = _dataset(chart["dataset_uuid"])
        if chart["viz_type"] == "table" and _columns(dataset) & FLAGS:
            assert "markering" in chart["params"]["all_columns"], chart["slice_name"]


def test_every_demo_dashboard_says_synthetic_and_has_the_definitions() -> None:
    for dashboard in DASHBOARDS.values():
        markdown = " ".join(node["meta"]["code"] for node in _nodes(dashboard, "MARKDOWN")).replace("*", "")
        # the label of demo/installation.yaml, and the warning the build adds because the demo's rows are synthetic
        opening = dashboard["position"]["MARKDOWN-toelichting"]["meta"]["code"].replace("*", "")
        assert opening.startswith("## Synthetische demodata\nLet op: dit zijn synthetische demodata"), opening[:80]
        assert "definities" in markdown.lower()
        tables = {_dataset(chart["dataset_uuid"])["table_name"] for chart in _charts_of(dashboard)}
        assert "dim_indicator" in tables, dashboard["dashboard_title"]
        # Every chart's source on the dashboard itself (Superset 6.1 does not show chart descriptions there).
        (sources,) = [
            node["meta"]["code"] for node in _nodes(dashboard, "MARKDOWN") if node["id"] == "MARKDOWN-bronnen"
        ]
        for chart in _charts_of(dashboard):
            source = chart["description"].rsplit("Bron: ", 1)[1]
            assert f"- *{chart['slice_name']}*: {source}\n" in sources, chart["slice_name"]


@pytest.mark.parametrize("title", DASHBOARD_TITLES)
def test_native_filters(title: str) -> None:
    dashboard = _dashboard(title)
    filters = {f["name"]: f for f in dashboard["metadata"]["native_filter_configuration"]}
    assert set(filters) == FILTERS[title]
    ids = {node["meta"]["chartId"]: node["meta"]["uuid"] for node in _nodes(dashboard, "CHART")}
    by_uuid = {chart["uuid"]: chart for chart in CHARTS.values()}
    for native_filter in filters.values():
        (target,) = native_filter["targets"]
        column = target["column"]["name"]
        assert column in _columns(_dataset(target["datasetUuid"])), native_filter["name"]
        # No chartsInScope: Superset 6.1's import would keep its ids unmapped; the dashboard derives it.
        assert "chartsInScope" not in native_filter
        excluded = native_filter["scope"]["excluded"]
        assert set(excluded) <= set(ids)
        for chart_id, uuid in ids.items():
            if chart_id not in excluded:  # in scope: Superset filters by column name, so the dataset must have it
                assert column in _columns(_dataset(by_uuid[uuid]["dataset_uuid"])), (native_filter["name"], chart_id)
        # A required filter has an explicit default, applied on load ("first item" only pre-selects in 6.1).
        controls, default = native_filter["controlValues"], native_filter["defaultDataMask"]
        assert controls["defaultToFirstItem"] is False
        if controls["enableEmptyFilter"]:
            value = default["filterState"]["value"]
            assert default["extraFormData"] == {"filters": [{"col": column, "op": "IN", "val": value}]}
    if "Gemeente" in filters:  # the demo's own gemeente
        assert filters["Gemeente"]["defaultDataMask"]["filterState"]["value"] == ["Almelo"]
    if "Wijk" in filters:
        assert filters["Wijk"]["cascadeParentIds"] == ["NATIVE_FILTER-gemeente"]


def test_layout_rows_fit_the_grid() -> None:
    for dashboard in DASHBOARDS.values():
        position = dashboard["position"]
        for row in position["GRID_ID"]["children"]:
            assert position[row]["type"] == "ROW"
            assert sum(position[child]["meta"]["width"] for child in position[row]["children"]) <= 12, row


def test_wijkprofiel_shows_strengths_first() -> None:
    (table,) = [
        c for c in _charts_of(_dashboard("Wijkprofiel")) if c["slice_name"].startswith("Kerncijfers van de wijk,")
    ]
    assert table["params"]["order_by_cols"] == ['["rang", true]']  # rang 1 = most favourable z-score
    # values as text in their unit with the catalogue's decimals (€ 32,12), the same as the table through the years
    assert {"waarde_tekst", "peer_mediaan_tekst", "oordeel", "markering"} <= set(table["params"]["all_columns"])


def test_build_refuses_a_column_the_dataset_lacks() -> None:
    dataset = next(iter(DATASETS.values()))
    chart = {"viz": "table", "title": "T", "columns": ["bestaat_niet"], "source": "Bron: test"}
    with pytest.raises(SpecError, match="bestaat_niet"):
        build_chart("t", chart, dataset, "slug")
    with pytest.raises(SpecError, match="Bron:"):
        build_chart("t", {**chart, "columns": [], "source": "CBS"}, dataset, "slug")


def _bundle(serving: Path) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(build_bundle(serving, ASSETS_DIR))) as bundle:
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
