"""Build dashboards/assets from the compact spec in dashboards/spec: ``python -m dashboards.build``.

The spec says what a person decides (which chart shows what, labels, sources, layout, filters); this module writes
everything Superset's export format needs around it: dataset columns with their types (read from serving.duckdb),
chart params and the saved ``query_context`` the chart-data API needs, the dashboard layout with every chart's
uuid, and native filters. Ids are uuid5 of the object's name, so a rebuild gives the same files and provisioning
overwrites the same objects. The output is exactly what ``dashboards.export`` writes back from a running Superset.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import duckdb
import yaml

from dashboards.charts import SpecError, build_chart, stable_uuid
from dashboards.export import dump_yaml, write_tree
from dashboards.provision import ASSETS_DIR
from pipelines.config import Settings

SPEC_DIR = Path(__file__).resolve().with_name("spec")
FLAG_COLUMNS = {
    "is_voorlopig": "voorlopig",
    "is_geschat": "geschat",
    "is_onderdrukt": "onderdrukt",
    "heeft_onderdrukte_cijfers": "bevat onderdrukte cijfers",
}
TEMPORAL_TYPES = {"DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"}
# DuckDB's type names as Superset stores them for duckdb-engine.
SUPERSET_TYPES = {"DOUBLE": "FLOAT", "BIGINT": "BIGINT", "INTEGER": "INTEGER", "BOOLEAN": "BOOLEAN", "DATE": "DATE"}


def secure_filename(name: str) -> str:
    """werkzeug.utils.secure_filename, which Superset's export uses for file names (werkzeug is not in .venv)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_.-]", "", "_".join(ascii_name.replace("/", " ").split())).strip("._")


def load_spec(spec_dir: Path = SPEC_DIR) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the datasets spec, the dashboard specs in file-name order)."""
    datasets = yaml.safe_load((spec_dir / "datasets.yaml").read_text("utf-8"))
    dashboards = [yaml.safe_load(p.read_text("utf-8")) for p in sorted((spec_dir / "dashboards").glob("*.yaml"))]
    return datasets, dashboards


def load_presentation(spec_dir: Path = SPEC_DIR) -> dict[str, Any]:
    """What every dashboard shares: colours with a meaning (label_colors) and CSS (presentatie.yaml)."""
    path = spec_dir / "presentatie.yaml"
    return yaml.safe_load(path.read_text("utf-8")) if path.exists() else {}


def serving_columns(serving: Path, datasets: dict[str, dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """{dataset: [(column, DuckDB type)]} in column order, read from the published serving file: a table's
    columns, or what a virtual dataset's `sql` returns. Every table must be there."""
    columns: dict[str, list[tuple[str, str]]] = {}
    with duckdb.connect(str(serving), read_only=True) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
            "ORDER BY table_name, column_index"
        ).fetchall()
        for table, column, data_type in rows:
            columns.setdefault(table, []).append((column, data_type))
        for name, spec in datasets.items():
            if spec.get("sql"):
                try:
                    described = conn.execute(f"DESCRIBE {spec['sql']}").fetchall()
                except duckdb.Error as error:
                    raise SpecError(f"datasets.yaml: the sql of {name} does not run on {serving}: {error}") from None
                columns[name] = [(row[0], row[1]) for row in described]
    if missing := [table for table in datasets if table not in columns]:
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
        # a virtual dataset (a join Superset runs), e.g. values with their wijk's shape, stored once per wijk
        "sql": spec.get("sql"),
        "table_name": table,
        "template_params": None,
        "uuid": spec.get("uuid") or stable_uuid("dataset", table),
        "version": "1.0.0",
    }


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
    config = {
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
    if spec.get("options_where"):  # which rows of the dataset offer the filter's values, e.g. only wijken
        config["adhoc_filters"] = [
            {"clause": "WHERE", "expressionType": "SQL", "sqlExpression": spec["options_where"], "subject": None}
        ]
    return config


def _add_sources_row(position: dict[str, Any], spec: dict[str, Any], charts: dict[str, dict[str, Any]]) -> None:
    """A last, full-width markdown row: every chart's source, generated from the charts' `source`.

    Superset 6.1 does not show a chart's description on the dashboard (not even with `expanded_slices` set), so
    the sources are listed on the dashboard itself.
    """
    lines = [f"- *{doc['slice_name']}*: {doc['description'].rsplit('Bron: ', 1)[1]}" for doc in charts.values()]
    row_id, node_id = f"ROW-{len(position['GRID_ID']['children']) + 1}", "MARKDOWN-bronnen"
    position["GRID_ID"]["children"].append(row_id)
    position[row_id] = {"children": [node_id], "id": row_id, "meta": {"background": "BACKGROUND_TRANSPARENT"},
                        "parents": ["ROOT_ID", "GRID_ID"], "type": "ROW"}  # fmt: skip
    code = "#### Bron per grafiek\n" + "\n".join(lines) + "\n\n(Synthetische demodata.)\n"
    meta = {"code": code, "height": 14 + 7 * len(lines), "width": 12}  # a source of two lines at 1280 px fits
    position[node_id] = {"children": [], "id": node_id, "meta": meta, "parents": ["ROOT_ID", "GRID_ID", row_id],
                         "type": "MARKDOWN"}  # fmt: skip


def build_dashboard(spec: dict[str, Any], charts: dict[str, dict[str, Any]], chart_tables: dict[str, str],
                    datasets: dict[str, dict[str, Any]], presentation: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
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
        "label_colors": presentation.get("label_colors", {}),
        "map_label_colors": {},
        "native_filter_configuration": [_native_filter(f, datasets, placed) for f in spec.get("filters", [])],
        "refresh_frequency": 0,
        "shared_label_colors": [],
        "timed_refresh_immune_slices": [],
    }
    return {
        "certification_details": None,
        "certified_by": None,
        "css": presentation.get("css"),
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
    presentation = load_presentation(spec_dir)
    (database_file,) = sorted((assets_dir / "databases").glob("*.yaml"))
    database = yaml.safe_load(database_file.read_text("utf-8"))
    physical = serving_columns(serving, datasets_spec["datasets"])
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
        dashboard = build_dashboard(spec, charts, chart_tables, datasets, presentation)
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
