"""/v1/usage and /v1/usage/budget"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, admin_access, read_access
from api.deps import get_session
from api.openapi import error_responses
from api.routing import TransactionalRoute
from api.usage import service
from api.usage.schemas import BudgetObject, BudgetUpdate, GroupBy, UsageObject

router = APIRouter(prefix="/usage", tags=["Usage & credits"], route_class=TransactionalRoute)


@router.get(
    "", response_model=UsageObject, summary="Usage", responses=error_responses(400, 403, 422)
)
async def usage(
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
    start: Annotated[date | None, Query(alias="from", description="YYYY-MM-DD, inclusive.")] = None,
    end: Annotated[date | None, Query(alias="to", description="YYYY-MM-DD, inclusive.")] = None,
    group_by: Annotated[GroupBy | None, Query(description="day, thread or user.")] = None,
) -> UsageObject:
    """Credits and jobs between two dates (this billing month by default)."""
    return await service.usage(session, principal, start, end, group_by)


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
    return await service.budget(session, principal)


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
    return await service.set_budget(session, principal, body.monthly_credits)
