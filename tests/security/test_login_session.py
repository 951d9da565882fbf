"""A fresh login must survive the requests the login page sent before it (issue 12; seen in CI on 2026-12-05).

The frontend posts its event log (``POST /superset/log/``) also from the login page, as the browser leaves it. That
post carries the cookie of before the login; when it was answered after the login (another gunicorn worker), its
reply set a new anonymous session cookie over the fresh login's, and the browser saw the login page again.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from probing import form_login

from dashboards.superset_state import Credentials

pytestmark = pytest.mark.security

EVENTS = {"events": '[{"event_name": "spa_navigation", "ts": 0}]'}


def test_the_login_pages_event_post_does_not_log_the_user_out(
    superset_url: str, superset_credentials: Credentials, session_from: Callable[[str], requests.Session]
) -> None:
    browser = session_from("127.0.0.7")
    assert browser.get(f"{superset_url}/login/", timeout=30).status_code == 200
    before_login = browser.cookies.get("session")
    logged_in = form_login(
        browser, superset_url, superset_credentials.admin_username, superset_credentials.admin_password
    )
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == "/"
    assert browser.cookies.get("session") != before_login

    # the login page's event post, sent with the old cookie, answered after the login
    late = requests.post(
        f"{superset_url}/superset/log/?explode=events",
        data=EVENTS,
        cookies={"session": before_login},
        timeout=30,
        allow_redirects=False,
    )
    assert late.status_code == 204
    assert "Set-Cookie" not in late.headers, "an anonymous reply must not replace the browser's session cookie"
    welcome = browser.get(f"{superset_url}/superset/welcome/", timeout=30, allow_redirects=False)
    assert welcome.status_code == 200, "the login still holds"


def test_a_logged_in_users_events_are_still_logged(
    superset_url: str, superset_credentials: Credentials, session_from: Callable[[str], requests.Session]
) -> None:
    browser = session_from("127.0.0.7")
    form_login(browser, superset_url, superset_credentials.admin_username, superset_credentials.admin_password)
    token = browser.get(f"{superset_url}/api/v1/security/csrf_token/", timeout=30).json()["result"]
    logged = browser.post(
        f"{superset_url}/superset/log/?explode=events",
        data=EVENTS,
        headers={"X-CSRFToken": token, "Referer": superset_url},
        timeout=30,
        allow_redirects=False,
    )
    assert logged.status_code == 200, logged.text[:300]
