"""/v1/schedules"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, read_access, run_access
from api.deps import get_session, get_temporal
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.routing import TransactionalRoute
from api.schedules import service
from api.schedules.schemas import PauseRequest, ScheduleCreate, ScheduleObject, ScheduleUpdate
from api.schemas import DeletedObject
from api.temporal import TemporalGateway

router = APIRouter(prefix="/schedules", tags=["Schedules"], route_class=TransactionalRoute)


@router.post(
    "",
    response_model=ScheduleObject,
    summary="Create a schedule",
    responses=error_responses(400, 403, 404, 409, 422, 503),
)
async def create_schedule(
    body: ScheduleCreate,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ScheduleObject:
    """Run a search on a cron or calendar spec; each run creates a message, a plan and an
    auto-approved job in a thread."""
    return await service.create(session, principal, body, temporal=temporal)


@router.get(
    "",
    response_model=ListResponse[ScheduleObject],
    summary="List schedules",
    responses=error_responses(400, 403, 503),
)
async def list_schedules(
    principal: Principal = Depends(read_access),
    page: Pager = pager("schedules"),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ListResponse[ScheduleObject]:
    """List the organization's schedules, most recent first."""
    request = page.request()
    result = await service.list_schedules(session, principal.tenant, request, temporal=temporal)
    return page.respond(result, request, lambda schedule: schedule)


@router.get(
    "/{schedule_id}",
    response_model=ScheduleObject,
    summary="Retrieve a schedule",
    responses=error_responses(403, 404, 503),
)
async def get_schedule(
    schedule_id: str,
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ScheduleObject:
    """The schedule, its next run times and its recent runs with their job ids."""
    return await service.retrieve(session, principal.tenant, schedule_id, temporal=temporal)


@router.patch(
    "/{schedule_id}",
    response_model=ScheduleObject,
    summary="Update a schedule",
    responses=error_responses(400, 403, 404, 422, 503),
)
@router.post(
    "/{schedule_id}",
    response_model=ScheduleObject,
    summary="Update a schedule (POST form)",
    operation_id="update_schedule_post",
    responses=error_responses(400, 403, 404, 422, 503),
)
async def update_schedule(
    schedule_id: str,
    body: ScheduleUpdate,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ScheduleObject:
    """Change what runs or when; only the fields sent change."""
    return await service.update(session, principal.tenant, schedule_id, body, temporal=temporal)


@router.post(
    "/{schedule_id}/pause",
    response_model=ScheduleObject,
    summary="Pause a schedule",
    responses=error_responses(400, 403, 404, 422, 503),
)
async def pause_schedule(
    schedule_id: str,
    body: PauseRequest | None = None,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ScheduleObject:
    """Stop firing runs until resumed; the note says why."""
    return await service.set_paused(
        session,
        principal.tenant,
        schedule_id,
        body or PauseRequest(),
        paused=True,
        temporal=temporal,
    )


@router.post(
    "/{schedule_id}/resume",
    response_model=ScheduleObject,
    summary="Resume a schedule",
    responses=error_responses(400, 403, 404, 422, 503),
)
async def resume_schedule(
    schedule_id: str,
    body: PauseRequest | None = None,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ScheduleObject:
    """Fire runs again from the next scheduled time."""
    return await service.set_paused(
        session,
        principal.tenant,
        schedule_id,
        body or PauseRequest(),
        paused=False,
        temporal=temporal,
    )


@router.post(
    "/{schedule_id}/trigger",
    response_model=ScheduleObject,
    summary="Run a schedule now",
    responses=error_responses(403, 404, 503),
)
async def trigger_schedule(
    schedule_id: str,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ScheduleObject:
    """Start a run now (also while paused); it shows in recent_runs once it has started."""
    return await service.trigger(session, principal.tenant, schedule_id, temporal=temporal)


@router.delete(
    "/{schedule_id}",
    response_model=DeletedObject,
    summary="Delete a schedule",
    responses=error_responses(403, 404, 503),
)
async def delete_schedule(
    schedule_id: str,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> DeletedObject:
    """Delete the schedule; the jobs its runs started stay."""
    await service.delete(session, principal.tenant, schedule_id, temporal=temporal)
    return DeletedObject(id=schedule_id, object="schedule", livemode=principal.livemode)
