"""Jobs: named selections of the asset graph that a user (or a schedule) runs."""

from __future__ import annotations

import dagster as dg

full_refresh = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every source, build and test every dbt model, run the GX checks and publish to Superset.",
)
