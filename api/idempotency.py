"""Idempotency-Key on write endpoints: retries are safe, concurrent duplicates are refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response

from api.auth import Principal
from api.deps import get_database
from core.errors import ConflictError, InvalidRequestError
from store.repositories import idempotency
from store.repositories.idempotency import Claimed

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"
REDACTED_HEADER = "Idempotent-Redacted"
# Response fields that carry a secret shown once. They are never stored: a replay returns the
# object with these set to null and names them in the Idempotent-Redacted header.
SECRET_FIELDS = ("secret", "signing_secret")


def redact_secrets(body: bytes) -> tuple[bytes, list[str]]:
    """The body with every secret field nulled, and the names of the fields nulled."""
    try:
        document: Any = json.loads(body)
    except ValueError:
        return body, []
    redacted: list[str] = []

    def scrub(value: Any) -> None:
        if isinstance(value, dict):
            for name in list(value):
                if name in SECRET_FIELDS and isinstance(value[name], str):
                    value[name] = None
                    if name not in redacted:
                        redacted.append(name)
                else:
                    scrub(value[name])
        elif isinstance(value, list):
            for item in value:
                scrub(item)

    scrub(document)
    if not redacted:
        return body, []
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(), redacted


def key_of(request: Request) -> str | None:
    """The request's Idempotency-Key, when it is a write that carries one."""
    if request.method not in WRITE_METHODS:
        return None  # "Using a key on read endpoints has no effect."
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise InvalidRequestError(
            f"Idempotency-Key must be 1–{MAX_KEY_LENGTH} characters.", param="Idempotency-Key"
        )
    return key


async def run_once(
    request: Request,
    principal: Principal,
    key: str,
    handler: Callable[[Request], Awaitable[Response]],
) -> Response:
    """Act once per key: replay a finished request, refuse a clashing or concurrent one."""
    database = get_database(request)
    body = await request.body()
    digest = hashlib.sha256(request.url.query.encode() + b"|" + body).hexdigest()
    claim = await idempotency.claim(
        database,
        principal.tenant,
        key,
        api_key_id=principal.key_id,
        method=request.method,
        path=request.url.path,
        request_hash=digest,
    )
    record = claim.record
    if claim.outcome is Claimed.MISMATCH:
        raise ConflictError(
            f"Idempotency-Key '{key[:60]}' was already used with a different request "
            f"({record.method} {record.path}); use a new key for a new request.",
            param="Idempotency-Key",
        )
    if claim.outcome is Claimed.OTHER_KEY:
        raise ConflictError(
            f"Idempotency-Key '{key[:60]}' was already used by another API key of your "
            "organization; each key's requests are replayed to that key alone. Use a new "
            "Idempotency-Key.",
            param="Idempotency-Key",
        )
    if claim.outcome is Claimed.IN_USE:
        raise ConflictError(
            f"Idempotency-Key '{key[:60]}' is in use by a request still in progress; retry "
            "once it has finished.",
            param="Idempotency-Key",
            headers={"Retry-After": "1"},
        )
    if claim.outcome is Claimed.REPLAY:
        return Response(
            content=record.response_body or b"",
            status_code=record.response_status or 200,
            headers={**record.response_headers, REPLAYED_HEADER: "true"},
        )
    assert record.id is not None
    try:
        response = await handler(request)
    except BaseException:
        await idempotency.release(database, record.id)
        raise
    body_bytes = getattr(response, "body", None)
    if 200 <= response.status_code < 300 and isinstance(body_bytes, bytes):
        headers = {"content-type": response.headers.get("content-type", "application/json")}
        stored, redacted = redact_secrets(body_bytes)
        if redacted:
            headers[REDACTED_HEADER] = ", ".join(redacted)
        await idempotency.complete(
            database, record.id, status=response.status_code, headers=headers, body=stored
        )
    else:
        # Failures are not kept: a corrected retry with the same key acts.
        await idempotency.release(database, record.id)
    return response
