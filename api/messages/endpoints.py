"""/v1/threads/{thread_id}/messages"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, read_access, run_access
from api.deps import get_database, get_session, get_settings, get_temporal
from api.messages import service
from api.messages.schemas import MessageCreate, MessageCreateResponse
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.routing import TransactionalRoute
from api.temporal import TemporalGateway
from core.config import Settings
from store.db import Database
from store.objects import MessageObject

router = APIRouter(prefix="/threads", tags=["Messages"], route_class=TransactionalRoute)


@router.post(
    "/{thread_id}/messages",
    response_model=MessageCreateResponse,
    summary="Send a message",
    responses=error_responses(400, 403, 404, 422, 503),
)
async def create_message(
    thread_id: str,
    body: MessageCreate,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    database: Database = Depends(get_database),
    temporal: TemporalGateway = Depends(get_temporal),
    settings: Settings = Depends(get_settings),
) -> MessageCreateResponse:
    """Append a user message; the planner drafts a plan attached to a new pending job."""
    drafted = await service.create(
        session,
        database,
        principal,
        thread_id,
        body,
        temporal=temporal,
        settings=settings,
    )
    return MessageCreateResponse.from_drafted(drafted)


@router.get(
    "/{thread_id}/messages",
    response_model=ListResponse[MessageObject],
    summary="List messages",
    responses=error_responses(400, 403, 404),
)
async def list_messages(
    thread_id: str,
    principal: Principal = Depends(read_access),
    page: Pager = pager("messages", default_order="asc"),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[MessageObject]:
    """List a thread's messages, chronologically."""
    request = page.request()
    result = await service.list_messages(session, principal.tenant, thread_id, request)
    return page.respond(result, request, MessageObject.from_row)
