"""Server-sent events plumbing: idle timeouts and the spec's ``:ping`` heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

from sse_starlette.event import ServerSentEvent

T = TypeVar("T")

PING_SECONDS = 20
IDLE_SECONDS = 600
_DONE = object()


def frame(event_id: str, event: str, data: str) -> bytes:
    """One event's bytes on the wire, as ``ServerSentEvent(...).encode()`` writes them; data
    on one line (JSON always is) is framed without splitting it, which a replay of a large
    job spends most of its writing time on otherwise."""
    if "\n" in data or "\r" in data:
        return ServerSentEvent(data, event=event, id=event_id).encode()
    return f"id: {event_id}\r\nevent: {event}\r\ndata: {data}\r\n\r\n".encode()


def ping() -> ServerSentEvent:
    """The heartbeat comment, sent as ``:ping``."""
    return ServerSentEvent(comment="ping")


async def with_idle_timeout(source: AsyncIterator[T], idle: float) -> AsyncIterator[list[T]]:
    """Yield from ``source`` until it ends or stays silent for ``idle`` seconds, in lists of
    the items ready at once: a client behind a replay gets them in one write, not one each.

    The source runs in its own task so a silent stretch never cancels a read halfway.
    """
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=256)

    async def pump() -> None:
        try:
            async for item in source:
                await queue.put(item)
        finally:
            await queue.put(_DONE)

    task = asyncio.create_task(pump())
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=idle)
            except TimeoutError:
                return
            ready = [item]
            while item is not _DONE and not queue.empty():
                item = queue.get_nowait()
                ready.append(item)
            if item is not _DONE:
                yield ready  # type: ignore[misc]
                continue
            if ready[:-1]:
                yield ready[:-1]  # type: ignore[misc]
            if task.done() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
            return
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
