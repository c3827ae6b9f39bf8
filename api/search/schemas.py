"""POST /v1/search bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt, StringConstraints, field_validator

from api.schemas import CONTENT_MAX
from store.objects import ArtifactObject, JobErrorObject, JobObject, LeadObject, PlanObject


class SearchRequest(BaseModel):
    """Run an audience query end to end."""

    prompt: Annotated[str, StringConstraints(min_length=1, max_length=CONTENT_MAX)] = Field(
        description="The audience in plain English."
    )
    max_rows: StrictInt = Field(default=200, ge=1, le=2000, description="Cap on leads returned.")
    max_credits: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    wait: Literal["sync", "async"] = "sync"
    format: Literal["json", "csv", "xlsx"] = "json"

    @field_validator("prompt")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the prompt must not be blank")
        return value


class SearchResponse(BaseModel):
    """The job behind the search, its leads inline, and its artifact."""

    object: Literal["search_result"] = "search_result"
    id: str = Field(description="The job id.")
    job_id: str
    thread_id: str
    plan_id: str
    livemode: bool
    status: Literal["pending", "running", "succeeded", "failed", "stopped"]
    summary: str | None
    credits_used: int
    error: JobErrorObject | None
    leads: list[LeadObject]
    artifact: ArtifactObject | None
    plan: PlanObject
    job: JobObject
