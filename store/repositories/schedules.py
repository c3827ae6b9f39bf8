"""Schedules and the record of their runs."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Job, Lead, Schedule, ScheduleRun
from store.pagination import Page, PageRequest, paginate
from store.tenancy import Tenant

PUBLISHED = "published"
ACTIVE_JOB_STATUSES = ["pending", "running"]


async def get(
    session: AsyncSession, tenant: Tenant, schedule_id: str, *, for_update: bool = False
) -> Schedule | None:
    """The tenant's schedule with this id, if any."""
    statement = select(Schedule).where(
        Schedule.id == schedule_id,
        Schedule.org_id == tenant.org_id,
        Schedule.livemode == tenant.livemode,
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def get_by_id(session: AsyncSession, schedule_id: str) -> Schedule | None:
    """A schedule by id alone, for the worker that runs it on its tenant's behalf."""
    return (await session.exec(select(Schedule).where(Schedule.id == schedule_id))).first()


async def list_page(session: AsyncSession, tenant: Tenant, page: PageRequest) -> Page[Schedule]:
    """The tenant's schedules."""
    statement = select(Schedule).where(
        Schedule.org_id == tenant.org_id, Schedule.livemode == tenant.livemode
    )
    return await paginate(session, statement, col(Schedule.id), page)


async def delete(session: AsyncSession, schedule: Schedule) -> None:
    """Remove a schedule and the record of its runs (the jobs it started stay)."""
    await session.exec(
        ScheduleRun.__table__.delete().where(  # type: ignore[attr-defined]
            col(ScheduleRun.schedule_id) == schedule.id
        )
    )
    await session.delete(schedule)


async def run_by_workflow(session: AsyncSession, workflow_id: str) -> ScheduleRun | None:
    """The run a schedule's workflow already recorded, if any (activities retry)."""
    statement = select(ScheduleRun).where(ScheduleRun.workflow_id == workflow_id)
    return (await session.exec(statement)).first()


async def recent_runs(session: AsyncSession, schedule_id: str, limit: int) -> list[ScheduleRun]:
    """The schedule's latest runs, newest first."""
    statement = (
        select(ScheduleRun)
        .where(ScheduleRun.schedule_id == schedule_id)
        .order_by(col(ScheduleRun.id).desc())
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def active_job(session: AsyncSession, schedule_id: str) -> str | None:
    """The id of a job an earlier run started that has not ended yet, if any."""
    statement = (
        select(Job.id)
        .join(ScheduleRun, col(ScheduleRun.job_id) == col(Job.id))
        .where(
            ScheduleRun.schedule_id == schedule_id,
            col(Job.status).in_(ACTIVE_JOB_STATUSES),
        )
        .order_by(col(Job.id))
        .limit(1)
    )
    return (await session.exec(statement)).first()


async def previously_delivered_keys(session: AsyncSession, job_id: str) -> set[str]:
    """Entity keys of the leads earlier runs of the job's schedule delivered, when that
    schedule excludes them; empty for any other job."""
    run = (await session.exec(select(ScheduleRun).where(ScheduleRun.job_id == job_id))).first()
    if run is None:
        return set()
    schedule = await get_by_id(session, run.schedule_id)
    if schedule is None or not schedule.exclude_previous:
        return set()
    earlier = select(ScheduleRun.job_id).where(
        ScheduleRun.schedule_id == schedule.id,
        col(ScheduleRun.job_id).is_not(None),
        col(ScheduleRun.job_id) != job_id,
        col(ScheduleRun.id) < run.id,
    )
    statement = select(Lead.entity_key).where(
        col(Lead.job_id).in_(earlier), Lead.state == PUBLISHED
    )
    return set((await session.exec(statement)).all())
