"""Serve the sandbox web on one port, routing by the Host header, plus the search endpoint."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from sandbox.model import SandboxWeb
from sandbox.search import SearchIndex

NOT_FOUND = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>404 Not Found</title></head>'
    "<body><h1>Not Found</h1><p>The page you are looking for does not exist.</p></body></html>\n"
)


def create_app(web: SandboxWeb, index: SearchIndex | None = None) -> Starlette:
    """An ASGI app serving every host of the web; builds the search index unless given one."""
    search_index = index if index is not None else SearchIndex.from_web(web)
    known_hosts = set(web.hosts)

    async def dispatch(request: Request) -> Response:
        host = request_host(request)
        path = request.url.path or "/"
        if host == web.search_host and path == web.search_path:
            return _search(request, search_index)
        target = web.host_redirects.get(host)
        if target is not None:
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(f"http://{target}{path}{query}", status_code=301)
        page = web.pages.get(f"http://{host}{path}")
        if page is None:
            # Like most servers: /about/ and /about are the same page, one canonical.
            twin = path.rstrip("/") if path.endswith("/") and path != "/" else None
            if twin and f"http://{host}{twin}" in web.pages:
                return RedirectResponse(f"http://{host}{twin}", status_code=301)
            if host not in known_hosts:
                return PlainTextResponse(f"Unknown sandbox host: {host}\n", status_code=404)
            return HTMLResponse(NOT_FOUND, status_code=404)
        if 300 <= page.status < 400:
            return RedirectResponse(page.headers["location"], status_code=page.status)
        headers = {k: v for k, v in page.headers.items() if k.lower() != "content-type"}
        return Response(
            page.body(), status_code=page.status, headers=headers, media_type=page.content_type
        )

    return Starlette(routes=[Route("/{path:path}", dispatch, methods=["GET", "HEAD"])])


def request_host(request: Request) -> str:
    """The Host header's name, lowercased, without any port."""
    host = request.headers.get("host", "").strip().lower()
    if host.startswith("["):  # an IPv6 literal such as [::1]:9000
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _search(request: Request, index: SearchIndex) -> Response:
    params = request.query_params
    query = params.get("q", "").strip()
    output = params.get("format", "html")
    try:
        pageno = int(params.get("pageno", "1"))
    except ValueError:
        pageno = 0
    if pageno < 1:
        return JSONResponse({"error": "pageno must be a positive integer"}, status_code=400)
    if output not in {"json", "html"}:
        return JSONResponse({"error": f"unsupported format: {output}"}, status_code=400)
    if not query:
        return JSONResponse({"error": "missing query parameter q"}, status_code=400)
    answer = index.search(query, pageno)
    if output == "json":
        return JSONResponse(answer)
    items = "\n".join(
        f'<li><a href="{escape(r["url"])}">{escape(r["title"])}</a>'
        f"<p>{escape(r['content'])}</p></li>"
        for r in answer["results"]
    )
    return HTMLResponse(
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(query)} - Sandbox '
        f"Search</title></head><body><h1>Results for {escape(query)}</h1>"
        f"<p>{answer['number_of_results']} results</p><ol>\n{items}\n</ol></body></html>\n"
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_in_thread(
    web: SandboxWeb, host: str = "127.0.0.1", index: SearchIndex | None = None
) -> Iterator[int]:
    """Run the server in a background thread on a free loopback port; yield the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        create_app(web, index), log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="sandbox-web", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class LoopbackTransport(httpx.BaseTransport):
    """An httpx transport that sends every request to the sandbox port, keeping the Host.

    ``httpx.Client(transport=LoopbackTransport(port))`` then fetches ``http://acmepay.test/``
    and follows redirects across sandbox hosts without any DNS.
    """

    def __init__(self, port: int, address: str = "127.0.0.1") -> None:
        self._inner = httpx.HTTPTransport()
        self._port = port
        self._address = address

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send a copy aimed at the sandbox port; the caller's request keeps its URL."""
        headers = request.headers.copy()
        headers["Host"] = request.url.netloc.decode("ascii")
        rerouted = httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host=self._address, port=self._port),
            headers=headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return self._inner.handle_request(rerouted)

    def close(self) -> None:
        """Close the pooled connections."""
        self._inner.close()
