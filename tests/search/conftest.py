"""The sandbox's SearXNG-compatible search, and a stand-in for Brave's Web Search API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from research.fetch import HostRules
from sandbox import SandboxWeb, generate
from sandbox.server import serve_in_thread
from tests.fetch.servers import serve

BRAVE_KEY = "brave-test-key"
BRAVE_PATH = "/res/v1/web/search"


@pytest.fixture(scope="session")
def search_web() -> SandboxWeb:
    """The sandbox web of seed 7."""
    return generate(7)


@pytest.fixture(scope="session")
def search_port(search_web: SandboxWeb) -> Iterator[int]:
    """The sandbox web, search endpoint included, on loopback."""
    with serve_in_thread(search_web) as port:
        yield port


@dataclass
class BraveLog:
    """What the stand-in saw."""

    requests: list[dict[str, Any]] = field(default_factory=list)

    def calls(self, query: str) -> int:
        """How many requests asked for ``query``."""
        return sum(1 for r in self.requests if r["q"] == query)


def brave_results(query: str) -> list[dict[str, Any]]:
    """Thirty hits, with the quirks a normalizer has to handle."""
    results = [
        {
            "title": f"<strong>{query}</strong> result {n}",
            "url": f"https://site{n}.example/{query.replace(' ', '-')}",
            "description": f"All about <strong>{query}</strong> &amp; more, number {n}.",
            "is_source_local": False,
            "is_source_both": False,
            "family_friendly": True,
        }
        for n in range(30)
    ]
    results[3]["url"] = results[2]["url"]  # a duplicate
    results[5]["url"] = "ftp://files.example/x"  # not http(s)
    return results


def brave_app(log: BraveLog) -> Starlette:
    """Brave's documented request and response shapes, 429s with rate-limit headers included."""

    async def search(request: Request) -> JSONResponse:
        params = request.query_params
        query = params.get("q", "")
        log.requests.append({"q": query, **dict(params), "headers": dict(request.headers)})
        if request.headers.get("x-subscription-token") != BRAVE_KEY:
            return _error(
                401, "SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid."
            )
        count, offset = int(params.get("count", "20")), int(params.get("offset", "0"))
        if count > 20 or offset > 9:
            return _error(422, "VALIDATION", "count must be <= 20 and offset <= 9")
        if query.startswith("throttled") and log.calls(query) == 1:
            # The per-second window is spent; it resets in one second. No Retry-After.
            return _rate_limited(remaining="0, 14999", reset="1, 1419704")
        if query.startswith("quota"):
            return _rate_limited(remaining="1, 0", reset="1, 1419704")
        if query.startswith("flaky") and log.calls(query) <= 2:
            return _error(503, "UNAVAILABLE", "try again")
        hits = brave_results(query)[offset * count : (offset + 1) * count]
        return JSONResponse(
            {
                "type": "search",
                "query": {"original": query},
                "web": {"type": "search", "results": hits, "family_friendly": True},
            },
            headers={"X-RateLimit-Limit": "1, 15000", "X-RateLimit-Remaining": "1, 14999"},
        )

    return Starlette(routes=[Route(BRAVE_PATH, search)])


def _error(status: int, code: str, detail: str) -> JSONResponse:
    body = {"type": "ErrorResponse", "error": {"code": code, "detail": detail, "status": status}}
    return JSONResponse(body, status_code=status)


def _rate_limited(*, remaining: str, reset: str) -> JSONResponse:
    response = _error(429, "RATE_LIMITED", "Request rate limit exceeded for plan.")
    response.headers.update(
        {
            "X-RateLimit-Limit": "1, 15000",
            "X-RateLimit-Policy": "1;w=1, 15000;w=2592000",
            "X-RateLimit-Remaining": remaining,
            "X-RateLimit-Reset": reset,
        }
    )
    return response


@pytest.fixture(scope="session")
def brave_log() -> BraveLog:
    """Requests the Brave stand-in received."""
    return BraveLog()


@pytest.fixture(scope="session")
def brave_port(brave_log: BraveLog) -> Iterator[int]:
    """The Brave stand-in on loopback."""
    with serve(brave_app(brave_log)) as port:
        yield port


@pytest.fixture
def rules(search_port: int, brave_port: int) -> HostRules:
    """search.test is the sandbox; api.search.brave.com is the stand-in (plain HTTP)."""
    return HostRules.parse(
        f"MAP api.search.brave.com 127.0.0.1:{brave_port}, MAP *.test 127.0.0.1:{search_port}"
    )
