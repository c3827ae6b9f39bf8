"""Request ids on every response, and the last line of defence for unexpected errors."""

from __future__ import annotations

import json
import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import envelope, internal_error_body
from core import metrics
from core.errors import ErrorCode, PayloadTooLargeError
from core.ids import Prefix, new_id
from core.logs import JOB_ID, REQUEST_ID

logger = logging.getLogger("leadex.api")

# Echo what clients send when it is a plausible trace id; never reflect arbitrary bytes.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_JOB_PATH = re.compile(r"^/v1/jobs/(job_[0-9A-Za-z]{26})")


class MetricsMiddleware:
    """Counts requests by route template and status, and times them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        timed = False

        def observe() -> None:
            nonlocal timed
            if not timed:
                timed = True
                metrics.HTTP_LATENCY.labels(_route(scope), scope["method"]).observe(
                    time.perf_counter() - started
                )

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                # Streams run for minutes: latency is the time to the first byte.
                observe()
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            observe()
            metrics.HTTP_REQUESTS.labels(_route(scope), scope["method"], str(status)).inc()


def _route(scope: Scope) -> str:
    """The matched route's full template (bounded label values), never the raw path.

    A route of an included router knows its path below the router's prefix only; the prefix
    is static, so it is the raw path's leading segments the template does not cover."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not template:
        return "unmatched"
    raw_parts = str(scope.get("path", "")).split("/")
    extra = len(raw_parts) - len(str(template).split("/"))
    prefix = "/".join(raw_parts[: extra + 1]) if extra > 0 else ""
    return prefix + str(template)


class RequestIdMiddleware:
    """Assigns or echoes ``X-Request-Id``, adds the API's headers to every response (version,
    rate limits, a configured Sunset), and turns crashes into a 500 envelope."""

    def __init__(self, app: ASGIApp, version: str = "", sunset: str | None = None) -> None:
        self.app = app
        self.version = version
        self.sunset = sunset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self._request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        request_token = REQUEST_ID.set(request_id)
        job = _JOB_PATH.match(scope.get("path", ""))
        job_token = JOB_ID.set(job.group(1) if job else None)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"x-request-id"
                ]
                headers += self._extra_headers(scope, request_id)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error", extra={"request_id": request_id})
            if started:
                raise
            body = json.dumps(internal_error_body(request_id)).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        *self._extra_headers(scope, request_id),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            JOB_ID.reset(job_token)
            REQUEST_ID.reset(request_token)

    def _extra_headers(self, scope: Scope, request_id: str) -> list[tuple[bytes, bytes]]:
        headers = [(b"x-request-id", request_id.encode())]
        if scope.get("path", "").startswith("/v1"):
            if self.version:
                headers.append((b"leadex-version", self.version.encode()))
            if self.sunset:
                headers += [(b"sunset", self.sunset.encode()), (b"deprecation", b"true")]
        limits: dict[str, str] = scope.get("state", {}).get("ratelimit_headers") or {}
        headers += [(name.lower().encode(), value.encode()) for name, value in limits.items()]
        return headers

    @staticmethod
    def _request_id(scope: Scope) -> str:
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                candidate = value.decode("latin-1").strip()
                if _CLIENT_ID.match(candidate):
                    return candidate
        return new_id(Prefix.REQUEST)


class BodyLimitMiddleware:
    """Bounds request bodies: a request declaring or sending more than ``max_bytes`` gets a 413
    in the envelope, and the rest of its body is never read.

    The check runs when the body is first read, which is after the route has authenticated
    and authorized the caller, so nobody learns anything before they are allowed to.
    (Starlette's own limiter answers in plain text and replaces even a 401 with its 413.)
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            if declared is not None and declared > self.max_bytes:
                raise _too_large(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _too_large(self.max_bytes)
            return message

        await self.app(scope, bounded_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"The request body is larger than the {limit:,}-byte limit; send less per request."
    )


class HeadMiddleware:
    """Answers HEAD on every GET route as GET without the body (headers, status and
    Content-Length as GET would send them). An event stream never ends, so HEAD there is a
    405 that lists GET in ``Allow``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        if scope.get("path", "").rstrip("/").endswith("/stream"):
            request_id = scope.get("state", {}).get("request_id", "")
            body = json.dumps(
                envelope(
                    code=ErrorCode.INVALID_REQUEST.value,
                    message="HEAD is not allowed on an event stream; use GET.",
                    param=None,
                    request_id=request_id,
                )
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [
                        (b"allow", b"GET"),
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        scope = {**scope, "method": "GET"}

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, without_body)
