"""Message operations."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal
from api.jobs import service as job_service
from api.messages.schemas import MessageCreate
from api.planning import Drafted, TurnRequest, draft_turn
from api.temporal import TemporalGateway
from api.threads import service as thread_service
from core.config import Settings
from store.db import Database
from store.models import Message
from store.pagination import Page, PageRequest
from store.repositories import messages
from store.tenancy import Tenant


async def create(
    session: AsyncSession,
    database: Database,
    principal: Principal,
    thread_id: str,
    body: MessageCreate,
    *,
    temporal: TemporalGateway,
    settings: Settings,
) -> Drafted:
    """Append a user message and draft its plan and pending job."""
    await thread_service.get(session, principal.tenant, thread_id)
    turn = TurnRequest(
        thread_id=thread_id,
        content=body.content,
        attachments=[item.model_dump(mode="json") for item in body.attachments],
        hints=body.hints.model_dump(mode="json", exclude_defaults=True),
        auto_approve=body.auto_approve,
    )
    drafted = await draft_turn(
        session, database, principal, turn, temporal=temporal, settings=settings
    )
    if body.auto_approve:
        await job_service.approve(
            session,
            principal,
            drafted.job.id,
            max_credits=None,
            webhook_url=None,
            temporal=temporal,
        )
    return drafted


async def list_messages(
    session: AsyncSession, tenant: Tenant, thread_id: str, page: PageRequest
) -> Page[Message]:
    """A page of the thread's messages."""
    await thread_service.get(session, tenant, thread_id)
    return await messages.list_page(session, tenant, thread_id, page)
