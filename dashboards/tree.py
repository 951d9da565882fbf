"""The asset tree on disk: Superset's export format (``metadata.yaml``, ``databases/``, ``datasets/``,
``charts/``, ``dashboards/``) as the build writes it (dashboards.build), provisioning zips it (dashboards.provision)
and export writes it back from a running Superset (dashboards.export).

What differs per machine is a placeholder in the tree, filled in when provisioning: the serving file's path in
the database's URI and the maps' background.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The database YAML says `duckdb:///__SBM_SERVING_DUCKDB__?access_mode=read_only`; the absolute path goes here.
SERVING_PATH_PLACEHOLDER = "__SBM_SERVING_DUCKDB__"
# A map chart's background: provisioning puts "geen" (none, works offline) or the tile URL of SBM_BASEMAP_URL here.
BASEMAP_PLACEHOLDER = "__SBM_BASEMAP__"


def basemap_style(url: str) -> str:
    """What the map charts draw under the wijken: the tiles of ``SBM_BASEMAP_URL`` (Settings.basemap_url;
    superset_config.py allows its host), else nothing ("geen"), which works without internet."""
    return f"tile://{url}" if url else "geen"


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings (markdown, query_context JSON) as ``|`` blocks, which diff line by line."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def dump_yaml(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_BlockDumper, allow_unicode=True, sort_keys=True, width=110)


def write_tree(tree: dict[str, str], assets_dir: Path) -> None:
    """Replace the asset tree, so deleted or renamed objects disappear from it too."""
    for old in assets_dir.rglob("*.yaml"):
        old.unlink()
    for relative, text in tree.items():
        target = assets_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def dashboard_slugs(assets_dir: Path) -> list[str]:
    """Slugs of the dashboards in the asset tree (for links after provisioning)."""
    docs = (yaml.safe_load(path.read_text("utf-8")) for path in sorted((assets_dir / "dashboards").glob("*.yaml")))
    return [doc["slug"] for doc in docs]
