"""Jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Job
from store.pagination import Page, PageRequest, paginate
from store.tenancy import Tenant


async def get(
    session: AsyncSession, tenant: Tenant, job_id: str, *, for_update: bool = False
) -> Job | None:
    """The tenant's job with this id, if any."""
    statement = select(Job).where(
        Job.id == job_id, Job.org_id == tenant.org_id, Job.livemode == tenant.livemode
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def get_by_id(session: AsyncSession, job_id: str, *, for_update: bool = False) -> Job | None:
    """A job by id alone, for workers that act on behalf of its tenant."""
    statement = select(Job).where(Job.id == job_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def list_page(
    session: AsyncSession,
    tenant: Tenant,
    page: PageRequest,
    *,
    statuses: list[str] | None = None,
    thread_id: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> Page[Job]:
    """The tenant's jobs across threads, with the spec's filters."""
    statement = select(Job).where(Job.org_id == tenant.org_id, Job.livemode == tenant.livemode)
    if statuses:
        statement = statement.where(col(Job.status).in_(statuses))
    if thread_id:
        statement = statement.where(Job.thread_id == thread_id)
    if created_after:
        statement = statement.where(Job.created_at > created_after)
    if created_before:
        statement = statement.where(Job.created_at < created_before)
    return await paginate(session, statement, col(Job.id), page)


async def in_thread_with_status(
    session: AsyncSession, tenant: Tenant, thread_id: str, statuses: list[str]
) -> list[Job]:
    """A thread's jobs in any of ``statuses``."""
    result = await session.exec(
        select(Job).where(
            Job.thread_id == thread_id,
            Job.org_id == tenant.org_id,
            Job.livemode == tenant.livemode,
            col(Job.status).in_(statuses),
        )
    )
    return list(result.all())


async def running_not_updated_since(session: AsyncSession, cutoff: datetime) -> list[Job]:
    """Jobs marked running whose row has not changed since ``cutoff``."""
    result = await session.exec(
        select(Job).where(Job.status == "running", col(Job.updated_at) < cutoff)
    )
    return list(result.all())


async def count_running(session: AsyncSession, tenant: Tenant) -> int:
    """How many of the tenant's jobs are running."""
    result = await session.exec(
        select(func.count())
        .select_from(Job)
        .where(
            col(Job.org_id) == tenant.org_id,
            col(Job.livemode) == tenant.livemode,
            col(Job.status) == "running",
        )
    )
    return int(result.one())


async def count_by_status(session: AsyncSession) -> list[tuple[str, bool, int]]:
    """(status, livemode, count) over every organization, for the metrics endpoint."""
    statement = select(Job.status, Job.livemode, func.count()).group_by(
        col(Job.status), col(Job.livemode)
    )
    return [(status, livemode, count) for status, livemode, count in await session.exec(statement)]
