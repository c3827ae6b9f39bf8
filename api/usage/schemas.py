"""Usage and budget shapes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from store.repositories import ledger

GroupBy = Literal["day", "thread", "user"]


class UsageGroup(BaseModel):
    """Credits and jobs for one day, thread or key."""

    key: str
    credits: int
    jobs: int


class UsageObject(BaseModel):
    """The spec's usage summary, plus groups when asked."""

    object: Literal["usage"] = "usage"
    livemode: bool
    period: dict[str, str]
    plan: str
    credits: dict[str, int]
    jobs: dict[str, int]
    group_by: GroupBy | None = None
    groups: list[UsageGroup] = Field(default_factory=list)


class BudgetObject(BaseModel):
    """The monthly spend ceiling."""

    object: Literal["budget"] = "budget"
    monthly_credits: int | None = Field(description="null: no ceiling beyond included credits.")
    warning_at: float = Field(default=ledger.WARNING_SHARE, description="Share that warns.")
    hard_stop: bool = Field(default=True, description="New jobs are refused at the ceiling.")
    used: int
    period: dict[str, str]


class BudgetUpdate(BaseModel):
    """PUT /v1/usage/budget."""

    monthly_credits: StrictInt | None = Field(ge=0, le=100_000_000)
