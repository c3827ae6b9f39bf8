"""Shared OpenAPI fragments: the error envelope on every operation."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel, Field

_DESCRIPTIONS = {
    400: "Malformed JSON or missing/invalid parameters.",
    401: "Missing, invalid, expired or revoked API key.",
    402: "Out of credits or over the budget ceiling.",
    403: "The key lacks the required scope.",
    404: "Not found in your organization.",
    409: "Illegal state transition or idempotency conflict.",
    422: "Semantically invalid request, or the planner declined the prompt.",
    429: "Rate limit exceeded.",
    500: "Unexpected server error. Retry with exponential backoff.",
    502: "A CRM or other external system rejected the request (integration_error).",
    503: "Orchestrator or research engine temporarily unavailable.",
}


class ErrorBody(BaseModel):
    """The error details."""

    code: str = Field(examples=["invalid_request_error"])
    message: str
    param: str | None
    request_id: str


class ErrorEnvelope(BaseModel):
    """Every error response."""

    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error statuses, plus 401 and 500 always."""
    wanted = sorted({401, 500, *statuses})
    return {
        status: {"model": ErrorEnvelope, "description": _DESCRIPTIONS[status]} for status in wanted
    }


class LogEventData(BaseModel):
    """``event: log``"""

    message: str


class StepEventData(BaseModel):
    """``event: step``"""

    step_id: str
    status: str = Field(description="started, completed or failed.")
    title: str | None = None
    error: str | None = None


class ResultEventData(BaseModel):
    """``event: result``: a batch of full lead objects."""

    leads: list[dict[str, Any]]


class ArtifactEventData(BaseModel):
    """``event: artifact``"""

    artifact_id: str
    rows: int
    bytes: int


class TerminalEventData(BaseModel):
    """``event: done | stopped | error``: the final job and its summary."""

    job_id: str
    artifact_id: str | None = None
    summary: str | None = None
    reason: str | None = Field(default=None, description="stopped only.")
    code: str | None = Field(default=None, description="error only.")
    message: str | None = Field(default=None, description="error only.")
    job: dict[str, Any] | None = None


STREAM_EVENTS: dict[str, type[BaseModel]] = {
    "log": LogEventData,
    "step": StepEventData,
    "result": ResultEventData,
    "artifact": ArtifactEventData,
    "done": TerminalEventData,
    "stopped": TerminalEventData,
    "error": TerminalEventData,
}

_HEADERS = {
    "X-Request-Id": "This request's id; echoes yours when you send one.",
    "X-RateLimit-Limit": "Requests allowed per minute for the organization.",
    "X-RateLimit-Remaining": "Requests left in the current minute.",
    "X-RateLimit-Reset": "Unix time when the minute resets.",
}


def _header(description: str, kind: str = "string") -> dict[str, Any]:
    return {"description": description, "schema": {"type": kind}}


# Operations whose id the path alone does not give well (singletons and one-shot calls).
_OPERATION_IDS = {
    ("get", "/v1/me"): "account_me",
    ("get", "/v1/organization"): "account_organization",
    ("get", "/v1/usage"): "usage_retrieve",
    ("get", "/v1/usage/budget"): "usage_get_budget",
    ("put", "/v1/usage/budget"): "usage_set_budget",
    ("post", "/v1/search"): "search_run",
    ("get", "/v1/privacy/people"): "privacy_people_report",
    ("post", "/v1/integrations/{provider}/callback"): "integrations_callback_form",
}
_COLLECTION_ACTIONS = {"get": "list", "post": "create"}
_OBJECT_ACTIONS = {"get": "retrieve", "post": "update", "patch": "patch", "delete": "delete"}
_SUB_COLLECTIONS = {"messages"}


def operation_id(method: str, path: str) -> str:
    """A clean, stable operationId from the route (``threads_create``, ``jobs_approve``,
    ``api_keys_rotate``), which is what client generators name their methods after."""
    known = _OPERATION_IDS.get((method, path))
    if known:
        return known
    segments = [segment for segment in path.removeprefix("/v1/").split("/") if segment]
    nouns = [segment.replace("-", "_") for segment in segments if not segment.startswith("{")]
    last = segments[-1]
    if last.startswith("{"):  # /threads/{thread_id}
        return f"{nouns[-1]}_{_OBJECT_ACTIONS[method]}"
    if len(segments) >= 3 and segments[-2].startswith("{"):
        if last in _SUB_COLLECTIONS:  # /threads/{thread_id}/messages
            return f"{nouns[-1]}_{_COLLECTION_ACTIONS[method]}"
        return f"{nouns[-2]}_{nouns[-1]}"  # /jobs/{job_id}/approve
    return f"{nouns[-1]}_{_COLLECTION_ACTIONS[method]}"  # /threads


def complete_document(document: dict[str, Any]) -> dict[str, Any]:
    """Add what FastAPI cannot infer: headers on every response, SSE event shapes."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in {model.__name__: model for model in STREAM_EVENTS.values()}.values():
        schemas[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    if "ErrorEnvelope" not in schemas:
        for model in (ErrorBody, ErrorEnvelope):
            schemas[model.__name__] = model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            operation["operationId"] = operation_id(method, path)
            responses = operation.setdefault("responses", {})
            # Validation failures are rendered in the envelope too (400 malformed, 422 invalid).
            for status in ("400", "422"):
                if status in responses or operation.get("parameters") or "requestBody" in operation:
                    responses[status] = {
                        "description": _DESCRIPTIONS[int(status)],
                        "content": {"application/json": {"schema": envelope}},
                    }
            for status, response in responses.items():
                headers = response.setdefault("headers", {})
                headers.update({name: _header(text) for name, text in _HEADERS.items()})
                if str(status) == "429":
                    headers["Retry-After"] = _header("Seconds to wait.", "integer")
            if path.endswith("/stream"):
                content = operation["responses"]["200"]["content"]["text/event-stream"]
                content["schema"] = {
                    "type": "string",
                    "description": "Server-sent events; each event's data is JSON.",
                }
                content["x-events"] = {
                    name: {"$ref": f"#/components/schemas/{model.__name__}"}
                    for name, model in STREAM_EVENTS.items()
                }
    return prune_unused(document)


def document_yaml(document: dict[str, Any]) -> str:
    """The document as YAML, keys in their natural order."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def prune_unused(document: dict[str, Any]) -> dict[str, Any]:
    """Drop FastAPI's validation-error schemas, which no response uses any more."""
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document
