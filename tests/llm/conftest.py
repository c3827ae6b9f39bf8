"""One Anthropic stand-in server for the session, reset before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from anthropic import AsyncAnthropic

from research.llm.client import ClaudeSettings, make_client
from tests.support.anthropic_standin import StandIn, serve_in_thread

TEST_MODEL = "claude-test-model"
"""Any model name: the stand-in echoes it, and the SDK warns about none of its own."""


@pytest.fixture(scope="session")
def stand_in_server() -> Iterator[tuple[StandIn, str]]:
    """The stand-in and its base URL, served over real HTTP on loopback."""
    stand_in = StandIn()
    with serve_in_thread(stand_in) as base_url:
        yield stand_in, base_url


@pytest.fixture
def stand_in(stand_in_server: tuple[StandIn, str]) -> StandIn:
    """The stand-in with no script and no recorded requests."""
    stand_in_server[0].reset()
    return stand_in_server[0]


@pytest.fixture
def base_url(stand_in_server: tuple[StandIn, str]) -> str:
    """Where the stand-in listens."""
    return stand_in_server[1]


@pytest.fixture
async def client(stand_in: StandIn, base_url: str) -> AsyncIterator[AsyncAnthropic]:
    """An SDK client aimed at the stand-in, with the SDK's retries on."""
    claude = make_client(
        ClaudeSettings(api_key=stand_in.api_key, base_url=base_url, timeout=5, max_retries=2)
    )
    yield claude
    await claude.close()
