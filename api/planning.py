"""Drafting a plan into a thread: shared by new messages and replans.

The flow keeps no transaction open while the planner runs: read the history, release the
session, run the planning workflow, then write message, plan, job and events in one go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal
from api.limits import check_plans_per_day
from api.temporal import TemporalGateway, tenant_attributes
from core.clock import utcnow
from core.config import Settings
from core.errors import ConflictError, NotFoundError, PlanRejectedError, UnprocessableError
from core.ids import Prefix, new_id
from research.planner.types import (
    Attachment,
    Criteria,
    DraftPlan,
    Hints,
    PlanningRequest,
    PlanningTurn,
)
from store import lifecycle
from store.db import Database
from store.models import Job, Message, Plan
from store.objects import PlanObject, dump
from store.repositories import events, jobs, messages, plans, threads
from store.tenancy import Tenant
from workflows.planning import PlanningInput
from workflows.queues import TaskQueues

MAX_HISTORY_TURNS = 200


@dataclass(frozen=True, slots=True)
class TurnRequest:
    """A user turn to plan: a new message, or replan feedback on an existing plan."""

    thread_id: str
    content: str
    kind: str = "text"
    attachments: list[dict[str, str]] = field(default_factory=list)
    hints: dict[str, Any] = field(default_factory=dict)
    auto_approve: bool = False
    replaces_plan_id: str | None = None
    # The body field the prompt came in, named by a rejection (``prompt`` for /v1/search).
    prompt_param: str = "content"
    # The schedule whose run this turn is, so its planning run carries the schedule's id.
    schedule_id: str | None = None


@dataclass(frozen=True, slots=True)
class Drafted:
    """What a successful turn wrote."""

    message: Message
    plan: Plan
    job: Job


async def _planning_request(
    session: AsyncSession, tenant: Tenant, turn: TurnRequest, settings: Settings
) -> PlanningRequest:
    history = await messages.history(session, tenant, turn.thread_id)
    if turn.replaces_plan_id:
        previous = await plans.get(session, tenant, turn.replaces_plan_id)
    else:
        previous = await plans.latest_in_thread(session, tenant, turn.thread_id)
    turns = [
        PlanningTurn(role=row.role, kind=row.kind, content=row.content)
        for row in history[-MAX_HISTORY_TURNS:]
    ]
    turns.append(PlanningTurn(role="user", kind=turn.kind, content=turn.content))
    return PlanningRequest(
        turns=turns,
        previous=Criteria.model_validate(previous.criteria) if previous else None,
        feedback=turn.content if turn.kind == "feedback" else None,
        hints=Hints.model_validate(turn.hints),
        attachments=[Attachment.model_validate(item) for item in turn.attachments],
        default_rows=settings.default_target_rows,
    )


def _assistant_summary(draft: DraftPlan, job_id: str) -> str:
    steps = len(draft.steps)
    return (
        f"Drafted a plan: {draft.title}. {steps} step{'s' if steps != 1 else ''}, "
        f"about {draft.target_rows} rows, estimated {draft.credits_estimate} credits. "
        f"Approve {job_id} to start."
    )


async def draft_turn(
    session: AsyncSession,
    database: Database,
    principal: Principal,
    turn: TurnRequest,
    *,
    temporal: TemporalGateway,
    settings: Settings,
) -> Drafted:
    """Plan a user turn and record it; a declined prompt is a 422 ``plan_rejected``."""
    tenant = principal.tenant
    await check_plans_per_day(session, principal)
    request = await _planning_request(session, tenant, turn, settings)
    # End the read transaction so no lock is held while the planner runs.
    await session.rollback()

    plan_id = new_id(Prefix.PLAN)
    outcome = await temporal.draft_plan(
        plan_id,
        PlanningInput(request=request, queues=TaskQueues.from_settings(settings)),
        attributes=tenant_attributes(
            tenant.org_id, turn.thread_id, tenant.livemode, schedule_id=turn.schedule_id
        ),
    )
    if outcome.invalid_attachment is not None:
        raise UnprocessableError(outcome.invalid_attachment, param="attachments")
    if outcome.plan is None:
        rejection = outcome.rejection or "The planner declined the prompt."
        async with database.transaction() as side:
            events.record(
                side,
                tenant,
                "plan.rejected",
                {
                    "id": plan_id,
                    "object": "plan_rejection",
                    "thread_id": turn.thread_id,
                    "message": rejection,
                    "missing": outcome.missing,
                },
            )
        param = "feedback" if turn.kind == "feedback" else turn.prompt_param
        raise PlanRejectedError(rejection, param=param)
    return await _record(session, tenant, turn, plan_id, outcome.plan)


async def _record(
    session: AsyncSession, tenant: Tenant, turn: TurnRequest, plan_id: str, draft: DraftPlan
) -> Drafted:
    thread = await threads.get_for_update(session, tenant, turn.thread_id)
    if thread is None:
        raise NotFoundError(
            f"Thread {turn.thread_id} was deleted while its plan was drafted.", param="thread_id"
        )
    now = utcnow()
    job_id = new_id(Prefix.JOB)
    # A replan, or a follow-up that refines the thread's plan, supersedes the pending job: it
    # can no longer be approved, and the new plan links to the one it replaces.
    previous_plan_id = turn.replaces_plan_id
    if previous_plan_id:
        await _supersede(session, tenant, previous_plan_id, plan_id, job_id)
    else:
        latest = await plans.latest_in_thread(session, tenant, thread.id)
        previous_plan_id = latest.id if latest else None
        for pending in await jobs.in_thread_with_status(session, tenant, thread.id, ["pending"]):
            await _retire(session, pending, plan_id, job_id)
    if thread.title is None:
        thread.title = draft.title[:200]
    user_message = await messages.append(
        session,
        thread,
        role="user",
        kind=turn.kind,
        content=turn.content,
        attachments=turn.attachments,
        hints=turn.hints,
        auto_approve=turn.auto_approve,
        plan_id=plan_id,
        job_id=job_id,
        created_at=now,
    )
    plan = Plan(
        id=plan_id,
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        thread_id=thread.id,
        message_id=user_message.id,
        job_id=job_id,
        previous_plan_id=previous_plan_id,
        title=draft.title[:300],
        steps=[step.model_dump(mode="json") for step in draft.steps],
        criteria=draft.criteria.model_dump(mode="json"),
        credits_estimate=draft.credits_estimate,
        target_rows=draft.target_rows,
        feedback=turn.content if turn.kind == "feedback" else None,
        planner=draft.planner,
        created_at=now,
    )
    job = Job(
        id=job_id,
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        thread_id=thread.id,
        plan_id=plan_id,
        status="pending",
        progress_total=len(draft.steps),
        created_at=now,
        updated_at=now,
    )
    thread.last_job_id = job_id
    thread.last_job_status = job.status
    session.add_all([plan, job, thread])
    await session.flush()
    events.record(session, tenant, "plan.created", dump(PlanObject.from_row(plan)))
    await messages.append(
        session,
        thread,
        role="assistant",
        kind="plan",
        content=_assistant_summary(draft, job_id),
        plan_id=plan_id,
        job_id=job_id,
        created_at=now,
    )
    return Drafted(message=user_message, plan=plan, job=job)


async def _supersede(
    session: AsyncSession, tenant: Tenant, old_plan_id: str, new_plan_id: str, new_job_id: str
) -> None:
    old_plan = await plans.get(session, tenant, old_plan_id)
    old_job = await jobs.get_by_id(session, old_plan.job_id, for_update=True) if old_plan else None
    if old_plan is None or old_job is None:
        raise NotFoundError(
            f"Plan {old_plan_id} was deleted while it was being replanned.", param="plan_id"
        )
    if old_job.status != "pending":
        raise ConflictError(
            f"Plan {old_plan_id} can no longer be replanned: its job {old_job.id} is "
            f"{old_job.status}.",
        )
    await _retire(session, old_job, new_plan_id, new_job_id)


async def _retire(session: AsyncSession, job: Job, new_plan_id: str, new_job_id: str) -> None:
    locked = await jobs.get_by_id(session, job.id, for_update=True)
    if locked is None or locked.status != "pending":
        return
    locked.superseded_by = new_job_id
    await lifecycle.stop_pending(
        session,
        locked,
        reason=f"superseded by {new_job_id}",
        summary=(
            f"Superseded by job {new_job_id} (plan {new_plan_id}) before approval; nothing ran."
        ),
    )
