"""/v1/usage and /v1/usage/budget"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from api.account import service as account
from api.auth import Principal, admin_access, read_access
from api.deps import get_session
from api.openapi import error_responses
from api.routing import TransactionalRoute
from core.clock import utcnow
from core.errors import InvalidRequestError
from store.repositories import ledger

router = APIRouter(prefix="/usage", tags=["Usage & credits"], route_class=TransactionalRoute)

GroupBy = Literal["day", "thread", "user"]
MAX_RANGE_DAYS = 366


class UsageGroup(BaseModel):
    """Credits and jobs for one day, thread or key."""

    key: str
    credits: int
    jobs: int


class UsageObject(BaseModel):
    """The spec's usage summary, plus groups when asked."""

    object: Literal["usage"] = "usage"
    livemode: bool
    period: dict[str, str]
    plan: str
    credits: dict[str, int]
    jobs: dict[str, int]
    group_by: GroupBy | None = None
    groups: list[UsageGroup] = Field(default_factory=list)


class BudgetObject(BaseModel):
    """The monthly spend ceiling."""

    object: Literal["budget"] = "budget"
    monthly_credits: int | None = Field(description="null: no ceiling beyond included credits.")
    warning_at: float = Field(default=ledger.WARNING_SHARE, description="Share that warns.")
    hard_stop: bool = Field(default=True, description="New jobs are refused at the ceiling.")
    used: int
    period: dict[str, str]


class BudgetUpdate(BaseModel):
    """PUT /v1/usage/budget."""

    monthly_credits: int | None = Field(ge=0, le=100_000_000)


@router.get("", response_model=UsageObject, summary="Usage", responses=error_responses(400, 403))
async def usage(
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
    start: Annotated[date | None, Query(alias="from", description="YYYY-MM-DD, inclusive.")] = None,
    end: Annotated[date | None, Query(alias="to", description="YYYY-MM-DD, inclusive.")] = None,
    group_by: Annotated[GroupBy | None, Query(description="day, thread or user.")] = None,
) -> UsageObject:
    """Credits and jobs between two dates (this billing month by default)."""
    month_start, month_end = ledger.month_of(utcnow().date())
    first, last = start or month_start, end or month_end
    if last < first:
        raise InvalidRequestError("'to' is before 'from'.", param="to")
    if (last - first).days > MAX_RANGE_DAYS:
        raise InvalidRequestError(f"Ask for at most {MAX_RANGE_DAYS} days at a time.", param="to")
    org = await account.organization_row(session, principal)
    balance = await ledger.balance(session, org)
    found = await ledger.usage(session, principal.org_id, principal.livemode, first, last, group_by)
    return UsageObject(
        livemode=principal.livemode,
        period={"from": first.isoformat(), "to": last.isoformat()},
        plan=principal.tier.name.value,
        credits={
            "included": balance.included,
            "used": found.used,
            "remaining": balance.remaining if principal.livemode else balance.included,
            "rollover": balance.rollover,
        },
        jobs=found.jobs,
        group_by=group_by,
        groups=[UsageGroup(key=k, credits=c, jobs=j) for k, c, j in found.groups],
    )


async def _budget(session: AsyncSession, principal: Principal) -> BudgetObject:
    org = await account.organization_row(session, principal)
    balance = await ledger.balance(session, org)
    first, last = ledger.month_of(utcnow().date())
    return BudgetObject(
        monthly_credits=org.budget_monthly,
        used=balance.used,
        period={"from": first.isoformat(), "to": last.isoformat()},
    )


@router.get(
    "/budget",
    response_model=BudgetObject,
    summary="Read the budget",
    responses=error_responses(403),
)
async def get_budget(
    principal: Principal = Depends(read_access), session: AsyncSession = Depends(get_session)
) -> BudgetObject:
    """The monthly ceiling and this month's use."""
    return await _budget(session, principal)


@router.put(
    "/budget",
    response_model=BudgetObject,
    summary="Set the budget",
    responses=error_responses(400, 403, 422),
)
async def set_budget(
    body: BudgetUpdate,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> BudgetObject:
    """Set the monthly ceiling; when reached, new jobs get 402 until the next month."""
    org = await account.organization_row(session, principal)
    org.budget_monthly = body.monthly_credits
    session.add(org)
    await session.flush()
    return await _budget(session, principal)
