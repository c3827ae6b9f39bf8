"""Organization members."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Member
from store.pagination import Page, PageRequest, paginate


async def get_by_email(session: AsyncSession, org_id: str, email: str) -> Member | None:
    """The member with this email, if invited already."""
    result = await session.exec(
        select(Member).where(col(Member.org_id) == org_id, col(Member.email) == email)
    )
    return result.first()


async def list_page(session: AsyncSession, org_id: str, page: PageRequest) -> Page[Member]:
    """A page of the organization's members."""
    statement = select(Member).where(col(Member.org_id) == org_id)
    return await paginate(session, statement, col(Member.id), page)
