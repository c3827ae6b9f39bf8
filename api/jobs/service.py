"""Job operations."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from api import credits
from api.auth import Principal
from api.limits import check_concurrent_jobs
from api.temporal import TemporalGateway
from core.errors import ConflictError, NotFoundError
from store import lifecycle
from store.models import Job
from store.pagination import Page, PageRequest
from store.repositories import jobs, ledger
from store.tenancy import Tenant

STOP_WAIT_SECONDS = 5.0


async def get(session: AsyncSession, tenant: Tenant, job_id: str) -> Job:
    """The job, or a 404 that names it."""
    job = await jobs.get(session, tenant, job_id)
    if job is None:
        raise NotFoundError(f"Job {job_id} was not found in your organization.", param="job_id")
    return job


async def list_jobs(
    session: AsyncSession,
    tenant: Tenant,
    page: PageRequest,
    *,
    statuses: list[str] | None,
    thread_id: str | None,
    created_after: datetime | None,
    created_before: datetime | None,
) -> Page[Job]:
    """A page of jobs across the organization's threads."""
    return await jobs.list_page(
        session,
        tenant,
        page,
        statuses=statuses,
        thread_id=thread_id,
        created_after=created_after,
        created_before=created_before,
    )


async def approve(
    session: AsyncSession,
    principal: Principal,
    job_id: str,
    *,
    max_credits: int | None,
    webhook_url: str | None,
    temporal: TemporalGateway,
) -> Job:
    """Start a pending job's workflow; anything but a pending job is a 409.

    Live jobs hold their credits first (402 when there are not enough); the hold bounds the
    job's run, so an organization never spends what it does not have.
    """
    job = await jobs.get(session, principal.tenant, job_id, for_update=True)
    if job is None:
        raise NotFoundError(f"Job {job_id} was not found in your organization.", param="job_id")
    if job.status != "pending":
        raise ConflictError(f"Job {job_id} is {job.status}; only a pending job can be approved.")
    await check_concurrent_jobs(session, principal)
    ceiling = await credits.reserve(session, job, max_credits) if job.livemode else max_credits
    # The row is written (and locked) before the workflow starts, so the workflow's first
    # activity waits for this commit and always sees the approval.
    await lifecycle.approve(
        session, job, max_credits=max_credits, webhook_url=webhook_url, key_id=principal.key_id
    )
    await session.flush()
    await temporal.start_job(job, max_credits=ceiling)
    return job


async def stop(
    session: AsyncSession,
    tenant: Tenant,
    job_id: str,
    *,
    reason: str | None,
    temporal: TemporalGateway,
) -> Job:
    """Stop a job: a pending job stops at once, a running one at its next checkpoint."""
    job = await get(session, tenant, job_id)
    if job.status in lifecycle.TERMINAL:
        raise ConflictError(f"Job {job_id} already {job.status}; there is nothing to stop.")
    if job.status == "pending":
        await lifecycle.stop_pending(
            session,
            job,
            reason=reason or "stopped before approval",
            summary="Stopped before approval; nothing ran.",
        )
        return job
    # Release the transaction: the workflow's final activity must be able to write the job.
    await session.rollback()
    if await temporal.signal_stop(job_id, reason):
        await temporal.wait_for_outcome(job_id, STOP_WAIT_SECONDS)
        return await get(session, tenant, job_id)
    # The row says running but its workflow is gone: record the stop the user asked for.
    job = await get(session, tenant, job_id)
    if job.status == "running":
        await lifecycle.finish(
            session,
            job,
            status="stopped",
            summary="Stopped; the job's run had already ended without a result.",
            error=None,
            credits_used=0,
            artifact=None,
            stop_reason=reason or "stopped by the user",
        )
        if job.livemode:
            await ledger.settle_job(session, job, status="stopped", metered=0)
    return job
