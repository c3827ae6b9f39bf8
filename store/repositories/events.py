"""The event log: every domain event in one table, written with the change it records."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import utcnow
from core.ids import Prefix, new_id
from store.models import Event
from store.tenancy import Tenant


def record(
    session: AsyncSession,
    tenant: Tenant,
    event_type: str,
    obj: dict[str, Any],
) -> Event:
    """Add an event for ``obj`` (a public object payload) to the current transaction."""
    event = Event(
        id=new_id(Prefix.EVENT),
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        type=event_type,
        object_id=obj.get("id"),
        data={"object": obj},
    )
    session.add(event)
    return event


async def record_once(
    session: AsyncSession,
    tenant: Tenant,
    event_type: str,
    obj: dict[str, Any],
    *,
    dedupe_key: str,
) -> None:
    """Record an event unless one with ``dedupe_key`` exists: retried activities say it once."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Event)
        .values(
            id=new_id(Prefix.EVENT),
            org_id=tenant.org_id,
            livemode=tenant.livemode,
            type=event_type,
            object_id=obj.get("id"),
            dedupe_key=dedupe_key,
            data={"object": obj},
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["org_id", "dedupe_key"])
    )
    await session.exec(statement)
