"""Shared OpenAPI fragments: the error envelope on every operation."""

from __future__ import annotations

from typing import Any

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
