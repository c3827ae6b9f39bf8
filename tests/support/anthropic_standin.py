"""A local stand-in for the Anthropic Messages API: real HTTP, scripted answers, for tests.

It follows the public API reference closely enough for the official SDK to talk to it:
``POST /v1/messages`` authenticates (``x-api-key``, or the ``Authorization: Bearer`` header the
installed SDK sends), requires ``anthropic-version``, validates the body, and answers with a
Message whose content is one ``tool_use`` block. Errors use the API's envelope
``{"type": "error", "error": {"type", "message"}, "request_id"}``.

What the "model" answers is scripted: queued replies are used first, oldest first, then the
handler, a function from the request body to a tool input (or to any reply)::

    stand_in = StandIn()
    stand_in.enqueue(rate_limited(retry_after=1), ToolCall({"industries": ["fintech"]}))
    with serve_in_thread(stand_in) as base_url:
        client = AsyncAnthropic(api_key=stand_in.api_key, base_url=base_url)
        ...
    assert len(stand_in.requests) == 2
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.serving import serve_app

STANDIN_API_KEY = "sk-ant-standin-0000"

_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ROLES = frozenset({"user", "assistant"})
_TOOL_CHOICES = frozenset({"auto", "any", "tool", "none"})
# The Messages API rejects unknown top-level fields, which catches typos in the client.
_BODY_FIELDS = frozenset(
    {
        "model",
        "max_tokens",
        "messages",
        "system",
        "tools",
        "tool_choice",
        "temperature",
        "top_p",
        "top_k",
        "stop_sequences",
        "metadata",
        "stream",
        "thinking",
        "service_tier",
    }
)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """Answer with a ``tool_use`` block; ``name`` defaults to the tool the request forces."""

    input: Any
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ApiError:
    """Answer with an API error in Anthropic's envelope."""

    status: int
    type: str
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RawMessage:
    """Answer with a Message of exactly this content and stop reason."""

    content: list[dict[str, Any]]
    stop_reason: str


Reply = ToolCall | ApiError | RawMessage
Handler = Callable[[dict[str, Any]], "Reply | dict[str, Any]"]


def rate_limited(retry_after: float = 1) -> ApiError:
    """A 429 ``rate_limit_error`` that asks the client to wait ``retry_after`` seconds."""
    return ApiError(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit.",
        {"retry-after": f"{retry_after:g}"},
    )


def overloaded() -> ApiError:
    """A 529 ``overloaded_error``: the API is busy for everyone."""
    return ApiError(529, "overloaded_error", "Overloaded")


def server_error() -> ApiError:
    """A 500 ``api_error``."""
    return ApiError(500, "api_error", "Internal server error")


def refusal() -> RawMessage:
    """A Message that stops with ``refusal`` and calls no tool."""
    return RawMessage([{"type": "text", "text": "I can't help with that."}], "refusal")


def text_only(text: str) -> RawMessage:
    """A Message that ends its turn with prose instead of calling the tool."""
    return RawMessage([{"type": "text", "text": text}], "end_turn")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the stand-in received, accepted or not."""

    headers: dict[str, str]
    body: Any


class StandIn:
    """The scripted model behind the stand-in server; thread-safe, so tests script it live."""

    def __init__(self, api_key: str = STANDIN_API_KEY) -> None:
        self.api_key = api_key
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._handler: Handler | None = None
        self._requests: list[RecordedRequest] = []
        self.app = Starlette(routes=[Route("/v1/messages", self._messages, methods=["POST"])])

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def enqueue(self, *replies: Reply | dict[str, Any]) -> None:
        """Queue replies for the next requests; a dict is a tool input."""
        with self._lock:
            self._queue.extend(_as_reply(reply) for reply in replies)

    def set_handler(self, handler: Handler | None) -> None:
        """Answer requests the queue does not cover with ``handler(request_body)``."""
        with self._lock:
            self._handler = handler

    def reset(self) -> None:
        """Forget queued replies, the handler and the recorded requests."""
        with self._lock:
            self._queue.clear()
            self._handler = None
            self._requests.clear()

    async def _messages(self, request: Request) -> JSONResponse:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self._lock:
            self._requests.append(RecordedRequest(dict(request.headers), body))
        rejection = self._authenticate(request) or _check_body(body)
        if rejection is not None:
            return _error_response(rejection)
        reply = self._next_reply(body)
        if isinstance(reply, ApiError):
            return _error_response(reply)
        if isinstance(reply, RawMessage):
            return JSONResponse(_message(body, reply.content, reply.stop_reason))
        name = reply.name or _forced_tool(body)
        if name is None:
            return _error_response(_invalid("a tool call was scripted, but no tool was declared"))
        block = {"type": "tool_use", "id": f"toolu_{secrets.token_hex(12)}", "name": name}
        return JSONResponse(_message(body, [{**block, "input": reply.input}], "tool_use"))

    def _authenticate(self, request: Request) -> ApiError | None:
        key = request.headers.get("x-api-key")
        bearer = request.headers.get("authorization", "")
        if key is None and bearer.lower().startswith("bearer "):
            key = bearer[len("bearer ") :]
        if key is None:
            return ApiError(401, "authentication_error", "x-api-key header is required")
        if not secrets.compare_digest(key.encode(), self.api_key.encode()):
            return ApiError(401, "authentication_error", "invalid x-api-key")
        version = request.headers.get("anthropic-version")
        if version is None:
            return _invalid("anthropic-version: header is required")
        if not _VERSION.match(version):
            return _invalid(f"anthropic-version: {version!r} is not a valid version")
        return None

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            handler = self._handler
        if handler is None:
            # A script error, not an outage: tell the SDK not to retry it.
            return ApiError(
                500, "api_error", "the stand-in has no scripted reply", {"x-should-retry": "false"}
            )
        return _as_reply(handler(body))


@contextmanager
def serve_in_thread(stand_in: StandIn, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``stand_in`` in a background thread on a free loopback port; yield its base URL."""
    with serve_app(stand_in.app, "anthropic-stand-in", host) as base_url:
        yield base_url


# ---------------------------------------------------------------------------------------------
# Request validation, after the API reference


def _check_body(body: Any) -> ApiError | None:
    if not isinstance(body, dict):
        return _invalid("the request body must be a JSON object")
    problem = (
        _check_fields(body)
        or _check_model(body)
        or _check_messages(body.get("messages"))
        or _check_system(body.get("system"))
        or _check_tools(body.get("tools"))
        or _check_tool_choice(body.get("tool_choice"), body.get("tools") or [])
    )
    return _invalid(problem) if problem else None


def _check_fields(body: dict[str, Any]) -> str | None:
    unknown = sorted(set(body) - _BODY_FIELDS)
    if unknown:
        return f"{unknown[0]}: Extra inputs are not permitted"
    if body.get("stream"):
        return "stream: the stand-in does not stream"
    return None


def _check_model(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Field required"
    tokens = body.get("max_tokens")
    if not isinstance(tokens, int) or isinstance(tokens, bool):
        return "max_tokens: Field required"
    if tokens < 1:
        return "max_tokens: Input should be greater than or equal to 1"
    return None


def _check_messages(messages: Any) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    for index, message in enumerate(messages):
        where = f"messages.{index}"
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            return f"{where}.role: Input should be 'user' or 'assistant'"
        problem = _check_content(message.get("content"), f"{where}.content")
        if problem:
            return problem
    return None


def _check_content(content: Any, where: str) -> str | None:
    if isinstance(content, str):
        return None if content else f"{where}: text content blocks must be non-empty"
    if not isinstance(content, list) or not content:
        return f"{where}: Input should be a valid string or a non-empty list of blocks"
    for index, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            return f"{where}.{index}.type: Field required"
        if block["type"] == "text" and not (isinstance(block.get("text"), str) and block["text"]):
            return f"{where}.{index}: text content blocks must be non-empty"
    return None


def _check_system(system: Any) -> str | None:
    if system is None or isinstance(system, str):
        return None
    if isinstance(system, list) and all(
        isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        for b in system
    ):
        return None
    return "system: Input should be a valid string or a list of text blocks"


def _check_tools(tools: Any) -> str | None:
    if tools is None:
        return None
    if not isinstance(tools, list):
        return "tools: Input should be a valid list"
    names: set[str] = set()
    for index, tool in enumerate(tools):
        where = f"tools.{index}"
        if not isinstance(tool, dict) or tool.get("type", "custom") not in ("custom", None):
            return f"{where}: the stand-in supports custom tools only"
        name = tool.get("name")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            return f"{where}.name: String should match pattern '{_TOOL_NAME.pattern}'"
        if name in names:
            return f"tools: Tool names must be unique ({name!r})"
        names.add(name)
        schema = tool.get("input_schema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            return f"{where}.input_schema.type: Input should be 'object'"
    return None


def _check_tool_choice(choice: Any, tools: list[dict[str, Any]]) -> str | None:
    if choice is None:
        return None
    if not isinstance(choice, dict) or choice.get("type") not in _TOOL_CHOICES:
        return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"
    if choice["type"] in ("any", "tool") and not tools:
        return "tool_choice: may only be specified while providing tools"
    if choice["type"] == "tool" and choice.get("name") not in {t["name"] for t in tools}:
        return f"tool_choice.name: Tool {choice.get('name')!r} not found in tools"
    return None


# ---------------------------------------------------------------------------------------------
# Responses


def _as_reply(reply: Reply | dict[str, Any]) -> Reply:
    return ToolCall(reply) if isinstance(reply, dict) else reply


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message)


def _request_id() -> str:
    return f"req_{secrets.token_hex(12)}"


def _error_response(error: ApiError) -> JSONResponse:
    request_id = _request_id()
    body = {
        "type": "error",
        "error": {"type": error.type, "message": error.message},
        "request_id": request_id,
    }
    headers = {"request-id": request_id, **error.headers}
    return JSONResponse(body, status_code=error.status, headers=headers)


def _forced_tool(body: dict[str, Any]) -> str | None:
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool":
        return str(choice["name"])
    tools = body.get("tools") or []
    return str(tools[0]["name"]) if tools else None


def _message(body: dict[str, Any], content: list[dict[str, Any]], stop: str) -> dict[str, Any]:
    return {
        "id": f"msg_{secrets.token_hex(12)}",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {
            # About four characters a token: enough for code that logs or meters usage.
            "input_tokens": max(1, len(json.dumps(body)) // 4),
            "output_tokens": max(1, len(json.dumps(content)) // 4),
        },
    }
