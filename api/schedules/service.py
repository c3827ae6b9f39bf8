"""Schedule operations: the row is the schedule's definition, a Temporal Schedule under the
same id fires its runs, and each run goes through the same services as a user's request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Schedule as TemporalSchedule,
)
from temporalio.client import (
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
)

from api.auth import Principal
from api.jobs import service as job_service
from api.planning import Drafted, TurnRequest, draft_turn
from api.schedules.schemas import (
    CalendarSpec,
    PauseRequest,
    ScheduleCreate,
    ScheduleObject,
    ScheduleUpdate,
)
from api.temporal import TemporalGateway, tenant_attributes
from api.threads import service as thread_service
from api.threads.schemas import ThreadCreate
from core.clock import utcnow
from core.config import Settings
from core.errors import (
    LeadexError,
    NotFoundError,
    ServiceUnavailableError,
    UnprocessableError,
)
from core.ids import Prefix, new_id
from store.db import Database
from store.models import Schedule
from store.pagination import Page, PageRequest
from store.repositories import schedules, threads
from store.tenancy import Tenant
from workflows import names
from workflows.queues import TaskQueues
from workflows.schedule_types import ScheduleRunInput

RECENT_RUNS = 10
# "skip" is applied by the run itself, which records the skip and its reason; Temporal's own
# skip would drop the run without a trace.
TEMPORAL_OVERLAP = {
    "skip": ScheduleOverlapPolicy.ALLOW_ALL,
    "buffer_one": ScheduleOverlapPolicy.BUFFER_ONE,
    "allow_all": ScheduleOverlapPolicy.ALLOW_ALL,
}


def _ranges(value: int | list[int] | None) -> tuple[ScheduleRange, ...] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    return tuple(ScheduleRange(start=item) for item in items)


def _calendar(spec: CalendarSpec) -> ScheduleCalendarSpec:
    fields = {
        "second": _ranges(spec.second),
        "minute": _ranges(spec.minute),
        "hour": _ranges(spec.hour),
        "day_of_month": _ranges(spec.day_of_month),
        "month": _ranges(spec.month),
        "day_of_week": _ranges(spec.day_of_week),  # type: ignore[arg-type]
    }
    chosen: dict[str, Any] = {name: ranges for name, ranges in fields.items() if ranges}
    return ScheduleCalendarSpec(**chosen)


def temporal_schedule(row: Schedule, queues: TaskQueues) -> TemporalSchedule:
    """The Temporal Schedule that fires a schedule's runs."""
    calendar = CalendarSpec.model_validate(row.calendar) if row.calendar else None
    return TemporalSchedule(
        action=ScheduleActionStartWorkflow(
            names.SCHEDULE_RUN_WORKFLOW,
            ScheduleRunInput(schedule_id=row.id, queues=queues),
            id=names.schedule_run_id(row.id),
            task_queue=queues.workflows,
            typed_search_attributes=tenant_attributes(
                row.org_id, row.thread_id, row.livemode, schedule_id=row.id
            ),
            static_summary=f"Run of schedule {row.id}",
        ),
        spec=ScheduleSpec(
            cron_expressions=[row.cron] if row.cron else [],
            calendars=[_calendar(calendar)] if calendar else [],
            time_zone_name=row.timezone,
        ),
        policy=SchedulePolicy(overlap=TEMPORAL_OVERLAP[row.overlap]),
        state=ScheduleState(paused=row.paused, note=row.note),
    )


async def get(
    session: AsyncSession, tenant: Tenant, schedule_id: str, *, for_update: bool = False
) -> Schedule:
    """The schedule, or a 404 that names it."""
    row = await schedules.get(session, tenant, schedule_id, for_update=for_update)
    if row is None:
        raise NotFoundError(
            f"Schedule {schedule_id} was not found in your organization.", param="schedule_id"
        )
    return row


async def render(session: AsyncSession, row: Schedule, temporal: TemporalGateway) -> ScheduleObject:
    """The schedule object: the row, Temporal's next run times and the recent runs."""
    runs = await schedules.recent_runs(session, row.id, RECENT_RUNS)
    upcoming = await _next_run_times(temporal, row.id)
    return ScheduleObject.from_row(row, next_run_times=upcoming, recent_runs=runs)


async def _next_run_times(temporal: TemporalGateway, schedule_id: str) -> list[datetime] | None:
    """Temporal's upcoming firings; None (not an error) while Temporal cannot be reached, so
    reading schedules keeps working through an outage."""
    try:
        upcoming = await temporal.next_run_times(schedule_id)
    except ServiceUnavailableError:
        return None
    return upcoming or []


async def create(
    session: AsyncSession,
    principal: Principal,
    body: ScheduleCreate,
    *,
    temporal: TemporalGateway,
) -> ScheduleObject:
    """Store the schedule and create its Temporal Schedule."""
    tenant = principal.tenant
    if body.thread_id is not None:
        await thread_service.get(session, tenant, body.thread_id)
    now = utcnow()
    row = Schedule(
        id=new_id(Prefix.SCHEDULE),
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        prompt=body.prompt,
        thread_id=body.thread_id,
        content=body.content,
        max_rows=body.max_rows,
        max_credits=body.max_credits,
        cron=body.cron,
        calendar=body.calendar.model_dump(mode="json") if body.calendar else None,
        timezone=body.timezone,
        overlap=body.overlap,
        exclude_previous=body.exclude_previous,
        webhook_url=str(body.webhook_url) if body.webhook_url else None,
        meta=dict(body.metadata or {}),
        paused=body.paused,
        note=body.note,
        created_by_key_id=principal.key_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    await temporal.create_schedule(
        row.id,
        temporal_schedule(row, temporal.queues),
        tenant_attributes(row.org_id, row.thread_id, row.livemode, schedule_id=row.id),
    )
    return await render(session, row, temporal)


async def retrieve(
    session: AsyncSession, tenant: Tenant, schedule_id: str, *, temporal: TemporalGateway
) -> ScheduleObject:
    """The schedule with its next run times and recent runs."""
    return await render(session, await get(session, tenant, schedule_id), temporal)


async def list_schedules(
    session: AsyncSession, tenant: Tenant, page: PageRequest, *, temporal: TemporalGateway
) -> Page[ScheduleObject]:
    """A page of the organization's schedules."""
    found = await schedules.list_page(session, tenant, page)
    runs = [await schedules.recent_runs(session, row.id, RECENT_RUNS) for row in found.items]
    upcoming = await asyncio.gather(*(_next_run_times(temporal, row.id) for row in found.items))
    return Page(
        items=[
            ScheduleObject.from_row(row, next_run_times=times, recent_runs=recent)
            for row, times, recent in zip(found.items, upcoming, runs, strict=True)
        ],
        has_more=found.has_more,
        total=found.total,
    )


async def update(
    session: AsyncSession,
    tenant: Tenant,
    schedule_id: str,
    body: ScheduleUpdate,
    *,
    temporal: TemporalGateway,
) -> ScheduleObject:
    """Change the fields sent, then the Temporal Schedule to match."""
    row = await get(session, tenant, schedule_id, for_update=True)
    sent = body.model_fields_set
    if body.prompt is not None:
        if row.prompt is None:
            raise _wrong_target("prompt", "posts content to a thread; change content instead")
        row.prompt = body.prompt
    if body.content is not None:
        if row.thread_id is None:
            raise _wrong_target("content", "starts from a prompt; change prompt instead")
        row.content = body.content
    if body.cron is not None:
        row.cron, row.calendar = body.cron, None
    if body.calendar is not None:
        row.cron, row.calendar = None, body.calendar.model_dump(mode="json")
    for name in ("max_rows", "max_credits"):
        if name in sent:
            setattr(row, name, getattr(body, name))
    if body.timezone is not None:
        row.timezone = body.timezone
    if body.overlap is not None:
        row.overlap = body.overlap
    if body.exclude_previous is not None:
        row.exclude_previous = body.exclude_previous
    if "webhook_url" in sent:
        row.webhook_url = str(body.webhook_url) if body.webhook_url else None
    if body.metadata is not None:
        row.meta = dict(body.metadata)
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    await temporal.update_schedule(row.id, temporal_schedule(row, temporal.queues))
    return await render(session, row, temporal)


def _wrong_target(param: str, why: str) -> LeadexError:
    return UnprocessableError(f"This schedule {why}.", param=param)


async def set_paused(
    session: AsyncSession,
    tenant: Tenant,
    schedule_id: str,
    body: PauseRequest,
    *,
    paused: bool,
    temporal: TemporalGateway,
) -> ScheduleObject:
    """Pause or resume the schedule, keeping the note."""
    row = await get(session, tenant, schedule_id, for_update=True)
    row.paused = paused
    row.note = body.note or ("Paused" if paused else "Resumed")
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    await temporal.pause_schedule(row.id, paused=paused, note=row.note)
    return await render(session, row, temporal)


async def trigger(
    session: AsyncSession, tenant: Tenant, schedule_id: str, *, temporal: TemporalGateway
) -> ScheduleObject:
    """Start a run now, even while paused; it is recorded like any other run (a skip
    included); buffer_one does not queue it."""
    row = await get(session, tenant, schedule_id)
    await temporal.start_schedule_run(
        row.id,
        ScheduleRunInput(schedule_id=row.id, queues=temporal.queues),
        tenant_attributes(row.org_id, row.thread_id, row.livemode, schedule_id=row.id),
    )
    return await render(session, row, temporal)


async def delete(
    session: AsyncSession, tenant: Tenant, schedule_id: str, *, temporal: TemporalGateway
) -> None:
    """Delete the schedule and its Temporal Schedule; the jobs it started stay."""
    row = await get(session, tenant, schedule_id)
    await temporal.delete_schedule(row.id)
    await schedules.delete(session, row)


@dataclass(frozen=True, slots=True)
class Started:
    """What a run created."""

    thread_id: str
    plan_id: str
    job_id: str


async def run_once(
    database: Database,
    principal: Principal,
    row: Schedule,
    *,
    temporal: TemporalGateway,
    settings: Settings,
) -> Started:
    """One run: the thread message, plan and auto-approved job, through the same services as
    POST /v1/search and POST /v1/threads/{id}/messages, so every limit applies; raises the
    refusal (credits, concurrency, a deleted thread…) as those endpoints would."""
    tenant = principal.tenant
    created_thread: str | None = None
    if row.thread_id is None:
        prompt = row.prompt or ""
        async with database.transaction() as session:
            thread = await thread_service.create(
                session,
                tenant,
                ThreadCreate(title=" ".join(prompt.split())[:200], metadata=None),
            )
        created_thread = thread.id
    thread_id = created_thread or row.thread_id or ""
    content = row.prompt if created_thread else row.content
    session = database.session()
    try:
        if created_thread is None:
            await thread_service.get(session, tenant, thread_id)
        hints = {"max_rows": row.max_rows} if row.max_rows else {}
        drafted: Drafted = await draft_turn(
            session,
            database,
            principal,
            TurnRequest(
                thread_id=thread_id,
                content=content or "",
                hints=hints,
                auto_approve=True,
                prompt_param="prompt" if created_thread else "content",
                schedule_id=row.id,
            ),
            temporal=temporal,
            settings=settings,
        )
        drafted.job.meta = {**(row.meta or {}), "schedule_id": row.id}
        session.add(drafted.job)
        await job_service.approve(
            session,
            principal,
            drafted.job.id,
            max_credits=row.max_credits,
            webhook_url=row.webhook_url,
            temporal=temporal,
            schedule_id=row.id,
        )
        await session.commit()
        return Started(thread_id=thread_id, plan_id=drafted.plan.id, job_id=drafted.job.id)
    except LeadexError:
        await session.rollback()
        if created_thread is not None:
            async with database.transaction() as cleanup:
                orphan = await threads.get(cleanup, tenant, created_thread)
                if orphan is not None and orphan.message_count == 0:
                    await threads.delete_thread(cleanup, orphan)
        raise
    finally:
        await session.close()
