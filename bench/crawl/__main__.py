#!/usr/bin/env python3
"""Crawl throughput: the guarded, polite Fetcher against a plain httpx loop, over the sandbox.

Both crawl the same URLs of a served sandbox web (seed 99) at the same overall concurrency;
the Fetcher adds the SSRF guard, robots.txt, per-host limits, size limits and charset decoding.
Runs are interleaved so that drift in the machine's speed hits both sides alike.

    bench/crawl [--urls 400] [--concurrency 8] [--per-host 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from research.fetch import Fetcher, FetchError, Guard, HostRules
from sandbox import SandboxWeb, generate
from sandbox.server import serve_in_thread

SEED = 99
TARGET_RATIO = 1.3


class LoopbackTransport(httpx.AsyncBaseTransport):
    """Sends every request to the sandbox port with the original Host (the plain baseline)."""

    def __init__(self, port: int) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._port = port

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward a copy aimed at 127.0.0.1:port."""
        headers = request.headers.copy()
        headers["Host"] = request.url.netloc.decode("ascii")
        rerouted = httpx.Request(
            request.method,
            request.url.copy_with(host="127.0.0.1", port=self._port),
            headers=headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self._inner.handle_async_request(rerouted)

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._inner.aclose()


def pick_urls(web: SandboxWeb, count: int) -> list[str]:
    """``count`` fetchable URLs, taken round-robin across hosts so every host is visited."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url, page in sorted(web.pages.items()):
        if page.status < 400 and not web.is_disallowed(url) and page.kind != "robots":
            by_host[page.host].append(url)
    picked: list[str] = []
    while len(picked) < count and any(by_host.values()):
        for urls in by_host.values():
            if urls and len(picked) < count:
                picked.append(urls.pop(0))
    return picked


async def crawl(urls: list[str], concurrency: int, get: Callable[[str], Awaitable[int]]) -> int:
    """Fetch every URL with ``concurrency`` workers; return how many succeeded."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    succeeded = 0

    async def worker() -> None:
        nonlocal succeeded
        while not queue.empty():
            ok = await get(queue.get_nowait())
            succeeded += ok  # not `+= await`: that would read the total before awaiting

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return succeeded


async def run_fetcher(port: int, urls: list[str], concurrency: int, per_host: int) -> int:
    """One crawl with a fresh Fetcher (robots.txt is fetched anew, as a new job would)."""
    rules = HostRules.parse(f"MAP *.test 127.0.0.1:{port}")
    guard = Guard(["127.0.0.0/8"], rules)
    async with Fetcher(guard, per_host_concurrency=per_host, respect_robots=True) as fetcher:

        async def get(url: str) -> int:
            try:
                page = await fetcher.fetch(url)
            except FetchError:
                return 0
            return 1 if page.text is not None else 0

        return await crawl(urls, concurrency, get)


async def run_plain(port: int, urls: list[str], concurrency: int) -> int:
    """One crawl with a bare httpx client: no guard, no robots, no politeness."""
    transport = LoopbackTransport(port)
    async with httpx.AsyncClient(transport=transport, follow_redirects=True, timeout=15) as client:

        async def get(url: str) -> int:
            try:
                response = await client.get(url)
            except httpx.HTTPError:
                return 0
            return 1 if response.status_code < 400 and response.text is not None else 0

        return await crawl(urls, concurrency, get)


def timed(run: Callable[[], Coroutine[Any, Any, int]]) -> tuple[float, int]:
    """Seconds one crawl took, and its successes."""
    started = time.perf_counter()
    succeeded = asyncio.run(run())
    return time.perf_counter() - started, succeeded


def main() -> int:
    """Run the benchmark and print pages/s for both crawlers and their time ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=400, help="how many URLs to crawl")
    parser.add_argument("--concurrency", type=int, default=8, help="overall concurrent fetches")
    parser.add_argument("--per-host", type=int, default=2, help="the Fetcher's per-host limit")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each crawler")
    args = parser.parse_args()

    web = generate(SEED)
    urls = pick_urls(web, args.urls)
    hosts = len({url.split("/")[2] for url in urls})
    print(
        f"sandbox seed {SEED}: {len(urls)} URLs on {hosts} hosts, concurrency "
        f"{args.concurrency}, Fetcher per-host limit {args.per_host}"
    )

    with serve_in_thread(web) as port:

        def fetcher() -> Coroutine[Any, Any, int]:
            return run_fetcher(port, urls, args.concurrency, args.per_host)

        def plain() -> Coroutine[Any, Any, int]:
            return run_plain(port, urls, args.concurrency)

        timed(fetcher), timed(plain)  # warm-up: imports, server caches, the first connections
        results: dict[str, list[float]] = {"fetcher": [], "plain": []}
        for round_number in range(args.rounds):
            order = [("fetcher", fetcher), ("plain", plain)]
            for name, run in order if round_number % 2 == 0 else reversed(order):
                seconds, succeeded = timed(run)
                results[name].append(seconds)
                print(
                    f"  round {round_number + 1} {name:8} {len(urls) / seconds:7.1f} pages/s "
                    f"({succeeded}/{len(urls)} ok, {seconds:.2f} s)"
                )

    fetcher_s, plain_s = (statistics.median(results[name]) for name in ("fetcher", "plain"))
    ratio = fetcher_s / plain_s
    verdict = "ok" if ratio <= TARGET_RATIO else "over target"
    print(
        f"crawl: fetcher {len(urls) / fetcher_s:.1f} pages/s, plain {len(urls) / plain_s:.1f} "
        f"pages/s, time ratio fetcher/plain {ratio:.2f} (target <= {TARGET_RATIO}, {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
