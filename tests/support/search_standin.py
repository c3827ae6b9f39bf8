"""A stand-in SearXNG on loopback: the sandbox web's search, with outages scripted per query.

It answers ``GET /search?q=…&format=json&pageno=…`` in SearXNG's JSON shape from a sandbox
search index, except for the queries the test takes down: those get a 503 (with
``Retry-After: 0``, so the provider's retries cost no waiting), or, with ``hang``, no answer
until the client has given up::

    stand_in = SearchStandIn(SearchIndex.from_web(web))
    stand_in.take_down(lambda query: "startups" in query)
    with serve_app(stand_in.app, "search-stand-in") as base_url:
        ...  # LEADEX_SEARXNG_URL = f"{base_url}/search"
    assert stand_in.failed
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.search import SearchIndex

SEARCH_PATH = "/search"


def everything(query: str) -> bool:
    """An outage of the whole backend."""
    return True


class SearchStandIn:
    """The scripted backend; thread-safe, so a test can take it down or bring it back live."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._lock = threading.Lock()
        self._down: Callable[[str], bool] = lambda query: False
        self._hang: float | None = None
        self._asked: list[str] = []
        self._failed: list[str] = []
        self.app = Starlette(routes=[Route(SEARCH_PATH, self._search)])

    def take_down(self, down: Callable[[str], bool], *, hang: float | None = None) -> None:
        """Fail the queries ``down`` picks: a 503, or no answer for ``hang`` seconds."""
        with self._lock:
            self._down, self._hang = down, hang
            self._asked.clear()
            self._failed.clear()

    @property
    def asked(self) -> list[str]:
        """Every query asked since the last ``take_down``, failed or not, oldest first."""
        with self._lock:
            return list(self._asked)

    @property
    def failed(self) -> list[str]:
        """The queries that got no results since the last ``take_down``, oldest first."""
        with self._lock:
            return list(self._failed)

    async def _search(self, request: Request) -> Response:
        query = request.query_params.get("q", "")
        with self._lock:
            self._asked.append(query)
            down, hang = self._down(query), self._hang
            if down:
                self._failed.append(query)
        if down and hang is not None:
            await asyncio.sleep(hang)
        if down:
            body = {"error": "the search backend is unavailable"}
            return JSONResponse(body, status_code=503, headers={"Retry-After": "0"})
        page = int(request.query_params.get("pageno", "1"))
        return JSONResponse(self.index.search(query, page))
