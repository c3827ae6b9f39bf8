"""Webhook endpoints, the outbox of events to fan out, deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Event, Job, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from store.pagination import Page, PageRequest, paginate
from store.tenancy import Tenant


async def get_endpoint(
    session: AsyncSession, tenant: Tenant, endpoint_id: str, *, for_update: bool = False
) -> WebhookEndpoint | None:
    """The tenant's endpoint with this id, if any."""
    statement = select(WebhookEndpoint).where(
        WebhookEndpoint.id == endpoint_id,
        WebhookEndpoint.org_id == tenant.org_id,
        WebhookEndpoint.livemode == tenant.livemode,
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def list_endpoints(
    session: AsyncSession, tenant: Tenant, page: PageRequest
) -> Page[WebhookEndpoint]:
    """The tenant's endpoints."""
    statement = select(WebhookEndpoint).where(
        WebhookEndpoint.org_id == tenant.org_id, WebhookEndpoint.livemode == tenant.livemode
    )
    return await paginate(session, statement, col(WebhookEndpoint.id), page)


async def enabled_endpoints(session: AsyncSession, org_id: str, livemode: bool) -> list[Any]:
    """Every enabled endpoint of a tenant."""
    statement = select(WebhookEndpoint).where(
        WebhookEndpoint.org_id == org_id,
        WebhookEndpoint.livemode == livemode,
        col(WebhookEndpoint.enabled).is_(True),
    )
    return list((await session.exec(statement)).all())


async def pending_events(session: AsyncSession, limit: int) -> list[Event]:
    """Events not yet fanned out, oldest first; locked so two relays split the work."""
    statement = (
        select(Event)
        .where(col(Event.fanout_pending).is_(True))
        .order_by(col(Event.created_at), col(Event.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return list((await session.exec(statement)).all())


async def job_hook(session: AsyncSession, job_id: str) -> str | None:
    """The webhook_url a job was approved with, if any."""
    job = await session.get(Job, job_id)
    return job.webhook_url if job is not None else None


async def add_delivery(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert a delivery unless this event already has one for this target."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(WebhookDelivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["event_id", "target"])
    )
    await session.exec(statement)


async def mark_fanned_out(session: AsyncSession, event_ids: list[str]) -> None:
    """Take events off the outbox."""
    if event_ids:
        await session.exec(
            update(Event).where(col(Event.id).in_(event_ids)).values(fanout_pending=False)
        )


async def undispatched(session: AsyncSession, limit: int) -> list[WebhookDelivery]:
    """Deliveries whose workflow may not have been started yet."""
    statement = (
        select(WebhookDelivery)
        .where(col(WebhookDelivery.dispatched).is_(False))
        .order_by(col(WebhookDelivery.created_at), col(WebhookDelivery.id))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def mark_dispatched(session: AsyncSession, delivery_ids: list[str]) -> None:
    """Record that these deliveries' workflows exist."""
    if delivery_ids:
        await session.exec(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id).in_(delivery_ids))
            .values(dispatched=True)
        )


async def get_delivery(
    session: AsyncSession, delivery_id: str, *, for_update: bool = False
) -> WebhookDelivery | None:
    """A delivery by id, for the worker."""
    statement = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def get_tenant_delivery(
    session: AsyncSession, tenant: Tenant, endpoint_id: str, delivery_id: str
) -> WebhookDelivery | None:
    """One of an endpoint's deliveries, for its tenant."""
    statement = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id,
        WebhookDelivery.endpoint_id == endpoint_id,
        WebhookDelivery.org_id == tenant.org_id,
        WebhookDelivery.livemode == tenant.livemode,
    )
    return (await session.exec(statement)).first()


async def list_deliveries(
    session: AsyncSession, tenant: Tenant, endpoint_id: str, page: PageRequest
) -> Page[WebhookDelivery]:
    """An endpoint's deliveries."""
    statement = select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint_id,
        WebhookDelivery.org_id == tenant.org_id,
        WebhookDelivery.livemode == tenant.livemode,
    )
    return await paginate(session, statement, col(WebhookDelivery.id), page)


async def attempts_of(session: AsyncSession, delivery_ids: list[str]) -> list[WebhookAttempt]:
    """The attempts of these deliveries, in order."""
    if not delivery_ids:
        return []
    statement = (
        select(WebhookAttempt)
        .where(col(WebhookAttempt.delivery_id).in_(delivery_ids))
        .order_by(col(WebhookAttempt.delivery_id), col(WebhookAttempt.number))
    )
    return list((await session.exec(statement)).all())


async def attempt(session: AsyncSession, delivery_id: str, number: int) -> WebhookAttempt | None:
    """The attempt with this number, if it was recorded."""
    statement = select(WebhookAttempt).where(
        WebhookAttempt.delivery_id == delivery_id, WebhookAttempt.number == number
    )
    return (await session.exec(statement)).first()


async def cancel_for_endpoint(session: AsyncSession, endpoint_id: str, note: str) -> None:
    """Stop the endpoint's pending deliveries (their workflows see it on the next attempt)."""
    await session.exec(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.endpoint_id) == endpoint_id,
            col(WebhookDelivery.status) == "pending",
        )
        .values(status="cancelled", note=note)
    )


async def purge_before(session: AsyncSession, cutoff: datetime) -> int:
    """Delete finished deliveries (and their attempts) older than the cutoff."""
    old = select(WebhookDelivery.id).where(
        col(WebhookDelivery.created_at) < cutoff,
        col(WebhookDelivery.status) != "pending",
    )
    ids = list((await session.exec(old)).all())
    if not ids:
        return 0
    await session.exec(delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(ids)))
    await session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.id).in_(ids)))
    return len(ids)
