"""Inputs and outputs of the retention sweep and of thread deletions (ids and counts only)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class DeletionRequest(BaseModel):
    """Remove what a deleted thread left outside its rows."""

    deletion_id: str
    task_queue: str = Field(description="Where the purge activity runs.")


class DeletionResult(BaseModel):
    """What a deletion removed."""

    deletion_id: str
    found: bool
    blobs: int = 0
    events: int = 0


class RetentionRequest(BaseModel):
    """One retention sweep; ``as_of`` (default: the sweep's start) is the clock it purges by."""

    task_queue: str = Field(description="Where the sweep activity runs.")
    as_of: datetime | None = None


class RetentionResult(BaseModel):
    """What a sweep purged."""

    artifacts: int = 0
    blobs: int = 0
    sources: int = 0
    idempotency_keys: int = 0
    rate_windows: int = 0
    deletions: int = 0
    webhook_deliveries: int = 0
    erasures: int = 0
