"""Keyset pagination over ULID primary keys (time-sortable, so id order is creation order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")
Order = Literal["asc", "desc"]


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which slice of a list to read."""

    limit: int
    order: Order = "desc"
    after_id: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One slice of a list, with whether more follow and the total across all pages."""

    items: list[T]
    has_more: bool
    total: int | None


async def paginate(
    session: AsyncSession,
    statement: SelectOfScalar[T],
    id_column: Any,
    page: PageRequest,
) -> Page[T]:
    """Run ``statement`` for one page, ordered by ``id_column``."""
    total_query = select(func.count()).select_from(statement.order_by(None).subquery())
    total = (await session.exec(total_query)).one()
    column: ColumnElement[Any] = id_column
    if page.after_id is not None:
        bound = column > page.after_id if page.order == "asc" else column < page.after_id
        statement = statement.where(bound)
    ordering = column.asc() if page.order == "asc" else column.desc()
    rows = list((await session.exec(statement.order_by(ordering).limit(page.limit + 1))).all())
    return Page(items=rows[: page.limit], has_more=len(rows) > page.limit, total=total)
