"""Password guessing against Superset's two login routes, as an attacker would (issue 12, finding 3).

Each probe connects from its own loopback address (127.0.0.x), which the server counts as another client, and guesses
the password of a user made for it, so the lockouts it causes touch nothing else in the session. Limits from
dashboards/superset_config.py: 5 failed logins per address and user name, 20 per address, per 5 minutes. Counters
live in each gunicorn worker; one keep-alive connection stays with one worker, so the numbers below are exact.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from probing import form_login

from dashboards.client import SupersetClient

pytestmark = pytest.mark.security

PER_USER, PER_ADDRESS = 5, 20
DUTCH = "Te veel mislukte inlogpogingen. Probeer het over 5 minuten opnieuw."


@pytest.fixture(scope="module")
def new_user(login_as: Callable[[str], SupersetClient]) -> Iterator[Callable[[str], str]]:
    """A Lezer made for one probe; returns its password. Deleted after the module (the session shares Superset)."""
    client = login_as("admin")
    query = {"q": "(filters:!((col:name,opr:eq,value:Lezer)))"}
    (lezer,) = client.request("GET", "/api/v1/security/roles/", params=query)["result"]
    made: list[int] = []

    def make(username: str) -> str:
        password = secrets.token_urlsafe(18)
        made.append(client.request("POST", "/api/v1/security/users/", json={
            "username": username, "first_name": "Doelwit", "last_name": username, "email": f"{username}@localhost",
            "active": True, "roles": [lezer["id"]], "password": password})["id"])  # fmt: skip
        return password

    yield make
    for user_id in made:
        client.request("DELETE", f"/api/v1/security/users/{user_id}")


def _api_login(session: requests.Session, url: str, username: str, password: str) -> requests.Response:
    body = {"username": username, "password": password, "provider": "db", "refresh": False}
    return session.post(f"{url}/api/v1/security/login", json=body, timeout=30)


def _statuses(login: Callable[..., requests.Response], *args: Any, times: int) -> list[int]:
    return [login(*args).status_code for _ in range(times)]


def test_api_login_locks_a_user_out_after_five_wrong_passwords(
    superset_url: str, new_user: Callable[[str], str], session_from: Callable[[str], requests.Session]
) -> None:
    password = new_user("doelwit_api")
    attacker = session_from("127.0.0.2")
    assert _statuses(_api_login, attacker, superset_url, "doelwit_api", "fout", times=8) == [401] * PER_USER + [429] * 3
    # locked: the right password is refused too, with a Dutch message and when to try again ...
    refused = _api_login(attacker, superset_url, "DOELWIT_API", password)  # user names are case-insensitive
    assert (refused.status_code, refused.json()) == (429, {"message": DUTCH})
    assert int(refused.headers["Retry-After"]) == 300
    # ... while another user logs in from the same address, and this user from another one
    other = new_user("collega_api")
    assert _api_login(attacker, superset_url, "collega_api", other).status_code == 200
    assert _api_login(session_from("127.0.0.3"), superset_url, "doelwit_api", password).status_code == 200


def test_form_login_locks_a_user_out_after_five_wrong_passwords(
    superset_url: str, new_user: Callable[[str], str], session_from: Callable[[str], requests.Session]
) -> None:
    password = new_user("doelwit_formulier")
    attacker = session_from("127.0.0.4")
    wrong = [form_login(attacker, superset_url, "doelwit_formulier", "fout") for _ in range(7)]
    # a wrong password sends the form back to the login page; then the page that says it is blocked
    assert [(r.status_code, r.headers.get("Location", "")[:7]) for r in wrong] == [(302, "/login/")] * PER_USER + [
        (429, "")
    ] * 2
    refused = form_login(attacker, superset_url, "doelwit_formulier", password)
    assert refused.status_code == 429 and DUTCH in refused.text and 'href="/login/"' in refused.text
    fresh = session_from("127.0.0.5")
    assert form_login(fresh, superset_url, "doelwit_formulier", password).headers["Location"] == "/"


def test_many_user_names_from_one_address_are_throttled_too(
    superset_url: str, new_user: Callable[[str], str], session_from: Callable[[str], requests.Session]
) -> None:
    """Password spraying: one guess per user name, many names. After 20 failures the address is refused, also for a
    user it never tried."""
    password = new_user("doelwit_spray")
    attacker = session_from("127.0.0.6")
    names = [f"gebruiker_{n}" for n in range(PER_ADDRESS + 2)]  # no such users: a failed login all the same
    statuses = [_api_login(attacker, superset_url, name, "fout").status_code for name in names]
    assert statuses == [401] * PER_ADDRESS + [429] * 2
    assert _api_login(attacker, superset_url, "doelwit_spray", password).status_code == 429
