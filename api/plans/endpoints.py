"""/v1/plans"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, read_access, run_access
from api.deps import get_database, get_session, get_settings, get_temporal
from api.messages.schemas import MessageCreateResponse
from api.openapi import error_responses
from api.plans import service
from api.plans.schemas import ReplanRequest
from api.routing import TransactionalRoute
from api.temporal import TemporalGateway
from core.config import Settings
from store.db import Database
from store.objects import PlanObject

router = APIRouter(prefix="/plans", tags=["Plans"], route_class=TransactionalRoute)


@router.get(
    "/{plan_id}",
    response_model=PlanObject,
    summary="Retrieve a plan",
    responses=error_responses(403, 404),
)
async def get_plan(
    plan_id: str,
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
) -> PlanObject:
    """Retrieve a plan."""
    return PlanObject.from_row(await service.get(session, principal.tenant, plan_id))


@router.post(
    "/{plan_id}/replan",
    response_model=MessageCreateResponse,
    summary="Replan with feedback",
    responses=error_responses(400, 403, 404, 409, 422, 503),
)
async def replan(
    plan_id: str,
    body: ReplanRequest,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    database: Database = Depends(get_database),
    temporal: TemporalGateway = Depends(get_temporal),
    settings: Settings = Depends(get_settings),
) -> MessageCreateResponse:
    """Draft a new plan and pending job for the same thread, with corrective feedback."""
    drafted = await service.replan(
        session, database, principal, plan_id, body, temporal=temporal, settings=settings
    )
    return MessageCreateResponse.from_drafted(drafted)
