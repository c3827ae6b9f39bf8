"""Webhook payloads and signatures, as the spec's receivers verify them."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

MAX_BODY_BYTES = 256 * 1024
# The spec's schedule: the waits between attempts (so 8 attempts in all).
RETRY_SCHEDULE_SECONDS: tuple[float, ...] = (5, 30, 120, 600, 3600, 6 * 3600, 24 * 3600)
ATTEMPT_TIMEOUT_SECONDS = 10.0
RESPONSE_EXCERPT_CHARS = 1000

# Where a receiver fetches an object that was too large to send whole.
_OBJECT_PATHS = {
    "job": "/v1/jobs/{id}",
    "thread": "/v1/threads/{id}",
    "plan": "/v1/plans/{id}",
    "artifact": "/v1/artifacts/{id}",
    "schedule": "/v1/schedules/{id}",
}


def matches(subscribed: Iterable[str], event_type: str) -> bool:
    """Whether an endpoint's ``events`` list takes this event type (``*`` or ``job.*`` too)."""
    for pattern in subscribed:
        if pattern in ("*", event_type):
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


def encode(document: dict[str, Any]) -> bytes:
    """The exact bytes sent, and signed."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def payload(
    *,
    event_id: str,
    event_type: str,
    created_at: str,
    livemode: bool,
    obj: dict[str, Any],
    base_url: str,
) -> bytes:
    """The delivery body ``{id, type, created_at, livemode, data: {object}}``, at most 256 KB:
    a larger object is replaced by a reference the receiver can fetch with its key."""
    document = {
        "id": event_id,
        "type": event_type,
        "created_at": created_at,
        "livemode": livemode,
        "data": {"object": obj},
    }
    body = encode(document)
    if len(body) <= MAX_BODY_BYTES:
        return body
    document["data"] = {"object": reference(obj, base_url), "truncated": True}
    return encode(document)


def reference(obj: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A stand-in for an object too large to deliver: its id, kind and where to read it."""
    kind = str(obj.get("object") or "")
    object_id = obj.get("id")
    url: str | None = None
    if object_id and kind in _OBJECT_PATHS:
        url = base_url.rstrip("/") + _OBJECT_PATHS[kind].format(id=object_id)
    elif obj.get("job_id"):
        url = base_url.rstrip("/") + f"/v1/jobs/{obj['job_id']}/leads"
    return {
        "object": kind or None,
        "id": object_id,
        "job_id": obj.get("job_id"),
        "truncated": True,
        "url": url,
    }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over ``"{t}.{raw_body}"``, hex."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    """``t=<ts>,v1=<hmac>[,v1=<hmac>]``: one ``v1`` per live secret.

    During a rotation the new secret's value comes first and the old one's last: the spec's
    Node ``verify`` keeps the last ``v1`` it parses, so receivers still on the old secret
    keep verifying with it until they switch; receivers that accept any ``v1`` verify with
    either."""
    values = ",".join(f"v1={sign(secret, timestamp, body)}" for secret in secrets)
    return f"t={timestamp},{values}"


def verify(header: str, secret: str, body: bytes) -> bool:
    """Whether any ``v1`` of the header is this secret's signature of the body."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in parts if key == "t"]
    if not stamps or not stamps[0].isdigit():
        return False
    expected = sign(secret, int(stamps[0]), body)
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")


# The spec's event catalog.
EVENT_TYPES: tuple[str, ...] = (
    "thread.created",
    "thread.deleted",
    "message.created",
    "plan.created",
    "plan.rejected",
    "job.approved",
    "job.started",
    "job.step.started",
    "job.step.completed",
    "job.step.failed",
    "job.progress",
    "job.succeeded",
    "job.failed",
    "job.stopped",
    "leads.delivered",
    "artifact.created",
    "integration.push.completed",
    "integration.push.failed",
    "usage.budget.warning",
    "usage.budget.exceeded",
    "api_key.rotated",
)


def known_pattern(pattern: str) -> bool:
    """Whether a subscription names a catalog event, ``*`` or a prefix such as ``job.*``."""
    if pattern == "*" or pattern in EVENT_TYPES:
        return True
    if pattern.endswith(".*"):
        return any(event.startswith(pattern[:-1]) for event in EVENT_TYPES)
    return False
