"""Plans."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Plan
from store.tenancy import Tenant


async def get(session: AsyncSession, tenant: Tenant, plan_id: str) -> Plan | None:
    """The tenant's plan with this id, if any."""
    result = await session.exec(
        select(Plan).where(
            Plan.id == plan_id, Plan.org_id == tenant.org_id, Plan.livemode == tenant.livemode
        )
    )
    return result.first()


async def latest_in_thread(session: AsyncSession, tenant: Tenant, thread_id: str) -> Plan | None:
    """The newest plan of a thread: the one a follow-up message refines."""
    result = await session.exec(
        select(Plan)
        .where(
            Plan.thread_id == thread_id,
            Plan.org_id == tenant.org_id,
            Plan.livemode == tenant.livemode,
        )
        .order_by(col(Plan.id).desc())
        .limit(1)
    )
    return result.first()


async def count_drafted_since(session: AsyncSession, org_id: str, since: datetime) -> int:
    """How many plans the organization drafted since ``since`` (both modes)."""
    result = await session.exec(
        select(func.count())
        .select_from(Plan)
        .where(col(Plan.org_id) == org_id, col(Plan.created_at) >= since)
    )
    return int(result.one())


async def get_by_id(session: AsyncSession, plan_id: str) -> Plan | None:
    """A plan by id alone (its job already names the tenant)."""
    return await session.get(Plan, plan_id)
