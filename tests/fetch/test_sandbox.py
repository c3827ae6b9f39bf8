"""The Fetcher over the sandbox web, as live mode uses it: robots, charsets, JS-only pages."""

from __future__ import annotations

import asyncio
import html
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from research.fetch import FetchedPage, Fetcher, FetchError, Guard, needs_rendering
from sandbox import SandboxWeb


def page_of(url: str, body: str, content_type: str) -> FetchedPage:
    return FetchedPage(
        url=url,
        final_url=url,
        status=200,
        content_type=content_type,
        text=body,
        fetched_at=datetime.now(UTC),
    )


async def test_forbidden_pages_are_never_fetched(
    sandbox_guard: Guard, truth: dict[str, Any]
) -> None:
    forbidden = [entry["url"] for entry in truth["forbidden"]]
    assert forbidden and all("/private/" in url for url in forbidden)
    async with Fetcher(sandbox_guard) as fetcher:
        outcomes = await asyncio.gather(
            *(fetcher.fetch(url) for url in forbidden), return_exceptions=True
        )
    assert all(isinstance(o, FetchError) and o.reason == "robots" for o in outcomes), outcomes


async def test_latin1_pages_keep_their_accents(sandbox_guard: Guard, web: SandboxWeb) -> None:
    legacy = [p for p in web.pages.values() if p.is_html and p.charset != "utf-8"]
    assert {p.charset for p in legacy} == {"iso-8859-1", "windows-1252"}
    async with Fetcher(sandbox_guard) as fetcher:
        fetched = await asyncio.gather(*(fetcher.fetch(p.url) for p in legacy))
    accented = 0
    for source, page in zip(legacy, fetched, strict=True):
        assert page.text == source.html, source.url  # every character decoded as written
        company = next(c for c in web.companies if source.host in c.domains)
        shown = [p.full_name for p in company.people if p.full_name in html.unescape(page.text)]
        accented += sum(1 for name in shown if not name.isascii())
    assert accented > 0  # the check means something only if some names carry accents


async def test_alias_domains_redirect_to_the_primary_site(
    sandbox_guard: Guard, truth: dict[str, Any]
) -> None:
    company = next(c for c in truth["companies"] if "alias_redirect" in c["noise"])
    alias, primary = company["domains"][1], company["primary_domain"]
    async with Fetcher(sandbox_guard) as fetcher:
        page = await fetcher.fetch(f"http://{alias}/")
    assert page.url == f"http://{alias}/"
    assert page.final_url == f"http://{primary}/"
    assert company["name"] in html.unescape(page.text)


def test_needs_rendering_over_the_whole_sandbox(web: SandboxWeb, truth: dict[str, Any]) -> None:
    js_only = set(truth["js_only_pages"])
    assert js_only
    flagged = {
        url
        for url, page in web.pages.items()
        if page.status == 200 and needs_rendering(page_of(url, page.html, page.content_type))
    }
    assert flagged == js_only


async def test_needs_rendering_on_fetched_pages(
    sandbox_guard: Guard, web: SandboxWeb, truth: dict[str, Any]
) -> None:
    js_only = truth["js_only_pages"]
    ordinary = sorted(
        url
        for url, page in web.pages.items()
        if page.is_html
        and page.status == 200
        and not page.js_only
        and not web.is_disallowed(url)
        and page.host not in web.host_redirects
    )
    sample = random.Random(7).sample(ordinary, 80)
    async with Fetcher(sandbox_guard, per_host_concurrency=4) as fetcher:
        pages = await asyncio.gather(*(fetcher.fetch(url) for url in [*js_only, *sample]))
    verdicts = {page.url: needs_rendering(page) for page in pages}
    assert [url for url in js_only if not verdicts[url]] == []
    assert [url for url in sample if verdicts[url]] == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # An SPA shell: nothing but a mount point and a bundle.
        ('<html><body><div id="root"></div><script src="/app.js"></script></body></html>', True),
        # Next.js with server-side rendering: the mount point is full.
        (
            '<html><body><div id="__next"><main><h1>Acme</h1><p>'
            + "We build payment rails for marketplaces. " * 30
            + '</p></main></div><script src="/_next/main.js"></script></body></html>',
            False,
        ),
        # A long article with analytics: scripts, but nothing for them to draw.
        (
            "<html><body><article>"
            + "<p>Acme raised a round to grow its team in Berlin and Lisbon.</p>" * 40
            + "</article><script>window.dataLayer = [];</script></body></html>",
            False,
        ),
        # A static page without any script cannot get better in a browser.
        ("<html><body><p>Short.</p></body></html>", False),
        # "Loading…" inside the mount and a noscript plea.
        (
            "<html><body><header><nav><a href='/'>Home</a><a href='/team'>Team</a></nav></header>"
            '<h1>Our team</h1><div class="team-mount"><p>Loading…</p></div>'
            "<noscript>You need to enable JavaScript to run this app.</noscript>"
            '<script type="module" src="/team.js"></script>'
            "<footer>" + "Acme Inc, 1 Main Street, Springfield. " * 10 + "</footer></body></html>",
            True,
        ),
        # Only JSON-LD: data, not a program.
        (
            '<html><body><div id="app"></div><script type="application/ld+json">{}</script>'
            "</body></html>",
            False,
        ),
    ],
)
def test_needs_rendering_on_typical_pages(body: str, expected: bool) -> None:
    assert needs_rendering(page_of("http://acme.test/", body, "text/html")) is expected


def test_non_html_and_rendered_pages_never_need_rendering() -> None:
    shell = '<div id="root"></div><script src="/app.js"></script>'
    assert not needs_rendering(page_of("http://a.test/x.json", shell, "application/json"))
    rendered = page_of("http://a.test/", shell, "text/html").model_copy(update={"rendered": True})
    assert not needs_rendering(rendered)


def test_an_omitted_head_end_tag_does_not_hide_the_body() -> None:
    body = (
        "<html><head><title>Acme</title><script src='/analytics.js'></script>"
        "<body><h1>Acme</h1>" + "<p>We make invoicing painless for small teams.</p>" * 20
    )
    assert not needs_rendering(page_of("http://acme.test/", body, "text/html"))
