"""The Anthropic client and the one call every Claude feature makes: a forced tool call."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from anthropic import AsyncAnthropic
from anthropic.types import Message, MessageParam, ToolParam

from core.config import DEFAULT_ANTHROPIC_MODEL

DEFAULT_TIMEOUT_SECONDS = 20.0
"""Per attempt. Planning is waited on with a 30 s bound, so one slow attempt must not use it up."""
DEFAULT_MAX_RETRIES = 2
"""The SDK's own retries, with jittered backoff that honors Retry-After."""

ToolCallFailure = Literal["refusal", "truncated", "no_tool_use", "invalid_input"]


@dataclass(frozen=True, slots=True)
class ClaudeSettings:
    """How to reach Claude: key, endpoint, model and the SDK's timeout and retry budget."""

    api_key: str
    base_url: str | None = None
    model: str = DEFAULT_ANTHROPIC_MODEL
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    max_retries: int = DEFAULT_MAX_RETRIES


class ToolCallError(RuntimeError):
    """Claude answered, but not with a usable call of the tool it was asked to call."""

    def __init__(self, message: str, *, reason: ToolCallFailure, stop_reason: str | None) -> None:
        super().__init__(message)
        self.reason = reason
        self.stop_reason = stop_reason


def make_client(settings: ClaudeSettings) -> AsyncAnthropic:
    """An async Anthropic client; a ``None`` base URL lets the SDK read ``ANTHROPIC_BASE_URL``."""
    return AsyncAnthropic(
        api_key=settings.api_key,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
    )


async def call_tool(
    client: AsyncAnthropic,
    *,
    model: str,
    system: str,
    messages: Sequence[MessageParam],
    tool: ToolParam,
    max_tokens: int,
) -> dict[str, Any]:
    """Make Claude call ``tool`` and return the tool's input, unvalidated."""
    message = await client.messages.create(
        model=model,
        max_tokens=max_tokens,
        system=system,
        messages=messages,
        tools=[tool],
        tool_choice={"type": "tool", "name": tool["name"]},
    )
    return tool_input(message, tool["name"])


def tool_input(message: Message, name: str) -> dict[str, Any]:
    """The input of the ``name`` tool call in ``message``, or a ``ToolCallError`` saying why not."""
    stop = message.stop_reason
    if stop == "refusal":
        raise ToolCallError("Claude declined to answer", reason="refusal", stop_reason=stop)
    if stop == "max_tokens":
        # A tool call cut off by max_tokens has partial input: unsafe to use.
        raise ToolCallError(
            "Claude ran out of tokens mid-answer", reason="truncated", stop_reason=stop
        )
    block = next((b for b in message.content if b.type == "tool_use" and b.name == name), None)
    if block is None:
        raise ToolCallError(
            f"Claude did not call the {name} tool", reason="no_tool_use", stop_reason=stop
        )
    return _as_object(block.input, name, stop)


def _as_object(raw: object, name: str, stop: str | None) -> dict[str, Any]:
    # The SDK builds responses without validation, so a malformed body can leave a string here.
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ToolCallError(
                f"The {name} input is not valid JSON: {error}",
                reason="invalid_input",
                stop_reason=stop,
            ) from error
    if not isinstance(value, dict):
        raise ToolCallError(
            f"The {name} input is a {type(value).__name__}, not an object",
            reason="invalid_input",
            stop_reason=stop,
        )
    return value
