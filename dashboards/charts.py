"""Chart params and saved query contexts for the chart types the dashboards use, from a chart's spec.

Superset's frontend builds a chart's query from its form data (``buildQuery`` of each chart plugin) and saves it
as the chart's ``query_context``, which ``/api/v1/chart/<id>/data/`` needs. Charts defined in dashboards/spec never
pass through the frontend, so this module writes both the way the plugins do, for ``table`` (raw records),
``echarts_timeseries_line`` / ``_bar``, ``heatmap_v2`` and ``deck_polygon`` (the maps).

What makes them legible is decided here once for every chart: legends that wrap instead of paging, axis titles
kept clear of the tick labels, every category label of a heatmap drawn, Dutch date formats in tables.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from dashboards.tree import BASEMAP_PLACEHOLDER

NAMESPACE = uuid.UUID("5b1c9a52-3c1e-4b8e-9f54-0d6f3e0c2a11")  # fixed: the uuid5 ids of this project's assets
GREY = "#c8c8c8"  # no value: suppressed (fewer than 10) or no data


def _title_margin(chart: dict[str, Any], number_format: str) -> int:
    """Room between the y-axis title and the axis: enough for the widest tick label the format writes
    (euro amounts "€ 1.200" need more than "80,0")."""
    return chart.get("y_title_margin", 65 if "$" in number_format else 50)


class SpecError(ValueError):
    """The spec refers to something that does not exist; the message names the file and the object."""


def stable_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{name}"))


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
        "table_timestamp_format": chart.get("timestamp_format", "smart_date"),
        "viz_type": "table",
    }
    query = _query(chart, where, columns=columns, orderby=[[name, ascending] for name, ascending in order])
    return params, query


def _timeseries(chart: dict[str, Any], adhoc: list[dict[str, Any]], where: str, viz: str) -> tuple[dict, dict]:
    x_axis, groupby, metrics = chart["x"], chart.get("groupby", []), chart["metrics"]
    grain = chart.get("time_grain")
    number_format = chart.get("format", ",.1f")
    params = {
        "adhoc_filters": adhoc,
        "annotation_layers": [],
        "color_scheme": "supersetColors",
        "extra_form_data": {},
        "groupby": groupby,
        "legendOrientation": chart.get("legend", "top"),
        "legendType": "plain",  # a paged ("scroll") legend hides series behind arrows; a plain one wraps
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
        "y_axis_format": number_format,
        "y_axis_title": chart.get("y_title", ""),
        "y_axis_title_margin": _title_margin(chart, number_format),
        "y_axis_title_position": "Left",
    }
    if grain:
        params.update(
            x_axis_time_format=chart.get("time_format", "%Y"), tooltipTimeFormat=chart.get("time_format", "%Y")
        )
    if viz == "echarts_timeseries_bar":
        params.update(orientation=chart.get("orientation", "vertical"), show_value=False, stack=chart.get("stack"))
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
        # room around the axis labels: ECharts measures them before the web font has loaded, and would cut off
        # their first letters (Superset's "auto" is no margin at all)
        "bottom_margin": 30,
        "extra_form_data": {},
        "groupby": y_axis,
        "left_margin": 40,
        "legend_type": "continuous",
        # the spec's scale (Superset config EXTRA_SEQUENTIAL_COLOR_SCHEMES): red = ongunstig, blue = gunstig
        "linear_color_scheme": chart.get("color_scheme", "ongunstig_gunstig"),
        "metric": metric,
        "normalize_across": "heatmap",
        "row_limit": chart.get("row_limit", 10_000),
        "show_legend": True,
        "show_percentage": False,
        "show_values": True,
        "sort_x_axis": chart.get("sort_x", "alpha_asc"),
        "sort_y_axis": chart.get("sort_y", "alpha_desc"),
        "value_bounds": chart.get("bounds", [None, None]),
        "viz_type": "heatmap_v2",
        "x_axis": x_axis,
        "x_axis_label_rotation": chart.get("x_rotation", 0),
        # 1 = every label; Superset's default (-1, "auto") lets ECharts drop the labels that would overlap
        "xscale_interval": 1,
        "y_axis_format": chart.get("format", ",.1f"),
        "yscale_interval": 1,
    }
    # as the plugin's buildQuery orders: by each axis (or the metric, for "value_…"), ascending or not
    orderby = [
        [
            metric if params[f"sort_{axis}_axis"].startswith("value") else column,
            params[f"sort_{axis}_axis"].endswith("asc"),
        ]
        for axis, column in (("x", x_axis), ("y", y_axis))
    ]
    query = _query(
        chart, where, columns=[x_axis, y_axis], metrics=[metric], orderby=orderby,
        post_processing=[{"operation": "rank", "options": {"metric": metric}}],
    )  # fmt: skip
    return params, query


def _rgba(hex_colour: str) -> dict[str, float]:
    return {"r": int(hex_colour[1:3], 16), "g": int(hex_colour[3:5], 16), "b": int(hex_colour[5:7], 16), "a": 1}


def _polygon(chart: dict[str, Any], adhoc: list[dict[str, Any]], where: str) -> tuple[dict, dict]:
    """A choropleth: the dataset's GeoJSON polygons coloured by class (``classes``: [from, to, colour]), a value
    outside every class (a suppressed or missing one: NULL) grey. No background map unless configured
    (``mapbox_style`` is filled in by provisioning, see dashboards/provision.py)."""
    geometry, metric, tooltip = chart["geometry"], chart["metric"], chart.get("tooltip", {})
    breakpoints = [{"color": _rgba(colour), "minValue": low, "maxValue": high}
                   for low, high, colour in chart["classes"]]  # fmt: skip
    tooltip_contents = [{"item_type": "column", "column_name": name, "verbose_name": label}
                        for name, label in tooltip.items()]  # fmt: skip
    params = {
        "adhoc_filters": adhoc,
        "annotation_layers": [],  # Superset's import adds it to every chart
        "autozoom": True,  # fit the map to the polygons the filters leave: the chosen gemeente
        "color_breakpoints": breakpoints,
        "color_scheme_type": "color_breakpoints",
        "default_breakpoint_color": _rgba(GREY),
        "extruded": False,
        "filled": True,
        # suppressed wijken have no value; without this they would be left out of the query instead of grey
        "filter_nulls": False,
        "js_columns": [],
        "legend_format": chart.get("format", ",.0f"),
        "legend_position": "tr",
        "line_column": geometry,
        "line_type": "json",
        "line_width": 1,
        "line_width_unit": "pixels",
        "mapbox_style": BASEMAP_PLACEHOLDER,
        "metric": metric,
        "opacity": 90,
        "reverse_long_lat": False,
        "row_limit": chart.get("row_limit", 10_000),
        "stroke_color_picker": _rgba("#ffffff"),
        "stroked": True,
        "table_filter": False,
        "tooltip_contents": tooltip_contents,
        "viewport": {"bearing": 0, "latitude": 52.3, "longitude": 6.6, "pitch": 0, "zoom": 9},
        "viz_type": "deck_polygon",
    }
    query = _query(chart, where, columns=[geometry, *tooltip], metrics=[metric], is_timeseries=False)
    return params, query


VIZ = {"table", "echarts_timeseries_line", "echarts_timeseries_bar", "heatmap_v2", "deck_polygon"}


def build_chart(key: str, chart: dict[str, Any], dataset: dict[str, Any], slug: str) -> dict[str, Any]:
    viz = chart["viz"]
    adhoc, where = _where(chart)
    if viz == "table":
        params, query = _table(chart, adhoc, where)
    elif viz in ("echarts_timeseries_line", "echarts_timeseries_bar"):
        params, query = _timeseries(chart, adhoc, where, viz)
    elif viz == "heatmap_v2":
        params, query = _heatmap(chart, adhoc, where)
    elif viz == "deck_polygon":
        params, query = _polygon(chart, adhoc, where)
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
    named_columns = [*chart.get("columns", []), *chart.get("groupby", []), *chart.get("tooltip", {})] + [
        chart[k] for k in ("x", "y", "geometry") if k in chart
    ]
    named_columns += [name for name, _ in chart.get("order", [])] + list(chart.get("formats") or {})
    named_metrics = [*chart.get("metrics", []), *([chart["metric"]] if "metric" in chart else [])]
    if missing := [name for name in named_columns if name not in columns]:
        raise SpecError(f"chart {key}: {dataset['table_name']} has no column(s) {missing}")
    if missing := [name for name in named_metrics if name not in metrics]:
        raise SpecError(f"chart {key}: {dataset['table_name']} has no metric(s) {missing}")
