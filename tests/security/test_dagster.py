"""The Dagster UI as a web page on another site (or a DNS-rebinding page) would try to drive it (issue 12, finding 5).

`pipelines.serve.start_dagster` is what `make serve` runs: `dagster dev` on a private port and the guard
(pipelines/dagster_proxy.py) on the public one; here with an empty workspace (the webserver and its GraphQL API are
what is probed; loading the pipeline's code location would add some 40 s). A harmless mutation stands for the
dangerous ones (launch, terminate or delete runs, wipe assets): the same route, the same checks. `setNuxSeen`
writes $DAGSTER_HOME/.nux/nux.yaml, so whether it ran is seen on disk, not only in the answer; the refusals come
first in this module, the UI's own requests (which do run it) last.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import websockets

from pipelines.config import Settings
from pipelines.serve import free_port, start_dagster, wait_until_healthy

pytestmark = pytest.mark.security

MUTATION = "mutation { setNuxSeen }"


@dataclass(frozen=True)
class Dagster:
    url: str
    mutated: Path  # what the mutation writes


@pytest.fixture(scope="module")
def dagster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dagster]:
    folder = tmp_path_factory.mktemp("dagster")
    settings = Settings.from_env({"SBM_HOME": str(folder / "sbm")})
    workspace = folder / "workspace.yaml"
    workspace.write_text("load_from: []\n", encoding="utf-8")
    port = free_port()
    servers = start_dagster(settings, "127.0.0.1", port, workspace)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/server_info", *servers)
        yield Dagster(url, settings.dagster_home / ".nux" / "nux.yaml")
    finally:
        for server in reversed(servers):
            server.stop()


def _mutated(response: requests.Response, dagster: Dagster) -> bool:
    return "setNuxSeen" in response.text or dagster.mutated.exists()


def test_a_mutation_sent_as_get_is_refused(dagster: Dagster) -> None:
    dagster_url = dagster.url
    response = requests.get(f"{dagster_url}/graphql", params={"query": MUTATION}, timeout=30)
    assert response.status_code == 405 and not _mutated(response, dagster)
    # a query over GET too (GraphQL over GET is never needed by the UI) ...
    assert requests.get(f"{dagster_url}/graphql", params={"query": "{ version }"}, timeout=30).status_code == 405
    # ... while the GraphiQL page (no query) is still served
    page = requests.get(f"{dagster_url}/graphql", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "graphiql" in page.text.lower()


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", None]
)
def test_a_mutation_a_form_or_text_post_can_send_is_refused(dagster: Dagster, content_type: str | None) -> None:
    """What a cross-site <form> or fetch without preflight can send: the query in the URL, any body."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(f"{dagster.url}/graphql", params={"query": MUTATION}, data="x=1", headers=headers,
                             timeout=30)  # fmt: skip
    assert response.status_code == 415 and not _mutated(response, dagster)


def test_another_host_or_origin_is_refused(dagster: Dagster) -> None:
    dagster_url, body = dagster.url, {"query": MUTATION}
    rebound = requests.post(f"{dagster_url}/graphql", json=body, headers={"Host": "evil.example:80"}, timeout=30)
    assert rebound.status_code == 421 and not _mutated(rebound, dagster)
    evil = {"Origin": "http://evil.example"}
    cross_site = requests.post(f"{dagster_url}/graphql", json=body, headers=evil, timeout=30)
    assert cross_site.status_code == 403 and not _mutated(cross_site, dagster)
    preflight = requests.options(
        f"{dagster_url}/graphql",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers


def test_the_ui_requests_still_work(dagster: Dagster) -> None:
    """What the Dagster UI sends: a JSON POST from its own origin, and the WebSocket of its live updates."""
    dagster_url, own = dagster.url, {"Origin": dagster.url}
    answer = requests.post(f"{dagster_url}/graphql", json={"query": MUTATION}, headers=own, timeout=60)
    assert answer.json() == {"data": {"setNuxSeen": True}} and dagster.mutated.exists()
    version = requests.post(f"{dagster_url}/graphql", json={"query": "{ version }"}, headers=own, timeout=30)
    assert version.json()["data"]["version"]
    assert requests.get(f"{dagster_url}/", timeout=30).status_code == 200

    async def handshake(origin: str) -> str:
        async with websockets.connect(
            f"ws{dagster_url[4:]}/graphql", subprotocols=["graphql-ws"], origin=origin, open_timeout=30
        ) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
            return json.loads(await asyncio.wait_for(socket.recv(), 30))["type"]

    assert asyncio.run(handshake(dagster_url)) == "connection_ack"
    with pytest.raises(websockets.InvalidStatus, match="403"):
        asyncio.run(handshake("http://evil.example"))
