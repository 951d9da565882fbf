"""Normalising a Superset dashboard export back into an asset tree (here the demo's, demo/dashboards)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
import yaml

from dashboards.export import normalise, unzip_export
from dashboards.tree import SERVING_PATH_PLACEHOLDER
from pipelines.config import REPO_ROOT

ASSETS_DIR = REPO_ROOT / "demo" / "dashboards"


def _committed_tree() -> dict[str, str]:
    return {path.relative_to(ASSETS_DIR).as_posix(): path.read_text("utf-8") for path in ASSETS_DIR.rglob("*.yaml")}


def _as_superset_exports_it(tree: dict[str, str], chart_id_offset: int = 40) -> dict[str, str]:
    """What /api/v1/dashboard/export/ returns for the committed tree on some instance: ids in file names and
    in the documents, the real serving path, a timestamp, keys in Superset's order (here: reversed)."""
    exported: dict[str, str] = {}
    for path, text in tree.items():
        doc: dict[str, Any] = yaml.safe_load(text)
        kind = path.split("/")[0]
        if path == "metadata.yaml":
            doc = {"version": "1.0.0", "type": "Dashboard", "timestamp": "2026-11-24T12:00:00+00:00"}
        elif kind == "databases":
            doc["sqlalchemy_uri"] = doc["sqlalchemy_uri"].replace(SERVING_PATH_PLACEHOLDER, "/srv/sbm/serving.duckdb")
        elif kind == "datasets":
            doc["columns"].reverse()
        elif kind == "charts":
            doc["params"].update(datasource="7__table", slice_id=12)
            context = json.loads(doc["query_context"])
            context["datasource"] = {"id": 7, "type": "table"}
            context["form_data"].update(datasource="7__table", slice_id=12)
            doc["query_context"] = json.dumps(context)  # Superset's compact one-line JSON
        elif kind == "dashboards":
            for node in doc["position"].values():
                if isinstance(node, dict) and node["type"] == "CHART":
                    node["meta"]["chartId"] += chart_id_offset
            charts = [
                n["meta"]["chartId"] for n in doc["position"].values() if isinstance(n, dict) and n["type"] == "CHART"
            ]
            expanded = doc["metadata"]["expanded_slices"]
            doc["metadata"]["expanded_slices"] = {str(int(key) + chart_id_offset): on for key, on in expanded.items()}
            for native_filter in doc["metadata"]["native_filter_configuration"]:
                excluded = [i + chart_id_offset for i in native_filter["scope"]["excluded"]]
                native_filter["scope"]["excluded"] = excluded
                native_filter["chartsInScope"] = sorted(set(charts) - set(excluded))  # as the dashboard saves it
        if kind in ("datasets", "charts", "dashboards"):
            path = path.removesuffix(".yaml") + "_12.yaml"
        exported[path] = yaml.safe_dump(dict(reversed(doc.items())), allow_unicode=False, sort_keys=False)
    return exported


def test_committed_assets_are_already_normalised() -> None:
    """Export → normalise gives back the committed files byte for byte, so a re-export diffs only real edits."""
    tree = _committed_tree()
    assert normalise(_as_superset_exports_it(tree)) == tree


def test_chart_ids_are_renumbered_in_the_filter_scopes_too() -> None:
    """... and chartsInScope, a cache of instance ids that Superset 6.1's import leaves stale, is dropped."""
    position = {
        "CHART-a": {"type": "CHART", "meta": {"chartId": 57, "uuid": "u-a"}},
        "CHART-b": {"type": "CHART", "meta": {"chartId": 91, "uuid": "u-b"}},
    }
    metadata = {
        "native_filter_configuration": [{"chartsInScope": [57], "scope": {"excluded": [91]}}],
        "chart_configuration": {"57": {"id": 57, "crossFilters": {"scope": {"excluded": [91]}, "chartsInScope": []}}},
        "global_chart_configuration": {"scope": {"excluded": [57]}, "chartsInScope": [91]},
        "expanded_slices": {"91": True},
    }
    dashboard = {"uuid": "d", "position": position, "metadata": metadata}
    (text,) = normalise({"dashboards/Test_3.yaml": yaml.safe_dump(dashboard)}).values()
    result = yaml.safe_load(text)
    assert [result["position"][key]["meta"]["chartId"] for key in ("CHART-a", "CHART-b")] == [1, 2]
    native_filter = result["metadata"]["native_filter_configuration"][0]
    assert native_filter == {"scope": {"excluded": [2]}}
    assert result["metadata"]["chart_configuration"] == {"1": {"id": 1, "crossFilters": {"scope": {"excluded": [2]}}}}
    assert result["metadata"]["global_chart_configuration"] == {"scope": {"excluded": [1]}}
    assert result["metadata"]["expanded_slices"] == {"2": True}


def test_export_of_a_non_duckdb_database_is_refused() -> None:
    doc = {"database_name": "x", "sqlalchemy_uri": "postgresql://u@h/db", "uuid": "1"}
    with pytest.raises(ValueError, match="duckdb"):
        normalise({"databases/x.yaml": yaml.safe_dump(doc)})


def test_unzip_strips_the_export_folder() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("dashboard_export_20261124T120000/metadata.yaml", "type: Dashboard\n")
        bundle.writestr("dashboard_export_20261124T120000/charts/A_1.yaml", "slice_name: A\n")
    assert unzip_export(buffer.getvalue()) == {
        "metadata.yaml": "type: Dashboard\n",
        "charts/A_1.yaml": "slice_name: A\n",
    }
