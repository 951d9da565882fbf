"""The Superset asset tree in dashboards/assets and the import bundle built from it."""

from __future__ import annotations

import io
import json
import re
import unicodedata
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


# The serving contract: the physical columns of every published table a dataset reads (see dbt_project marts).
SERVING_COLUMNS = {
    "fct_zorggebruik_wijk": {
        "gemeente_code", "gemeente_naam", "wijk_code", "wijk_naam", "jaar", "peildatum", "indeling_jaar", "inwoners",
        "wmo_clienten", "wmo_per_1000", "is_onderdrukt", "onderdrukt_reden", "is_voorlopig", "is_synthetisch", "bron",
        "cbs_tabel",
    },
    "fct_zorggebruik_wijk_geharmoniseerd": {
        "gemeente_code", "gemeente_naam", "wijk_code", "wijk_naam", "jaar", "peildatum", "indeling_jaar", "inwoners",
        "wmo_clienten", "wmo_per_1000", "is_onderdrukt", "onderdrukt_reden", "is_geschat", "is_voorlopig",
        "is_synthetisch", "bron",
    },
    "fct_zorggebruik_gemeente": {
        "gemeente_code", "gemeente_naam", "jaar", "peildatum", "indeling_jaar", "inwoners", "wmo_clienten",
        "wmo_per_1000", "jongeren_met_jeugdzorg", "pct_jongeren_met_jeugdzorg", "bijstand_per_1000", "is_geschat",
        "is_voorlopig", "is_synthetisch", "bron",
    },
}  # fmt: skip
# Line chart title -> (dataset, one line per): the per-year and the 2024 wijk charts, and Twente per gemeente.
LINE_CHARTS = {
    "Wmo-cliënten per 1.000 inwoners per wijk (wijkindeling per jaar)": ("fct_zorggebruik_wijk", "wijk_naam"),
    "Wmo-cliënten per 1.000 inwoners per wijk (wijkindeling 2024)": (
        "fct_zorggebruik_wijk_geharmoniseerd",
        "wijk_naam",
    ),
    "Wmo-cliënten per 1.000 inwoners per gemeente (Twente)": ("fct_zorggebruik_gemeente", "gemeente_naam"),
}
GEMEENTE_CHART = "Wmo-cliënten per 1.000 inwoners per gemeente (Twente)"
HARMONISED_CHART = "Wmo-cliënten per 1.000 inwoners per wijk (wijkindeling 2024)"


def _position_charts(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in dashboard["position"].values() if isinstance(node, dict) and node["type"] == "CHART"]


def _dataset_of(chart: dict[str, Any]) -> dict[str, Any]:
    (dataset,) = [dataset for dataset in DATASETS.values() if dataset["uuid"] == chart["dataset_uuid"]]
    return dataset


def _chart(title: str) -> dict[str, Any]:
    (chart,) = [chart for chart in CHARTS.values() if chart["slice_name"] == title]
    return chart


def _secure_filename(name: str) -> str:
    """werkzeug.utils.secure_filename, which Superset's export uses for file names (werkzeug is not in .venv)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_.-]", "", "_".join(ascii_name.replace("/", " ").split())).strip("._")


def test_tree_is_an_assets_export_without_timestamp() -> None:
    assert yaml.safe_load((ASSETS_DIR / "metadata.yaml").read_text("utf-8")) == {"version": "1.0.0", "type": "assets"}
    assert len(DATABASES) == 1 and len(DATASETS) == 3 and len(DASHBOARDS) == 1 and len(CHARTS) == 4
    # Superset names exported files <secure_filename(name)>_<id>.yaml; normalised names carry no instance id.
    names = {
        "databases": "database_name",
        "datasets": "table_name",
        "charts": "slice_name",
        "dashboards": "dashboard_title",
    }
    for path in ASSETS_DIR.rglob("*.yaml"):
        kind = path.relative_to(ASSETS_DIR).parts[0]
        if kind != "metadata.yaml":
            doc = yaml.safe_load(path.read_text("utf-8"))
            assert path.name == f"{_secure_filename(doc[names[kind]])}.yaml", path


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


def test_datasets_are_the_zorggebruik_marts() -> None:
    assert {(dataset["schema"], dataset["table_name"]) for dataset in DATASETS.values()} == {
        ("main", table) for table in SERVING_COLUMNS
    }
    for dataset in DATASETS.values():
        table = dataset["table_name"]
        assert dataset["main_dttm_col"] == "peildatum", table
        physical = {column["column_name"] for column in dataset["columns"] if not column["expression"]}
        assert physical == SERVING_COLUMNS[table], table
        assert all(column["verbose_name"] for column in dataset["columns"]), f"{table}: every column a Dutch label"
        assert all(metric["verbose_name"] for metric in dataset["metrics"]), f"{table}: every metric a Dutch label"
        assert dataset["description"], table


def test_line_charts_plot_the_weighted_rate_by_year() -> None:
    lines = {chart["slice_name"]: chart for chart in CHARTS.values() if chart["viz_type"] == "echarts_timeseries_line"}
    assert set(lines) == set(LINE_CHARTS)
    for title, (table, series) in LINE_CHARTS.items():
        chart = lines[title]
        dataset = _dataset_of(chart)
        assert dataset["table_name"] == table, title
        params = chart["params"]
        assert (params["x_axis"], params["time_grain_sqla"], params["groupby"]) == ("peildatum", "P1Y", [series])
        assert (params["x_axis_time_format"], params["tooltipTimeFormat"]) == ("%Y", "%Y"), title
        assert (params["x_axis_title"], params["y_axis_title"]) == ("Jaar", "Wmo-cliënten per 1.000 inwoners"), title
        metrics = {metric["metric_name"]: metric for metric in dataset["metrics"]}
        (metric,) = params["metrics"]
        assert metrics[metric]["verbose_name"] == "Wmo-cliënten per 1.000 inwoners", title
        expression = metrics[metric]["expression"]
        # A rate from the summed numerator and denominator, never an average of rates.
        assert "SUM(wmo_clienten)" in expression and "SUM(inwoners)" in expression, title
        assert "AVG" not in expression.upper(), title
        if "is_onderdrukt" in SERVING_COLUMNS[table]:
            # Suppressed cells must not weigh in: their inhabitants would dilute the rate.
            assert expression.count("WHERE NOT is_onderdrukt") == 2, title


def test_harmonised_chart_says_converted_years_are_estimates() -> None:
    description = _chart(HARMONISED_CHART)["description"]
    assert "wijkindeling 2024" in description and "geschat" in description
    assert "Almelo" in description and "2021" in description


def test_gemeente_filter_covers_every_chart_but_the_twente_wide_one() -> None:
    (dashboard,) = DASHBOARDS.values()
    (native_filter,) = dashboard["metadata"]["native_filter_configuration"]
    assert native_filter["name"] == "Gemeente"
    ids = {node["meta"]["uuid"]: node["meta"]["chartId"] for node in _position_charts(dashboard)}
    gemeente_chart = ids[_chart(GEMEENTE_CHART)["uuid"]]
    assert native_filter["scope"] == {"rootPath": ["ROOT_ID"], "excluded": [gemeente_chart]}
    # No chartsInScope: Superset 6.1's import would keep its ids unmapped; the dashboard derives it from the scope.
    assert "chartsInScope" not in native_filter
    # Superset applies the filter by column name to every chart in scope, whatever its dataset.
    (target,) = native_filter["targets"]
    column = target["column"]["name"]
    for chart in CHARTS.values():
        assert column in {c["column_name"] for c in _dataset_of(chart)["columns"]}, chart["slice_name"]
    # An explicit default, applied on load; "first item by default" only pre-selects it in Superset 6.1.
    assert native_filter["controlValues"]["defaultToFirstItem"] is False
    default = native_filter["defaultDataMask"]
    assert default["extraFormData"] == {
        "filters": [{"col": column, "op": "IN", "val": default["filterState"]["value"]}]
    }


def test_layout_rows_fit_the_grid() -> None:
    (dashboard,) = DASHBOARDS.values()
    position = dashboard["position"]
    rows = position["GRID_ID"]["children"]
    assert all(position[row]["type"] == "ROW" for row in rows)
    for row in rows:
        assert sum(position[child]["meta"]["width"] for child in position[row]["children"]) <= 12, row
    # Markdown and the Twente chart on top, the two wijk charts side by side, the table below.
    titles = [[position[child]["meta"].get("sliceName", child) for child in position[row]["children"]] for row in rows]
    assert titles == [
        ["MARKDOWN-bron", GEMEENTE_CHART],
        ["Wmo-cliënten per 1.000 inwoners per wijk (wijkindeling per jaar)", HARMONISED_CHART],
        ["Zorggebruik per wijk en jaar"],
    ]


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
    # Which chart shows which wijk classification, and that converted years are estimates.
    assert "elk jaar op de wijkindeling van dat jaar" in markdown
    assert "omgezet naar de wijkindeling 2024" in markdown and "schattingen (geschat)" in markdown
    assert "volgt het gemeentefilter niet" in markdown


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
