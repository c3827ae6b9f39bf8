"""Render pages that only JavaScript draws, in the system Chromium, behind the same guard.

Every request the browser makes (document, script, XHR, image) is intercepted and sent by
this process's guarded httpx client, and the answer handed back to Chromium. Chromium itself
never dials anything: a blocked address is aborted, and a DNS answer cannot change between the
guard's check and the connection (rebinding) because the guard's connection is the connection.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx
from playwright.async_api import (
    BrowserContext,
    Playwright,
    Request,
    Route,
    WebSocketRoute,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from research.fetch.fetcher import DEFAULT_USER_AGENT
from research.fetch.guard import NOT_FOUND, BlockedAddress, Guard, HostRule, HostRules
from research.fetch.transport import guarded_client
from research.fetch.types import FetchedPage, FetchError

# Playwright already passes most "stay quiet" switches; these close the remaining ways a
# headless Chromium phones home or reaches the network on its own.
CHROMIUM_FLAGS = (
    "--no-sandbox",  # Chromium's sandbox needs user namespaces, which containers rarely grant
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--safebrowsing-disable-auto-update",
    "--no-pings",
    "--dns-prefetch-disable",
    # WebRTC would otherwise enumerate local interfaces and send UDP around the interception.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)
NETWORK_IDLE_WAIT = 5.0  # seconds to wait for scripts' requests to settle after "load"
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})  # no text in them; save the bytes
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"}
)
NO_FORWARD = HOP_BY_HOP | {"host", "user-agent", "accept-encoding"}


class Renderer:
    """A headless Chromium that renders pages through the guard; start once, render many."""

    def __init__(
        self,
        guard: Guard,
        host_rules: HostRules,
        *,
        executable: str = "/usr/bin/chromium",
        timeout: float = 20.0,
        user_agent: str = DEFAULT_USER_AGENT,
        max_bytes: int = 5_000_000,
    ) -> None:
        self._guard = guard
        self._host_rules = host_rules
        self._executable = executable
        self._timeout = timeout
        self._user_agent = user_agent
        self._max_bytes = max_bytes
        self._client: httpx.AsyncClient | None = None
        self._playwright: Playwright | None = None
        self._context: BrowserContext | None = None
        self._profile: Path | None = None

    async def __aenter__(self) -> Renderer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Launch Chromium with a fresh profile and route all of its traffic through the guard."""
        if self._context is not None:
            return
        self._client = guarded_client(
            self._guard, timeout=self._timeout, headers={"User-Agent": self._user_agent}
        )
        self._profile = Path(tempfile.mkdtemp(prefix="leadex-chromium-"))
        # Chromium never needs to resolve a name itself: every request it makes is answered
        # by the guarded client. Names no rule maps are made unresolvable, so that anything
        # escaping interception (preconnects, background services) cannot go anywhere.
        rules = HostRules([*self._host_rules.rules, HostRule("map", "*", NOT_FOUND)])
        flags = [*CHROMIUM_FLAGS, rules.chromium_flag()]
        try:
            self._playwright = await async_playwright().start()
            self._context = await self._playwright.chromium.launch_persistent_context(
                self._profile,
                executable_path=self._executable,
                headless=True,
                args=flags,
                user_agent=self._user_agent,
                service_workers="block",  # a service worker's fetches would bypass routing
                accept_downloads=False,
            )
            await self._context.route("**/*", self._route)
            await self._context.route_web_socket("**/*", _refuse_websocket)
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stop the browser and remove its profile."""
        if self._context is not None:
            await self._context.close()
            self._context = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    async def render(self, url: str) -> FetchedPage:
        """Load ``url``, let its scripts run until the network is idle, return the DOM as HTML."""
        if self._context is None:
            raise RuntimeError("start the Renderer first: async with Renderer(...) as renderer")
        await self._check_document(url)
        page = await self._context.new_page()
        page.set_default_timeout(self._timeout * 1000)
        try:
            response = await page.goto(url, wait_until="load")
            # Long polling never goes idle; what has rendered by then will do.
            with contextlib.suppress(PlaywrightTimeout):
                idle_wait = min(self._timeout, NETWORK_IDLE_WAIT) * 1000
                await page.wait_for_load_state("networkidle", timeout=idle_wait)
            html = await page.content()
            final_url = page.url
            content_type = response.headers.get("content-type", "text/html") if response else ""
        except PlaywrightTimeout as exc:
            raise FetchError(url, "timeout", str(exc).splitlines()[0]) from exc
        except PlaywrightError as exc:
            raise _navigation_error(url, exc) from exc
        finally:
            await page.close()
        if response is None:
            raise FetchError(url, "network", "no response for the document")
        if response.status >= 400:
            raise FetchError(url, "http_error", f"HTTP {response.status}")
        return FetchedPage(
            url=url,
            final_url=final_url,
            status=response.status,
            content_type=content_type,
            text=html,
            fetched_at=datetime.now(UTC),
            rendered=True,
        )

    async def _check_document(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise FetchError(url, "unsupported", "only http and https URLs are rendered")
        try:
            await self._guard.resolve(parts.hostname, parts.port or _default_port(parts.scheme))
        except BlockedAddress as exc:
            raise BlockedAddress(url, exc.detail) from exc
        except FetchError as exc:
            raise FetchError(url, exc.reason, exc.detail) from exc

    async def _route(self, route: Route) -> None:
        """Answer one browser request with the guarded client, or abort it."""
        request = route.request
        if request.resource_type in SKIPPED_RESOURCES:
            await _quietly(route.abort("blockedbyclient"))
            return
        try:
            status, headers, body = await self._send(request)
        except BlockedAddress:
            await _quietly(route.abort("blockedbyclient"))
            return
        except (httpx.HTTPError, FetchError, ValueError):
            await _quietly(route.abort("failed"))
            return
        await _quietly(route.fulfill(status=status, headers=headers, body=body))

    async def _send(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(request.url)
        if self._client is None:
            raise FetchError(request.url, "network", "the renderer is closed")
        if parts.scheme not in {"http", "https"}:
            raise FetchError(request.url, "unsupported", "only http and https")
        outgoing = {
            name: value
            for name, value in (await request.all_headers()).items()
            if name.lower() not in NO_FORWARD and not name.startswith(":")
        }
        # Redirects go back to Chromium, whose follow-up request is routed (and guarded) anew.
        async with self._client.stream(
            request.method, request.url, headers=outgoing, content=request.post_data_buffer
        ) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self._max_bytes:
                    raise FetchError(request.url, "too_large", "subresource too large")
            return response.status_code, _response_headers(response.headers), bytes(body)


def _response_headers(headers: httpx.Headers) -> dict[str, str]:
    merged: dict[str, list[str]] = {}
    for name, value in headers.multi_items():
        if name.lower() not in HOP_BY_HOP:
            merged.setdefault(name.lower(), []).append(value)
    # Playwright's convention: repeated Set-Cookie lines joined by newlines, others by commas.
    return {
        name: ("\n" if name == "set-cookie" else ", ").join(values)
        for name, values in merged.items()
    }


async def _quietly(answer: Awaitable[None]) -> None:
    with contextlib.suppress(PlaywrightError):  # the page may have gone away meanwhile
        await answer


async def _refuse_websocket(websocket: WebSocketRoute) -> None:
    # Not connecting to the server is how Playwright keeps a routed WebSocket off the network.
    await websocket.close(code=1008, reason="blocked by the crawler")


def _navigation_error(url: str, exc: PlaywrightError) -> FetchError:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "ERR_BLOCKED_BY_CLIENT" in message:
        return BlockedAddress(url, message)
    if "ERR_TIMED_OUT" in message:
        return FetchError(url, "timeout", message)
    return FetchError(url, "network", message)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
