"""The Fetcher against the local behaviour server: guard, redirects, robots, limits, retries."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from research.fetch import (
    BlockedAddress,
    FetchedPage,
    Fetcher,
    FetchError,
    Guard,
    HostRules,
    decode_body,
)
from tests.fetch.conftest import VICTIM_HOST
from tests.fetch.servers import Recorder


class MemoryCache:
    """A PageCache in a dict."""

    def __init__(self) -> None:
        self.pages: dict[str, FetchedPage] = {}

    async def get(self, url: str) -> FetchedPage | None:
        return self.pages.get(url)

    async def put(self, page: FetchedPage) -> None:
        self.pages[page.url] = page


async def reason_of(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url)
    return caught.value.reason


async def test_a_mapped_host_is_fetched(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard) as fetcher:
        page = await fetcher.fetch("http://acme.test/page#team")
    assert page.url == page.final_url == "http://acme.test/page"
    assert page.status == 200
    assert page.content_type.startswith("text/html")
    assert "Hello from acme.test" in page.text
    assert not page.from_cache and not page.rendered
    assert seen.user_agents[-1] == "LeadexBot/1.0 (+https://leadex.dev/bot)"


async def test_loopback_is_blocked_unless_allowed(local_port: int, seen: Recorder) -> None:
    url = f"http://127.0.0.1:{local_port}/page"
    async with Fetcher(Guard()) as fetcher:
        with pytest.raises(BlockedAddress) as caught:
            await fetcher.fetch(url)
    assert caught.value.url == url and caught.value.reason == "blocked"
    async with Fetcher(Guard(["127.0.0.0/8"])) as fetcher:
        assert (await fetcher.fetch(url)).status == 200


@pytest.mark.parametrize(
    "host", ["2130706433", "[::ffff:127.0.0.1]", "0177.0.0.1", "[::ffff:7f00:1]", "localhost"]
)
async def test_disguised_loopback_literals_are_refused(
    local_port: int, seen: Recorder, host: str
) -> None:
    async with Fetcher(Guard()) as fetcher:
        # httpx rejects octal outright ("unsupported"); everything else reaches the guard.
        assert await reason_of(fetcher, f"http://{host}:{local_port}/page") in {
            "blocked",
            "unsupported",
        }
    assert seen.hits["/page"] == 0


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin"]
)
async def test_a_redirect_to_an_internal_address_is_blocked(
    local_guard: Guard, seen: Recorder, target: str
) -> None:
    async with Fetcher(local_guard, respect_robots=False) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(f"http://acme.test/redirect?to={target}")


async def test_a_redirect_to_a_listening_victim_never_reaches_it(
    local_guard: Guard, victim_port: int, victim_recorder: Recorder
) -> None:
    victim_recorder.reset()
    target = f"http://{VICTIM_HOST}:{victim_port}/page"
    async with Fetcher(local_guard) as fetcher:
        assert await reason_of(fetcher, f"http://acme.test/redirect?to={target}") == "blocked"
    assert sum(victim_recorder.hits.values()) == 0  # not even its robots.txt


async def test_redirects_are_followed_with_relative_locations(
    local_guard: Guard, seen: Recorder
) -> None:
    async with Fetcher(local_guard) as fetcher:
        page = await fetcher.fetch("http://acme.test/a/b/relative")
        hop = await fetcher.fetch("http://acme.test/redirect?to=http://other.test/page&status=308")
    assert page.final_url == "http://acme.test/a/page?from=relative"
    assert hop.final_url == "http://other.test/page"
    assert "Hello from other.test" in hop.text


async def test_redirect_chains_are_bounded(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard, max_redirects=3) as fetcher:
        assert await reason_of(fetcher, "http://acme.test/loop/0") == "too_many_redirects"
    assert seen.hits["/loop/3"] == 1
    assert seen.hits["/loop/4"] == 0


async def test_a_redirect_to_another_scheme_is_refused(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard) as fetcher:
        assert await reason_of(fetcher, "http://acme.test/redirect?to=file:///etc/passwd") == (
            "unsupported"
        )


@pytest.mark.parametrize("url", ["ftp://acme.test/x", "file:///etc/passwd", "javascript:1", "x"])
async def test_only_http_urls_are_fetched(local_guard: Guard, url: str) -> None:
    async with Fetcher(local_guard) as fetcher:
        assert await reason_of(fetcher, url) == "unsupported"


async def test_robots_txt_is_obeyed_and_fetched_once_per_host(
    local_guard: Guard, seen: Recorder
) -> None:
    async with Fetcher(local_guard) as fetcher:
        assert await reason_of(fetcher, "http://acme.test/private/plans") == "robots"
        assert await reason_of(fetcher, "http://acme.test/no-leadex/x") == "robots"
        await asyncio.gather(*(fetcher.fetch(f"http://acme.test/page?{n}") for n in range(5)))
        await fetcher.fetch("http://other.test/page")
    assert seen.hits["/private/plans"] == seen.hits["/no-leadex/x"] == 0
    assert seen.hits["/robots.txt"] == 2  # acme.test and other.test
    async with Fetcher(local_guard, respect_robots=False) as fetcher:
        assert (await fetcher.fetch("http://acme.test/private/plans")).status == 200


async def test_robots_groups_are_matched_by_user_agent(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard, user_agent="OtherBot/2.0") as fetcher:
        assert await reason_of(fetcher, "http://acme.test/page") == "robots"
    assert seen.hits["/page"] == 0


async def test_robots_are_checked_on_every_redirect_hop(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard) as fetcher:
        url = "http://acme.test/redirect?to=/private/secret"
        assert await reason_of(fetcher, url) == "robots"
    assert seen.hits["/private/secret"] == 0


async def test_robots_errors_follow_rfc_9309(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard) as fetcher:
        # 5xx: assume complete disallow. 4xx: there are no rules.
        assert await reason_of(fetcher, "http://robots-5xx.test/page") == "robots"
        assert (await fetcher.fetch("http://robots-404.test/private/x")).status == 200


async def test_bodies_past_the_limit_are_refused(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard, max_bytes=50_000) as fetcher:
        assert await reason_of(fetcher, "http://acme.test/big?size=60000") == "too_large"
        chunked = "http://acme.test/big?size=1000000&chunked=1"
        assert await reason_of(fetcher, chunked) == "too_large"
        assert len((await fetcher.fetch("http://acme.test/big?size=40000")).text) == 40_000


@pytest.mark.parametrize("media", ["application/pdf", "image/png", "application/octet-stream"])
async def test_non_text_content_is_unsupported(local_guard: Guard, seen: Recorder, media: str):
    async with Fetcher(local_guard) as fetcher:
        assert await reason_of(fetcher, f"http://acme.test/typed?type={media}") == "unsupported"


async def test_text_like_types_are_fetched(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard) as fetcher:
        page = await fetcher.fetch("http://acme.test/typed?type=application/json")
        csv = await fetcher.fetch("http://acme.test/typed?type=application/octet-stream&csv=1")
    assert page.content_type == "application/json"
    assert csv.content_type == "text/plain" and csv.text.startswith("name,domain\n")


async def test_http_errors(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard) as fetcher:
        assert await reason_of(fetcher, "http://acme.test/status/404") == "http_error"
        assert await reason_of(fetcher, "http://acme.test/status/500") == "http_error"
    assert seen.hits["/status/500"] == 1  # only 429 and 503 are retried


async def test_a_slow_server_times_out(local_guard: Guard, seen: Recorder) -> None:
    started = time.monotonic()
    async with Fetcher(local_guard, timeout=0.5) as fetcher:
        assert await reason_of(fetcher, "http://acme.test/slow?seconds=3") == "timeout"
    assert time.monotonic() - started < 2


async def test_429_is_retried_after_the_retry_after_delay(
    local_guard: Guard, seen: Recorder
) -> None:
    started = time.monotonic()
    async with Fetcher(local_guard) as fetcher:
        page = await fetcher.fetch("http://acme.test/flaky/a?after=1")
    assert "recovered" in page.text
    assert seen.hits["/flaky/a"] == 2
    assert 0.9 <= time.monotonic() - started < 3


async def test_503_gives_up_after_two_retries(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard) as fetcher:
        url = "http://acme.test/flaky/b?status=503&failures=9&after=0"
        assert await reason_of(fetcher, url) == "http_error"
    assert seen.hits["/flaky/b"] == 3


async def test_a_long_retry_after_is_not_waited_for(local_guard: Guard, seen: Recorder) -> None:
    started = time.monotonic()
    async with Fetcher(local_guard) as fetcher:
        assert await reason_of(fetcher, "http://acme.test/flaky/c?after=3600") == "http_error"
    assert seen.hits["/flaky/c"] == 1
    assert time.monotonic() - started < 1


async def test_the_cache_short_circuits_the_network(local_guard: Guard, seen: Recorder) -> None:
    cache = MemoryCache()
    async with Fetcher(local_guard, cache=cache) as fetcher:
        first = await fetcher.fetch("http://acme.test/page")
        second = await fetcher.fetch("http://acme.test/page")
    assert not first.from_cache and second.from_cache
    assert second.text == first.text
    assert seen.hits["/page"] == 1
    assert seen.hits["/robots.txt"] == 1
    assert not cache.pages["http://acme.test/page"].from_cache

    cached = FetchedPage(
        url="http://nowhere.test/",
        final_url="http://nowhere.test/",
        status=200,
        content_type="text/html",
        text="kept",
        fetched_at=datetime.now(UTC),
    )
    await cache.put(cached)
    async with Fetcher(Guard(), cache=cache) as fetcher:  # would block everything on the wire
        assert (await fetcher.fetch("http://nowhere.test/")).text == "kept"


async def test_per_host_concurrency_is_respected(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard, per_host_concurrency=2) as fetcher:
        await asyncio.gather(*(fetcher.fetch(f"http://acme.test/concurrent/{n}") for n in range(8)))
    assert seen.peak["concurrent"] == 2


async def test_hosts_do_not_wait_for_each_other(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard, per_host_concurrency=1) as fetcher:
        urls = [f"http://host{n}.test/concurrent/{n}" for n in range(6)]
        await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert seen.peak["concurrent"] >= 3


async def test_per_host_delay_spaces_requests(local_guard: Guard, seen: Recorder) -> None:
    async with Fetcher(local_guard, per_host_delay=0.2, respect_robots=False) as fetcher:
        started = time.monotonic()
        await asyncio.gather(*(fetcher.fetch(f"http://acme.test/page?{n}") for n in range(4)))
    assert time.monotonic() - started >= 0.6


@pytest.mark.parametrize("declare", ["header", "meta", "none"])
async def test_charsets_are_honored_or_detected(
    local_guard: Guard, seen: Recorder, declare: str
) -> None:
    async with Fetcher(local_guard) as fetcher:
        page = await fetcher.fetch(f"http://acme.test/latin1?declare={declare}")
    assert "Gerlind Hänel, Nydia Peña" in page.text
    assert "café" in page.text


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("naïve €5".encode("cp1252"), "text/html; charset=ISO-8859-1", "naïve €5"),
        ("naïve".encode(), "text/html; charset=utf-8", "naïve"),
        ("naïve".encode("utf-16"), "text/html", "naïve"),  # BOM
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">\xe9',
            "text/html",
            "é",
        ),
        (b'<?xml version="1.0" encoding="ISO-8859-15"?><a>\xa4</a>', "application/xml", "€"),
        ("Straße".encode(), "text/plain", "Straße"),
        (b'<meta charset="utf-16"><p>\xc3\xa9</p>', "text/html", "<p>é</p>"),
        ("Ärger über Öl in Köln".encode("cp1252"), "text/plain; charset=bogus", "Ärger über Öl"),
        ("Москва — лучший выбор для бизнеса".encode("cp1251"), "text/plain", "Москва"),
    ],
)
def test_decode_body(body: bytes, content_type: str, expected: str) -> None:
    assert expected in decode_body(body, content_type)


async def test_a_host_that_does_not_answer_is_a_network_error(seen: Recorder) -> None:
    guard = Guard(["127.0.0.1/32"], HostRules.parse("MAP *.test 127.0.0.1:1"))
    async with Fetcher(guard) as fetcher:
        assert await reason_of(fetcher, "http://closed.test/") == "network"
