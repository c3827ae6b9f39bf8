"""The research engine interface: one plan step, one batch at a time.

The engine is a plain library. The job activities load a batch of working records from the
store, hand it to the engine, and write back what it returns; the engine never touches the
database or Temporal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, Field

from research.model import Candidate
from research.planner.types import Criteria, Intent, PlanStep, RoleTarget
from research.pricing import companies_for


class StepScope(StrEnum):
    """Which working records a step's batches read."""

    NONE = "none"  # the step creates records (discovery, or the seed list)
    COMPANIES = "companies"  # one batch = a page of company records


class StepRequest(BaseModel):
    """One batch of one step."""

    job_id: str
    step: PlanStep
    step_index: int
    criteria: Criteria
    target_rows: int
    batch_no: int
    batch_size: int
    seed: str = Field(description="Makes synthetic output deterministic per plan.")
    now: datetime = Field(description="The time to stamp on what this batch retrieves.")
    candidates: list[Candidate] = Field(default_factory=list)
    known: list[str] = Field(
        default_factory=list, description="Keys already collected (discovery skips them)."
    )
    after_render: bool = Field(
        default=False, description="The pages this batch asked to render are now cached."
    )


class StepBatch(BaseModel):
    """What a batch produced."""

    upserts: list[Candidate] = Field(default_factory=list)
    done: bool
    logs: list[str] = Field(default_factory=list)
    units: int = Field(default=0, description="Companies processed, for metering.")
    emails: int = Field(default=0, description="Emails found, for metering.")
    renders: list[str] = Field(
        default_factory=list,
        description="Pages only a browser can read; render them, then run the batch again.",
    )
    skipped: dict[str, int] = Field(
        default_factory=dict,
        description="What the batch went without, by reason ('seeds not resolved': 2); the "
        "job's summary adds these up.",
    )


Heartbeat = Callable[[], None]


class EngineUnavailable(Exception):
    """The engine cannot run at all (for example nothing is configured); do not retry."""


class ResearchEngine(Protocol):
    """Runs plan steps batch by batch."""

    name: str

    async def run_step(self, request: StepRequest, heartbeat: Heartbeat) -> StepBatch:
        """Run one batch of one step."""
        ...


def step_scope(step: PlanStep, step_index: int) -> StepScope:
    """Which records a step reads: the first step creates them, the others page companies."""
    if step_index == 0 or step.intent == Intent.DISCOVER:
        return StepScope.NONE
    return StepScope.COMPANIES


def step_roles(step: PlanStep, criteria: Criteria) -> list[RoleTarget]:
    """The plan roles an enrich step looks for (several when the planner grouped them)."""
    return [
        role for role in criteria.roles if f"{role.column_prefix}_name" in step.expected_columns
    ]


def companies_needed(criteria: Criteria, target_rows: int) -> int:
    """How many companies yield ``target_rows`` leads (one lead per company and role)."""
    return max(1, companies_for(criteria, target_rows))
