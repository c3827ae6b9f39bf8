"""httpx transports that decide where to connect at connect time: guarded, or host-ruled only.

The guard runs inside the network backend's ``connect_tcp``, so the address that is checked is
the address that is dialled: a DNS answer cannot change in between (rebinding), and every
redirect hop that opens a connection is checked again.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpcore
import httpx

from research.fetch.guard import Guard, HostRules

# Most specific first: the first match wins.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's exceptions as httpx's; anything else (BlockedAddress) passes."""
    try:
        yield
    except Exception as exc:
        for source, target in _EXCEPTIONS:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


class _TcpOnlyBackend(httpcore.AsyncNetworkBackend):
    """A network backend that dials TCP through ``inner`` and refuses Unix sockets (a local
    resource no guard or host rule can vet)."""

    _inner: httpcore.AsyncNetworkBackend

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Refused: only TCP is spoken here."""
        raise httpcore.ConnectError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """Sleep, as the connection pool asks."""
        await self._inner.sleep(seconds)


class GuardedBackend(_TcpOnlyBackend):
    """Resolves through the guard and dials a vetted IP; TLS still names the original host."""

    def __init__(self, guard: Guard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first vetted address of ``host`` that answers."""
        try:
            async with asyncio.timeout(timeout):
                addresses = await self._guard.resolve(host, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        failure: Exception | None = None
        for address, mapped_port in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, mapped_port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"no address to connect to for {host}")


class RuledBackend(_TcpOnlyBackend):
    """Maps host names through host rules and connects without any guard (trusted services)."""

    def __init__(self, host_rules: HostRules, inner: httpcore.AsyncNetworkBackend | None = None):
        self._rules = host_rules
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to wherever the rules send ``host:port``."""
        mapped_host, mapped_port = self._rules.map(host, port)
        return await self._inner.connect_tcp(
            mapped_host, mapped_port, timeout, local_address, socket_options
        )


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any, on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        try:
            if hasattr(self._stream, "aclose"):
                with _httpx_errors():
                    await self._stream.aclose()
        finally:
            if self._on_close is not None:
                self._on_close()
                self._on_close = None


Origin = tuple[bytes, bytes, int | None]


class BackendTransport(httpx.AsyncBaseTransport):
    """An httpx transport over httpcore pools that connect through the given backend.

    A crawler talks to many hosts. httpcore scans every pooled connection on each request, so
    one shared pool either churns connections (small keep-alive) or slows down with the host
    count (large keep-alive). One small pool per origin keeps both costs flat; idle pools of
    the least recently used origins are closed beyond ``max_origins``.
    """

    def __init__(
        self,
        backend: httpcore.AsyncNetworkBackend,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_connections_per_origin: int | None = 32,
        max_keepalive_per_origin: int | None = 8,
        keepalive_expiry: float | None = 5.0,
        max_origins: int = 256,
    ) -> None:
        self._backend = backend
        self._ssl_context = ssl_context or httpx.create_ssl_context()
        self._max_connections = max_connections_per_origin
        self._max_keepalive = max_keepalive_per_origin
        self._keepalive_expiry = keepalive_expiry
        self._max_origins = max_origins
        self._pools: OrderedDict[Origin, httpcore.AsyncConnectionPool] = OrderedDict()
        self._in_flight: Counter[Origin] = Counter()  # requests whose response is still open

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the pool and wrap the answer for httpx."""
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        origin = (core_request.url.scheme, core_request.url.host, core_request.url.port)
        self._in_flight[origin] += 1  # before any await: the pool must not be closed under us
        try:
            pool = await self._pool_for(origin)
            with _httpx_errors():
                response = await pool.handle_async_request(core_request)
        except BaseException:
            self._release(origin)
            raise
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream, lambda: self._release(origin)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every pooled connection."""
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()

    @property
    def pooled_origins(self) -> int:
        """How many origins have a connection pool right now."""
        return len(self._pools)

    async def _pool_for(self, origin: Origin) -> httpcore.AsyncConnectionPool:
        pool = self._pools.get(origin)
        if pool is not None:
            self._pools.move_to_end(origin)
            return pool
        # Registered before any await, so concurrent first requests share one pool.
        pool = self._pools[origin] = httpcore.AsyncConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=self._max_connections,
            max_keepalive_connections=self._max_keepalive,
            keepalive_expiry=self._keepalive_expiry,
            network_backend=self._backend,
        )
        await self._close_idle_origins()
        return pool

    async def _close_idle_origins(self) -> None:
        """Close the least recently used pools with nothing in flight, down to the limit."""
        while len(self._pools) > self._max_origins:
            idle = (origin for origin in self._pools if not self._in_flight[origin])
            victim = next(idle, None)
            if victim is None:
                return  # everything is busy: run over the limit rather than wait
            await self._pools.pop(victim).aclose()

    def _release(self, origin: Origin) -> None:
        self._in_flight[origin] -= 1
        if not self._in_flight[origin]:
            del self._in_flight[origin]

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


def guarded_transport(guard: Guard, **pool: Any) -> BackendTransport:
    """A transport whose every connection is vetted by ``guard`` and trusts what it trusts."""
    pool.setdefault("ssl_context", guard.ssl_context)
    return BackendTransport(GuardedBackend(guard), **pool)


def ruled_transport(host_rules: HostRules, **pool: Any) -> BackendTransport:
    """A transport that only applies host rules: for trusted, operator-configured services."""
    return BackendTransport(RuledBackend(host_rules), **pool)


def guarded_client(
    guard: Guard, *, timeout: float, headers: Mapping[str, str] | None = None
) -> httpx.AsyncClient:
    """An httpx client that cannot reach addresses the guard blocks, redirects included."""
    return _client(guarded_transport(guard), timeout, headers)


def ruled_client(
    host_rules: HostRules, *, timeout: float, headers: Mapping[str, str] | None = None
) -> httpx.AsyncClient:
    """An httpx client for trusted services (the search provider): host rules, no guard."""
    return _client(ruled_transport(host_rules), timeout, headers)


def _client(
    transport: httpx.AsyncBaseTransport, timeout: float, headers: Mapping[str, str] | None
) -> httpx.AsyncClient:
    # trust_env=False: proxy variables and .netrc must not route requests around the transport.
    return httpx.AsyncClient(
        transport=transport, timeout=timeout, headers=dict(headers or {}), trust_env=False
    )


def trust_context(ca_file: str | Path | None = None) -> ssl.SSLContext:
    """What outbound HTTPS verifies servers against: the default store, plus ``ca_file``'s CAs.

    The extra CAs are added, never substituted: public sites stay verifiable beside a
    deployment's internal (or test) CA.
    """
    context = httpx.create_ssl_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


def certificate_failure(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification failure behind a transport error, if that is what it is."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
