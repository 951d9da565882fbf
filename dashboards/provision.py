"""Provision Superset with the installation's dashboards: ``python -m dashboards.provision``.

Builds the asset tree from dashboards/spec for the installation and its published data (``dashboards.build``,
written to ``$SBM_SUPERSET_HOME/assets``), zips it with the serving file's path (and the maps' background,
``SBM_BASEMAP_URL``) filled in and posts it to ``/api/v1/assets/import/``, which creates or overwrites the
database, dataset, charts and dashboards by UUID; then sets up the roles of ``dashboards/security.yaml`` and the
installation's users with their row-level security (``dashboards.security``). Running it twice changes nothing.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from dashboards.build import build_tree
from dashboards.client import SupersetApiError, SupersetClient, admin_client
from dashboards.security import apply_security
from dashboards.superset_state import SupersetState
from dashboards.tree import (
    BASEMAP_PLACEHOLDER,
    SERVING_PATH_PLACEHOLDER,
    basemap_style,
    dashboard_slugs,
    write_tree,
)
from pipelines.config import Settings

BUNDLE_ROOT = "sociale_basis_monitor"  # Superset expects every file of a bundle under one top folder


def serving_uri_path(serving: Path) -> str:
    """The serving file as it goes into the SQLAlchemy URI: absolute, and nothing a URL parser would split on."""
    path = str(serving.expanduser().resolve())
    if any(char in path for char in "?#%"):
        raise ValueError(f"serving file path {path!r} contains '?', '#' or '%', which break a SQLAlchemy URI")
    return path


def render_asset(relative: str, text: str, serving: Path, basemap_url: str = "") -> str:
    """Fill the serving path into database YAML and the background map into map charts; everything else goes into
    the bundle unchanged."""
    if relative.startswith("charts/"):
        return text.replace(BASEMAP_PLACEHOLDER, basemap_style(basemap_url))
    if not relative.startswith("databases/"):
        return text
    if text.count(SERVING_PATH_PLACEHOLDER) != 1:
        raise ValueError(f"{relative}: expected exactly one {SERVING_PATH_PLACEHOLDER} in sqlalchemy_uri")
    return text.replace(SERVING_PATH_PLACEHOLDER, serving_uri_path(serving))


def build_bundle(serving: Path, assets_dir: Path, basemap_url: str = "") -> bytes:
    """The import zip: ``<root>/metadata.yaml``, ``<root>/databases/…``, ``datasets/``, ``charts/``, ``dashboards/``."""
    if not (assets_dir / "metadata.yaml").is_file():
        raise FileNotFoundError(f"{assets_dir / 'metadata.yaml'} is missing; is {assets_dir} an asset tree?")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(assets_dir.rglob("*.yaml")):
            relative = path.relative_to(assets_dir).as_posix()
            text = render_asset(relative, path.read_text("utf-8"), serving, basemap_url)
            bundle.writestr(f"{BUNDLE_ROOT}/{relative}", text)
    return buffer.getvalue()


def provision(client: SupersetClient, settings: Settings, state: SupersetState) -> list[str]:
    """Build the installation's dashboards from its published data, import them, then roles, users and row-level
    security; returns the dashboard URLs."""
    if not settings.serving.exists():
        raise FileNotFoundError(f"{settings.serving} does not exist yet: run the pipeline first (make refresh)")
    write_tree(build_tree(settings.serving, settings.installation), settings.dashboard_assets)
    client.import_assets(build_bundle(settings.serving, settings.dashboard_assets, settings.basemap_url))
    apply_security(client, state, settings.installation.users, settings.dashboard_assets)
    return [f"{client.base_url}/superset/dashboard/{slug}/" for slug in dashboard_slugs(settings.dashboard_assets)]


def main() -> int:
    settings = Settings.from_env()
    state, base_url = SupersetState(settings.superset_home), settings.superset_url
    try:
        urls = provision(admin_client(settings), settings, state)
    except (SupersetApiError, OSError, ValueError) as error:
        print(f"[provision] ERROR: {error}", file=sys.stderr)
        return 1
    print(f"[provision] built {settings.dashboard_assets} and imported it into {base_url}")
    for url in urls:
        print(f"[provision] dashboard: {url}")
    print(f"[provision] users of {settings.installation.path}: passwords in {state.home / 'users.env'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
