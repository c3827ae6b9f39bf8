"""Assertions shared by the API tests."""

from __future__ import annotations

import re

import httpx

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ULID_BODY = r"[0-9A-HJKMNP-TV-Z]{26}"


def assert_error(
    response: httpx.Response, status: int, code: str, *, param: str | type | None = type
) -> dict[str, object]:
    """The response is the spec's error envelope with this status and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "param", "request_id"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert error["request_id"] == response.headers["x-request-id"]
    if param is not type:
        assert error["param"] == param, error
    return error


def assert_id(value: object, prefix: str) -> None:
    """An opaque, prefixed, ULID-based id."""
    assert isinstance(value, str)
    assert re.fullmatch(rf"{prefix}_{ULID_BODY}", value), value


def assert_timestamp(value: object) -> None:
    """ISO 8601, UTC, millisecond precision, ending in Z."""
    assert isinstance(value, str) and TIMESTAMP.match(value), value
