"""A guard in front of the Dagster UI, so that no other web page can drive it: ``python -m pipelines.dagster_proxy``.

Dagster's webserver has no authentication, checks no Host header, and executes a GraphQL mutation sent as a GET
(``/graphql?query=mutation{...}``) or as a form or text POST with the query in the URL: a page open in the operator's
browser, or a DNS-rebinding page, could launch, terminate or delete runs and wipe assets although Dagster listens on
127.0.0.1 only. Dagster has no setting for any of this, so ``make serve`` puts this small reverse proxy on the
public port and Dagster on a private loopback port behind it. It refuses:

- a Host header that is not one of the allowed hosts (DNS rebinding): 421;
- an Origin header (sent by browsers with every cross-origin request and WebSocket) of another site: 403;
- GraphQL over GET (only the GraphiQL page, without a query, is served): 405;
- any other write (POST, PUT, PATCH, DELETE) that is not ``Content-Type: application/json``, which a browser cannot
  send cross-site without a CORS preflight that Dagster never grants: 415; and OPTIONS: 405.

Everything else, WebSockets included (the UI's live run logs), goes to Dagster unchanged. Production: put TLS and
authentication in front of this (README, "Production").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Iterable
from urllib.parse import urlsplit

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
JSON = "application/json"
# Hop-by-hop headers (RFC 9110 7.6.1) are not forwarded, nor a length the proxy may change by streaming.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length", "host"}  # fmt: skip


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> set[str]:
    """Host headers the proxy accepts: its own address (and the loopback names when it listens there or on every
    interface), plus `extra` (the names a TLS proxy in front forwards, e.g. `dagster.gemeente.nl`)."""
    loopback = host in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::", "")
    names = {host} | ({"127.0.0.1", "localhost"} if loopback else set())
    return {f"{name}:{port}" for name in names} | {name.strip().lower() for name in extra if name.strip()}


def refusal(method: str, path: str, headers: dict[str, str], query: str, hosts: set[str]) -> Response | None:
    """Why this request may not reach Dagster (as a response), or None."""
    if headers.get("host", "").lower() not in hosts:
        return PlainTextResponse(f"Host {headers.get('host')!r} is not served here", status_code=421)
    origin = headers.get("origin")
    if origin and urlsplit(origin).netloc.lower() not in hosts:
        return PlainTextResponse(f"Requests from {origin} are refused", status_code=403)
    if method == "OPTIONS":
        return PlainTextResponse("OPTIONS is not served", status_code=405)
    if method == "GET" and path.rstrip("/") == "/graphql" and query:
        return PlainTextResponse("GraphQL over GET is refused: POST with Content-Type application/json", 405)
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if method in WRITES and media_type != JSON:
        return PlainTextResponse(f"{method} needs Content-Type {JSON}, not {media_type or 'none'!r}", 415)
    return None


def create_app(upstream: str, hosts: set[str]) -> Starlette:
    """The proxy as an ASGI app: `upstream` is Dagster's `host:port`."""
    client = httpx.AsyncClient(base_url=f"http://{upstream}", timeout=None)

    async def forward(request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if refused := refusal(request.method, request.url.path, headers, request.url.query, hosts):
            return refused
        outgoing = client.build_request(
            request.method,
            request.url.path,
            params=request.url.query,
            headers=[(key, value) for key, value in request.headers.items() if key not in HOP_BY_HOP],
            content=request.stream(),
        )
        try:
            answer = await client.send(outgoing, stream=True)
        except httpx.TransportError as error:
            return PlainTextResponse(f"Dagster is not reachable ({error.__class__.__name__}); is it starting?", 502)
        return StreamingResponse(
            answer.aiter_raw(),
            status_code=answer.status_code,
            headers={k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP},
            background=BackgroundTask(answer.aclose),
        )

    async def forward_websocket(websocket: WebSocket) -> None:
        headers = {k.lower(): v for k, v in websocket.headers.items()}
        if refusal("GET", websocket.url.path, headers, "", hosts) is not None:
            await websocket.close(code=1008)  # policy violation
            return
        protocols = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        url = f"ws://{upstream}{websocket.url.path}" + (f"?{websocket.url.query}" if websocket.url.query else "")
        async with websockets.connect(url, subprotocols=protocols or None, max_size=None) as dagster:
            await websocket.accept(subprotocol=dagster.subprotocol)

            async def to_dagster() -> None:
                with contextlib.suppress(WebSocketDisconnect):
                    while True:
                        message = await websocket.receive()
                        if message["type"] == "websocket.disconnect":
                            return
                        await dagster.send(message.get("text") or message.get("bytes") or "")

            async def to_browser() -> None:
                with contextlib.suppress(websockets.ConnectionClosed):
                    async for message in dagster:
                        if isinstance(message, bytes):
                            await websocket.send_bytes(message)
                        else:
                            await websocket.send_text(message)

            tasks = [asyncio.create_task(to_dagster()), asyncio.create_task(to_browser())]
            _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
        with contextlib.suppress(RuntimeError):
            await websocket.close()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(
        routes=[WebSocketRoute("/{path:path}", forward_websocket), Route("/{path:path}", forward, methods=methods)],
        lifespan=lifespan,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="host:port this proxy serves (the Dagster UI's address)")
    parser.add_argument("--upstream", required=True, help="host:port of the Dagster webserver (a private port)")
    parser.add_argument("--allowed-host", action="append", default=[], help="another accepted Host header")
    args = parser.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    hosts = allowed_hosts(host, int(port), args.allowed_host)
    print(f"[dagster-proxy] {args.listen} -> {args.upstream}; hosts: {', '.join(sorted(hosts))}", flush=True)
    uvicorn.run(create_app(args.upstream, hosts), host=host, port=int(port), log_level="warning", ws="websockets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
