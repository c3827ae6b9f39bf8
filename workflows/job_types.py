"""Inputs and outputs of the job workflow, its activities, signal and query.

These travel through Temporal history, so they carry ids and counts, never lead payloads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from research.batching import LoopState
from workflows.queues import TaskQueues

JobStatus = Literal["pending", "running", "succeeded", "failed", "stopped"]


class StepInfo(BaseModel):
    """What the workflow needs to know about a step."""

    id: str
    title: str
    intent: str
    unit_cost: float = Field(description="Credits per company processed.")
    email_cost: float = 0.0
    publishes: bool = Field(default=False, description="The dedupe step: resolve and deliver.")


class JobPlan(BaseModel):
    """The start activity's answer: whether to run, and how."""

    runnable: bool
    reason: str | None = None
    steps: list[StepInfo] = Field(default_factory=list)
    batch_size: int = 5
    wave_size: int | None = Field(
        default=None,
        description="Companies a delivery wave gathers (None: plans started before waves "
        "were decoupled from batches, whose waves are one discovery batch).",
    )
    max_credits: int | None = None
    livemode: bool = False


class WatchdogPolicy(BaseModel):
    """The organization's built-in watchdog: the run stops itself past either limit."""

    max_runtime_seconds: int | None = None
    max_credits: int | None = None


class JobState(LoopState):
    """Progress carried across continue-as-new: where the batching loop stands, and the rest."""

    plan: JobPlan | None = None
    credits_metered: float = 0.0
    stop_reason: str | None = None
    stop_kind: Literal["user", "ceiling", "watchdog"] | None = None
    skipped: dict[str, int] = Field(
        default_factory=dict, description="What the job went without, by reason (counts only)."
    )
    started_at: datetime | None = Field(
        default=None, description="When the run began, for the watchdog's runtime limit."
    )
    waves_done: int = Field(default=0, description="Waves delivered so far.")


class JobInput(BaseModel):
    """Starts (or continues) a job run; the approval's terms travel with it."""

    job_id: str
    queues: TaskQueues
    max_credits: int | None = None
    state: JobState = Field(default_factory=JobState)
    watchdog: WatchdogPolicy | None = None


class StartRequest(BaseModel):
    """Begin a job under the approval's terms."""

    job_id: str
    max_credits: int | None = None


class BatchRequest(BaseModel):
    """One batch of one step."""

    job_id: str
    step_index: int
    step_id: str
    title: str
    batch_no: int
    batch_size: int
    credits_metered: float
    now: datetime
    after_render: bool = False
    keys: list[str] | None = Field(
        default=None, description="Wave runs: the company records to read (else a page)."
    )
    last: bool = Field(default=False, description="Wave runs: the step's last batch.")
    read_before: int = Field(default=0, description="Wave runs: companies the step has read.")
    found_after: int | None = Field(
        default=None, description="Wave runs: report companies found after this write number."
    )
    render_skipped: int = Field(
        default=0, description="Pages that needed a browser and could not be rendered."
    )
    render_failure: str | None = Field(default=None, description="Why they could not be.")


class BatchProgress(BaseModel):
    """What an attempt of a batch has written so far, kept in its heartbeat details: a retry
    skips the companies already done, and still reports (and meters) them."""

    done: list[str] = Field(
        default_factory=list, description="Companies whose records are written."
    )
    records: int = 0
    units: int = Field(default=0, description="Companies processed, for metering.")
    emails: int = Field(default=0, description="Emails found, for metering.")
    skipped: dict[str, int] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list, description="Log lines that say why.")


class BatchResult(BaseModel):
    """What one batch did."""

    step_id: str
    batch_no: int
    done: bool
    records: int = 0
    credits: float = 0.0
    logs: list[str] = Field(default_factory=list)
    renders: list[str] = Field(
        default_factory=list, description="Pages to render in a browser before running again."
    )
    new_keys: list[str] = Field(
        default_factory=list, description="Wave runs: companies found since ``found_after``."
    )
    found_upto: int = Field(default=0, description="Wave runs: the write number reached.")
    skipped: dict[str, int] = Field(
        default_factory=dict, description="What the batch went without, by reason."
    )


class RenderRequest(BaseModel):
    """Pages to render on the browser queue into the shared source cache."""

    urls: list[str]


class RenderResult(BaseModel):
    """How many rendered, and which failed."""

    rendered: int
    failed: list[str] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="Why the failed pages were not rendered.")


class InterruptedRequest(BaseModel):
    """Conclude a job whose run ended without concluding it (terminated, timed out)."""

    job_id: str
    message: str


class ResolveRequest(BaseModel):
    """Resolve duplicates and lay out the job's leads for delivery."""

    job_id: str
    step_id: str | None = None
    title: str | None = None
    batch_size: int = 25
    verified_only: bool = Field(
        default=False, description="The job failed or stopped: deliver verified leads only."
    )


class ResolveResult(BaseModel):
    """How many leads, in how many delivery batches."""

    leads: int
    merged: int
    batches: int
    batch_size: int
    logs: list[str] = Field(default_factory=list)

    def deliveries(
        self, job_id: str, step_id: str | None = None, title: str | None = None
    ) -> list[DeliverRequest]:
        """The delivery batches that publish these leads, in order."""
        return [
            DeliverRequest(
                job_id=job_id,
                batch_no=batch_no,
                start=batch_no * self.batch_size,
                stop=min(self.leads, (batch_no + 1) * self.batch_size),
                last=batch_no == self.batches - 1,
                step_id=step_id,
                title=title,
            )
            for batch_no in range(self.batches)
        ]


class DeliverRequest(BaseModel):
    """Publish one batch of resolved leads."""

    job_id: str
    batch_no: int
    start: int
    stop: int
    last: bool
    step_id: str | None = None
    title: str | None = None


class PublishRequest(BaseModel):
    """Resolve everything collected so far and deliver the leads not delivered yet."""

    job_id: str
    wave_no: int
    final: bool
    verified_only: bool = Field(
        default=False, description="The job failed or stopped: deliver verified leads only."
    )
    step_id: str | None = None
    title: str | None = None
    batch_size: int = 25


class PublishResult(BaseModel):
    """The ids of the leads this wave delivered; earlier leads it updated are counted."""

    lead_ids: list[str] = Field(default_factory=list)
    updated: int = 0
    final: bool = False
    logs: list[str] = Field(default_factory=list)


class DeliverResult(BaseModel):
    """The ids of the leads that became queryable."""

    lead_ids: list[str]
    last: bool
    step_id: str | None = None


class JobError(BaseModel):
    """Why a job failed."""

    code: str = "job_halted"
    message: str


class FinalizeRequest(BaseModel):
    """Write the artifact and the final state."""

    job_id: str
    status: Literal["succeeded", "failed", "stopped"]
    stop_reason: str | None = None
    error: JobError | None = None
    credits_metered: float = 0.0
    completed_steps: int = 0
    skipped: dict[str, int] = Field(default_factory=dict)


class ArtifactSummary(BaseModel):
    """The artifact as the stream announces it."""

    artifact_id: str
    rows: int
    bytes: int


class JobOutcome(BaseModel):
    """The workflow's result: the job's final state."""

    job_id: str
    status: Literal["succeeded", "failed", "stopped"]
    summary: str
    error: JobError | None = None
    stop_reason: str | None = None
    artifact: ArtifactSummary | None = None
    credits_used: int = 0


class StopRequest(BaseModel):
    """The stop signal's payload."""

    reason: str | None = None


class JobProgress(BaseModel):
    """The status query's answer."""

    step_index: int
    batch_no: int
    credits_metered: float
    stopping: bool


class ReconcileRequest(BaseModel):
    """How old a running job's last update must be before its workflow is checked."""

    stale_after_seconds: int = 60
    task_queue: str = Field(description="Where the reconcile activity runs.")


class ReconcileResult(BaseModel):
    """What a reconciliation pass repaired."""

    checked: int
    repaired: list[str] = Field(default_factory=list)
