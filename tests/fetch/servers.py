"""Loopback HTTP servers for the fetch and search tests: run any ASGI app in a thread."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from starlette.types import ASGIApp


@contextmanager
def serve(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[int]:
    """Run ``app`` with uvicorn in a background thread on a free port of ``host``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class Recorder:
    """What a test server saw: hits per path, Host headers, peak concurrency per path."""

    hits: Counter[str] = field(default_factory=Counter)
    hosts: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request: Request) -> None:
        """Count one request."""
        with self._lock:
            self.hits[request.url.path] += 1
            self.hosts.append(request.headers.get("host", ""))
            self.user_agents.append(request.headers.get("user-agent", ""))

    @contextmanager
    def tracking(self, key: str) -> Iterator[None]:
        """Track how many requests for ``key`` are in flight at once."""
        with self._lock:
            self.in_flight[key] += 1
            self.peak[key] = max(self.peak[key], self.in_flight[key])
        try:
            yield
        finally:
            with self._lock:
                self.in_flight[key] -= 1

    def reset(self) -> None:
        """Forget everything seen so far."""
        with self._lock:
            self.hits.clear()
            self.hosts.clear()
            self.user_agents.clear()
            self.in_flight.clear()
            self.peak.clear()


PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Local</title></head>'
    "<body><h1>Hello from {host}</h1><p>A plain page.</p></body></html>"
)
# Crawlers in general may fetch nothing; LeadexBot has its own group (and only it applies).
ROBOTS = (
    "User-agent: *\nDisallow: /\n\n"
    "User-agent: LeadexBot\nDisallow: /private/\nDisallow: /no-leadex/\n"
)
# A page whose scripts try to reach each target and write down what happened.
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Probe</title></head><body>
<ul id="results"></ul>{images}
<script>
const targets = {targets};
const list = document.getElementById("results");
Promise.all(targets.map((url) => fetch(url, {{mode: "no-cors"}})
  .then(() => "reached").catch(() => "failed")
  .then((outcome) => {{
    const item = document.createElement("li");
    item.dataset.target = url;
    item.textContent = url + " " + outcome;
    list.appendChild(item);
  }})));
</script></body></html>"""


def local_app(recorder: Recorder) -> Starlette:
    """The fetch tests' server: a route per behaviour under test."""

    def recorded(handler: Callable[[Request], Any]) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            recorder.record(request)
            result = handler(request)
            return await result if asyncio.iscoroutine(result) else result

        return wrapper

    def page(request: Request) -> Response:
        return HTMLResponse(PAGE.format(host=request.headers.get("host", "")))

    def redirect(request: Request) -> Response:
        status = int(request.query_params.get("status", "302"))
        return RedirectResponse(request.query_params["to"], status_code=status)

    def loop(request: Request) -> Response:
        step = int(request.path_params["step"])
        return RedirectResponse(f"/loop/{step + 1}", status_code=302)

    def relative(request: Request) -> Response:
        return Response(status_code=301, headers={"location": "../page?from=relative"})

    def big(request: Request) -> Response:
        size = int(request.query_params.get("size", "100000"))
        if request.query_params.get("chunked"):
            # No Content-Length: the limit must be enforced while streaming.
            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(size // 10_000):
                    yield b"<p>" + b"x" * 9_993 + b"</p>\n"

            return StreamingResponse(chunks(), media_type="text/html")
        return HTMLResponse("x" * size)

    async def slow(request: Request) -> Response:
        await asyncio.sleep(float(request.query_params.get("seconds", "3")))
        return HTMLResponse("<p>finally</p>")

    async def concurrent(request: Request) -> Response:
        with recorder.tracking("concurrent"):
            await asyncio.sleep(0.15)
        return HTMLResponse("<p>done</p>")

    def flaky(request: Request) -> Response:
        key = request.url.path
        status = int(request.query_params.get("status", "429"))
        if recorder.hits[key] <= int(request.query_params.get("failures", "1")):
            headers = {"retry-after": request.query_params.get("after", "1")}
            return PlainTextResponse("slow down", status_code=status, headers=headers)
        return HTMLResponse("<p>recovered</p>")

    def status(request: Request) -> Response:
        return HTMLResponse("<p>nope</p>", status_code=int(request.path_params["code"]))

    def typed(request: Request) -> Response:
        body = b"name,domain\nAcme,acme.test\n" if "csv" in request.query_params else b"%PDF-1.7"
        return Response(body, headers={"content-type": request.query_params["type"]})

    def latin1(request: Request) -> Response:
        body = "<html><body><p>Gerlind Hänel, Nydia Peña — café</p></body></html>"
        where = request.query_params.get("declare", "header")
        content_type = "text/html; charset=latin1" if where == "header" else "text/html"
        if where == "meta":
            body = body.replace("<html>", '<html><head><meta charset="iso-8859-1"></head>')
        # Set by hand: Starlette would add "charset=utf-8" to a bare text/html.
        return Response(body.encode("cp1252"), headers={"content-type": content_type})

    def probe(request: Request) -> Response:
        targets = request.query_params.getlist("target")
        images = "".join(f'<img src="{url}">' for url in targets)
        return HTMLResponse(PROBE.format(targets=json.dumps(targets), images=images))

    def robots(request: Request) -> Response:
        # The Host picks the robots.txt case, so one server can play several sites.
        host = request.headers.get("host", "")
        if host.startswith("robots-5xx."):
            return PlainTextResponse("oops", status_code=500)
        if host.startswith("robots-404."):
            return PlainTextResponse("none", status_code=404)
        return PlainTextResponse(ROBOTS)

    routes = [
        Route("/robots.txt", recorded(robots)),
        Route("/page", recorded(page)),
        Route("/private/{rest:path}", recorded(page)),
        Route("/no-leadex/{rest:path}", recorded(page)),
        Route("/redirect", recorded(redirect)),
        Route("/loop/{step}", recorded(loop)),
        Route("/a/b/relative", recorded(relative)),
        Route("/big", recorded(big)),
        Route("/slow", recorded(slow)),
        Route("/concurrent/{n}", recorded(concurrent)),
        Route("/flaky/{name}", recorded(flaky)),
        Route("/status/{code}", recorded(status)),
        Route("/typed", recorded(typed)),
        Route("/latin1", recorded(latin1)),
        Route("/probe", recorded(probe)),
        Route("/{rest:path}", recorded(page)),
    ]
    return Starlette(routes=routes)
