"""A job's server-sent events as typed objects, resumed with ``Last-Event-ID`` after a drop."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import httpx
from pydantic import ValidationError

from leadex._errors import APIConnectionError
from leadex._models import (
    ArtifactEventData,
    EventData,
    LeadexModel,
    LogEventData,
    ResultEventData,
    StepEventData,
    TerminalEventData,
)

if TYPE_CHECKING:
    from leadex._base import BaseClient
    from leadex._client import AsyncLeadex, Leadex

TERMINAL_TYPES = frozenset({"done", "error", "stopped"})


class _Event(LeadexModel):
    """What every event has: the id to resume after."""

    id: str | None = None


class LogEvent(_Event):
    """A free-text progress line."""

    type: Literal["log"]
    data: LogEventData


class StepEvent(_Event):
    """A step started, completed or failed."""

    type: Literal["step"]
    data: StepEventData


class ResultEvent(_Event):
    """A batch of leads as they are captured."""

    type: Literal["result"]
    data: ResultEventData


class ArtifactEvent(_Event):
    """The file is ready."""

    type: Literal["artifact"]
    data: ArtifactEventData


class TerminalEvent(_Event):
    """The job ended: ``done``, ``error`` or ``stopped``; the stream ends after it."""

    type: Literal["done", "error", "stopped"]
    data: TerminalEventData


class UnknownEvent(_Event):
    """An event type this version of the library does not know yet."""

    type: str
    data: EventData


JobEvent = LogEvent | StepEvent | ResultEvent | ArtifactEvent | TerminalEvent | UnknownEvent

_EVENT_CLASSES: dict[str, type[LeadexModel]] = {
    "log": LogEvent,
    "step": StepEvent,
    "result": ResultEvent,
    "artifact": ArtifactEvent,
    "done": TerminalEvent,
    "error": TerminalEvent,
    "stopped": TerminalEvent,
}


def parse_event(event_id: str | None, event_type: str, data: Any) -> JobEvent:
    """The typed event; a payload that does not match its type still arrives, untyped."""
    payload = data if isinstance(data, dict) else {"value": data}
    cls = _EVENT_CLASSES.get(event_type)
    if cls is not None:
        try:
            parsed = cls.model_validate({"id": event_id, "type": event_type, "data": payload})
        except ValidationError:
            pass
        else:
            return cast(JobEvent, parsed)
    return UnknownEvent(id=event_id, type=event_type, data=EventData.model_validate(payload))


@dataclass
class SSEDecoder:
    """Turns the lines of a ``text/event-stream`` body into (id, event, data) triples."""

    _id: str | None = None
    _event: str | None = None
    _data: list[str] = field(default_factory=list)

    def feed(self, line: str) -> tuple[str | None, str, Any] | None:
        """One line in; a complete event out when the line ends one."""
        line = line.rstrip("\r\n")
        if line == "":
            if not self._data and self._event is None:
                return None
            raw = "\n".join(self._data)
            event = (self._id, self._event or "message", _decode(raw))
            self._id, self._event, self._data = None, None, []
            return event
        if line.startswith(":"):
            return None  # a heartbeat comment
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None


def _decode(raw: str) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw


@dataclass
class _Resume:
    """Where a stream is: the last event seen, and how many reconnects found nothing new."""

    last_event_id: str | None
    idle_reconnects: int = 0
    finished: bool = False
    decoder: SSEDecoder = field(default_factory=SSEDecoder)

    def connect(self) -> dict[str, str]:
        """The headers of a (re)connection, which starts with a fresh decoder."""
        self.decoder = SSEDecoder()
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        return headers

    def read(self, line: str) -> JobEvent | None:
        """The event a line completes, if it completes one."""
        item = self.decoder.feed(line)
        if item is None:
            return None
        event = parse_event(*item)
        if event.id:
            self.last_event_id = event.id
        self.idle_reconnects = 0
        if event.type in TERMINAL_TYPES:
            self.finished = True
        return event

    def dropped(self, client: BaseClient) -> float:
        """The wait before reconnecting, or an error once drops follow drops too often."""
        self.idle_reconnects += 1
        delay = client._reconnect_delay(self.idle_reconnects)
        if delay is None:
            raise APIConnectionError(
                f"The event stream kept dropping; resume with last_event_id={self.last_event_id!r}."
            )
        return delay


_DROPS = (httpx.TransportError, APIConnectionError)


class JobStream:
    """Iterate a job's events; reconnects after a drop and stops after the terminal event."""

    def __init__(self, client: Leadex, job_id: str, last_event_id: str | None = None) -> None:
        self._client = client
        self._path = f"jobs/{job_id}/stream"
        self._state = _Resume(last_event_id)
        self._response: httpx.Response | None = None

    @property
    def last_event_id(self) -> str | None:
        """The id of the last event delivered; pass it to resume elsewhere."""
        return self._state.last_event_id

    def __iter__(self) -> Iterator[JobEvent]:
        state = self._state
        while not state.finished:
            try:
                self._response = self._client._open_stream(self._path, state.connect())
                for line in self._response.iter_lines():
                    event = state.read(line)
                    if event is not None:
                        yield event
                        if state.finished:
                            return
            except _DROPS:
                pass
            finally:
                self.close()
            self._client._sleep(state.dropped(self._client))

    def close(self) -> None:
        """Close the connection; iterating again resumes after the last event."""
        if self._response is not None:
            self._response.close()
            self._response = None

    def __enter__(self) -> JobStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class AsyncJobStream:
    """Async twin of :class:`JobStream`: ``async for event in client.jobs.stream(job_id)``."""

    def __init__(self, client: AsyncLeadex, job_id: str, last_event_id: str | None = None) -> None:
        self._client = client
        self._path = f"jobs/{job_id}/stream"
        self._state = _Resume(last_event_id)
        self._response: httpx.Response | None = None

    @property
    def last_event_id(self) -> str | None:
        """The id of the last event delivered; pass it to resume elsewhere."""
        return self._state.last_event_id

    async def __aiter__(self) -> AsyncIterator[JobEvent]:
        state = self._state
        while not state.finished:
            try:
                self._response = await self._client._open_stream(self._path, state.connect())
                async for line in self._response.aiter_lines():
                    event = state.read(line)
                    if event is not None:
                        yield event
                        if state.finished:
                            return
            except _DROPS:
                pass
            finally:
                await self.close()
            await self._client._sleep(state.dropped(self._client))

    async def close(self) -> None:
        """Close the connection; iterating again resumes after the last event."""
        if self._response is not None:
            await self._response.aclose()
            self._response = None

    async def __aenter__(self) -> AsyncJobStream:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()
