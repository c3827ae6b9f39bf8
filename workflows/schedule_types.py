"""Inputs and outputs of a schedule's run and its activities (ids only, never leads)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from workflows.queues import TaskQueues


class ScheduleRunInput(BaseModel):
    """What the Temporal Schedule starts each run with."""

    schedule_id: str
    queues: TaskQueues


class StartRunRequest(BaseModel):
    """Create the run's message, plan and approved job, or record why not."""

    schedule_id: str
    workflow_id: str
    scheduled_at: datetime


class ScheduleRunOutcome(BaseModel):
    """What a run did: the job it started, or why it was skipped."""

    schedule_id: str
    run_id: str | None = None
    status: Literal["started", "skipped"]
    reason: str | None = None
    job_id: str | None = None
    job_status: str | None = None


class AwaitJobRequest(BaseModel):
    """Wait until a job has ended."""

    job_id: str


class AwaitJobResult(BaseModel):
    """How the job ended."""

    job_id: str
    status: str
