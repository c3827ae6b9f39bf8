"""/v1/threads"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, read_access, run_access
from api.deps import get_session, get_temporal
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.routing import TransactionalRoute
from api.schemas import DeletedObject, parse_job_statuses
from api.temporal import TemporalGateway
from api.threads import service
from api.threads.schemas import ThreadCreate, ThreadUpdate
from store.objects import ThreadObject

router = APIRouter(prefix="/threads", tags=["Threads"], route_class=TransactionalRoute)


@router.post(
    "",
    response_model=ThreadObject,
    summary="Create a thread",
    responses=error_responses(400, 403, 422),
)
async def create_thread(
    body: ThreadCreate,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
) -> ThreadObject:
    """Create a new, empty thread."""
    return ThreadObject.from_row(await service.create(session, principal.tenant, body))


@router.get(
    "",
    response_model=ListResponse[ThreadObject],
    summary="List threads",
    responses=error_responses(400, 403),
)
async def list_threads(
    principal: Principal = Depends(read_access),
    page: Pager = pager("threads"),
    q: Annotated[str | None, Query(max_length=200, description="Title search.")] = None,
    has_job_status: Annotated[
        str | None, Query(description="Filter by last job status; comma-separate to combine.")
    ] = None,
    session: AsyncSession = Depends(get_session),
) -> ListResponse[ThreadObject]:
    """List threads, most recent first."""
    statuses = parse_job_statuses(has_job_status, "has_job_status")
    request = page.request()
    result = await service.list_threads(
        session, principal.tenant, request, q=q, has_job_status=statuses
    )
    return page.respond(result, request, ThreadObject.from_row)


@router.get(
    "/{thread_id}",
    response_model=ThreadObject,
    summary="Retrieve a thread",
    responses=error_responses(403, 404),
)
async def get_thread(
    thread_id: str,
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
) -> ThreadObject:
    """Retrieve a single thread."""
    return ThreadObject.from_row(await service.get(session, principal.tenant, thread_id))


@router.patch(
    "/{thread_id}",
    response_model=ThreadObject,
    summary="Update a thread",
    responses=error_responses(400, 403, 404, 422),
)
@router.post(
    "/{thread_id}",
    response_model=ThreadObject,
    summary="Update a thread (POST form)",
    operation_id="update_thread_post",
    responses=error_responses(400, 403, 404, 422),
)
async def update_thread(
    thread_id: str,
    body: ThreadUpdate,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
) -> ThreadObject:
    """Update the title, or merge metadata (a value of "" removes that key)."""
    thread = await service.update(session, principal.tenant, thread_id, body)
    return ThreadObject.from_row(thread)


@router.delete(
    "/{thread_id}",
    summary="Delete a thread",
    response_model=DeletedObject,
    responses=error_responses(403, 404, 409),
)
async def delete_thread(
    thread_id: str,
    background: BackgroundTasks,
    force: Annotated[bool, Query(description="Stop running jobs as part of the delete.")] = False,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    temporal: TemporalGateway = Depends(get_temporal),
) -> DeletedObject:
    """Delete a thread and all its messages, plans, jobs and artifacts. Irreversible.

    The rows go at once; the artifact files within minutes (at most 24 hours)."""
    thread, deletion = await service.delete(
        session, principal.tenant, thread_id, force=force, temporal=temporal
    )
    # After the commit: the workflow then always finds the deletion it is asked for.
    background.add_task(temporal.start_deletion, deletion.id)
    return DeletedObject(id=thread.id, object="thread", livemode=thread.livemode)
