"""Job state transitions, each recorded as an event in the same transaction.

pending -> running -> succeeded | failed | stopped; pending -> stopped. Anything else is a
conflict. The API (approve, stop) and the job activities (start, progress, finish) share this.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import utcnow
from core.errors import ConflictError
from store.models import Artifact, Job, Thread
from store.objects import JobObject, artifact_ref, dump
from store.repositories import events
from store.tenancy import Tenant

TERMINAL = ("succeeded", "failed", "stopped")
TRANSITIONS = {
    "pending": {"running", "stopped"},
    "running": {"succeeded", "failed", "stopped"},
}
FINISH_EVENTS = {"succeeded": "job.succeeded", "failed": "job.failed", "stopped": "job.stopped"}


def tenant_of(job: Job) -> Tenant:
    """The tenant a job belongs to."""
    return Tenant(org_id=job.org_id, livemode=job.livemode)


def _move(job: Job, status: str) -> None:
    if status not in TRANSITIONS.get(job.status, set()):
        raise ConflictError(f"Job {job.id} is {job.status}; it cannot become {status}.")
    job.status = status
    job.updated_at = utcnow()


async def _sync_thread(session: AsyncSession, job: Job) -> None:
    thread = await session.get(Thread, job.thread_id)
    if thread is not None and thread.last_job_id == job.id:
        thread.last_job_status = job.status
        thread.updated_at = utcnow()
        session.add(thread)


async def _record(
    session: AsyncSession,
    job: Job,
    event_type: str,
    key: str,
    artifact: Artifact | None = None,
) -> None:
    # Keyed per job, so a retried activity never announces the same transition twice.
    payload = dump(JobObject.from_row(job, artifact_ref(artifact)))
    await events.record_once(
        session, tenant_of(job), event_type, payload, dedupe_key=f"{job.id}:{key}"
    )


async def approve(
    session: AsyncSession,
    job: Job,
    *,
    max_credits: int | None,
    webhook_url: str | None,
    key_id: str,
) -> None:
    """pending -> running, once the workflow is scheduled."""
    _move(job, "running")
    job.approved_at = utcnow()
    job.max_credits = max_credits
    job.webhook_url = webhook_url
    job.approved_by_key_id = key_id
    session.add(job)
    await _sync_thread(session, job)
    await _record(session, job, "job.approved", "approved")


async def start(session: AsyncSession, job: Job) -> bool:
    """Mark the first step as begun; False when the job is no longer runnable."""
    if job.status == "pending":
        _move(job, "running")
    if job.status != "running":
        return False
    if job.started_at is None:
        job.started_at = utcnow()
        job.updated_at = job.started_at
        session.add(job)
        await _sync_thread(session, job)
        await _record(session, job, "job.started", "started")
    return True


async def step_event(
    session: AsyncSession, job: Job, *, step_id: str, title: str, status: str
) -> None:
    """job.step.started | completed | failed."""
    payload = {
        "object": "job_step",
        "job_id": job.id,
        "step_id": step_id,
        "title": title,
        "status": status,
    }
    await events.record_once(
        session,
        tenant_of(job),
        f"job.step.{status}",
        payload,
        dedupe_key=f"{job.id}:{step_id}:{status}",
    )


async def progress(session: AsyncSession, job: Job, *, step: int, credits_metered: float) -> None:
    """Advance progress; a job.progress event marks every 10% crossed."""
    before = 100 * job.progress_step // job.progress_total if job.progress_total else 0
    job.progress_step = max(job.progress_step, min(step, job.progress_total))
    job.credits_metered = credits_metered
    job.updated_at = utcnow()
    session.add(job)
    after = 100 * job.progress_step // job.progress_total if job.progress_total else 0
    if after // 10 > before // 10:
        await _record(session, job, "job.progress", f"progress:{after // 10}")


async def finish(
    session: AsyncSession,
    job: Job,
    *,
    status: str,
    summary: str,
    error: dict[str, str] | None,
    credits_used: int,
    artifact: Artifact | None,
    stop_reason: str | None = None,
) -> None:
    """running -> succeeded | failed | stopped, with the outcome and its event."""
    _move(job, status)
    now = utcnow()
    job.finished_at = now
    job.summary = summary
    job.error = error
    job.credits_used = credits_used
    job.stop_reason = stop_reason
    job.artifact_id = artifact.id if artifact else None
    if status == "succeeded":
        job.progress_step = job.progress_total
    session.add(job)
    await _sync_thread(session, job)
    await _record(session, job, FINISH_EVENTS[status], status, artifact)


async def stop_pending(session: AsyncSession, job: Job, *, reason: str, summary: str) -> None:
    """pending -> stopped: nothing ran, nothing is charged."""
    _move(job, "stopped")
    job.finished_at = utcnow()
    job.stop_reason = reason
    job.summary = summary
    session.add(job)
    await _sync_thread(session, job)
    await _record(session, job, "job.stopped", "stopped")
