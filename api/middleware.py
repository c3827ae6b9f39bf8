"""Request ids on every response, and the last line of defence for unexpected errors."""

from __future__ import annotations

import json
import logging
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import internal_error_body
from core.ids import Prefix, new_id

logger = logging.getLogger("leadex.api")

# Echo what clients send when it is a plausible trace id; never reflect arbitrary bytes.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


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
