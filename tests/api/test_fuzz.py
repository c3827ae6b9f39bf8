"""schemathesis against the served OpenAPI document: whatever a client sends, the API never
fails with a server error, answers every error in the envelope with its request id, and only
answers with the statuses and headers the document declares."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_headers_conformance,
    status_code_conformance,
)

from tests.support.stack import Stack

EXAMPLES = int(os.environ.get("LEADEX_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, response_headers_conformance]


def _assert_envelope(response: Any, label: str) -> None:
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"error"}, (label, body)
    error = body["error"]
    assert set(error) == {"code", "message", "param", "request_id"}, (label, error)
    assert error["message"], (label, error)
    assert error["request_id"], (label, error)
    assert [error["request_id"]] == response.headers["x-request-id"], label


def test_fuzzed_requests_get_documented_answers_and_never_a_server_error(stack: Stack) -> None:
    org = asyncio.run(stack.new_org())
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/v1/openapi.json")
    headers = {"Authorization": f"Bearer {org.test}"}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 30

    for operation in operations:
        _fuzz(operation, stack.base_url, headers)


def _fuzz(operation: schemathesis.APIOperation, base_url: str, headers: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def exercise(case: schemathesis.Case) -> None:
        # Synchronous searches are bounded so one example cannot run for minutes.
        if isinstance(case.body, dict) and case.body.get("wait") == "sync":
            case.body["max_rows"] = 5
        response = case.call_and_validate(
            base_url=base_url, headers=headers, checks=CHECKS, timeout=60
        )
        _assert_envelope(response, operation.label)

    exercise()
