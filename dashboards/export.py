"""Pull dashboards edited in Superset back into an asset tree: ``python -m dashboards.export [--out DIR]``.

Exports the dashboards that the installation's built tree (``$SBM_SUPERSET_HOME/assets``) already holds (plus
any given with ``--dashboard ID``) through ``/api/v1/dashboard/export/`` and writes them normalised, so that a diff
with the build shows only real changes: file names without Superset's numeric ids, no timestamp, the serving path
and the maps' background back to their placeholders, instance ids (dataset and chart ids) removed or renumbered,
keys sorted, Dutch text unescaped, long strings as YAML blocks.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import yaml

from dashboards.client import SupersetApiError, SupersetClient, admin_client
from dashboards.tree import BASEMAP_PLACEHOLDER, SERVING_PATH_PLACEHOLDER, basemap_style, dump_yaml, write_tree
from pipelines.config import Settings

DUCKDB_URI = re.compile(r"^duckdb:///(?P<path>[^?]+)(?P<query>\?.*)?$")


def _template_database(doc: dict[str, Any]) -> dict[str, Any]:
    match = DUCKDB_URI.match(doc["sqlalchemy_uri"])
    if not match:
        raise ValueError(f"database {doc['database_name']!r}: expected a duckdb:/// URI, got {doc['sqlalchemy_uri']}")
    doc["sqlalchemy_uri"] = f"duckdb:///{SERVING_PATH_PLACEHOLDER}{match['query'] or ''}"
    return doc


def _normalise_dataset(doc: dict[str, Any]) -> dict[str, Any]:
    doc["columns"] = sorted(doc.get("columns") or [], key=lambda column: column["column_name"])
    doc["metrics"] = sorted(doc.get("metrics") or [], key=lambda metric: metric["metric_name"])
    return doc


def _normalise_chart(doc: dict[str, Any], basemap: str) -> dict[str, Any]:
    # The importer re-points params and query_context at the dataset by its UUID; instance ids are noise. A map's
    # background is the installation's (provisioning fills it in): back to its placeholder.
    for key in ("datasource", "slice_id", "dashboards"):
        doc["params"].pop(key, None)
    if doc["params"].get("mapbox_style") == basemap:
        doc["params"]["mapbox_style"] = BASEMAP_PLACEHOLDER
    if doc.get("query_context"):
        context = json.loads(doc["query_context"])
        context.pop("datasource", None)
        for key in ("datasource", "slice_id", "dashboards"):
            context.get("form_data", {}).pop(key, None)
        if context.get("form_data", {}).get("mapbox_style") == basemap:
            context["form_data"]["mapbox_style"] = BASEMAP_PLACEHOLDER
        for query in context.get("queries", []):
            query.pop("datasource", None)
        doc["query_context"] = json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return doc


def _normalise_dashboard(doc: dict[str, Any]) -> dict[str, Any]:
    """Renumber chart ids 1..n in position order, everywhere the dashboard refers to them by id.

    ``chartsInScope`` is dropped: it is the dashboard's cache of the charts a filter applies to, which Superset 6.1's
    importer does not re-point at the new chart ids (apache/superset#26338), so it would go stale on import and make
    provision → export differ. The dashboard recomputes it from ``scope`` (rootPath + excluded) when it loads.
    """
    charts = [node for _, node in sorted(doc["position"].items()) if isinstance(node, dict) and node["type"] == "CHART"]
    new_id = {node["meta"]["chartId"]: number for number, node in enumerate(charts, start=1)}
    for node in charts:
        node["meta"]["chartId"] = new_id[node["meta"]["chartId"]]

    def ids(values: list[int]) -> list[int]:
        return sorted(new_id[value] for value in values if value in new_id)

    def fix_scope(config: dict[str, Any]) -> None:
        config.pop("chartsInScope", None)
        config.get("crossFilters", {}).pop("chartsInScope", None)
        scope = config.get("scope") or config.get("crossFilters", {}).get("scope")
        if isinstance(scope, dict) and "excluded" in scope:
            scope["excluded"] = ids(scope["excluded"])

    metadata = doc.get("metadata", {})
    metadata["timed_refresh_immune_slices"] = ids(metadata.get("timed_refresh_immune_slices", []))
    metadata["expanded_slices"] = {
        str(new_id[int(key)]): value for key, value in metadata.get("expanded_slices", {}).items() if int(key) in new_id
    }
    for config in metadata.get("native_filter_configuration", []):
        fix_scope(config)
    fix_scope(metadata.get("global_chart_configuration", {}))
    chart_configuration = {}
    for key, config in metadata.get("chart_configuration", {}).items():
        if int(key) in new_id:
            config["id"] = new_id[int(key)]
            fix_scope(config)
            chart_configuration[str(config["id"])] = config
    metadata["chart_configuration"] = chart_configuration
    return doc


_NORMALISERS = {
    "databases": _template_database,
    "datasets": _normalise_dataset,
    "dashboards": _normalise_dashboard,
}


def normalise(contents: dict[str, str], basemap_url: str = "") -> dict[str, str]:
    """Export files (path below the zip's top folder → YAML) to the normalised asset tree (path → YAML); maps whose
    background is the installation's (``basemap_url``) get the placeholder back."""
    tree, basemap = {}, basemap_style(basemap_url)
    for path, text in contents.items():
        doc = yaml.safe_load(text)
        kind = path.split("/", 1)[0]
        if path == "metadata.yaml":
            doc = {"version": doc["version"], "type": "assets"}  # a dashboard export is an asset bundle minus this
        elif kind == "charts" or kind in _NORMALISERS:
            doc = _normalise_chart(doc, basemap) if kind == "charts" else _NORMALISERS[kind](doc)
            if kind != "databases":  # Superset appends the instance id: charts/Name_12.yaml
                path = re.sub(r"_\d+\.yaml$", ".yaml", path)
        else:
            raise ValueError(f"unexpected file in export: {path}")
        if path in tree:
            raise ValueError(f"two exported objects normalise to {path}; give them distinct names")
        tree[path] = dump_yaml(doc)
    return tree


def unzip_export(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return {
            name.split("/", 1)[1]: bundle.read(name).decode("utf-8")
            for name in bundle.namelist()
            if name.endswith(".yaml")
        }


def export_dashboards(client: SupersetClient, extra_ids: list[int], assets_dir: Path, basemap_url: str = "",
                      ) -> dict[str, str]:  # fmt: skip
    uuids = [yaml.safe_load(p.read_text("utf-8"))["uuid"] for p in (assets_dir / "dashboards").glob("*.yaml")]
    listed = client.request("GET", "/api/v1/dashboard/", params={"q": "(columns:!(id,uuid),page_size:100)"})
    ids = sorted({row["id"] for row in listed["result"] if row["uuid"] in uuids} | set(extra_ids))
    if not ids:
        raise SupersetApiError(f"none of the dashboards in {assets_dir} exists in Superset; provision first")
    response = client.session.get(
        f"{client.base_url}/api/v1/dashboard/export/", params={"q": f"!({','.join(map(str, ids))})"}, timeout=120
    )
    if not response.ok:
        raise SupersetApiError(f"GET /api/v1/dashboard/export/: HTTP {response.status_code}: {response.text[:300]}")
    return normalise(unzip_export(response.content), basemap_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboard", type=int, action="append", default=[], help="also export this dashboard id")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: the built tree it replaces)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        client = admin_client(settings)
        tree = export_dashboards(client, args.dashboard, settings.dashboard_assets, settings.basemap_url)
    except (SupersetApiError, OSError, ValueError) as error:
        print(f"[export] ERROR: {error}", file=sys.stderr)
        return 1
    out = args.out or settings.dashboard_assets
    write_tree(tree, out)
    print(f"[export] wrote {len(tree)} files to {out}; compare: diff -r {settings.dashboard_assets} {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
