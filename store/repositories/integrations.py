"""CRM connections, pushes and the map of what each push wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Integration, Push, PushedRecord
from store.tenancy import Tenant


async def get(
    session: AsyncSession, tenant: Tenant, provider: str, *, for_update: bool = False
) -> Integration | None:
    """The tenant's connection to a provider, if any."""
    statement = select(Integration).where(
        Integration.org_id == tenant.org_id,
        Integration.livemode == tenant.livemode,
        Integration.provider == provider,
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def list_connected(session: AsyncSession, tenant: Tenant) -> list[Integration]:
    """Every connection of the tenant, by provider."""
    statement = (
        select(Integration)
        .where(Integration.org_id == tenant.org_id, Integration.livemode == tenant.livemode)
        .order_by(col(Integration.provider))
    )
    return list((await session.exec(statement)).all())


async def push_by_key(session: AsyncSession, push_key: str) -> Push | None:
    """The push of (job, provider, mode), if one was made."""
    return (await session.exec(select(Push).where(Push.push_key == push_key))).first()


async def get_push(session: AsyncSession, push_id: str, *, for_update: bool = False) -> Push | None:
    """A push by id."""
    statement = select(Push).where(Push.id == push_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.exec(statement)).first()


async def pushed(
    session: AsyncSession, tenant: Tenant, provider: str, kind: str, local_key: str
) -> PushedRecord | None:
    """The CRM record a contact or company became on an earlier push."""
    statement = select(PushedRecord).where(
        PushedRecord.org_id == tenant.org_id,
        PushedRecord.livemode == tenant.livemode,
        PushedRecord.provider == provider,
        PushedRecord.kind == kind,
        PushedRecord.local_key == local_key,
    )
    return (await session.exec(statement)).first()


async def remember(session: AsyncSession, values: dict[str, Any]) -> None:
    """Record (or re-point) the CRM record a contact or company became."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(PushedRecord)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["org_id", "livemode", "provider", "kind", "local_key"],
            set_={"remote_id": values["remote_id"]},
        )
    )
    await session.exec(statement)


async def earlier_list(session: AsyncSession, push: Push) -> str | None:
    """The list id of an earlier real push of the same job to the same provider."""
    statement = (
        select(Push.list_id)
        .where(
            Push.job_id == push.job_id,
            Push.provider == push.provider,
            col(Push.dry_run).is_(False),
            col(Push.list_id).is_not(None),
            Push.id != push.id,
        )
        .order_by(col(Push.created_at))
        .limit(1)
    )
    return (await session.exec(statement)).first()
