"""Plan operations."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal
from api.planning import Drafted, TurnRequest, draft_turn
from api.plans.schemas import ReplanRequest
from api.temporal import TemporalGateway
from core.config import Settings
from core.errors import ConflictError, NotFoundError
from store.db import Database
from store.models import Plan
from store.repositories import jobs, plans
from store.tenancy import Tenant


async def get(session: AsyncSession, tenant: Tenant, plan_id: str) -> Plan:
    """The plan, or a 404 that names it."""
    plan = await plans.get(session, tenant, plan_id)
    if plan is None:
        raise NotFoundError(f"Plan {plan_id} was not found in your organization.", param="plan_id")
    return plan


async def replan(
    session: AsyncSession,
    database: Database,
    principal: Principal,
    plan_id: str,
    body: ReplanRequest,
    *,
    temporal: TemporalGateway,
    settings: Settings,
) -> Drafted:
    """Draft a corrected plan with a new pending job; the old pending job is superseded."""
    tenant = principal.tenant
    plan = await get(session, tenant, plan_id)
    job = await jobs.get(session, tenant, plan.job_id)
    if job is None or job.status != "pending":
        status = job.status if job else "gone"
        raise ConflictError(
            f"Plan {plan_id} can no longer be replanned: its job {plan.job_id} is {status}. "
            "Send a new message to the thread instead."
        )
    turn = TurnRequest(
        thread_id=plan.thread_id,
        content=body.feedback,
        kind="feedback",
        replaces_plan_id=plan.id,
    )
    return await draft_turn(
        session, database, principal, turn, temporal=temporal, settings=settings
    )
