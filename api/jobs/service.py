"""Job operations."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime

import anyio
from sqlmodel.ext.asyncio.session import AsyncSession

from api import credits
from api.auth import Principal
from api.jobs.events import JobEventSource, StreamEvent, parse_event_id
from api.limits import check_concurrent_jobs
from api.sse import PING_SECONDS
from api.temporal import TemporalGateway
from core import metrics
from core.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    UnprocessableError,
)
from store import lifecycle
from store.db import Database
from store.models import Job
from store.objects import JobObject, artifact_ref
from store.pagination import Page, PageRequest
from store.repositories import artifacts, jobs, ledger, orgs, ratelimits
from store.tenancy import Tenant
from workflows.job_types import WatchdogPolicy

STOP_WAIT_SECONDS = 5.0


async def get(session: AsyncSession, tenant: Tenant, job_id: str) -> Job:
    """The job, or a 404 that names it."""
    job = await jobs.get(session, tenant, job_id)
    if job is None:
        raise NotFoundError(f"Job {job_id} was not found in your organization.", param="job_id")
    return job


async def retrieve(session: AsyncSession, tenant: Tenant, job_id: str) -> JobObject:
    """The job object, with its artifact."""
    job = await get(session, tenant, job_id)
    return JobObject.from_row(job, artifact_ref(await artifacts.for_job(session, job.id)))


async def list_jobs(
    session: AsyncSession,
    tenant: Tenant,
    page: PageRequest,
    *,
    statuses: list[str] | None,
    thread_id: str | None,
    created_after: datetime | None,
    created_before: datetime | None,
) -> Page[JobObject]:
    """A page of jobs across the organization's threads, with their artifacts."""
    found = await jobs.list_page(
        session,
        tenant,
        page,
        statuses=statuses,
        thread_id=thread_id,
        created_after=created_after,
        created_before=created_before,
    )
    refs = await artifacts.for_jobs(session, [job.id for job in found.items])
    return Page(
        items=[JobObject.from_row(job, artifact_ref(refs.get(job.id))) for job in found.items],
        has_more=found.has_more,
        total=found.total,
    )


async def approve(
    session: AsyncSession,
    principal: Principal,
    job_id: str,
    *,
    max_credits: int | None,
    webhook_url: str | None,
    temporal: TemporalGateway,
    schedule_id: str | None = None,
) -> Job:
    """Start a pending job's workflow; anything but a pending job is a 409.

    Live jobs hold their credits first (402 when there are not enough); the hold bounds the
    job's run, so an organization never spends what it does not have.
    """
    job = await jobs.get(session, principal.tenant, job_id, for_update=True)
    if job is None:
        raise NotFoundError(f"Job {job_id} was not found in your organization.", param="job_id")
    if job.superseded_by:
        raise ConflictError(
            f"Job {job_id} was superseded by job {job.superseded_by} when the thread was "
            f"replanned; approve {job.superseded_by} instead.",
            param="job_id",
        )
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
    await temporal.start_job(
        job,
        max_credits=ceiling,
        schedule_id=schedule_id,
        watchdog=await _watchdog(session, job.org_id),
    )
    return job


async def _watchdog(session: AsyncSession, org_id: str) -> WatchdogPolicy | None:
    """The organization's built-in watchdog, which the job's run enforces itself."""
    org = await orgs.get(session, org_id)
    if org is None or (
        org.watchdog_max_runtime_seconds is None and org.watchdog_max_credits is None
    ):
        return None
    return WatchdogPolicy(
        max_runtime_seconds=org.watchdog_max_runtime_seconds,
        max_credits=org.watchdog_max_credits,
    )


async def stop(
    session: AsyncSession,
    tenant: Tenant,
    job_id: str,
    *,
    reason: str | None,
    temporal: TemporalGateway,
) -> JobObject:
    """Stop a job: a pending job stops at once, a running one at its next checkpoint."""
    job = await _stop(session, tenant, job_id, reason=reason, temporal=temporal)
    return JobObject.from_row(job, artifact_ref(await artifacts.for_job(session, job.id)))


async def _stop(
    session: AsyncSession,
    tenant: Tenant,
    job_id: str,
    *,
    reason: str | None,
    temporal: TemporalGateway,
) -> Job:
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
        await temporal.wait_until_ended(job_id, STOP_WAIT_SECONDS)
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


class JobStream:
    """An open event stream of a job: replays after ``Last-Event-ID`` and holds one of the
    organization's stream leases while it lives."""

    def __init__(
        self,
        database: Database,
        source: JobEventSource,
        lease: str,
        after: tuple[int, int, int] | None,
    ) -> None:
        self.database = database
        self.source = source
        self.lease = lease
        self.after = after
        self._renewing: asyncio.Task[None] | None = None

    async def __aenter__(self) -> JobStream:
        self._renewing = asyncio.create_task(self._keep_lease())
        metrics.SSE_CONNECTIONS.inc()
        return self

    async def __aexit__(self, *_: object) -> None:
        metrics.SSE_CONNECTIONS.dec()
        if self._renewing is not None:
            self._renewing.cancel()
        # The client may be gone and this task cancelled; giving the lease back must still
        # happen, or the organization's stream count stays up until the lease expires.
        with anyio.CancelScope(shield=True):
            await ratelimits.close_stream(self.database, self.lease)

    async def _keep_lease(self) -> None:
        while True:
            await asyncio.sleep(PING_SECONDS)
            await ratelimits.renew_stream(self.database, self.lease)

    async def events(self) -> AsyncIterator[StreamEvent]:
        """The job's events after the resume point, following it until it ends."""
        async for event in self.source.events(follow=True, after=self.after):
            yield event


async def open_stream(
    session: AsyncSession,
    database: Database,
    principal: Principal,
    job_id: str,
    marker: str | None,
    *,
    temporal: TemporalGateway,
) -> JobStream:
    """Check the job and the resume point, and take a stream lease (429 past the tier's)."""
    await get(session, principal.tenant, job_id)
    after = parse_event_id(marker)
    if marker and after is None:
        raise InvalidRequestError(
            f"Unknown Last-Event-ID '{marker[:60]}': pass the id of an event from this stream.",
            param="Last-Event-ID",
        )
    source = JobEventSource(await temporal.client(), database, principal.tenant, job_id)
    # End the request's read transaction: the lease is written in a transaction of its own.
    await session.rollback()
    limit = principal.tier.sse_connections
    lease = await ratelimits.open_stream(database, principal.org_id, limit)
    if lease is None:
        raise RateLimitError(
            f"Too many open streams: the {principal.tier.name.value} tier allows {limit} SSE "
            "connections per organization. Close one, or poll GET /v1/jobs/{id}.",
            headers={"Retry-After": "10"},
        )
    return JobStream(database, source, lease, after)


async def logs(
    session: AsyncSession,
    database: Database,
    tenant: Tenant,
    job_id: str,
    page: PageRequest,
    *,
    temporal: TemporalGateway,
) -> Page[StreamEvent]:
    """A page of the job's events, oldest first, as the stream sent them."""
    await get(session, tenant, job_id)
    await session.rollback()
    if page.order != "asc":
        raise UnprocessableError("Logs are listed oldest first; use order=asc.", param="order")
    source = JobEventSource(await temporal.client(), database, tenant, job_id)
    after = parse_event_id(page.after_id) if page.after_id else None
    collected: list[StreamEvent] = []
    async with contextlib.aclosing(source.events(follow=False, after=after)) as events:
        async for event in events:
            collected.append(event)
            if len(collected) > page.limit:
                break  # one past the page says whether more follow; the rest is not read
    window = collected[: page.limit]
    return Page(items=window, has_more=len(collected) > page.limit, total=None)
