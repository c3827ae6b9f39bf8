"""Server-sent events plumbing: frames on the wire, and the idle-timeout batching."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from sse_starlette.event import ServerSentEvent

from api.sse import frame, with_idle_timeout


@pytest.mark.parametrize(
    "data",
    [json.dumps({"message": "Read 3 of 4 sites\nline two", "é": "ü"}, ensure_ascii=False), "a\nb"],
    ids=["json", "multi-line"],
)
def test_a_frame_is_what_the_sse_library_writes(data: str) -> None:
    assert (
        frame("evt_0-5-1", "log", data)
        == ServerSentEvent(data, event="log", id="evt_0-5-1").encode()
    )


async def _burst_then_silence(burst: int, gate: asyncio.Event) -> AsyncIterator[int]:
    for item in range(burst):
        yield item
    await gate.wait()
    yield burst


async def test_items_ready_at_once_come_in_one_batch() -> None:
    gate = asyncio.Event()
    batches = with_idle_timeout(_burst_then_silence(5, gate), idle=30)
    assert await anext(batches) == [0, 1, 2, 3, 4]
    gate.set()
    assert [batch async for batch in batches] == [[5]]


async def test_a_source_silent_past_the_idle_time_ends_the_stream() -> None:
    batches = with_idle_timeout(_burst_then_silence(2, asyncio.Event()), idle=0.2)
    assert [batch async for batch in batches] == [[0, 1]]


async def _failing() -> AsyncIterator[int]:
    yield 1
    raise RuntimeError("history unavailable")


async def test_a_failing_source_fails_the_stream_after_what_it_sent() -> None:
    batches = with_idle_timeout(_failing(), idle=30)
    assert await anext(batches) == [1]
    with pytest.raises(RuntimeError, match="history unavailable"):
        await anext(batches)
