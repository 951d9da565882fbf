"""Build an installation's dashboards from the compact spec in dashboards/spec: ``python -m dashboards.build``.

The spec says what a person decides (which chart shows what, labels, layout, filters); this module writes
everything Superset's export format needs around it: dataset columns with their types (read from serving.duckdb),
chart params and the saved ``query_context`` the chart-data API needs, the dashboard layout with every chart's
uuid, and native filters. Ids are uuid5 of the object's name, so a rebuild gives the same files and provisioning
overwrites the same objects. The output is exactly what ``dashboards.export`` writes back from a running Superset.

What differs per installation comes from its installation file and its data, never from the spec:
- ``{vergelijkingsgroep}`` in a title or text is the name of the installation's (first) peer group,
  ``{vergelijkingsgroep_leden}`` its gemeente codes (for a chart's ``where``), ``{doelindeling}`` its target
  classification;
- a filter default ``eigen_gemeente`` is the installation's own gemeente, ``eerste_wijk`` its first wijk,
  ``laatste`` the latest value of the filter's column (its target classification year while there are no data);
- a chart's source line lists the sources the indicator catalogue (dim_indicator.bronnen) gives for the chart's
  ``indicators``; a chart that shows no indicator names its ``source`` itself; a dataset's own ``source`` (a map's
  wijk shapes) follows;
- where the numbers behind a chart are synthetic (``is_synthetisch`` in its rows), its source line says so and
  its dashboard opens with that warning; the installation's ``label`` heads every dashboard.
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
from dashboards.tree import dump_yaml, write_tree
from pipelines.config import Settings
from pipelines.installation import Installation

SPEC_DIR = Path(__file__).resolve().with_name("spec")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SYNTHETIC = "synthetische demodata"
SYNTHETIC_WARNING = "**Let op: dit zijn synthetische demodata**, geen echte cijfers over gemeenten, wijken of inwoners."
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


class Context:
    """What the build takes from the installation and from the published data (serving.duckdb)."""

    def __init__(self, installation: Installation, conn: duckdb.DuckDBPyConnection,
                 datasets: dict[str, dict[str, Any]]) -> None:  # fmt: skip
        self.installation, self.conn = installation, conn
        # what a dataset's rows are read from: its table, or the query of a virtual dataset
        self.relations = {name: f"({spec['sql']}) AS {name}" if spec.get("sql") else name
                          for name, spec in datasets.items()}  # fmt: skip
        self.texts = {
            "vergelijkingsgroep": installation.peer_group.name,
            "vergelijkingsgroep_leden": ", ".join(f"'{code}'" for code in installation.peer_group.members),
            "doelindeling": str(installation.target_classification),
        }
        self.catalogue = dict(conn.execute("SELECT code, bronnen FROM dim_indicator").fetchall())

    def render(self, value: Any) -> Any:
        """The spec with the installation's words filled in (``{vergelijkingsgroep}``)."""
        if isinstance(value, dict):
            return {key: self.render(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.render(item) for item in value]
        if isinstance(value, str):

            def fill(match: re.Match[str]) -> str:
                if match[1] not in self.texts:
                    raise SpecError(f"unknown placeholder {match[0]} in {value!r}; known: {sorted(self.texts)}")
                return self.texts[match[1]]

            return PLACEHOLDER.sub(fill, value)
        return value

    def _one(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self.conn.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def default(self, spec: dict[str, Any], table: str) -> Any:
        """A filter's default: a value, or eigen_gemeente / eerste_wijk / laatste, looked up in the data."""
        default, own = spec.get("default"), self.installation.own_gemeente
        target = self.installation.target_classification
        if default == "eigen_gemeente":
            return self._one(
                "SELECT regio_naam FROM dim_regio WHERE regio_code = ? ORDER BY indeling_jaar = ? DESC, indeling_jaar "
                "DESC LIMIT 1", [own, target]
            ) or own  # fmt: skip
        rows, column = self.relations[table], spec["column"]
        if default == "eerste_wijk":
            return self._one(
                f"SELECT {column} FROM {rows} WHERE gemeente_code = ? AND {column} IS NOT NULL "
                "ORDER BY wijk_code LIMIT 1", [own]
            )  # fmt: skip
        if default == "laatste":  # no data yet (e.g. no cost tables): the year every series is converted to
            return self._one(f"SELECT max({column}) FROM {rows}") or self.installation.target_classification
        return default

    def is_synthetic(self, table: str, where: str | None, columns: set[str]) -> bool:
        """Whether any row behind a chart is synthetic (the marts carry is_synthetisch with every number)."""
        if "is_synthetisch" not in columns:
            return False
        rows = self.relations[table]
        return bool(self._one(f"SELECT bool_or(is_synthetisch) FROM {rows} WHERE {where or 'true'}"))

    def source(self, key: str, chart: dict[str, Any], synthetic: bool, dataset_source: str | None = None) -> str:
        """The chart's source line: the catalogue's sources of its indicators, or its own `source`; then the
        dataset's own `source` (a map's wijk shapes), which the catalogue does not know."""
        if ("indicators" in chart) == ("source" in chart):
            raise SpecError(f"chart {key}: give either `indicators` (sources from the catalogue) or `source`")
        if "source" in chart:
            text = chart["source"]
        else:
            codes = chart["indicators"]
            if isinstance(codes, str):  # a condition on the catalogue, e.g. in_score
                sql = f"SELECT code FROM dim_indicator WHERE {codes} ORDER BY code"
                codes = [c for (c,) in self.conn.execute(sql).fetchall()]
            if unknown := [code for code in codes if code not in self.catalogue]:
                raise SpecError(f"chart {key}: indicator(s) {unknown} are not in the indicator catalogue")
            sources = dict.fromkeys(s.strip() for code in codes for s in self.catalogue[code].split(";"))
            text = "Bron: " + "; ".join(sources)
        if dataset_source:
            text = f"{text}; {dataset_source}"
        return f"{text} ({SYNTHETIC})" if synthetic else text

    def heading(self, synthetic: bool) -> str:
        """What opens a dashboard's first text: the installation's label, and the warning for synthetic data."""
        label = self.installation.label
        lines = [f"## {label[:1].upper()}{label[1:]}"] if label else []
        return "\n".join([*lines, *([SYNTHETIC_WARNING] if synthetic else [])])


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
                   default: Any) -> dict[str, Any]:  # fmt: skip
    """A select filter on one column; it leaves out the charts named in `exclude` and those without the column."""
    column, dataset = spec["column"], datasets[spec["dataset"]]
    if column not in {c["column_name"] for c in dataset["columns"]}:
        raise SpecError(f"filter {spec['name']}: {dataset['table_name']} has no column {column}")
    excluded = sorted(
        chart_id
        for key, chart_id, table in placed
        if key in spec.get("exclude", []) or column not in {c["column_name"] for c in datasets[table]["columns"]}
    )
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
    code = "#### Bron per grafiek\n" + "\n".join(lines) + "\n"
    meta = {"code": code, "height": 14 + 7 * len(lines), "width": 12}  # a source of two lines at 1280 px fits
    position[node_id] = {"children": [], "id": node_id, "meta": meta, "parents": ["ROOT_ID", "GRID_ID", row_id],
                         "type": "MARKDOWN"}  # fmt: skip


def build_dashboard(spec: dict[str, Any], charts: dict[str, dict[str, Any]], chart_tables: dict[str, str],
                    datasets: dict[str, dict[str, Any]], presentation: dict[str, Any], defaults: dict[str, Any],
                    heading: str = "") -> dict[str, Any]:  # fmt: skip
    """The dashboard document; `heading` opens its first markdown (label, synthetic-data warning)."""
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
                code = spec["markdown"][item["markdown"]]
                if heading and not any(key.startswith("MARKDOWN-") for key in position):
                    code = f"{heading}\n\n{code}"
                meta = {"code": code, "height": item["height"], "width": item["width"]}
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
        "native_filter_configuration": [
            _native_filter(f, datasets, placed, defaults[f["id"]]) for f in spec.get("filters", [])
        ],
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


def build_tree(serving: Path, installation: Installation, spec_dir: Path = SPEC_DIR) -> dict[str, str]:
    """{path in the asset tree: YAML} for the database, datasets, charts and dashboards of an installation."""
    datasets_spec, dashboard_specs = load_spec(spec_dir)
    presentation = load_presentation(spec_dir)
    database = yaml.safe_load((spec_dir / "database.yaml").read_text("utf-8"))
    physical = serving_columns(serving, datasets_spec["datasets"])
    datasets = {
        table: build_dataset(table, spec, datasets_spec["labels"], physical[table], database["uuid"])
        for table, spec in datasets_spec["datasets"].items()
    }
    folder = f"datasets/{secure_filename(database['database_name'])}"
    tree = {
        "metadata.yaml": dump_yaml({"type": "assets", "version": "1.0.0"}),
        f"databases/{secure_filename(database['database_name'])}.yaml": dump_yaml(database),
    }
    tree |= {f"{folder}/{table}.yaml": dump_yaml(doc) for table, doc in datasets.items()}
    with duckdb.connect(str(serving), read_only=True) as conn:
        context = Context(installation, conn, datasets_spec["datasets"])
        for raw_spec in dashboard_specs:
            spec = context.render(raw_spec)
            charts, chart_tables, any_synthetic = {}, {}, False
            for key, chart in spec["charts"].items():
                if chart["dataset"] not in datasets:
                    raise SpecError(f"chart {key}: dataset {chart['dataset']} is not in datasets.yaml")
                columns = {name for name, _ in physical[chart["dataset"]]}
                synthetic = context.is_synthetic(chart["dataset"], chart.get("where"), columns)
                any_synthetic |= synthetic
                shapes = datasets_spec["datasets"][chart["dataset"]].get("source")
                chart = {k: v for k, v in chart.items() if k not in ("indicators", "source")} | {
                    "source": context.source(key, chart, synthetic, shapes)
                }
                charts[key] = build_chart(key, chart, datasets[chart["dataset"]], spec["slug"])
                chart_tables[key] = chart["dataset"]
            for doc in charts.values():
                path = f"charts/{secure_filename(doc['slice_name'])}.yaml"
                if path in tree:
                    raise SpecError(f"two charts are called {doc['slice_name']!r}; give them distinct titles")
                tree[path] = dump_yaml(doc)
            defaults = {f["id"]: context.default(f, f["dataset"]) for f in spec.get("filters", [])}
            dashboard = build_dashboard(
                spec, charts, chart_tables, datasets, presentation, defaults, context.heading(any_synthetic)
            )
            tree[f"dashboards/{secure_filename(dashboard['dashboard_title'])}.yaml"] = dump_yaml(dashboard)
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="where to write the tree (default: the state folder's)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    out = args.out or settings.dashboard_assets
    try:
        tree = build_tree(settings.serving, settings.installation)
    except (SpecError, OSError, duckdb.Error, ValueError) as error:
        print(f"[build] ERROR: {error}", file=sys.stderr)
        return 1
    write_tree(tree, out)
    print(f"[build] wrote {len(tree)} files to {out} from {SPEC_DIR} for {settings.installation.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
