"""Search providers over real HTTP: SearXNG against the sandbox, Brave against a stand-in."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from research.fetch import HostRules, ruled_client
from research.search import (
    BraveProvider,
    SearchError,
    SearchProvider,
    SearxngProvider,
    TokenBucket,
    build_provider,
    normalize_results,
)
from research.search.providers import brave_reset_wait
from sandbox import SandboxWeb
from sandbox.search import SearchIndex
from tests.search.conftest import BRAVE_KEY, BRAVE_PATH, BraveLog

SEARXNG_URL = "http://search.test/search"
BRAVE_URL = f"http://api.search.brave.com{BRAVE_PATH}"


@pytest.fixture
async def client(rules: HostRules) -> AsyncIterator[httpx.AsyncClient]:
    """The host-ruled (unguarded) client trusted services get."""
    async with ruled_client(rules, timeout=10) as http:
        yield http


async def test_searxng_against_the_sandbox_search(
    client: httpx.AsyncClient, search_web: SandboxWeb
) -> None:
    provider = SearxngProvider(SEARXNG_URL, client, rate_per_second=50)
    assert isinstance(provider, SearchProvider)
    query = "fintech startup Berlin"
    first, second = await provider.search(query), await provider.search(query, page=2)
    expected = SearchIndex.from_web(search_web)
    assert [r.url for r in first] == [r["url"] for r in expected.search(query, 1)["results"]]
    assert [r.url for r in second] == [r["url"] for r in expected.search(query, 2)["results"]]
    assert len(first) == 10 and first[0].title and first[0].snippet
    assert not {r.url for r in first} & {r.url for r in second}
    assert all(r.url.startswith("http://") and "<" not in r.snippet for r in first + second)


async def test_searxng_past_the_last_page_is_empty(client: httpx.AsyncClient) -> None:
    provider = SearxngProvider(SEARXNG_URL, client, rate_per_second=50)
    assert await provider.search("fintech", page=500) == []
    with pytest.raises(ValueError, match="1-based"):
        await provider.search("fintech", page=0)


async def test_searxng_client_errors_are_not_retried(client: httpx.AsyncClient) -> None:
    provider = SearxngProvider(SEARXNG_URL, client, rate_per_second=50)
    with pytest.raises(SearchError) as caught:
        await provider.search("   ")  # the sandbox answers 400 to an empty query
    assert caught.value.status == 400 and "missing query" in str(caught.value)


async def test_brave_sends_the_documented_request(
    client: httpx.AsyncClient, brave_log: BraveLog
) -> None:
    provider = BraveProvider(BRAVE_KEY, client, BRAVE_URL, rate_per_second=50)
    results = await provider.search("acme payments", page=2)
    request = brave_log.requests[-1]
    assert request["headers"]["x-subscription-token"] == BRAVE_KEY
    assert request["headers"]["accept"] == "application/json"
    assert (request["q"], request["count"], request["offset"]) == ("acme payments", "20", "1")
    assert [r.url for r in results][:2] == [
        "https://site20.example/acme-payments",
        "https://site21.example/acme-payments",
    ]


async def test_brave_results_are_normalized(client: httpx.AsyncClient) -> None:
    provider = BraveProvider(BRAVE_KEY, client, BRAVE_URL, rate_per_second=50)
    results = await provider.search("acme")
    urls = [r.url for r in results]
    assert len(urls) == len(set(urls)) == 18  # 20 minus one duplicate and one ftp:// URL
    assert urls[:3] == [f"https://site{n}.example/acme" for n in (0, 1, 2)]
    assert urls[3] == "https://site4.example/acme"  # order kept around the dropped ones
    assert results[0].title == "acme result 0"
    assert results[0].snippet == "All about acme & more, number 0."


async def test_brave_retries_a_429_after_the_reset_window(
    client: httpx.AsyncClient, brave_log: BraveLog
) -> None:
    provider = BraveProvider(BRAVE_KEY, client, BRAVE_URL, rate_per_second=50)
    started = time.monotonic()
    results = await provider.search("throttled query")
    assert results and brave_log.calls("throttled query") == 2
    assert 0.9 <= time.monotonic() - started < 3  # waited X-RateLimit-Reset's one second


async def test_brave_retries_server_errors_with_backoff(
    client: httpx.AsyncClient, brave_log: BraveLog
) -> None:
    provider = BraveProvider(BRAVE_KEY, client, BRAVE_URL, rate_per_second=50)
    assert await provider.search("flaky query")
    assert brave_log.calls("flaky query") == 3


async def test_brave_gives_up_when_the_monthly_quota_is_spent(
    client: httpx.AsyncClient, brave_log: BraveLog
) -> None:
    provider = BraveProvider(BRAVE_KEY, client, BRAVE_URL, rate_per_second=50)
    with pytest.raises(SearchError) as caught:
        await provider.search("quota query")
    assert caught.value.status == 429
    assert brave_log.calls("quota query") == 1  # given up at once: no retry, no wait for one


async def test_brave_rejects_a_bad_key_without_retrying(
    client: httpx.AsyncClient, brave_log: BraveLog
) -> None:
    provider = BraveProvider("wrong", client, BRAVE_URL, rate_per_second=50)
    with pytest.raises(SearchError) as caught:
        await provider.search("unauthorized query")
    assert caught.value.status == 401 and "SUBSCRIPTION_TOKEN_INVALID" in str(caught.value)
    assert brave_log.calls("unauthorized query") == 1


async def test_brave_serves_ten_pages_at_most(
    client: httpx.AsyncClient, brave_log: BraveLog
) -> None:
    provider = BraveProvider(BRAVE_KEY, client, BRAVE_URL, rate_per_second=50)
    before = len(brave_log.requests)
    assert await provider.search("deep", page=11) == []
    assert len(brave_log.requests) == before


async def test_network_errors_are_retried_then_reported() -> None:
    rules = HostRules.parse("MAP *.test 127.0.0.1:1")
    async with ruled_client(rules, timeout=2) as http:
        provider = SearxngProvider(SEARXNG_URL, http, rate_per_second=50, max_attempts=2)
        with pytest.raises(SearchError) as caught:
            await provider.search("anything")
    # Said for a person reading the job's log.
    assert caught.value.reason.startswith("could not connect (")
    assert caught.value.reason.endswith("; gave up after 2 attempts")
    assert caught.value.status is None


async def test_the_rate_limit_spaces_requests(client: httpx.AsyncClient) -> None:
    provider = SearxngProvider(SEARXNG_URL, client, rate_per_second=10)
    started = time.monotonic()
    await asyncio.gather(*(provider.search(f"fintech {n}") for n in range(4)))
    assert time.monotonic() - started >= 0.29  # the first is free, then one per 100 ms


async def test_token_bucket_bursts_then_paces() -> None:
    bucket = TokenBucket(rate=20, burst=3)
    started = time.monotonic()
    for _ in range(3):
        await bucket.acquire()
    assert time.monotonic() - started < 0.03
    for _ in range(2):
        await bucket.acquire()
    assert time.monotonic() - started >= 0.09


def test_normalize_results() -> None:
    results = normalize_results(
        [
            ("https://a.example/x", "<b>A</b>", "one &amp; <em>two</em>\n three"),
            ("https://a.example/x#frag", "dup", ""),
            ("javascript:alert(1)", "bad", ""),
            ("mailto:someone@example.com", "bad", ""),
            (None, "bad", ""),
            ("http://b.example/", None, None),
        ]
    )
    assert [(r.url, r.title, r.snippet) for r in results] == [
        ("https://a.example/x", "A", "one & two three"),
        ("http://b.example/", "", ""),
    ]


def test_brave_reset_wait() -> None:
    assert brave_reset_wait({"x-ratelimit-remaining": "0, 10", "x-ratelimit-reset": "1, 99"}) == 1
    assert brave_reset_wait({"x-ratelimit-remaining": "1, 0", "x-ratelimit-reset": "1, 99"}) == 99
    assert brave_reset_wait({}) is None


async def test_build_provider(rules: HostRules) -> None:
    def build(
        name: str,
        searxng_url: str | None = None,
        brave_api_key: str | None = None,
        brave_endpoint: str | None = None,
    ) -> SearchProvider | None:
        return build_provider(
            name,
            searxng_url=searxng_url,
            brave_api_key=brave_api_key,
            brave_endpoint=brave_endpoint,
            host_rules=rules,
            rate_per_second=50,
        )

    assert build("auto") is None
    assert build("") is None
    assert build("none", searxng_url=SEARXNG_URL) is None
    with pytest.raises(ValueError, match="searxng_url"):
        build("searxng")
    with pytest.raises(ValueError, match="brave_api_key"):
        build("brave", searxng_url=SEARXNG_URL)
    with pytest.raises(ValueError, match="unknown search provider 'google'"):
        build("google")

    brave = build("auto", searxng_url=SEARXNG_URL, brave_api_key=BRAVE_KEY)
    assert isinstance(brave, BraveProvider) and brave.endpoint.startswith("https://api.search")
    await brave.aclose()

    searxng = build("auto", searxng_url=SEARXNG_URL)
    assert isinstance(searxng, SearxngProvider)
    try:  # the provider's own client honors the host rules
        assert len(await searxng.search("fintech")) == 10
    finally:
        await searxng.aclose()

    custom = build("Brave", brave_api_key=BRAVE_KEY, brave_endpoint=BRAVE_URL)
    assert isinstance(custom, BraveProvider)
    try:
        assert await custom.search("acme")
    finally:
        await custom.aclose()
