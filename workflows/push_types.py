"""Inputs and outputs of CRM connections and pushes: ids and counts, never lead data."""

from __future__ import annotations

from pydantic import BaseModel


class ConnectInput(BaseModel):
    """Finish an OAuth connection: trade the code for tokens and store them."""

    org_id: str
    livemode: bool
    provider: str
    code: str
    key_id: str | None
    task_queue: str
    # Where the provider says the code must be traded (Zoho's ``accounts-server``).
    accounts_server: str | None = None


class ConnectResult(BaseModel):
    """The stored connection, or the provider's refusal."""

    integration_id: str | None = None
    error: str | None = None


class PushInput(BaseModel):
    """Push a job's leads (the push row says which, where and how)."""

    push_id: str
    task_queue: str
    batch_size: int = 50


class PushStepRequest(BaseModel):
    """One step of a push: prepare, one batch of leads, or finish (with the totals, or why
    it could not go on)."""

    push_id: str
    start: int = 0
    stop: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failure: str | None = None


class PrepareResult(BaseModel):
    """How many leads to push; ``ok`` is False when the push already failed."""

    ok: bool
    leads: int = 0


class BatchResult(BaseModel):
    """What one batch did."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0


class PushOutcome(BaseModel):
    """How a push ended."""

    status: str
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
