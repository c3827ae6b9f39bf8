"""The Renderer: the system Chromium draws JS-only pages, and cannot reach what the guard blocks."""

from __future__ import annotations

import html
import shutil
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest

from research.fetch import BlockedAddress, FetchError, Guard, HostRules, Renderer
from sandbox import SandboxWeb
from tests.fetch.conftest import VICTIM_HOST
from tests.fetch.servers import Recorder

CHROMIUM = "/usr/bin/chromium"


def test_the_system_chromium_is_installed() -> None:
    # ./scripts/test installs Debian's chromium; without it live mode cannot render pages.
    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: run ./scripts/test to install it"


class SpyGuard(Guard):
    """A guard that remembers what it refused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []

    async def resolve(self, host: str, port: int) -> list[tuple[str, int]]:
        try:
            return await super().resolve(host, port)
        except BlockedAddress:
            self.refused.append(f"{host}:{port}")
            raise


@pytest.fixture(scope="module")
def rules(local_port: int, sandbox_port: int) -> HostRules:
    """probe.test is the local server; every other *.test host is the sandbox."""
    return HostRules.parse(
        f"MAP probe.test 127.0.0.1:{local_port}, MAP *.test 127.0.0.1:{sandbox_port}"
    )


@pytest.fixture(scope="module")
def guard(rules: HostRules) -> SpyGuard:
    """Only 127.0.0.1 is allowed: the victim on 127.0.0.2 is not."""
    return SpyGuard(["127.0.0.1/32"], rules)


@pytest.fixture(scope="module")
async def renderer(guard: SpyGuard, rules: HostRules) -> AsyncIterator[Renderer]:
    """One browser for the module's tests."""
    async with Renderer(guard, rules, executable=CHROMIUM, timeout=10) as running:
        yield running


def team_people(web: SandboxWeb, url: str) -> list[str]:
    company = next(c for c in web.companies if url.split("/")[2] in c.domains)
    return [p.full_name for p in company.current_people if p.on_team_page]


async def test_js_only_team_pages_render_their_people(
    renderer: Renderer, web: SandboxWeb, truth: dict[str, Any]
) -> None:
    team_pages = [url for url in truth["js_only_pages"] if web.pages[url].kind == "team"]
    # Both variants: data embedded in the page, and data fetched from /data/team.json.
    assert any("fetch(" in web.pages[url].html for url in team_pages)
    assert any("fetch(" not in web.pages[url].html for url in team_pages)
    for url in team_pages:
        page = await renderer.render(url)
        assert page.rendered and page.status == 200 and page.final_url == url
        dom = html.unescape(page.text)
        people = team_people(web, url)
        assert people and all(f"<h3>{name}</h3>" in dom for name in people), url
        assert dom.count('class="member"') == len(people)


async def test_js_only_careers_pages_render_their_jobs(
    renderer: Renderer, web: SandboxWeb, truth: dict[str, Any]
) -> None:
    for url in (u for u in truth["js_only_pages"] if web.pages[u].kind == "careers"):
        page = await renderer.render(url)
        company = next(c for c in web.companies if url.split("/")[2] in c.domains)
        dom = html.unescape(page.text)
        assert all(role in dom for role in company.open_roles), url


async def test_redirects_are_followed_in_the_browser(
    renderer: Renderer, truth: dict[str, Any]
) -> None:
    company = next(c for c in truth["companies"] if "alias_redirect" in c["noise"])
    page = await renderer.render(f"http://{company['domains'][1]}/")
    assert page.final_url == f"http://{company['primary_domain']}/"
    assert company["name"] in html.unescape(page.text)


async def test_scripts_cannot_reach_blocked_addresses(
    renderer: Renderer, guard: SpyGuard, victim_port: int, victim_recorder: Recorder
) -> None:
    victim_recorder.reset()
    guard.refused.clear()
    targets = [
        f"http://{VICTIM_HOST}:{victim_port}/page",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
    ]
    started = time.monotonic()
    page = await renderer.render("http://probe.test/probe?" + urlencode({"target": targets}, True))
    assert time.monotonic() - started < 5  # aborted at once, not left to time out
    for target in targets:
        assert f"{target} failed" in page.text
    assert sum(victim_recorder.hits.values()) == 0
    assert {f"{VICTIM_HOST}:{victim_port}", "169.254.169.254:80", "10.0.0.1:80"} <= set(
        guard.refused
    )


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/", "http://169.254.169.254/", "http://167772161/"]
)
async def test_a_blocked_document_is_refused(renderer: Renderer, url: str) -> None:
    with pytest.raises(BlockedAddress):
        await renderer.render(url)


async def test_render_errors_are_fetch_errors(renderer: Renderer) -> None:
    with pytest.raises(FetchError) as caught:
        await renderer.render("http://probe.test/status/404")
    assert caught.value.reason == "http_error"
    with pytest.raises(FetchError) as caught:
        await renderer.render("file:///etc/passwd")
    assert caught.value.reason == "unsupported"
