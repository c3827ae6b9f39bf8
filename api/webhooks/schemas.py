"""Webhook endpoint request bodies, the endpoint object and the delivery log."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from connectors.webhooks import EVENT_TYPES, known_pattern
from core.clock import as_utc
from store.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from store.objects import Timestamp

URL_MAX = 2048
DEFAULT_GRACE_SECONDS = 24 * 3600


def _bounded_url(value: AnyHttpUrl | None) -> AnyHttpUrl | None:
    if value is not None and len(str(value)) > URL_MAX:
        raise ValueError(f"URLs are limited to {URL_MAX} characters")
    return value


def _known_events(value: list[str] | None) -> list[str] | None:
    if value is None:
        return value
    if not value:
        raise ValueError('subscribe to at least one event type, or ["*"] for all')
    for pattern in value:
        if not known_pattern(pattern):
            raise ValueError(
                f"unknown event type '{pattern[:80]}'; use '*', a prefix such as 'job.*', "
                f"or one of: {', '.join(EVENT_TYPES)}"
            )
    return list(dict.fromkeys(value))


class WebhookCreate(BaseModel):
    """POST /v1/webhooks."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(description="Where events are POSTed; HTTPS in live mode.")
    events: list[str] = Field(
        default_factory=lambda: ["*"], max_length=len(EVENT_TYPES) + 1, description="Event types."
    )
    description: str | None = Field(default=None, max_length=500)
    enabled: StrictBool = True

    _url = field_validator("url")(_bounded_url)
    _events = field_validator("events")(_known_events)


class WebhookUpdate(BaseModel):
    """POST|PATCH /v1/webhooks/{id}: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl | None = None
    events: list[str] | None = Field(default=None, max_length=len(EVENT_TYPES) + 1)
    description: str | None = Field(default=None, max_length=500)
    enabled: StrictBool | None = None

    _url = field_validator("url")(_bounded_url)
    _events = field_validator("events")(_known_events)


class RotateRequest(BaseModel):
    """POST /v1/webhooks/{id}/rotate."""

    model_config = ConfigDict(extra="forbid")

    grace_period_seconds: StrictInt = Field(
        default=DEFAULT_GRACE_SECONDS,
        ge=0,
        le=7 * 86400,
        description="How long the old secret keeps signing beside the new one (default 24 h).",
    )


class WebhookObject(BaseModel):
    """A webhook endpoint. ``signing_secret`` is set only in the create and rotate responses."""

    id: str
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    livemode: bool
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    signing_secret: str | None = None
    previous_secret_expires_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def from_row(cls, row: WebhookEndpoint, signing_secret: str | None = None) -> WebhookObject:
        """Render an endpoint row."""
        expires = row.previous_secret_expires_at
        return cls(
            id=row.id,
            livemode=row.livemode,
            url=row.url,
            events=list(row.events),
            description=row.description,
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            signing_secret=signing_secret,
            previous_secret_expires_at=as_utc(expires) if expires else None,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
        )


class AttemptObject(BaseModel):
    """One attempt of a delivery."""

    number: int
    status_code: int | None
    latency_ms: int
    response_excerpt: str | None
    error: str | None
    created_at: Timestamp

    @classmethod
    def from_row(cls, row: WebhookAttempt) -> AttemptObject:
        """Render an attempt row."""
        return cls(
            number=row.number,
            status_code=row.status_code,
            latency_ms=row.latency_ms,
            response_excerpt=row.response_excerpt,
            error=row.error,
            created_at=as_utc(row.created_at),
        )


class DeliveryObject(BaseModel):
    """A delivery of one event to one endpoint, with every attempt."""

    id: str
    object: Literal["webhook_delivery"] = "webhook_delivery"
    livemode: bool
    webhook_id: str | None
    event_id: str
    event_type: str
    url: str
    status: str = Field(description="pending, succeeded, failed or cancelled.")
    attempt_count: int
    next_attempt_at: Timestamp | None
    note: str | None
    attempts: list[AttemptObject]
    created_at: Timestamp
    completed_at: Timestamp | None

    @classmethod
    def from_row(
        cls, row: WebhookDelivery, attempts: list[WebhookAttempt] | None = None
    ) -> DeliveryObject:
        """Render a delivery row and its attempts."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            webhook_id=row.endpoint_id,
            event_id=row.event_id,
            event_type=row.event_type,
            url=row.url,
            status=row.status,
            attempt_count=row.attempts,
            next_attempt_at=as_utc(row.next_attempt_at) if row.next_attempt_at else None,
            note=row.note,
            attempts=[AttemptObject.from_row(attempt) for attempt in attempts or []],
            created_at=as_utc(row.created_at),
            completed_at=as_utc(row.completed_at) if row.completed_at else None,
        )
