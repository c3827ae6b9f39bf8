"""The crawler's HTTP fetcher: guarded, polite, robots-aware, size-bounded and charset-correct."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from charset_normalizer import from_bytes
from tenacity import AsyncRetrying, RetryCallState, retry_if_result, wait_exponential_jitter

from core import metrics
from research.fetch.guard import BlockedAddress, Guard
from research.fetch.robots import MAX_ROBOTS_BYTES, RobotsAnswer, RobotsCache
from research.fetch.transport import certificate_failure, guarded_client, parse_retry_after
from research.fetch.types import FetchedPage, FetchError, PageCache

DEFAULT_USER_AGENT = "LeadexBot/1.0 (+https://leadex.dev/bot)"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/*;q=0.8,*/*;q=0.5"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 503})
MAX_RETRIES = 2
MAX_RETRY_WAIT = 30.0  # a server asking for more than this is not worth waiting for
TEXT_MEDIA_TYPES = frozenset(
    {
        "application/xhtml+xml",
        "application/xml",
        "application/json",
        "application/ld+json",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/csv",
        "application/x-csv",
    }
)
# No type, or "some bytes": the body decides (S3 and friends serve CSV files like this).
SNIFFED_MEDIA_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b")


# Every series exists from the start (at zero), so a dashboard can tell "none" from "unknown".
for _source in ("network", "cache"):
    metrics.PAGES_FETCHED.labels(_source)
for _reason in FetchError.REASONS:
    metrics.FETCH_ERRORS.labels(_reason)


@dataclass
class _Hop:
    """One request's answer: a redirect, a status to act on, or a body."""

    url: str
    status: int
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    location: str | None = None

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


HopFunction = Callable[[str, str], Awaitable[_Hop]]


class _HostGate:
    """Per-host politeness: at most N requests in flight, starts spaced by a delay."""

    def __init__(self, concurrency: int) -> None:
        self.semaphore = asyncio.Semaphore(concurrency)
        self.next_start = 0.0


class Fetcher:
    """Fetches web pages for the research engine without being a hazard or a nuisance."""

    def __init__(
        self,
        guard: Guard,
        *,
        cache: PageCache | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        per_host_concurrency: int = 2,
        per_host_delay: float = 0.0,
        max_bytes: int = 5_000_000,
        timeout: float = 15.0,
        max_redirects: int = 5,
        respect_robots: bool = True,
    ) -> None:
        if per_host_concurrency < 1:
            raise ValueError("per_host_concurrency must be at least 1")
        self._cache = cache
        self._per_host_concurrency = per_host_concurrency
        self._per_host_delay = per_host_delay
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._max_redirects = max_redirects
        self._respect_robots = respect_robots
        self._gates: dict[str, _HostGate] = {}
        self._client = guarded_client(
            guard, timeout=timeout, headers={"User-Agent": user_agent, "Accept": ACCEPT}
        )
        self._robots = RobotsCache(self._load_robots, user_agent)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections and drop pending robots.txt fetches."""
        self._robots.close()
        await self._client.aclose()

    async def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url`` (from the cache when it has it); raise FetchError when it cannot."""
        url = _normalize_url(url)
        if self._cache is not None:
            cached = await self._cache.get(url)
            if cached is not None:
                metrics.PAGES_FETCHED.labels("cache").inc()
                return cached.model_copy(update={"from_cache": True})
        try:
            page = await self._fetch_network(url)
        except FetchError as error:
            metrics.FETCH_ERRORS.labels(error.reason).inc()
            raise
        metrics.PAGES_FETCHED.labels("network").inc()
        if self._cache is not None:
            await self._cache.put(page)
        return page

    async def _fetch_network(self, url: str) -> FetchedPage:
        hop = await self._follow(url, self._page_hop, check_robots=self._respect_robots)
        if hop.status >= 400:
            raise FetchError(url, "http_error", f"HTTP {hop.status} from {hop.url}")
        content_type = hop.headers.get("content-type", "").strip()
        if media_type(content_type) in SNIFFED_MEDIA_TYPES:
            content_type = _sniff_content_type(url, hop.body)
        return FetchedPage(
            url=url,
            final_url=hop.url,
            status=hop.status,
            content_type=content_type,
            text=decode_body(hop.body, content_type),
            fetched_at=datetime.now(UTC),
        )

    async def _follow(self, url: str, hop_function: HopFunction, *, check_robots: bool) -> _Hop:
        """Request ``url``, following redirects by hand so that robots.txt sees every hop."""
        current = url
        for _ in range(self._max_redirects + 1):
            if check_robots:
                await self._check_robots(url, current)
            hop = await self._with_retries(hop_function, url, current)
            if hop.location is None:
                return hop
            current = _redirect_target(url, current, hop.location)
        raise FetchError(url, "too_many_redirects", f"more than {self._max_redirects}")

    async def _with_retries(self, hop_function: HopFunction, url: str, current: str) -> _Hop:
        retrying = AsyncRetrying(
            retry=retry_if_result(lambda hop: hop.status in RETRY_STATUSES),
            stop=_stop_retrying,
            wait=_retry_wait,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )
        hop: _Hop = await retrying(hop_function, url, current)
        return hop

    async def _page_hop(self, url: str, current: str) -> _Hop:
        async with self._open(url, current) as response:
            hop = _Hop(current, response.status_code, response.headers)
            if _is_redirect(response):
                hop.location = response.headers["location"]
            elif response.status_code < 300:
                _check_media_type(url, response.headers.get("content-type", ""))
                hop.body = await _read_body(url, response, self._max_bytes)
            return hop

    async def _robots_hop(self, url: str, current: str) -> _Hop:
        async with self._open(url, current) as response:
            hop = _Hop(current, response.status_code, response.headers)
            if _is_redirect(response):
                hop.location = response.headers["location"]
            elif response.status_code < 300:
                hop.body = await _read_body(url, response, MAX_ROBOTS_BYTES, truncate=True)
            return hop

    @contextlib.asynccontextmanager
    async def _open(self, url: str, current: str) -> AsyncIterator[httpx.Response]:
        """A streamed response for ``current``, inside the host's politeness slot and time limit."""
        async with self._host_slot(current):
            with _as_fetch_error(url):
                async with asyncio.timeout(self._timeout):
                    request = self._client.build_request("GET", current)
                    response = await self._client.send(request, stream=True)
                    try:
                        yield response
                    finally:
                        await response.aclose()

    @contextlib.asynccontextmanager
    async def _host_slot(self, url: str) -> AsyncIterator[None]:
        host = urlsplit(url).hostname or ""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(self._per_host_concurrency)
        async with gate.semaphore:
            if self._per_host_delay > 0:
                now = asyncio.get_running_loop().time()
                start = max(now, gate.next_start)
                gate.next_start = start + self._per_host_delay
                await asyncio.sleep(start - now)
            yield

    async def _check_robots(self, url: str, current: str) -> None:
        try:
            allowed = await self._robots.allows(current)
        except FetchError as exc:
            # An unreachable robots.txt means "do not crawl" (RFC 9309); say why, for the page.
            raise _for_url(exc, url, f"robots.txt: {exc.detail}") from exc
        if not allowed:
            raise FetchError(url, "robots", f"robots.txt disallows {current}")

    async def _load_robots(self, robots_url: str) -> RobotsAnswer:
        try:
            hop = await self._follow(robots_url, self._robots_hop, check_robots=False)
        except FetchError as exc:
            if exc.reason == "too_many_redirects":
                return RobotsAnswer(404)  # RFC 9309 2.3.1.2: may be treated as unavailable
            raise
        return RobotsAnswer(hop.status, hop.body.decode("utf-8", errors="replace"))


# -- requests --------------------------------------------------------------------------------


def _normalize_url(url: str) -> str:
    """The URL without its fragment; FetchError "unsupported" unless it is http(s) with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise FetchError(url, "unsupported", str(exc)) from exc
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise FetchError(url, "unsupported", "only http and https URLs are fetched")
    return urlunsplit(parts._replace(fragment=""))


def _redirect_target(url: str, current: str, location: str) -> str:
    target = urljoin(current, location.strip())
    try:
        return _normalize_url(target)
    except FetchError as exc:
        raise FetchError(url, "unsupported", f"redirect to {target}") from exc


def _is_redirect(response: httpx.Response) -> bool:
    return response.status_code in REDIRECT_STATUSES and "location" in response.headers


def _stop_retrying(state: RetryCallState) -> bool:
    if state.attempt_number > MAX_RETRIES:
        return True
    hop = state.outcome.result() if state.outcome and not state.outcome.failed else None
    wait = hop.retry_after if isinstance(hop, _Hop) else None
    return wait is not None and wait > MAX_RETRY_WAIT


_backoff = wait_exponential_jitter(multiplier=0.5, max=8.0, jitter=0.5)


def _retry_wait(state: RetryCallState) -> float:
    hop = state.outcome.result() if state.outcome and not state.outcome.failed else None
    wait = hop.retry_after if isinstance(hop, _Hop) else None
    return wait if wait is not None else float(_backoff(state))


@contextlib.contextmanager
def _as_fetch_error(url: str) -> Iterator[None]:
    """Turn transport failures into FetchError naming the page that was asked for."""
    try:
        yield
    except FetchError as exc:
        renamed = _for_url(exc, url, exc.detail)
        if renamed is exc:
            raise
        raise renamed from exc
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise FetchError(url, "timeout", str(exc)) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise FetchError(url, "unsupported", str(exc)) from exc
    except httpx.HTTPError as exc:
        untrusted = certificate_failure(exc)
        if untrusted is not None:
            detail = untrusted.verify_message or str(untrusted)
            raise FetchError(url, "certificate", f"certificate verify failed: {detail}") from exc
        raise FetchError(url, "network", f"{type(exc).__name__}: {exc}") from exc


def _for_url(exc: FetchError, url: str, detail: str) -> FetchError:
    if exc.url == url and exc.detail == detail:
        return exc
    if isinstance(exc, BlockedAddress):
        return BlockedAddress(url, detail)
    return FetchError(url, exc.reason, detail)


async def _read_body(
    url: str, response: httpx.Response, limit: int, truncate: bool = False
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit and not truncate:
        raise FetchError(url, "too_large", f"Content-Length {declared} > {limit}")
    chunks: list[bytes] = []
    size = 0
    # Decoded bytes are counted, so a small gzip bomb is stopped like a large page.
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        chunks.append(chunk)
        if size > limit:
            if truncate:
                return b"".join(chunks)[:limit]
            raise FetchError(url, "too_large", f"body exceeds {limit} bytes")
    return b"".join(chunks)


# -- content types and charsets ---------------------------------------------------------------


def media_type(content_type: str) -> str:
    """The lowercased media type of a Content-Type value, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def is_text_media_type(media: str) -> bool:
    """Whether the research engine can read documents of this media type."""
    return (
        media.startswith("text/") or media in TEXT_MEDIA_TYPES or media.endswith(("+xml", "+json"))
    )


def _check_media_type(url: str, content_type: str) -> None:
    media = media_type(content_type)
    if media not in SNIFFED_MEDIA_TYPES and not is_text_media_type(media):
        raise FetchError(url, "unsupported", f"content type {media}")


def _sniff_content_type(url: str, body: bytes) -> str:
    """text/html or text/plain for a body of unknown type; FetchError when it is binary."""
    head = body[:1024]
    if b"\x00" in head or head.startswith(BINARY_MAGIC):
        raise FetchError(url, "unsupported", "binary content without a text content type")
    return (
        "text/html"
        if re.search(rb"<(!doctype|html|head|body)", head, re.IGNORECASE)
        else "text/plain"
    )


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9._:-]+)""", re.IGNORECASE)


def decode_body(body: bytes, content_type: str) -> str:
    """Decode a body: BOM, then the Content-Type charset, then <meta>, then detection."""
    encoding = (
        _bom_encoding(body)
        or _charset_param(content_type)
        or _in_document_charset(body, media_type(content_type))
        or _detected_charset(body)
    )
    return body.decode(encoding, errors="replace")


def normalize_charset(label: str) -> str | None:
    """Python's codec for a charset label, as browsers read it; None when unknown."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    # The WHATWG Encoding Standard reads latin-1 and ASCII labels as windows-1252, because
    # servers declare them for windows-1252 text (curly quotes, euro signs) all the time.
    return "cp1252" if name in {"iso8859-1", "ascii"} else name


def _bom_encoding(body: bytes) -> str | None:
    return next((name for bom, name in _BOMS if body.startswith(bom)), None)


def _charset_param(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return normalize_charset(value)
    return None


def _in_document_charset(body: bytes, media: str) -> str | None:
    head = body[:4096]  # the HTML prescan looks at the first 1024 bytes; be a little lenient
    match = _XML_ENCODING.search(head) if "xml" in media else None
    if match is None and media in {"", "text/html", "application/xhtml+xml"}:
        match = _META_CHARSET.search(head)
    if match is None:
        return None
    name = normalize_charset(match.group(1).decode("ascii"))
    # A document whose ASCII <meta> we could read is not UTF-16, whatever it claims.
    return "utf-8" if name and name.startswith("utf-16") else name


def _detected_charset(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"  # the common case, and far cheaper than detection
    matches = from_bytes(body)
    best = matches.best()
    if best is None:
        return "cp1252"
    # Short Western text fits several single-byte charsets equally well; windows-1252 is by
    # far the likeliest on the web (and the HTML spec's default), so it wins a tie.
    for match in matches:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence
        if tied and normalize_charset(match.encoding) == "cp1252":
            return "cp1252"
    return normalize_charset(best.encoding) or "cp1252"


# -- pages only JavaScript renders ------------------------------------------------------------

RENDER_MAX_MAIN_TEXT = 600  # chars of main content under which a page counts as "thin"
BARE_SHELL_TEXT = 150  # a body with scripts and less text than this is an app shell
_MOUNT_IDS = re.compile(
    r"^(root|app|main-app|app-root|__next|__nuxt|___gatsby|svelte)$|-(root|mount|app)$"
)
_MOUNT_CLASSES = re.compile(r"^(js-mount|app-root|react-root|vue-app)$|-mount$")
_PLACEHOLDER = re.compile(r"^\W*(loading|please wait|one moment)\W*$", re.IGNORECASE)
_ENABLE_JS = re.compile(
    r"enable javascript|javascript (is )?(required|disabled)|requires javascript", re.IGNORECASE
)
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
_HIDDEN = {"script", "style", "template", "noscript", "head", "title", "svg"}
_CHROME = {"nav", "header", "footer"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _RenderSignals(HTMLParser):
    """Collects what tells a JavaScript app shell from a server-rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts = 0
        self.body_text = 0
        self.main_text = 0
        self.empty_mounts = 0
        self.noscript_asks_for_js = False
        self._stack: list[str] = []
        self._mounts: list[tuple[int, list[str]]] = []  # (stack depth, text seen inside)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "script" and values.get("type", "").strip().lower() in _SCRIPT_TYPES:
            self.scripts += 1
        if tag == "body":
            while "head" in self._stack:  # </head> is optional: <body> ends the head
                self.handle_endtag("head")
        if tag in _VOID:
            return
        self._stack.append(tag)
        if _is_mount(values):
            self._mounts.append((len(self._stack), []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._stack:
            return  # a stray end tag closes nothing
        while self._stack:
            self._finish_mounts_at(len(self._stack))
            if self._stack.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if not text:
            return
        if "noscript" in self._stack and _ENABLE_JS.search(text):
            self.noscript_asks_for_js = True
        if _HIDDEN.intersection(self._stack):
            return
        self.body_text += len(text)
        if not _CHROME.intersection(self._stack):
            self.main_text += len(text)
        for _, seen in self._mounts:
            seen.append(text)

    def close(self) -> None:
        super().close()
        while self._stack:
            self._finish_mounts_at(len(self._stack))
            self._stack.pop()

    def _finish_mounts_at(self, depth: int) -> None:
        while self._mounts and self._mounts[-1][0] == depth:
            _, seen = self._mounts.pop()
            text = " ".join(seen).strip()
            if not text or _PLACEHOLDER.match(text):
                self.empty_mounts += 1


def _is_mount(attrs: dict[str, str]) -> bool:
    if "data-reactroot" in attrs or "ng-app" in attrs or "data-v-app" in attrs:
        return True
    if _MOUNT_IDS.search(attrs.get("id", "").strip().lower()):
        return True
    return any(_MOUNT_CLASSES.search(name) for name in attrs.get("class", "").lower().split())


def needs_rendering(page: FetchedPage) -> bool:
    """Whether the page's content is likely drawn by JavaScript, so only a browser would see it."""
    if page.rendered or media_type(page.content_type) not in {
        "",
        "text/html",
        "application/xhtml+xml",
    }:
        return False
    signals = _RenderSignals()
    signals.feed(page.text)
    signals.close()
    if signals.scripts == 0:
        return False  # nothing could ever draw more than what is already there
    if signals.body_text < BARE_SHELL_TEXT:
        return True
    thin = signals.main_text < RENDER_MAX_MAIN_TEXT
    return thin and (signals.empty_mounts > 0 or signals.noscript_asks_for_js)
