"""The one exception hierarchy; the API renders it to the spec's error envelope in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """The spec's error codes."""

    INVALID_REQUEST = "invalid_request_error"
    AUTHENTICATION = "authentication_error"
    PERMISSION = "permission_error"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    RATE_LIMIT = "rate_limit_error"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    PLAN_REJECTED = "plan_rejected"
    JOB_HALTED = "job_halted"
    INTEGRATION = "integration_error"
    INTERNAL = "internal_error"


class LeadexError(Exception):
    """Base of every error a client may see; carries status, code, message and param."""

    status_code: ClassVar[int] = 500
    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.headers = headers or {}
        # Writes that must outlive the refused request (an event saying why it was refused).
        # The API runs each, with a fresh database session, after rolling the request back.
        self.after_rollback: list[Callable[[Any], Awaitable[None]]] = []


class InvalidRequestError(LeadexError):
    """400: malformed JSON, a missing parameter or a parameter of the wrong type."""

    status_code = 400
    code = ErrorCode.INVALID_REQUEST


class UnprocessableError(LeadexError):
    """422: well-formed but semantically invalid (too long, too many, empty)."""

    status_code = 422
    code = ErrorCode.INVALID_REQUEST


class PayloadTooLargeError(LeadexError):
    """413: the request body is over the limit; the rest of it is not read."""

    status_code = 413
    code = ErrorCode.INVALID_REQUEST


class AuthenticationError(LeadexError):
    """401: missing, malformed, expired or revoked key."""

    status_code = 401
    code = ErrorCode.AUTHENTICATION


class InsufficientCreditsError(LeadexError):
    """402: not enough credits, or the monthly budget ceiling is reached."""

    status_code = 402
    code = ErrorCode.INSUFFICIENT_CREDITS


class PermissionDeniedError(LeadexError):
    """403: the key is valid but lacks the scope."""

    status_code = 403
    code = ErrorCode.PERMISSION


class NotFoundError(LeadexError):
    """404: the object does not exist in the key's organization and mode."""

    status_code = 404
    code = ErrorCode.NOT_FOUND


class GoneError(LeadexError):
    """410: the object exists but what was asked of it is gone for good (purged files)."""

    status_code = 410
    code = ErrorCode.NOT_FOUND


class ConflictError(LeadexError):
    """409: an illegal state transition or a clashing idempotency key."""

    status_code = 409
    code = ErrorCode.CONFLICT


class PlanRejectedError(LeadexError):
    """422: the planner declined the prompt; the message says what is missing."""

    status_code = 422
    code = ErrorCode.PLAN_REJECTED


class RateLimitError(LeadexError):
    """429: too many requests, jobs, plans or streams."""

    status_code = 429
    code = ErrorCode.RATE_LIMIT


class IntegrationError(LeadexError):
    """502: an external CRM rejected a push."""

    status_code = 502
    code = ErrorCode.INTEGRATION


class JobHaltedError(LeadexError):
    """A step failed loudly; the job cannot continue."""

    status_code = 500
    code = ErrorCode.JOB_HALTED


class InternalError(LeadexError):
    """500: unexpected; the message never carries internals."""

    status_code = 500
    code = ErrorCode.INTERNAL


class ServiceUnavailableError(LeadexError):
    """503: the orchestrator or research engine is temporarily unavailable."""

    status_code = 503
    code = ErrorCode.INTERNAL
