"""Job request and response bodies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, Field, StrictInt, field_validator

MAX_CREDITS_CEILING = 10_000_000


class ApproveRequest(BaseModel):
    """POST /v1/jobs/{job_id}/approve."""

    webhook_url: AnyHttpUrl | None = Field(
        default=None, description="Events for this job are also posted here."
    )
    max_credits: StrictInt | None = Field(
        default=None,
        ge=1,
        le=MAX_CREDITS_CEILING,
        description="Ceiling: the job stops before a batch that would exceed it.",
    )

    @field_validator("webhook_url")
    @classmethod
    def _bounded(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        if value is not None and len(str(value)) > 2048:
            raise ValueError("URLs are limited to 2048 characters")
        return value


class StopJobRequest(BaseModel):
    """POST /v1/jobs/{job_id}/stop."""

    reason: str | None = Field(default=None, max_length=500)


class CoverageEntry(BaseModel):
    """How many leads have a value in a column."""

    column: str
    filled: int
    percent: int


class JobSummary(BaseModel):
    """GET /v1/jobs/{job_id}/summary."""

    object: Literal["job_summary"] = "job_summary"
    job_id: str
    livemode: bool
    status: str
    rows: int
    companies: int
    companies_without_people: int = Field(
        description="Companies that matched but where none of the requested people were found."
    )
    credits_used: int
    summary: str | None
    coverage: list[CoverageEntry]
    caveats: list[str]


class LogEntry(BaseModel):
    """One event of a job, as streamed."""

    object: Literal["log_entry"] = "log_entry"
    id: str
    type: Literal["log", "step", "result", "artifact", "error", "done", "stopped"]
    data: dict[str, Any]
    created_at: str
