"""A small SSE reader over httpx, for tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Event:
    """One server-sent event."""

    id: str | None
    type: str
    data: Any


@dataclass
class Stream:
    """What a stream delivered."""

    events: list[Event] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    closed_by_server: bool = False

    @property
    def ids(self) -> list[str | None]:
        """The event ids in order."""
        return [event.id for event in self.events]

    @property
    def types(self) -> list[str]:
        """The event types in order."""
        return [event.type for event in self.events]


async def read_stream(
    client: httpx.AsyncClient,
    path: str,
    *,
    last_event_id: str | None = None,
    max_events: int | None = None,
    timeout: float = 120,
) -> Stream:
    """Read events until the server closes the stream or ``max_events`` arrive."""
    headers = {"Accept": "text/event-stream"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    stream = Stream()
    async with client.stream("GET", path, headers=headers, timeout=timeout) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        current: dict[str, str] = {}
        data_lines: list[str] = []
        async for line in response.aiter_lines():
            if line.startswith(":"):
                stream.comments.append(line[1:].strip())
                continue
            if line == "":
                if data_lines or current:
                    raw = "\n".join(data_lines)
                    stream.events.append(
                        Event(
                            id=current.get("id"),
                            type=current.get("event", "message"),
                            data=json.loads(raw) if raw else None,
                        )
                    )
                    current, data_lines = {}, []
                    if max_events is not None and len(stream.events) >= max_events:
                        return stream
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                data_lines.append(value)
            else:
                current[name] = value
        stream.closed_by_server = True
    return stream
