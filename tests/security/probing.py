"""What the attacker's tests share besides fixtures (test modules cannot import from a conftest)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

# Roles as security.yaml provisions them: the admin (every probe must work for it: proof that the probe is real),
# an analyst of all gemeenten, a viewer of all gemeenten and a viewer limited to Almelo.
ROLES = ("admin", "analist", "lezer_twente", "lezer_almelo")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "security"


@dataclass(frozen=True)
class Target:
    """What the probes aim at: a saved table chart of a dashboard, its saved query, a native filter, the database."""

    dashboard_id: int
    chart_id: int
    dataset_id: int
    other_dataset_id: int  # another dataset the roles may read
    query_context: dict[str, Any]  # the chart's saved query context, as the dashboard posts it
    native_filter: dict[str, Any]  # the dashboard's gemeente filter: id, dataset id, column
    database_id: int


class SourceAddressAdapter(HTTPAdapter):
    """Connections from a given local address: 127.0.0.2 is another client than 127.0.0.1 to the server's limits,
    so throttling probes do not lock the rest of the session out."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def form_login(session: requests.Session, url: str, username: str, password: str) -> requests.Response:
    """Log in as a browser does: the login page's CSRF token, then the form (cookies stay in `session`)."""
    page = session.get(f"{url}/login/", timeout=30).text
    (token,) = re.findall(r'id="csrf_token"\s+value="([^"]+)"', page)
    form = {"username": username, "password": password, "csrf_token": token}
    return session.post(f"{url}/login/", data=form, timeout=30, allow_redirects=False)
