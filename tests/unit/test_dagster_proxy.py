"""The checks of pipelines/dagster_proxy.py, request by request (tests/security/test_dagster.py runs them against
a real Dagster)."""

from __future__ import annotations

import pytest

from pipelines.dagster_proxy import allowed_hosts, refusal

HOSTS = allowed_hosts("127.0.0.1", 3000, ["dagster.gemeente.nl"])


def _status(method: str, path: str = "/graphql", query: str = "", **headers: str) -> int | None:
    headers = {"host": "127.0.0.1:3000", **{k.replace("_", "-"): v for k, v in headers.items()}}
    refused = refusal(method, path, headers, query, HOSTS)
    return refused.status_code if refused else None


def test_allowed_hosts() -> None:
    assert sorted(HOSTS) == ["127.0.0.1:3000", "dagster.gemeente.nl", "localhost:3000"]
    assert allowed_hosts("10.0.0.5", 3000) == {"10.0.0.5:3000"}
    assert "127.0.0.1:3000" in allowed_hosts("0.0.0.0", 3000)  # reachable on loopback when bound everywhere


@pytest.mark.parametrize(
    ("request_", "status"),
    [
        (("POST", "/graphql", "", {"content_type": "application/json"}), None),
        (
            (
                "POST",
                "/graphql",
                "",
                {"content_type": "application/json; charset=utf-8", "origin": "http://localhost:3000"},
            ),
            None,
        ),
        (("GET", "/", "", {}), None),
        (("GET", "/graphql", "", {"accept": "text/html"}), None),  # the GraphiQL page
        (("GET", "/graphql", "query=mutation%7B%7D", {}), 405),
        (("POST", "/graphql", "query=mutation%7B%7D", {"content_type": "application/x-www-form-urlencoded"}), 415),
        (("POST", "/graphql", "", {"content_type": "text/plain"}), 415),
        (("POST", "/report_asset_materialization/x", "", {}), 415),
        (("DELETE", "/graphql", "", {"content_type": "application/json"}), None),
        (("OPTIONS", "/graphql", "", {}), 405),
        (("POST", "/graphql", "", {"content_type": "application/json", "origin": "http://evil.example"}), 403),
        (("POST", "/graphql", "", {"content_type": "application/json", "host": "evil.example:3000"}), 421),
        (("POST", "/graphql", "", {"content_type": "application/json", "host": "dagster.gemeente.nl"}), None),
    ],
)
def test_refusal(request_: tuple, status: int | None) -> None:
    method, path, query, headers = request_
    assert _status(method, path, query, **headers) == status
