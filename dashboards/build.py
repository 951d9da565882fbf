"""Build dashboards/assets from the compact spec in dashboards/spec: ``python -m dashboards.build``.

The spec says what a person decides (which chart shows what, labels, sources, layout, filters); this module writes
everything Superset's export format needs around it: dataset columns with their types (read from serving.duckdb),
chart params and the saved ``query_context`` the chart-data API needs, the dashboard layout with every chart's
uuid, and native filters. Ids are uuid5 of the object's name, so a rebuild gives the same files and provisioning
overwrites the same objects. The output is exactly what ``dashboards.export`` writes back from a running Superset.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import duckdb
import yaml

from dashboards.export import dump_yaml, write_tree
from dashboards.provision import ASSETS_DIR
from pipelines.config import Settings

SPEC_DIR = Path(__file__).resolve().with_name("spec")
NAMESPACE = uuid.UUID("5b1c9a52-3c1e-4b8e-9f54-0d6f3e0c2a11")  # fixed: the uuid5 ids of this project's assets
FLAG_COLUMNS = {
    "is_voorlopig": "voorlopig",
    "is_geschat": "geschat",
    "is_onderdrukt": "onderdrukt",
    "heeft_onderdrukte_cijfers": "bevat onderdrukte cijfers",
}
TEMPORAL_TYPES = {"DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"}
# DuckDB's type names as Superset stores them for duckdb-engine.
SUPERSET_TYPES = {"DOUBLE": "FLOAT", "BIGINT": "BIGINT", "INTEGER": "INTEGER", "BOOLEAN": "BOOLEAN", "DATE": "DATE"}


class SpecError(ValueError):
    """The spec refers to something that does not exist; the message names the file and the object."""


def secure_filename(name: str) -> str:
    """werkzeug.utils.secure_filename, which Superset's export uses for file names (werkzeug is not in .venv)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_.-]", "", "_".join(ascii_name.replace("/", " ").split())).strip("._")


def stable_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{name}"))


def load_spec(spec_dir: Path = SPEC_DIR) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the datasets spec, the dashboard specs in file-name order)."""
    datasets = yaml.safe_load((spec_dir / "datasets.yaml").read_text("utf-8"))
    dashboards = [yaml.safe_load(p.read_text("utf-8")) for p in sorted((spec_dir / "dashboards").glob("*.yaml"))]
    return datasets, dashboards


def serving_columns(serving: Path, tables: list[str]) -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, DuckDB type)]} in table order, read from the published serving file."""
    with duckdb.connect(str(serving), read_only=True) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
            "ORDER BY table_name, column_index"
        ).fetchall()
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, []).append((column, data_type))
    if missing := [table for table in tables if table not in columns]:
        raise SpecError(f"{serving} has no table(s) {missing}; run the pipeline (make refresh) first")
    return columns


# ---------------------------------------------------------------------------------------------------- datasets


def _column(name: str, label: str, data_type: str, expression: str = "", description: str | None = None) -> dict:
    temporal = data_type in TEMPORAL_TYPES
    return {
        "advanced_data_type": None,
        "column_name": name,
        "datetime_format": "%Y-%m-%d" if temporal else None,
        "description": description,
        "expression": expression,
        "extra": None,
        "filterable": True,
        "groupby": True,
        "is_active": True,
        "is_dttm": temporal,
        "python_date_format": None,
        "type": SUPERSET_TYPES.get(data_type, data_type),
        "verbose_name": label,
    }


def _markering(names: set[str]) -> str | None:
    """SQL for the `markering` column: which of provisional / estimated / suppressed applies to the row."""
    parts = [f"CASE WHEN {flag} THEN '{word}' END" for flag, word in FLAG_COLUMNS.items() if flag in names]
    return f"concat_ws(', ', {', '.join(parts)})" if parts else None


def build_dataset(table: str, spec: dict[str, Any], labels: dict[str, str], physical: list[tuple[str, str]],
                  database_uuid: str) -> dict[str, Any]:  # fmt: skip
    def label(name: str) -> str:
        if name not in labels:
            raise SpecError(f"datasets.yaml: column {table}.{name} has no Dutch label under `labels`")
        return labels[name]

    columns = [_column(name, label(name), data_type) for name, data_type in physical]
    names = {name for name, _ in physical}
    calculated = dict(spec.get("columns") or {})
    if (markering := _markering(names)) is not None:
        calculated["markering"] = {"expression": markering, "description": "voorlopig, geschat of onderdrukt"}
    for name, column in calculated.items():
        columns.append(
            _column(
                name,
                column.get("label") or label(name),
                column.get("type", "VARCHAR"),
                column["expression"],
                column["description"],
            )
        )
    metrics = [
        {
            "currency": None,
            "d3format": metric.get("format"),
            "description": metric.get("description"),
            "expression": metric["expression"],
            "extra": None,
            "metric_name": name,
            "metric_type": None,
            "verbose_name": metric["label"],
            "warning_text": None,
        }
        for name, metric in (spec.get("metrics") or {}).items()
    ]
    return {
        "always_filter_main_dttm": False,
        "cache_timeout": None,
        "catalog": None,
        "columns": sorted(columns, key=lambda column: column["column_name"]),
        "currency_code_column": None,
        "database_uuid": database_uuid,
        "default_endpoint": None,
        "description": spec["description"],
        "extra": None,
        "fetch_values_predicate": None,
        "filter_select_enabled": True,
        "folders": None,
        "main_dttm_col": "peildatum" if "peildatum" in names else None,
        "metrics": sorted(metrics, key=lambda metric: metric["metric_name"]),
        "normalize_columns": False,
        "offset": 0,
        "params": None,
        "schema": "main",
        "sql": None,
        "table_name": table,
        "template_params": None,
        "uuid": spec.get("uuid") or stable_uuid("dataset", table),
        "version": "1.0.0",
    }


# ------------------------------------------------------------------------------------------------------ charts


def _where(chart: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The chart's fixed SQL filter as form-data adhoc filter and as the query's `extras.where`."""
    where = chart.get("where")
    if not where:
        return [], ""
    adhoc = {"clause": "WHERE", "expressionType": "SQL", "sqlExpression": where, "subject": None}
    return [adhoc], f"({where})"


def _query(chart: dict[str, Any], where: str, **fields: Any) -> dict[str, Any]:
    base = {
        "annotation_layers": [],
        "applied_time_extras": {},
        "columns": [],
        "custom_form_data": {},
        "custom_params": {},
        "extras": {"having": "", "where": where},
        "filters": [],
        "group_others_when_limit_reached": False,
        "order_desc": True,
        "orderby": [],
        "post_processing": [],
        "row_limit": chart.get("row_limit", 10_000),
        "series_limit": 0,
        "time_offsets": [],
        "url_params": {},
    }
    return {**base, **fields}


def _table(chart: dict[str, Any], adhoc: list[dict[str, Any]], where: str) -> tuple[dict, dict]:
    columns = chart["columns"]
    order = chart.get("order", [])
    params = {
        "adhoc_filters": adhoc,
        "all_columns": columns,
        "allow_rearrange_columns": False,
        "annotation_layers": [],
        "column_config": {name: {"d3NumberFormat": fmt} for name, fmt in (chart.get("formats") or {}).items()},
        "extra_form_data": {},
        "include_search": True,
        "order_by_cols": [json.dumps([name, ascending]) for name, ascending in order],
        "page_length": chart.get("page_length", 25),
        "query_mode": "raw",
        "row_limit": chart.get("row_limit", 10_000),
        "server_pagination": False,
        "show_cell_bars": False,
        "table_timestamp_format": "smart_date",
        "viz_type": "table",
    }
    query = _query(chart, where, columns=columns, orderby=[[name, ascending] for name, ascending in order])
    return params, query


def _timeseries(chart: dict[str, Any], adhoc: list[dict[str, Any]], where: str, viz: str) -> tuple[dict, dict]:
    x_axis, groupby, metrics = chart["x"], chart.get("groupby", []), chart["metrics"]
    grain = chart.get("time_grain")
    params = {
        "adhoc_filters": adhoc,
        "annotation_layers": [],
        "color_scheme": "supersetColors",
        "extra_form_data": {},
        "groupby": groupby,
        "legendOrientation": "top",
        "legendType": "scroll",
        "markerEnabled": True,
        "markerSize": 6,
        "metrics": metrics,
        "order_desc": True,
        "rich_tooltip": True,
        "row_limit": chart.get("row_limit", 10_000),
        "show_legend": True,
        "time_grain_sqla": grain,
        "tooltipSortByMetric": True,
        "truncateYAxis": False,
        "viz_type": viz,
        "x_axis": x_axis,
        "x_axis_sort_asc": True,
        "x_axis_title": chart.get("x_title", ""),
        "x_axis_title_margin": 30,
        "y_axis_bounds": [None, None],
        "y_axis_format": chart.get("format", ",.1f"),
        "y_axis_title": chart.get("y_title", ""),
        "y_axis_title_margin": 40,
        "y_axis_title_position": "Left",
    }
    if grain:
        params.update(
            x_axis_time_format=chart.get("time_format", "%Y"), tooltipTimeFormat=chart.get("time_format", "%Y")
        )
    if viz == "echarts_timeseries_bar":
        params.update(orientation=chart.get("orientation", "vertical"), show_value=False, stack=None)
    axis = {"columnType": "BASE_AXIS", "expressionType": "SQL", "isColumnReference": True, "label": x_axis,
            "sqlExpression": x_axis}  # fmt: skip
    if grain:
        axis["timeGrain"] = grain
    pivot = {
        "operation": "pivot",
        "options": {
            "aggregates": {metric: {"operator": "mean"} for metric in metrics},
            "columns": groupby,
            "drop_missing_columns": True,
            "index": [x_axis],
        },
    }
    extras_where = _query(chart, where)["extras"]
    if grain:
        extras_where = {**extras_where, "time_grain_sqla": grain}
    query = _query(
        chart, where, columns=[axis, *groupby], metrics=metrics, orderby=[[metrics[0], False]],
        post_processing=[pivot, {"operation": "flatten"}], series_columns=groupby, extras=extras_where,
    )  # fmt: skip
    return params, query


def _heatmap(chart: dict[str, Any], adhoc: list[dict[str, Any]], where: str) -> tuple[dict, dict]:
    x_axis, y_axis, metric = chart["x"], chart["y"], chart["metric"]
    params = {
        "adhoc_filters": adhoc,
        "annotation_layers": [],
        "bottom_margin": "auto",
        "extra_form_data": {},
        "groupby": y_axis,
        "left_margin": "auto",
        "legend_type": "continuous",
        "linear_color_scheme": "blue_white_yellow",
        "metric": metric,
        "normalize_across": "heatmap",
        "row_limit": chart.get("row_limit", 10_000),
        "show_legend": True,
        "show_percentage": False,
        "show_values": True,
        "sort_x_axis": "alpha_asc",
        "sort_y_axis": "alpha_asc",
        "value_bounds": chart.get("bounds", [None, None]),
        "viz_type": "heatmap_v2",
        "x_axis": x_axis,
        "xscale_interval": -1,
        "y_axis_format": chart.get("format", ",.1f"),
        "yscale_interval": -1,
    }
    query = _query(
        chart, where, columns=[x_axis, y_axis], metrics=[metric], orderby=[[x_axis, True], [y_axis, True]],
        post_processing=[{"operation": "rank", "options": {"metric": metric}}],
    )  # fmt: skip
    return params, query


VIZ = {"table", "echarts_timeseries_line", "echarts_timeseries_bar", "heatmap_v2"}


def build_chart(key: str, chart: dict[str, Any], dataset: dict[str, Any], slug: str) -> dict[str, Any]:
    viz = chart["viz"]
    adhoc, where = _where(chart)
    if viz == "table":
        params, query = _table(chart, adhoc, where)
    elif viz in ("echarts_timeseries_line", "echarts_timeseries_bar"):
        params, query = _timeseries(chart, adhoc, where, viz)
    elif viz == "heatmap_v2":
        params, query = _heatmap(chart, adhoc, where)
    else:
        raise SpecError(f"chart {key}: viz {viz!r} is not one of {sorted(VIZ)}")
    _check_references(key, chart, dataset)
    form_data = {**params, "force": False, "result_format": "json", "result_type": "full"}
    context = {"force": False, "form_data": form_data, "queries": [query], "result_format": "json",
               "result_type": "full"}  # fmt: skip
    return {
        "cache_timeout": None,
        "certification_details": None,
        "certified_by": None,
        "dataset_uuid": dataset["uuid"],
        "description": chart["source"]
        if not chart.get("description")
        else f"{chart['description']}\n\n{chart['source']}",
        "params": params,
        "query_context": json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        "slice_name": chart["title"],
        "uuid": chart.get("uuid") or stable_uuid("chart", f"{slug}/{key}"),
        "version": "1.0.0",
        "viz_type": viz,
    }


def _check_references(key: str, chart: dict[str, Any], dataset: dict[str, Any]) -> None:
    """Every column and metric a chart names exists in its dataset (Superset would only fail at query time)."""
    if not chart.get("source", "").startswith("Bron:"):
        raise SpecError(f"chart {key}: `source` must start with 'Bron:'")
    columns = {column["column_name"] for column in dataset["columns"]}
    metrics = {metric["metric_name"] for metric in dataset["metrics"]}
    named_columns = [*chart.get("columns", []), *chart.get("groupby", [])] + [
        chart[k] for k in ("x", "y") if k in chart
    ]
    named_columns += [name for name, _ in chart.get("order", [])] + list(chart.get("formats") or {})
    named_metrics = [*chart.get("metrics", []), *([chart["metric"]] if "metric" in chart else [])]
    if missing := [name for name in named_columns if name not in columns]:
        raise SpecError(f"chart {key}: {dataset['table_name']} has no column(s) {missing}")
    if missing := [name for name in named_metrics if name not in metrics]:
        raise SpecError(f"chart {key}: {dataset['table_name']} has no metric(s) {missing}")


# -------------------------------------------------------------------------------------------------- dashboards


def _native_filter(spec: dict[str, Any], datasets: dict[str, dict[str, Any]], placed: list[tuple[str, int, str]],
                   ) -> dict[str, Any]:  # fmt: skip
    """A select filter on one column; it leaves out the charts named in `exclude` and those without the column."""
    column, dataset = spec["column"], datasets[spec["dataset"]]
    if column not in {c["column_name"] for c in dataset["columns"]}:
        raise SpecError(f"filter {spec['name']}: {dataset['table_name']} has no column {column}")
    excluded = sorted(
        chart_id
        for key, chart_id, table in placed
        if key in spec.get("exclude", []) or column not in {c["column_name"] for c in datasets[table]["columns"]}
    )
    default = spec.get("default")
    mask: dict[str, Any] = {"extraFormData": {}, "filterState": {}, "ownState": {}}
    if default is not None:
        mask = {
            "extraFormData": {"filters": [{"col": column, "op": "IN", "val": [default]}]},
            "filterState": {"value": [default]},
            "ownState": {},
        }
    return {
        "cascadeParentIds": [f"NATIVE_FILTER-{parent}" for parent in spec.get("parents", [])],
        "controlValues": {
            "defaultToFirstItem": False,
            "enableEmptyFilter": bool(spec.get("required", False)),
            "inverseSelection": False,
            "multiSelect": False,
            "searchAllOptions": False,
            "sortAscending": spec.get("ascending", True),
        },
        "defaultDataMask": mask,
        "description": spec.get("description", ""),
        "filterType": "filter_select",
        "id": f"NATIVE_FILTER-{spec['id']}",
        "name": spec["name"],
        "scope": {"excluded": excluded, "rootPath": ["ROOT_ID"]},
        "targets": [{"column": {"name": column}, "datasetUuid": dataset["uuid"]}],
        "type": "NATIVE_FILTER",
    }


def _add_sources_row(position: dict[str, Any], spec: dict[str, Any], charts: dict[str, dict[str, Any]]) -> None:
    """A last, full-width markdown row: every chart's source, generated from the charts' `source`.

    Superset 6.1 does not show a chart's description on the dashboard (its expanded-description panel reads a
    field the charts API does not fill), so the sources are listed on the dashboard itself.
    """
    lines = [f"- *{doc['slice_name']}*: {doc['description'].rsplit('Bron: ', 1)[1]}" for doc in charts.values()]
    row_id, node_id = f"ROW-{len(position['GRID_ID']['children']) + 1}", "MARKDOWN-bronnen"
    position["GRID_ID"]["children"].append(row_id)
    position[row_id] = {"children": [node_id], "id": row_id, "meta": {"background": "BACKGROUND_TRANSPARENT"},
                        "parents": ["ROOT_ID", "GRID_ID"], "type": "ROW"}  # fmt: skip
    code = "#### Bron per grafiek\n" + "\n".join(lines) + "\n\n(Synthetische demodata.)\n"
    meta = {"code": code, "height": 12 + 5 * len(lines), "width": 12}
    position[node_id] = {"children": [], "id": node_id, "meta": meta, "parents": ["ROOT_ID", "GRID_ID", row_id],
                         "type": "MARKDOWN"}  # fmt: skip


def build_dashboard(spec: dict[str, Any], charts: dict[str, dict[str, Any]], chart_tables: dict[str, str],
                    datasets: dict[str, dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "GRID_ID": {"children": [], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
        "HEADER_ID": {"id": "HEADER_ID", "meta": {"text": spec["title"]}, "type": "HEADER"},
        "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
    }
    for number, row in enumerate(spec["rows"], start=1):
        row_id = f"ROW-{number}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"children": [], "id": row_id, "meta": {"background": "BACKGROUND_TRANSPARENT"},
                            "parents": ["ROOT_ID", "GRID_ID"], "type": "ROW"}  # fmt: skip
        if sum(item["width"] for item in row) > 12:
            raise SpecError(f"dashboard {spec['slug']}: row {number} is wider than 12 columns")
        for item in row:
            parents = ["ROOT_ID", "GRID_ID", row_id]
            if "chart" in item:
                key = item["chart"]
                if key not in charts:
                    raise SpecError(f"dashboard {spec['slug']}: chart {key} is not defined under `charts`")
                node_id = f"CHART-{key}"
                meta = {"chartId": 0, "height": item["height"], "sliceName": charts[key]["slice_name"],
                        "uuid": charts[key]["uuid"], "width": item["width"]}  # fmt: skip
                position[node_id] = {"children": [], "id": node_id, "meta": meta, "parents": parents, "type": "CHART"}
            else:
                node_id = f"MARKDOWN-{item['markdown']}"
                meta = {"code": spec["markdown"][item["markdown"]], "height": item["height"], "width": item["width"]}
                position[node_id] = {"children": [], "id": node_id, "meta": meta, "parents": parents,
                                     "type": "MARKDOWN"}  # fmt: skip
            position[row_id]["children"].append(node_id)
    _add_sources_row(position, spec, charts)
    # Chart ids 1..n in the order of the layout keys, as dashboards.export renumbers them.
    placed = []
    for number, node_id in enumerate(sorted(k for k in position if k.startswith("CHART-")), start=1):
        position[node_id]["meta"]["chartId"] = number
        key = node_id.removeprefix("CHART-")
        placed.append((key, number, chart_tables[key]))
    metadata = {
        "chart_configuration": {},
        "color_scheme": "supersetColors",
        "color_scheme_domain": [],
        "cross_filters_enabled": False,
        "expanded_slices": {},
        "global_chart_configuration": {},
        "label_colors": {},
        "map_label_colors": {},
        "native_filter_configuration": [_native_filter(f, datasets, placed) for f in spec.get("filters", [])],
        "refresh_frequency": 0,
        "shared_label_colors": [],
        "timed_refresh_immune_slices": [],
    }
    return {
        "certification_details": None,
        "certified_by": None,
        "css": None,
        "dashboard_title": spec["title"],
        "description": None,
        "metadata": metadata,
        "position": position,
        "published": True,
        "slug": spec["slug"],
        "theme_uuid": None,
        "uuid": spec.get("uuid") or stable_uuid("dashboard", spec["slug"]),
        "version": "1.0.0",
    }


# ---------------------------------------------------------------------------------------------------- the tree


def build_tree(serving: Path, spec_dir: Path = SPEC_DIR, assets_dir: Path = ASSETS_DIR) -> dict[str, str]:
    """{path below assets/: YAML} for the database (kept as committed), datasets, charts and dashboards."""
    datasets_spec, dashboard_specs = load_spec(spec_dir)
    (database_file,) = sorted((assets_dir / "databases").glob("*.yaml"))
    database = yaml.safe_load(database_file.read_text("utf-8"))
    tables = list(datasets_spec["datasets"])
    physical = serving_columns(serving, tables)
    datasets = {
        table: build_dataset(table, spec, datasets_spec["labels"], physical[table], database["uuid"])
        for table, spec in datasets_spec["datasets"].items()
    }
    folder = f"datasets/{secure_filename(database['database_name'])}"
    tree = {
        "metadata.yaml": dump_yaml({"type": "assets", "version": "1.0.0"}),
        f"databases/{database_file.name}": database_file.read_text("utf-8"),
    }
    tree |= {f"{folder}/{table}.yaml": dump_yaml(doc) for table, doc in datasets.items()}
    for spec in dashboard_specs:
        charts, chart_tables = {}, {}
        for key, chart in spec["charts"].items():
            if chart["dataset"] not in datasets:
                raise SpecError(f"chart {key}: dataset {chart['dataset']} is not in datasets.yaml")
            charts[key] = build_chart(key, chart, datasets[chart["dataset"]], spec["slug"])
            chart_tables[key] = chart["dataset"]
        for doc in charts.values():
            path = f"charts/{secure_filename(doc['slice_name'])}.yaml"
            if path in tree:
                raise SpecError(f"two charts are called {doc['slice_name']!r}; give them distinct titles")
            tree[path] = dump_yaml(doc)
        dashboard = build_dashboard(spec, charts, chart_tables, datasets)
        tree[f"dashboards/{secure_filename(dashboard['dashboard_title'])}.yaml"] = dump_yaml(dashboard)
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", type=Path, default=None, help="serving.duckdb to read column types from")
    args = parser.parse_args(argv)
    serving = args.serving or Settings.from_env().serving
    try:
        tree = build_tree(serving)
    except (SpecError, OSError, duckdb.Error) as error:
        print(f"[build] ERROR: {error}", file=sys.stderr)
        return 1
    write_tree(tree)
    print(f"[build] wrote {len(tree)} files to {ASSETS_DIR} from {SPEC_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
