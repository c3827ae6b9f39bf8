"""call_tool through the stand-in, and build_llm from settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from anthropic import AsyncAnthropic
from anthropic.types import ToolParam

from core.config import DEFAULT_ANTHROPIC_MODEL
from research.llm import AnthropicExtractor, AnthropicPlanner, build_llm
from research.llm.client import ToolCallError, call_tool
from tests.llm.conftest import TEST_MODEL
from tests.support.anthropic_standin import RawMessage, StandIn, ToolCall, refusal, text_only

TOOL: ToolParam = {"name": "record", "input_schema": {"type": "object", "properties": {}}}


async def record(client: AsyncAnthropic) -> dict[str, Any]:
    return await call_tool(
        client,
        model=TEST_MODEL,
        system="Record it.",
        messages=[{"role": "user", "content": "hello"}],
        tool=TOOL,
        max_tokens=64,
    )


async def test_call_tool_forces_the_tool_and_returns_its_input(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.enqueue({"answer": 42})

    assert await record(client) == {"answer": 42}
    body = stand_in.requests[0].body
    assert body["tool_choice"] == {"type": "tool", "name": "record"}
    assert body["tools"] == [TOOL]
    assert (body["system"], body["max_tokens"]) == ("Record it.", 64)


async def test_a_json_string_input_is_decoded(stand_in: StandIn, client: AsyncAnthropic) -> None:
    stand_in.enqueue(ToolCall('{"answer": 42}'))

    assert await record(client) == {"answer": 42}


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (refusal(), "refusal"),
        (text_only("Here you go."), "no_tool_use"),
        (ToolCall({}, name="another_tool"), "no_tool_use"),
        (ToolCall("{not json"), "invalid_input"),
        (ToolCall([1, 2]), "invalid_input"),
        (
            RawMessage(
                [{"type": "tool_use", "id": "toolu_1", "name": "record", "input": {}}],
                "max_tokens",
            ),
            "truncated",
        ),
    ],
    ids=["refusal", "prose", "other-tool", "bad-json", "not-an-object", "truncated"],
)
async def test_unusable_answers_raise_tool_call_error(
    stand_in: StandIn, client: AsyncAnthropic, reply: Any, reason: str
) -> None:
    stand_in.enqueue(reply)

    with pytest.raises(ToolCallError) as failed:
        await record(client)

    assert failed.value.reason == reason


@dataclass
class Settings:
    anthropic_api_key: str | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = DEFAULT_ANTHROPIC_MODEL


def test_build_llm_needs_an_api_key() -> None:
    assert build_llm(Settings()) == (None, None)
    assert build_llm(Settings(anthropic_api_key="")) == (None, None)


async def test_build_llm_shares_one_client_aimed_at_the_configured_url(
    stand_in: StandIn, base_url: str
) -> None:
    planner, extractor = build_llm(
        Settings(anthropic_api_key=stand_in.api_key, anthropic_base_url=base_url)
    )
    assert isinstance(planner, AnthropicPlanner)
    assert isinstance(extractor, AnthropicExtractor)
    assert planner._client is extractor._client
    assert str(planner._client.base_url).rstrip("/") == base_url
    await planner._client.close()


async def test_without_a_base_url_the_sdk_reads_anthropic_base_url(
    monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", base_url)

    planner, _ = build_llm(Settings(anthropic_api_key="sk-ant-x"))

    assert isinstance(planner, AnthropicPlanner)
    assert str(planner._client.base_url).rstrip("/") == base_url
    await planner._client.close()
