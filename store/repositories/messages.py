"""Messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import utcnow
from core.ids import Prefix, new_id
from store.models import Message, Thread
from store.objects import MessageObject, dump
from store.pagination import Page, PageRequest, paginate
from store.repositories import events
from store.tenancy import Tenant


async def list_page(
    session: AsyncSession, tenant: Tenant, thread_id: str, page: PageRequest
) -> Page[Message]:
    """One page of a thread's messages."""
    statement = select(Message).where(
        Message.thread_id == thread_id,
        Message.org_id == tenant.org_id,
        Message.livemode == tenant.livemode,
    )
    return await paginate(session, statement, col(Message.id), page)


async def history(session: AsyncSession, tenant: Tenant, thread_id: str) -> list[Message]:
    """Every message of a thread, oldest first (the planner reads the whole history)."""
    result = await session.exec(
        select(Message)
        .where(
            Message.thread_id == thread_id,
            Message.org_id == tenant.org_id,
            Message.livemode == tenant.livemode,
        )
        .order_by(col(Message.id).asc())
    )
    return list(result.all())


async def append(
    session: AsyncSession,
    thread: Thread,
    *,
    role: str,
    kind: str,
    content: str,
    plan_id: str | None = None,
    job_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    hints: dict[str, Any] | None = None,
    auto_approve: bool = False,
    created_at: datetime | None = None,
) -> Message:
    """Add a message to a thread, count it, and record ``message.created``."""
    now = created_at or utcnow()
    message = Message(
        id=new_id(Prefix.MESSAGE),
        org_id=thread.org_id,
        livemode=thread.livemode,
        thread_id=thread.id,
        role=role,
        kind=kind,
        content=content,
        attachments=attachments or [],
        hints=hints or {},
        auto_approve=auto_approve,
        plan_id=plan_id,
        job_id=job_id,
        created_at=now,
    )
    thread.message_count += 1
    thread.updated_at = now
    session.add_all([message, thread])
    await session.flush()
    tenant = Tenant(org_id=thread.org_id, livemode=thread.livemode)
    events.record(session, tenant, "message.created", dump(MessageObject.from_row(message)))
    return message
