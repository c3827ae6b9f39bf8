"""A webhook receiver on loopback: records every delivery byte for byte and answers with a
scripted status per path (then 200)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """Scripted answers: ``script[path]`` is a queue of statuses used before the default 200."""

    received: list[Received] = field(default_factory=list)
    script: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    # Run once after the next answer to a path has been sent (e.g. kill the worker).
    after: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)

    def answer(self, path: str, *statuses: int) -> None:
        """Queue statuses for the next requests to ``path``."""
        self.script[path].extend(statuses)

    def at(self, path: str) -> list[Received]:
        """What reached ``path``, in order."""
        return [item for item in self.received if item.path == path]

    async def wait_for(
        self, path: str, count: int, timeout: float = 120, **match: Any
    ) -> list[Received]:
        """Wait until ``count`` requests reached ``path`` (optionally with these headers)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                item
                for item in self.at(path)
                if all(
                    item.headers.get(name.replace("_", "-")) == value
                    for name, value in match.items()
                )
            ]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} received {len(found)} requests, not {count}")
            await asyncio.sleep(0.1)

    @property
    def app(self) -> Starlette:
        """The ASGI app."""

        async def handle(request: Request) -> Response:
            body = await request.body()
            path = request.url.path
            self.received.append(
                Received(
                    path=path,
                    headers={key.lower(): value for key, value in request.headers.items()},
                    body=body,
                    at=time.monotonic(),
                )
            )
            queue = self.script.get(path)
            status = queue.popleft() if queue else 200
            then = self.after.pop(path, None)
            return Response(
                f"status {status} from the receiver",
                status_code=status,
                background=BackgroundTask(then) if then else None,
            )

        return Starlette(routes=[Route("/{path:path}", handle, methods=["POST"])])
