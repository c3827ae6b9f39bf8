"""One error tree, mapped from the API's error envelope by status and code."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InsufficientCreditsError",
    "InternalServerError",
    "LeadexError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "PlanRejectedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "UnprocessableEntityError",
]


class LeadexError(Exception):
    """Base of every error this library raises."""


class APIError(LeadexError):
    """A failure talking to the API; ``code``, ``param``, ``request_id`` and ``status_code``
    are ``None`` where the server never answered."""

    message: str
    code: str | None
    param: str | None
    request_id: str | None
    status_code: int | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param
        self.request_id = request_id
        self.status_code = status_code

    def __str__(self) -> str:
        parts = [self.message]
        if self.status_code is not None:
            parts.insert(0, f"{self.status_code} {self.code or 'error'}:")
        if self.request_id:
            parts.append(f"(request_id: {self.request_id})")
        return " ".join(parts)


class APIConnectionError(APIError):
    """The request never got an answer: refused, reset, DNS, TLS."""

    def __init__(self, message: str = "Could not connect to the Leadex API.") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, message: str = "The request to the Leadex API timed out.") -> None:
        super().__init__(message)


class APIResponseValidationError(APIError):
    """The server answered with a body this library cannot read as the documented object."""


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx; ``response`` is the raw answer."""

    status_code: int
    response: httpx.Response
    body: Any

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        code: str | None,
        param: str | None,
        request_id: str | None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            param=param,
            request_id=request_id,
            status_code=response.status_code,
        )
        self.response = response
        self.body = body

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait, from ``Retry-After``."""
        return parse_retry_after(self.response.headers.get("retry-after"))


class BadRequestError(APIStatusError):
    """400: malformed JSON or a missing or mistyped parameter."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid or revoked API key."""


class InsufficientCreditsError(APIStatusError):
    """402: not enough credits, or the monthly budget ceiling is reached."""


class PermissionDeniedError(APIStatusError):
    """403: the key lacks the scope."""


class NotFoundError(APIStatusError):
    """404: no such object in the key's organization."""


class ConflictError(APIStatusError):
    """409: an illegal state transition, or an idempotency key reused or in use."""


class PayloadTooLargeError(BadRequestError):
    """413: the request body is larger than the server accepts."""


class UnprocessableEntityError(APIStatusError):
    """422: well-formed but semantically invalid."""


class PlanRejectedError(UnprocessableEntityError):
    """422 ``plan_rejected``: the planner declined the prompt; the message says why."""


class RateLimitError(APIStatusError):
    """429: too many requests, jobs or streams; ``retry_after`` says how long to wait."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; always carries a ``request_id``."""


class ServiceUnavailableError(InternalServerError):
    """503: the research engine or its database is briefly unavailable."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}

# Codes that name their class whatever the status (a server may move a code between statuses).
_BY_CODE: dict[str, type[APIStatusError]] = {
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDeniedError,
    "not_found": NotFoundError,
    "insufficient_credits": InsufficientCreditsError,
    "rate_limit_error": RateLimitError,
    "plan_rejected": PlanRejectedError,
}


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date), or ``None``."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The error a failed response stands for, read from the envelope when there is one."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    error = body.get("error") if isinstance(body, dict) else None
    fields: dict[str, Any] = error if isinstance(error, dict) else {}
    code = _text(fields.get("code")) or _text(fields.get("type"))
    kind = _text(fields.get("type"))
    message = _text(fields.get("message")) or _fallback_message(response, body)
    request_id = _text(fields.get("request_id")) or response.headers.get("x-request-id")
    status = response.status_code
    cls = _BY_CODE.get(code or "") or _BY_CODE.get(kind or "")
    if cls is None:
        cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(
        message,
        response=response,
        body=body,
        code=code,
        param=_text(fields.get("param")),
        request_id=request_id,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _fallback_message(response: httpx.Response, body: Any) -> str:
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return f"The API answered {response.status_code} {response.reason_phrase}."
