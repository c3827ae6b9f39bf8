"""Inputs and outputs of webhook delivery: ids and counts only, never the payload."""

from __future__ import annotations

from pydantic import BaseModel


class DeliveryInput(BaseModel):
    """Deliver one event to one target, retrying on the given waits."""

    delivery_id: str
    retry_schedule_seconds: list[float]
    task_queue: str


class DeliveryResult(BaseModel):
    """How the delivery ended: succeeded, failed or cancelled."""

    status: str
    attempts: int


class AttemptRequest(BaseModel):
    """Attempt number ``number``; ``retry_in_seconds`` is the wait before the next one
    (None on the last)."""

    delivery_id: str
    number: int
    retry_in_seconds: float | None


class AttemptResult(BaseModel):
    """``done`` when no further attempt is due (succeeded, or cancelled)."""

    done: bool
    status: str
    status_code: int | None = None
