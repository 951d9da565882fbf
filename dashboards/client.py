"""A logged-in session with Superset's REST API, for provisioning, export, the benchmark and the tests.

One ``requests.Session`` holds the login, the CSRF token and every later call (the token belongs to its cookie).
A failed call raises ``SupersetApiError`` with the method, path, HTTP status and Superset's own message.
"""

from __future__ import annotations

from typing import Any

import requests

from dashboards.superset_state import SupersetState, load_credentials
from pipelines.config import Settings


class SupersetApiError(RuntimeError):
    """A Superset API call failed; the message has the method, path, HTTP status and Superset's own message."""


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
            raise SupersetApiError(f"{method} {url}: Superset is not reachable ({error.__class__.__name__})") from None
        if not response.ok:
            # On a 5xx Superset often only says "failed for an unknown reason"; the traceback is in its log.
            hint = " (details in Superset's log)" if response.status_code >= 500 else ""
            raise SupersetApiError(f"{method} {path}: HTTP {response.status_code}: {_superset_message(response)}{hint}")
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


def admin_client(settings: Settings) -> SupersetClient:
    """The admin's session with the installation's Superset (``SBM_SUPERSET_URL``), password from its state."""
    credentials = load_credentials(SupersetState(settings.superset_home))
    return SupersetClient(settings.superset_url, credentials.admin_username, credentials.admin_password)
