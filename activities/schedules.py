"""A schedule's run: create its job through the API's own services, or record the skip."""

from __future__ import annotations

import asyncio
import logging

from temporalio import activity

from api.auth import Principal
from api.schedules import service as schedule_service
from api.schedules.schemas import ScheduleRunObject
from api.temporal import TemporalGateway
from core.config import Settings
from core.errors import LeadexError
from core.ids import Prefix, new_id
from core.tiers import tier
from store import lifecycle
from store.db import Database
from store.models import Schedule, ScheduleRun
from store.objects import dump
from store.repositories import events, jobs, orgs, schedules
from store.repositories.api_keys import Scope
from store.tenancy import Tenant
from workflows import names
from workflows.schedule_types import (
    AwaitJobRequest,
    AwaitJobResult,
    ScheduleRunOutcome,
    StartRunRequest,
)

logger = logging.getLogger("leadex.schedules")

REASON_MAX = 1000


def _outcome(run: ScheduleRun) -> ScheduleRunOutcome:
    return ScheduleRunOutcome(
        schedule_id=run.schedule_id,
        run_id=run.id,
        status="skipped" if run.status == "skipped" else "started",
        reason=run.reason,
        job_id=run.job_id,
    )


class ScheduleActivities:
    """Runs of schedules, on the research queue's workers."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        temporal: TemporalGateway | None = None,
        poll_seconds: float | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.temporal = temporal or TemporalGateway(settings)
        self.poll_seconds = poll_seconds or settings.schedule_run_poll_seconds

    async def _record(
        self,
        schedule: Schedule,
        request: StartRunRequest,
        *,
        status: str,
        reason: str | None = None,
        started: schedule_service.Started | None = None,
    ) -> ScheduleRun:
        tenant = Tenant(org_id=schedule.org_id, livemode=schedule.livemode)
        async with self.database.transaction() as session:
            existing = await schedules.run_by_workflow(session, request.workflow_id)
            if existing is not None:
                return existing
            run = ScheduleRun(
                id=new_id(Prefix.SCHEDULE_RUN),
                org_id=schedule.org_id,
                livemode=schedule.livemode,
                schedule_id=schedule.id,
                workflow_id=request.workflow_id,
                status=status,
                reason=reason[:REASON_MAX] if reason else None,
                thread_id=started.thread_id if started else None,
                plan_id=started.plan_id if started else None,
                job_id=started.job_id if started else None,
                scheduled_at=request.scheduled_at,
            )
            session.add(run)
            await session.flush()
            payload = dump(ScheduleRunObject.from_row(run))
            payload["schedule_id"] = schedule.id
            events.record(session, tenant, f"schedule.run_{status}", payload)
        if status == "skipped":
            logger.info("schedule %s: run skipped: %s", schedule.id, reason)
        return run

    @activity.defn(name=names.SCHEDULE_START_RUN_ACTIVITY)
    async def start_run(self, request: StartRunRequest) -> ScheduleRunOutcome:
        """Create the run's message, plan and auto-approved job, or record why it was skipped
        (the previous run's job still running, credits, the concurrent-job limit…)."""
        async with self.database.transaction() as session:
            existing = await schedules.run_by_workflow(session, request.workflow_id)
            if existing is not None:
                return _outcome(existing)
            schedule = await schedules.get_by_id(session, request.schedule_id)
            if schedule is None:
                return ScheduleRunOutcome(
                    schedule_id=request.schedule_id,
                    status="skipped",
                    reason="The schedule was deleted.",
                )
            org = await orgs.get(session, schedule.org_id)
            busy = await schedules.active_job(session, schedule.id)
        if busy is not None and schedule.overlap == "skip":
            run = await self._record(
                schedule,
                request,
                status="skipped",
                reason=f"overlap: the previous run's job {busy} is still running.",
            )
            return _outcome(run)
        principal = Principal(
            key_id=schedule.created_by_key_id or "",
            org_id=schedule.org_id,
            livemode=schedule.livemode,
            scopes=frozenset({Scope.READ.value, Scope.RUN.value}),
            kind="secret",
            tier=tier(org.tier if org else ""),
        )
        try:
            started = await schedule_service.run_once(
                self.database,
                principal,
                schedule,
                temporal=self.temporal,
                settings=self.settings,
            )
        except LeadexError as refusal:
            run = await self._record(schedule, request, status="skipped", reason=refusal.message)
            return _outcome(run)
        run = await self._record(schedule, request, status="started", started=started)
        return _outcome(run)

    @activity.defn(name=names.SCHEDULE_AWAIT_JOB_ACTIVITY)
    async def await_job(self, request: AwaitJobRequest) -> AwaitJobResult:
        """Wait, heartbeating, until the job has ended."""
        while True:
            async with self.database.transaction() as session:
                job = await jobs.get_by_id(session, request.job_id)
            if job is None:
                return AwaitJobResult(job_id=request.job_id, status="deleted")
            if job.status in lifecycle.TERMINAL:
                return AwaitJobResult(job_id=job.id, status=job.status)
            activity.heartbeat()
            await asyncio.sleep(self.poll_seconds)
