"""Provision Superset with the installation's dashboards: ``python -m dashboards.provision``.

Builds the asset tree from dashboards/spec for the installation and its published data (``dashboards.build``,
written to ``$SBM_SUPERSET_HOME/assets``), zips it with the serving file's path filled in and posts it to
``/api/v1/assets/import/``, which creates or overwrites the database, dataset, charts and dashboards by UUID;
then sets up the roles of ``dashboards/security.yaml`` and the installation's users with their row-level security
(``dashboards.security``). Running it twice changes nothing.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

import requests
import yaml

from dashboards.superset_state import SupersetState, load_credentials
from pipelines.config import Settings

# The database YAML says `duckdb:///__SBM_SERVING_DUCKDB__?access_mode=read_only`; the absolute path goes here.
SERVING_PATH_PLACEHOLDER = "__SBM_SERVING_DUCKDB__"
BUNDLE_ROOT = "sociale_basis_monitor"  # Superset expects every file of a bundle under one top folder


class ProvisionError(RuntimeError):
    """A Superset API call failed; the message has the method, path, HTTP status and Superset's own message."""


def serving_uri_path(serving: Path) -> str:
    """The serving file as it goes into the SQLAlchemy URI: absolute, and nothing a URL parser would split on."""
    path = str(serving.expanduser().resolve())
    if any(char in path for char in "?#%"):
        raise ValueError(f"serving file path {path!r} contains '?', '#' or '%', which break a SQLAlchemy URI")
    return path


def render_asset(relative: str, text: str, serving: Path) -> str:
    """Fill the serving path into database YAML; every other asset goes into the bundle unchanged."""
    if not relative.startswith("databases/"):
        return text
    if text.count(SERVING_PATH_PLACEHOLDER) != 1:
        raise ValueError(f"{relative}: expected exactly one {SERVING_PATH_PLACEHOLDER} in sqlalchemy_uri")
    return text.replace(SERVING_PATH_PLACEHOLDER, serving_uri_path(serving))


def build_bundle(serving: Path, assets_dir: Path) -> bytes:
    """The import zip: ``<root>/metadata.yaml``, ``<root>/databases/…``, ``datasets/``, ``charts/``, ``dashboards/``."""
    if not (assets_dir / "metadata.yaml").is_file():
        raise FileNotFoundError(f"{assets_dir / 'metadata.yaml'} is missing; is {assets_dir} an asset tree?")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(assets_dir.rglob("*.yaml")):
            relative = path.relative_to(assets_dir).as_posix()
            bundle.writestr(f"{BUNDLE_ROOT}/{relative}", render_asset(relative, path.read_text("utf-8"), serving))
    return buffer.getvalue()


def _superset_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, dict) and "errors" in body:
        return "; ".join(str(error.get("message", error)) for error in body["errors"])
    return str(body.get("message", body) if isinstance(body, dict) else body)


class SupersetClient:
    """One ``requests.Session`` for login, CSRF token and every later call (the token belongs to its cookie)."""

    def __init__(self, base_url: str, username: str, password: str, timeout: float = 120) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        # Without it Superset answers some failures with its HTML error page instead of a JSON message.
        self.session.headers["Accept"] = "application/json"
        token = self.request(
            "POST",
            "/api/v1/security/login",
            json={"username": username, "password": password, "provider": "db", "refresh": False},
        )["access_token"]
        self.session.headers["Authorization"] = f"Bearer {token}"
        csrf = self.request("GET", "/api/v1/security/csrf_token/")["result"]
        # Flask-WTF also compares the Referer with the host on HTTPS; sent always, so this works behind TLS too.
        self.session.headers.update({"X-CSRFToken": csrf, "Referer": self.base_url})

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}{path}"
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.ConnectionError as error:
            raise ProvisionError(f"{method} {url}: Superset is not reachable ({error.__class__.__name__})") from None
        if not response.ok:
            # On a 5xx Superset often only says "failed for an unknown reason"; the traceback is in its log.
            hint = " (details in Superset's log)" if response.status_code >= 500 else ""
            raise ProvisionError(f"{method} {path}: HTTP {response.status_code}: {_superset_message(response)}{hint}")
        return response.json() if response.content else None

    def import_assets(self, bundle: bytes) -> None:
        # Superset 6.1's assets import always overwrites by UUID; `overwrite=true` states that intent and is what
        # the per-type import endpoints require.
        self.request(
            "POST",
            "/api/v1/assets/import/",
            files={"bundle": ("bundle.zip", bundle, "application/zip")},
            data={"overwrite": "true"},
        )


def dashboard_slugs(assets_dir: Path) -> list[str]:
    """Slugs of the dashboards in the asset tree (for links after provisioning)."""
    docs = (yaml.safe_load(path.read_text("utf-8")) for path in sorted((assets_dir / "dashboards").glob("*.yaml")))
    return [doc["slug"] for doc in docs]


def provision(client: SupersetClient, settings: Settings, state: SupersetState) -> list[str]:
    """Build the installation's dashboards from its published data, import them, then roles, users and row-level
    security; returns the dashboard URLs."""
    # imported here: both modules use this one (the build writes with dashboards.export, security uses the client)
    from dashboards.build import build_tree
    from dashboards.export import write_tree
    from dashboards.security import apply_security

    if not settings.serving.exists():
        raise ProvisionError(f"{settings.serving} does not exist yet: run the pipeline first (make refresh)")
    write_tree(build_tree(settings.serving, settings.installation), settings.dashboard_assets)
    client.import_assets(build_bundle(settings.serving, settings.dashboard_assets))
    apply_security(client, state, settings.installation.users, settings.dashboard_assets)
    return [f"{client.base_url}/superset/dashboard/{slug}/" for slug in dashboard_slugs(settings.dashboard_assets)]


def main() -> int:
    settings = Settings.from_env()
    state, base_url = SupersetState(settings.superset_home), settings.superset_url
    try:
        credentials = load_credentials(state)
        client = SupersetClient(base_url, credentials.admin_username, credentials.admin_password)
        urls = provision(client, settings, state)
    except (ProvisionError, OSError, ValueError) as error:
        print(f"[provision] ERROR: {error}", file=sys.stderr)
        return 1
    print(f"[provision] built {settings.dashboard_assets} and imported it into {base_url}")
    for url in urls:
        print(f"[provision] dashboard: {url}")
    print(f"[provision] users of {settings.installation.path}: passwords in {state.home / 'users.env'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
