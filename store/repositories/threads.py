"""Threads."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Thread
from store.pagination import Page, PageRequest, paginate
from store.tenancy import Tenant


async def get(session: AsyncSession, tenant: Tenant, thread_id: str) -> Thread | None:
    """The tenant's thread with this id, if any."""
    result = await session.exec(
        select(Thread).where(
            Thread.id == thread_id,
            Thread.org_id == tenant.org_id,
            Thread.livemode == tenant.livemode,
        )
    )
    return result.first()


async def get_for_update(session: AsyncSession, tenant: Tenant, thread_id: str) -> Thread | None:
    """The thread, row-locked on PostgreSQL so counters update without lost writes."""
    result = await session.exec(
        select(Thread)
        .where(
            Thread.id == thread_id,
            Thread.org_id == tenant.org_id,
            Thread.livemode == tenant.livemode,
        )
        .with_for_update()
    )
    return result.first()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_page(
    session: AsyncSession,
    tenant: Tenant,
    page: PageRequest,
    *,
    q: str | None = None,
    job_statuses: list[str] | None = None,
) -> Page[Thread]:
    """The tenant's threads, optionally by title substring and last job status."""
    statement = select(Thread).where(
        Thread.org_id == tenant.org_id, Thread.livemode == tenant.livemode
    )
    if q:
        pattern = f"%{_escape_like(q.lower())}%"
        statement = statement.where(func.lower(col(Thread.title)).like(pattern, escape="\\"))
    if job_statuses:
        statement = statement.where(col(Thread.last_job_status).in_(job_statuses))
    return await paginate(session, statement, col(Thread.id), page)


async def delete_thread(session: AsyncSession, thread: Thread) -> None:
    """Delete a thread; its messages, plans and jobs go with it (ON DELETE CASCADE)."""
    await session.exec(delete(Thread).where(col(Thread.id) == thread.id))
