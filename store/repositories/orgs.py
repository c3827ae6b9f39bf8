"""Organizations."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.ids import Prefix, new_id
from store.models import Organization


async def get_by_name(session: AsyncSession, name: str) -> Organization | None:
    """The organization called ``name``, if any."""
    result = await session.exec(select(Organization).where(Organization.name == name))
    return result.first()


async def get(session: AsyncSession, org_id: str) -> Organization | None:
    """The organization with this id, if any."""
    return await session.get(Organization, org_id)


async def get_or_create(
    session: AsyncSession, name: str, *, included_credits: int
) -> tuple[Organization, bool]:
    """The organization called ``name``, created on Starter if missing (flag: created)."""
    existing = await get_by_name(session, name)
    if existing is not None:
        return existing, False
    org = Organization(
        id=new_id(Prefix.ORGANIZATION),
        name=name,
        tier="starter",
        credits_included=included_credits,
    )
    session.add(org)
    await session.flush()
    return org, True


async def lock(session: AsyncSession, org_id: str) -> Organization | None:
    """The organization row, locked for the transaction (PostgreSQL; SQLite writes are
    serialized already): checks that count then write cannot both pass."""
    result = await session.exec(
        select(Organization).where(col(Organization.id) == org_id).with_for_update()
    )
    return result.first()
