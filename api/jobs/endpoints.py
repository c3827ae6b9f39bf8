"""/v1/jobs"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from sqlmodel.ext.asyncio.session import AsyncSession
from sse_starlette import EventSourceResponse

from api.auth import Principal, read_access, run_access
from api.deps import get_database, get_session, get_temporal
from api.jobs import leads as job_leads_service
from api.jobs import service
from api.jobs.events import TERMINAL_TYPES, entry
from api.jobs.schemas import ApproveRequest, JobSummary, LogEntry, StopJobRequest
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.routing import TransactionalRoute
from api.schemas import parse_job_statuses
from api.sse import IDLE_SECONDS, PING_SECONDS, frame, ping, with_idle_timeout
from api.temporal import TemporalGateway
from store.db import Database
from store.objects import JobObject, LeadObject
from store.repositories.leads import LEAD_ORDERS

router = APIRouter(prefix="/jobs", tags=["Jobs"], route_class=TransactionalRoute)


@router.get(
    "",
    response_model=ListResponse[JobObject],
    summary="List jobs",
    responses=error_responses(400, 403),
)
async def list_jobs(
    principal: Principal = Depends(read_access),
    page: Pager = pager("jobs"),
    status: Annotated[
        str | None, Query(description="Filter by status; comma-separate to combine.")
    ] = None,
    thread_id: Annotated[str | None, Query(max_length=40)] = None,
    created_after: Annotated[datetime | None, Query(description="ISO 8601.")] = None,
    created_before: Annotated[datetime | None, Query(description="ISO 8601.")] = None,
    session: AsyncSession = Depends(get_session),
) -> ListResponse[JobObject]:
    """List jobs across all threads in the organization."""
    request = page.request()
    result = await service.list_jobs(
        session,
        principal.tenant,
        request,
        statuses=parse_job_statuses(status, "status"),
        thread_id=thread_id,
        created_after=created_after,
        created_before=created_before,
    )
    return page.respond(result, request, lambda job: job)


@router.get(
    "/{job_id}",
    response_model=JobObject,
    summary="Retrieve a job",
    responses=error_responses(403, 404),
)
async def get_job(
    job_id: str,
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
) -> JobObject:
    """Retrieve a job. Safe to poll."""
    return await service.retrieve(session, principal.tenant, job_id)


@router.post(
    "/{job_id}/approve",
    response_model=JobObject,
    summary="Approve a job",
    responses=error_responses(400, 403, 404, 409, 422, 503),
)
async def approve_job(
    job_id: str,
    body: ApproveRequest | None = None,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> JobObject:
    """Approve a pending job; it starts at once and the response returns once scheduled."""
    terms = body or ApproveRequest()
    job = await service.approve(
        session,
        principal,
        job_id,
        max_credits=terms.max_credits,
        webhook_url=str(terms.webhook_url) if terms.webhook_url else None,
        temporal=temporal,
    )
    return JobObject.from_row(job)


@router.post(
    "/{job_id}/stop",
    response_model=JobObject,
    summary="Stop a job",
    responses=error_responses(400, 403, 404, 409, 422, 503),
)
async def stop_job(
    job_id: str,
    body: StopJobRequest | None = None,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> JobObject:
    """Stop a job; collected rows go to a partial artifact and the job ends stopped."""
    return await service.stop(
        session,
        principal.tenant,
        job_id,
        reason=(body.reason if body else None),
        temporal=temporal,
    )


@router.get(
    "/{job_id}/stream",
    summary="Stream a job's events (SSE)",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "Server-sent events: log, step, result, artifact, error, done, stopped.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **error_responses(400, 403, 404, 503),
    },
)
async def stream_job(
    job_id: str,
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
    database: Database = Depends(get_database),
    temporal: TemporalGateway = Depends(get_temporal),
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", description="Resume after this event.")
    ] = None,
    resume_after: Annotated[
        str | None, Query(alias="last_event_id", description="Same as the header.")
    ] = None,
) -> EventSourceResponse:
    """Events as they happen; replays history first, closes after a terminal event."""
    stream = await service.open_stream(
        session,
        database,
        principal,
        job_id,
        last_event_id or resume_after,
        temporal=temporal,
    )

    async def generate() -> AsyncIterator[bytes]:
        async with stream:
            async for events in with_idle_timeout(stream.events(), IDLE_SECONDS):
                # The events ready at once go out in one write, up to a terminal one.
                frames = []
                for event in events:
                    frames.append(frame(event.id, event.type, event.json()))
                    if event.type in TERMINAL_TYPES:
                        yield b"".join(frames)
                        return
                yield b"".join(frames)

    return EventSourceResponse(
        generate(),
        ping=PING_SECONDS,
        ping_message_factory=ping,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/{job_id}/logs",
    response_model=ListResponse[LogEntry],
    summary="List a job's log entries",
    responses=error_responses(400, 403, 404, 503),
)
async def job_logs(
    job_id: str,
    principal: Principal = Depends(read_access),
    page: Pager = pager("logs", default_order="asc", default_limit=100),
    session: AsyncSession = Depends(get_session),
    database: Database = Depends(get_database),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ListResponse[LogEntry]:
    """Every entry the stream has sent, as JSON, oldest first."""
    request = page.request()
    result = await service.logs(
        session, database, principal.tenant, job_id, request, temporal=temporal
    )
    return page.respond(result, request, lambda event: LogEntry.model_validate(entry(event)))


@router.get(
    "/{job_id}/leads",
    response_model=ListResponse[LeadObject],
    summary="List a job's leads",
    responses=error_responses(400, 403, 404, 422),
)
async def job_leads(
    job_id: str,
    principal: Principal = Depends(read_access),
    page: Pager = pager(
        "leads",
        default_order="rank",
        default_limit=50,
        orders=LEAD_ORDERS,
        order_help=(
            "rank (default: the CSV's ranking, companies with every requested person first, "
            "then by confidence), -confidence (highest first), confidence, or created "
            "(delivery order)."
        ),
    ),
    min_confidence: Annotated[float, Query(ge=0, le=1, description="0–1.")] = 0,
    has_field: Annotated[
        list[str] | None, Query(description="Repeat to require several, e.g. person.email.")
    ] = None,
    session: AsyncSession = Depends(get_session),
) -> ListResponse[LeadObject]:
    """The job's leads, with per-field sources and confidence."""
    job = await service.get(session, principal.tenant, job_id)
    request = page.request()
    result = await job_leads_service.page(
        session,
        principal.tenant,
        job,
        request,
        min_confidence=min_confidence,
        has_fields=has_field or [],
    )
    return page.respond(result, request, LeadObject.from_row)


@router.get(
    "/{job_id}/summary",
    response_model=JobSummary,
    summary="Summarize a job",
    responses=error_responses(403, 404),
)
async def job_summary(
    job_id: str,
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
) -> JobSummary:
    """Row count, coverage notes and caveats."""
    job = await service.get(session, principal.tenant, job_id)
    return await job_leads_service.summary(session, job)
