"""Latency of Superset's chart-data API over every chart of every dashboard: median and p95.

Run against a running, provisioned Superset (``make serve`` in another terminal, then ``make benchmark``):

    .venv/bin/python scripts/benchmark_dashboards.py [--rounds 5] [--url http://127.0.0.1:8088]

Each round requests every chart's saved query with ``force: true`` (no cache: DuckDB runs the query every time),
filtered as its dashboard filters it by default, as the admin of the state folder. Prints the figures per chart
and overall; target: p95 under 500 ms for the demo region. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from typing import Any

from dashboards.client import SupersetApiError, SupersetClient
from dashboards.superset_state import SupersetState, load_credentials
from dashboards.tree import dashboard_slugs
from pipelines.config import Settings

TARGET_P95_MS = 500


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def chart_queries(client: SupersetClient, settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    """(dashboard / chart name, query context with the dashboard's default filters) for every chart."""
    queries = []
    for slug in dashboard_slugs(settings.dashboard_assets):
        dashboard = client.request("GET", f"/api/v1/dashboard/{slug}")["result"]
        filters = json.loads(dashboard["json_metadata"])["native_filter_configuration"]
        for chart in client.request("GET", f"/api/v1/dashboard/{slug}/charts")["result"]:
            context = json.loads(client.request("GET", f"/api/v1/chart/{chart['id']}")["result"]["query_context"])
            for native_filter in filters:
                value = native_filter["defaultDataMask"].get("filterState", {}).get("value")
                if value and chart["id"] not in native_filter["scope"]["excluded"]:
                    column = native_filter["targets"][0]["column"]["name"]
                    for query in context["queries"]:
                        query["filters"].append({"col": column, "op": "IN", "val": value})
            context["force"] = True
            queries.append((f"{slug} / {chart['slice_name']}", context))
    return queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    settings = Settings.from_env()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--url", default=settings.superset_url)
    args = parser.parse_args(argv)
    try:
        credentials = load_credentials(SupersetState(settings.superset_home))
        client = SupersetClient(args.url, credentials.admin_username, credentials.admin_password)
        queries = chart_queries(client, settings)
        timings: dict[str, list[float]] = {name: [] for name, _ in queries}
        for _ in range(args.rounds):
            for name, context in queries:
                started = time.perf_counter()
                client.request("POST", "/api/v1/chart/data", json=context)
                timings[name].append((time.perf_counter() - started) * 1000)
    except (SupersetApiError, OSError, ValueError) as error:
        print(f"[benchmark] ERROR: {error}", file=sys.stderr)
        return 1
    every = [ms for values in timings.values() for ms in values]
    for name, values in timings.items():
        print(f"{statistics.median(values):8.0f} ms median  {max(values):8.0f} ms max  {name}")
    median, p95 = statistics.median(every), percentile(every, 0.95)
    print(
        f"\n{len(queries)} charts x {args.rounds} rounds = {len(every)} chart-data requests (force=true): "
        f"median {median:.0f} ms, p95 {p95:.0f} ms (target p95 < {TARGET_P95_MS} ms: "
        f"{'met' if p95 < TARGET_P95_MS else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
