"""Jobs: named selections of the asset graph that a user (or a schedule) runs."""

from __future__ import annotations

import dagster as dg

from pipelines.sources.files.spec import source_specs

full_refresh = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every source, build and test every dbt model, run the GX checks and publish to Superset.",
)


def file_run_selection(sources: list[str]) -> dg.AssetSelection:
    """What loading files of some sources touches: their raw assets and everything downstream, plus what those
    downstream models read besides (seeds, other staging views), so a view never points at a missing table.
    Other ingest assets are not re-run."""
    raw = dg.AssetSelection.assets(*(dg.AssetKey(["raw", source]) for source in sources))
    downstream = raw.downstream()
    return downstream | (downstream.upstream() - dg.AssetSelection.key_prefixes("raw"))


gemeente_files = dg.define_asset_job(
    name="gemeente_files",
    selection=file_run_selection(list(source_specs())),
    description="Load the gemeente's files waiting in the inbox (subsidies, care, initiatives, voorzieningen, "
    "indicators, postcodes) and rebuild the dbt models that read them. The inbox sensor runs it once per file.",
)
