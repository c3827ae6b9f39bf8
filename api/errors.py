"""Renders every failure (ours, FastAPI's, Starlette's, unexpected) as the spec's envelope."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from temporalio.service import RPCError

from core.errors import ErrorCode, LeadexError

logger = logging.getLogger("leadex.api")

# Pydantic error types that mean "the request is malformed" (400) rather than
# "well-formed but semantically invalid" (422).
_MALFORMED_TYPES = {"missing", "json_invalid", "model_type", "model_attributes_type", "dict_type"}
_MALFORMED_SUFFIXES = ("_type", "_parsing")


def request_id_of(request: Request) -> str:
    """The id the request-id middleware assigned to this request."""
    return str(request.scope.get("state", {}).get("request_id", ""))


def envelope(
    *, code: str, message: str, param: str | None, request_id: str
) -> dict[str, dict[str, Any]]:
    """The spec's error body."""
    return {"error": {"code": code, "message": message, "param": param, "request_id": request_id}}


def error_response(
    status: int,
    *,
    code: str,
    message: str,
    param: str | None,
    request_id: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response in the envelope."""
    body = envelope(code=code, message=message, param=param, request_id=request_id)
    return JSONResponse(body, status_code=status, headers=headers)


def _param_of(location: Sequence[Any]) -> str | None:
    parts = [str(part) for part in location[1:] if not isinstance(part, int)]
    if location and location[0] == "body" and not parts:
        return None
    return ".".join(parts) or None


def _describe(error: dict[str, Any], param: str | None) -> str:
    kind = error.get("type", "")
    if kind == "json_invalid":
        detail = error.get("ctx", {}).get("error", "invalid JSON")
        return f"The request body is not valid JSON: {detail}."
    if kind == "missing" and param is None:
        return "The request body is missing: send a JSON object (Content-Type: application/json)."
    if kind == "missing":
        return f"Missing required parameter '{param}'."
    if kind in {"model_attributes_type", "dict_type", "model_type"} and param is None:
        return "The request body must be a JSON object."
    message = str(error.get("msg", "is invalid")).rstrip(".")
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return f"Invalid value for '{param}': {message}." if param else f"{message}."


def _validation_status(error: dict[str, Any]) -> int:
    kind = str(error.get("type", ""))
    if kind in _MALFORMED_TYPES or kind.endswith(_MALFORMED_SUFFIXES):
        return 400
    if kind in {"literal_error", "enum"} and not isinstance(error.get("input"), str):
        return 400  # a choice of strings given a number, list or object: the wrong type
    return 422


async def _on_leadex_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LeadexError)
    return error_response(
        exc.status_code,
        code=exc.code.value,
        message=exc.message,
        param=exc.param,
        request_id=request_id_of(request),
        headers=exc.headers,
    )


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    # Report the most fundamental problem first: malformed beats semantically invalid.
    errors.sort(key=_validation_status)
    first = errors[0] if errors else {"type": "invalid", "loc": (), "msg": "Invalid request"}
    param = _param_of(first.get("loc", ()))
    return error_response(
        _validation_status(first),
        code=ErrorCode.INVALID_REQUEST.value,
        message=_describe(first, param),
        param=param,
        request_id=request_id_of(request),
    )


def _allowed_methods(request: Request) -> str | None:
    """Every method some route serves at the request's path (a path's GET and POST are
    separate routes, and the router names only the first that matched)."""
    allowed = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(1, "HEAD")  # HeadMiddleware answers HEAD wherever GET is served
    return ", ".join(allowed) or None


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        code, message = (
            ErrorCode.NOT_FOUND,
            f"No route matches {request.method} {request.url.path}.",
        )
    elif exc.status_code == 405:
        code = ErrorCode.INVALID_REQUEST
        allowed = _allowed_methods(request) or (exc.headers or {}).get("Allow")
        exc.headers = {**(exc.headers or {}), **({"Allow": allowed} if allowed else {})}
        message = f"Method {request.method} is not allowed on {request.url.path}." + (
            f" Allowed: {allowed}." if allowed else ""
        )
    else:
        code = ErrorCode.INVALID_REQUEST if exc.status_code < 500 else ErrorCode.INTERNAL
        message = str(exc.detail)
    return error_response(
        exc.status_code,
        code=code.value,
        message=message,
        param=None,
        request_id=request_id_of(request),
        headers=dict(exc.headers or {}),
    )


UNAVAILABLE_RETRY_AFTER = "5"


def _unavailable(request: Request, what: str) -> JSONResponse:
    return error_response(
        503,
        code=ErrorCode.INTERNAL.value,
        message=(
            f"{what} is temporarily unavailable, so this request was not carried out; "
            f"retry in a few seconds."
        ),
        param=None,
        request_id=request_id_of(request),
        headers={"Retry-After": UNAVAILABLE_RETRY_AFTER},
    )


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    # Data errors (a constraint, a bad value) are bugs, not outages: those stay 500s.
    if isinstance(exc, DBAPIError) and not (
        exc.connection_invalidated or type(exc.orig).__name__ in _OUTAGE_ERRORS
    ):
        logger.exception("database error", extra={"request_id": request_id_of(request)})
        return JSONResponse(internal_error_body(request_id_of(request)), status_code=500)
    logger.warning("database unavailable: %s", exc)
    return _unavailable(request, "The database")


# Driver errors that mean "cannot reach or use the database right now".
_OUTAGE_ERRORS = {"OperationalError", "InterfaceError", "ConnectionTimeout", "AdminShutdown"}


async def _on_temporal_error(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("temporal call failed: %s", exc)
    return _unavailable(request, "The orchestrator (Temporal)")


def internal_error_body(request_id: str) -> dict[str, dict[str, Any]]:
    """The body of a 500: never a traceback, always the request id."""
    return envelope(
        code=ErrorCode.INTERNAL.value,
        message=(
            "An unexpected error occurred. Retry with exponential backoff; if it persists, "
            f"contact support with request id {request_id}."
        ),
        param=None,
        request_id=request_id,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; unexpected exceptions are caught by the request-id middleware."""
    app.add_exception_handler(LeadexError, _on_leadex_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(DisconnectionError, _on_database_error)
    app.add_exception_handler(PoolTimeoutError, _on_database_error)
    app.add_exception_handler(RPCError, _on_temporal_error)
