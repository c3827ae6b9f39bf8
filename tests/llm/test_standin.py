"""The stand-in speaks the Messages API: auth, validation, the Message and error shapes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from anthropic.types import Message

from tests.llm.conftest import TEST_MODEL
from tests.support.anthropic_standin import StandIn, ToolCall, rate_limited

VERSION = "2023-06-01"
TOOL = {"name": "record", "input_schema": {"type": "object", "properties": {}}}
BODY: dict[str, Any] = {
    "model": TEST_MODEL,
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hello"}],
    "tools": [TOOL],
    "tool_choice": {"type": "tool", "name": "record"},
}


def post(base_url: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{base_url}/v1/messages", json=body, headers=headers, timeout=5)


@pytest.fixture
def headers(stand_in: StandIn) -> dict[str, str]:
    return {"x-api-key": stand_in.api_key, "anthropic-version": VERSION}


def test_a_scripted_tool_call_comes_back_as_a_message(
    stand_in: StandIn, base_url: str, headers: dict[str, str]
) -> None:
    stand_in.set_handler(lambda body: {"echo": body["messages"][0]["content"]})

    response = post(base_url, BODY, headers)

    assert response.status_code == 200
    message = Message.model_validate(response.json())
    assert (message.type, message.role, message.model) == ("message", "assistant", TEST_MODEL)
    assert message.stop_reason == "tool_use"
    assert message.id.startswith("msg_")
    [block] = message.content
    assert block.type == "tool_use"
    assert (block.name, block.input) == ("record", {"echo": "hello"})
    assert block.id.startswith("toolu_")
    assert message.usage.input_tokens > 0
    assert stand_in.requests[0].body == BODY


def test_the_queue_is_used_before_the_handler(
    stand_in: StandIn, base_url: str, headers: dict[str, str]
) -> None:
    stand_in.set_handler(lambda _: {"from": "handler"})
    stand_in.enqueue(ToolCall({"from": "queue"}))

    first, second = post(base_url, BODY, headers), post(base_url, BODY, headers)

    assert first.json()["content"][0]["input"] == {"from": "queue"}
    assert second.json()["content"][0]["input"] == {"from": "handler"}


def test_a_bearer_token_authenticates_too(stand_in: StandIn, base_url: str) -> None:
    stand_in.enqueue({})
    headers = {"authorization": f"Bearer {stand_in.api_key}", "anthropic-version": VERSION}

    assert post(base_url, BODY, headers).status_code == 200


@pytest.mark.parametrize(
    ("headers", "status", "error_type"),
    [
        ({"anthropic-version": VERSION}, 401, "authentication_error"),
        (
            {"x-api-key": "sk-ant-wrong", "anthropic-version": VERSION},
            401,
            "authentication_error",
        ),
        ({"x-api-key": "KEY"}, 400, "invalid_request_error"),
        ({"x-api-key": "KEY", "anthropic-version": "latest"}, 400, "invalid_request_error"),
    ],
    ids=["no-key", "wrong-key", "no-version", "bad-version"],
)
def test_headers_are_checked(
    stand_in: StandIn, base_url: str, headers: dict[str, str], status: int, error_type: str
) -> None:
    stand_in.enqueue({})
    headers = {k: v.replace("KEY", stand_in.api_key) for k, v in headers.items()}

    response = post(base_url, BODY, headers)

    assert response.status_code == status
    assert response.json()["type"] == "error"
    assert response.json()["error"]["type"] == error_type
    assert response.json()["request_id"] == response.headers["request-id"]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"model": None}, "model"),
        ({"max_tokens": None}, "max_tokens"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "system", "content": "hi"}]}, "messages.0.role"),
        ({"messages": [{"role": "user", "content": ""}]}, "messages.0.content"),
        ({"messages": [{"role": "user", "content": [{"text": "hi"}]}]}, "messages.0.content.0"),
        ({"system": 5}, "system"),
        ({"tools": [{"name": "bad name!", "input_schema": {"type": "object"}}]}, "tools.0.name"),
        ({"tools": [{"name": "record", "input_schema": {"type": "array"}}]}, "input_schema"),
        ({"tool_choice": {"type": "tool", "name": "other"}}, "tool_choice.name"),
        ({"tool_choice": {"type": "sometimes"}}, "tool_choice.type"),
        ({"temperature_typo": 0}, "temperature_typo"),
    ],
)
def test_malformed_bodies_are_invalid_requests(
    stand_in: StandIn,
    base_url: str,
    headers: dict[str, str],
    change: dict[str, Any],
    complaint: str,
) -> None:
    stand_in.enqueue({})
    body = {k: v for k, v in {**BODY, **change}.items() if v is not None}

    response = post(base_url, body, headers)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert complaint in error["message"]


def test_scripted_errors_carry_their_headers(
    stand_in: StandIn, base_url: str, headers: dict[str, str]
) -> None:
    stand_in.enqueue(rate_limited(retry_after=3))

    response = post(base_url, BODY, headers)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert response.json()["error"]["type"] == "rate_limit_error"


def test_an_unscripted_request_is_an_error_the_sdk_does_not_retry(
    stand_in: StandIn, base_url: str, headers: dict[str, str]
) -> None:
    response = post(base_url, BODY, headers)

    assert response.status_code == 500
    assert response.headers["x-should-retry"] == "false"
    assert "no scripted reply" in response.json()["error"]["message"]
