"""Web search providers: SearXNG and Brave Search, with retries, rate limits and clean results."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential_jitter,
)

from research.fetch.guard import HostRules
from research.fetch.transport import parse_retry_after, ruled_client

BRAVE_ENDPOINT = "https://api.search.brave.com/res/v1/web/search"
BRAVE_MAX_COUNT = 20  # Brave's documented maximum results per request
BRAVE_MAX_OFFSET = 9  # Brave's documented maximum page offset (0-based)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_WAIT = 30.0  # a provider asking for longer is out of quota, not busy
SEARCH_TIMEOUT = 20.0
USER_AGENT = "Leadex/1.0 (+https://leadex.dev/bot)"
PROVIDER_NAMES = ("searxng", "brave")

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class SearchResult(BaseModel):
    """One hit of a web search."""

    url: str
    title: str
    snippet: str = ""


class SearchError(Exception):
    """A search provider could not answer; ``status`` is the HTTP status when there was one,
    ``reason`` what went wrong, in words a person reads in the job's log."""

    def __init__(self, provider: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.reason = message
        self.status = status


@runtime_checkable
class SearchProvider(Protocol):
    """A web search engine the planner's discovery steps can query."""

    name: str

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        """The results of ``query`` on results page ``page`` (1-based)."""
        ...


class TokenBucket:
    """A client-side rate limit: ``rate`` requests per second, bursts of up to ``burst``."""

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._updated: float | None = None
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until a request may be sent, then spend a token on it."""
        async with self._lock:  # waiters queue up in order instead of racing for tokens
            loop = asyncio.get_running_loop()
            now = loop.time()
            if self._updated is not None:
                elapsed = now - self._updated
                self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
            self._updated = now
            if self._tokens < 1:
                await asyncio.sleep((1 - self._tokens) / self.rate)
                self._tokens = 1.0
                self._updated = loop.time()
            self._tokens -= 1


class _Retryable(Exception):
    """A failure worth another attempt, with the wait the server asked for, if any."""

    def __init__(self, message: str, status: int | None = None, wait: float | None = None):
        super().__init__(message)
        self.status = status
        self.wait = wait


class _HttpProvider:
    """The shared request loop: rate limit, retries with backoff, error mapping."""

    name = "http"

    def __init__(self, client: httpx.AsyncClient, *, rate_per_second: float, max_attempts: int):
        self._client = client
        self._bucket = TokenBucket(rate_per_second)
        self._max_attempts = max_attempts

    async def _get_json(
        self, url: str, params: Mapping[str, str | int], headers: Mapping[str, str]
    ) -> Any:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            stop=self._should_stop,
            wait=_server_wait,
            reraise=True,
        )
        try:
            return await retrying(self._attempt, url, params, headers)
        except _Retryable as exc:
            attempts = retrying.statistics.get("attempt_number", self._max_attempts)
            tries = f"{attempts} attempts" if attempts != 1 else "1 attempt"
            raise SearchError(self.name, f"{exc}; gave up after {tries}", exc.status) from exc

    def _should_stop(self, state: RetryCallState) -> bool:
        return state.attempt_number >= self._max_attempts or _stop_on_long_wait(state)

    async def _attempt(
        self, url: str, params: Mapping[str, str | int], headers: Mapping[str, str]
    ) -> Any:
        await self._bucket.acquire()
        try:
            response = await self._client.get(url, params=dict(params), headers=dict(headers))
        except httpx.TransportError as exc:
            raise _Retryable(_transport_failure(exc)) from exc
        if response.status_code in RETRY_STATUSES:
            wait = self._wait_hint(response)
            told = f", asking to wait {wait:.0f} s" if wait else ""
            raise _Retryable(f"HTTP {response.status_code}{told}", response.status_code, wait)
        if response.status_code >= 400:
            raise SearchError(self.name, _error_message(response), response.status_code)
        try:
            return response.json()
        except ValueError as exc:
            raise SearchError(self.name, "the answer is not JSON", response.status_code) from exc

    async def aclose(self) -> None:
        """Close the HTTP client the provider was given."""
        await self._client.aclose()

    def _wait_hint(self, response: httpx.Response) -> float | None:
        return parse_retry_after(response.headers.get("retry-after"))


class SearxngProvider(_HttpProvider):
    """A SearXNG instance's JSON API (``format=json`` must be enabled in its settings)."""

    name = "searxng"

    def __init__(
        self,
        base_url: str,
        client: httpx.AsyncClient,
        *,
        rate_per_second: float = 2.0,
        max_attempts: int = 4,
    ) -> None:
        super().__init__(client, rate_per_second=rate_per_second, max_attempts=max_attempts)
        self.base_url = base_url

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        """The results of ``query`` on results page ``page`` (1-based)."""
        if page < 1:
            raise ValueError("page is 1-based")
        payload = await self._get_json(
            self.base_url, {"q": query, "format": "json", "pageno": page}, {}
        )
        items = payload.get("results", []) if isinstance(payload, dict) else []
        return normalize_results(
            (item.get("url"), item.get("title"), item.get("content"))
            for item in items
            if isinstance(item, dict)
        )


class BraveProvider(_HttpProvider):
    """Brave Search's Web Search API."""

    name = "brave"

    def __init__(
        self,
        api_key: str,
        client: httpx.AsyncClient,
        endpoint: str = BRAVE_ENDPOINT,
        *,
        rate_per_second: float = 1.0,
        max_attempts: int = 4,
        count: int = BRAVE_MAX_COUNT,
    ) -> None:
        super().__init__(client, rate_per_second=rate_per_second, max_attempts=max_attempts)
        self.endpoint = endpoint
        self.count = min(count, BRAVE_MAX_COUNT)
        self._api_key = api_key

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        """The results of ``query`` on results page ``page`` (1-based; Brave serves ten pages)."""
        if page < 1:
            raise ValueError("page is 1-based")
        if page - 1 > BRAVE_MAX_OFFSET:
            return []
        headers = {"Accept": "application/json", "X-Subscription-Token": self._api_key}
        params: dict[str, str | int] = {"q": query, "count": self.count, "offset": page - 1}
        payload = await self._get_json(self.endpoint, params, headers)
        web = payload.get("web") if isinstance(payload, dict) else None
        items = web.get("results", []) if isinstance(web, dict) else []
        return normalize_results(
            (item.get("url"), item.get("title"), item.get("description"))
            for item in items
            if isinstance(item, dict)
        )

    def _wait_hint(self, response: httpx.Response) -> float | None:
        hint = super()._wait_hint(response)
        return hint if hint is not None else brave_reset_wait(response.headers)


def brave_reset_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds until the exhausted Brave quota window resets, from X-RateLimit-* headers.

    ``X-RateLimit-Remaining: 0, 1000`` with ``X-RateLimit-Reset: 1, 1419704`` means the
    per-second window is spent and resets in a second; a spent monthly window gives a long wait.
    """
    remaining = _numbers(headers.get("x-ratelimit-remaining", ""))
    resets = _numbers(headers.get("x-ratelimit-reset", ""))
    spent = [reset for left, reset in zip(remaining, resets, strict=False) if left <= 0]
    if spent:
        return max(spent)
    return resets[0] if resets else None


def _numbers(header: str) -> list[float]:
    found = []
    for part in header.split(","):
        try:
            found.append(float(part.strip()))
        except ValueError:
            continue
    return found


def _server_wait_hint(state: RetryCallState) -> float | None:
    exc = state.outcome.exception() if state.outcome else None
    return exc.wait if isinstance(exc, _Retryable) else None


_backoff = wait_exponential_jitter(multiplier=0.5, max=10.0, jitter=0.5)


def _server_wait(state: RetryCallState) -> float:
    hint = _server_wait_hint(state)
    return hint if hint is not None else float(_backoff(state))


def _stop_on_long_wait(state: RetryCallState) -> bool:
    hint = _server_wait_hint(state)
    return hint is not None and hint > MAX_RETRY_WAIT


def _transport_failure(exc: httpx.TransportError) -> str:
    """What a request that got no answer ran into, for a person."""
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({detail})"
    return f"the connection failed ({detail})"


def _error_message(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return f"HTTP {response.status_code}" + (f": {text[:200]}" if text else "")


def clean_text(value: object) -> str:
    """Plain text from an engine's snippet or title: tags stripped, entities decoded."""
    if not isinstance(value, str):
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


def normalize_results(items: Iterable[tuple[object, object, object]]) -> list[SearchResult]:
    """Clean (url, title, snippet) triples: http(s) URLs only, first occurrence wins, in order."""
    results: list[SearchResult] = []
    seen: set[str] = set()
    for url, title, snippet in items:
        if not isinstance(url, str):
            continue
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
            continue
        key = parts._replace(fragment="").geturl()
        if key in seen:
            continue
        seen.add(key)
        results.append(SearchResult(url=url, title=clean_text(title), snippet=clean_text(snippet)))
    return results


def build_provider(
    name: str,
    *,
    searxng_url: str | None,
    brave_api_key: str | None,
    brave_endpoint: str | None,
    host_rules: HostRules,
    rate_per_second: float,
) -> SearchProvider | None:
    """The configured provider: ``name`` is "searxng", "brave", or "auto"/"" for whichever is set.

    Returns None when nothing is configured. The client is host-ruled but not guarded: the
    search endpoint is operator configuration (often a SearXNG on the private network).
    """
    choice = name.strip().lower()
    if choice in {"", "auto"}:
        choice = "brave" if brave_api_key else "searxng" if searxng_url else ""
        if not choice:
            return None
    if choice in {"none", "off"}:
        return None
    if choice not in PROVIDER_NAMES:
        raise ValueError(
            f"unknown search provider {name!r}: use one of {', '.join(PROVIDER_NAMES)}"
        )
    if choice == "searxng" and not searxng_url:
        raise ValueError("search provider 'searxng' needs a SearXNG URL (searxng_url)")
    if choice == "brave" and not brave_api_key:
        raise ValueError("search provider 'brave' needs an API key (brave_api_key)")
    client = ruled_client(host_rules, timeout=SEARCH_TIMEOUT, headers={"User-Agent": USER_AGENT})
    if choice == "searxng":
        assert searxng_url is not None
        return SearxngProvider(searxng_url, client, rate_per_second=rate_per_second)
    assert brave_api_key is not None
    return BraveProvider(
        brave_api_key, client, brave_endpoint or BRAVE_ENDPOINT, rate_per_second=rate_per_second
    )
