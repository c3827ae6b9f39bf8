"""Keyset pagination over ULID primary keys (time-sortable, so id order is creation order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import and_, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")
Order = Literal["asc", "desc"]
ORDERS: tuple[str, ...] = ("asc", "desc")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which slice of a list to read."""

    limit: int
    order: str = "desc"  # asc or desc by id; some lists have orders of their own
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


async def paginate_sorted(
    session: AsyncSession,
    statement: SelectOfScalar[T],
    sort_column: Any,
    id_column: Any,
    page: PageRequest,
    *,
    descending: bool,
) -> Page[T]:
    """Run ``statement`` for one page ordered by ``sort_column`` (ties broken by id, which
    only ever ascends), resuming after the row whose id is ``page.after_id``."""
    total_query = select(func.count()).select_from(statement.order_by(None).subquery())
    total = (await session.exec(total_query)).one()
    sort: ColumnElement[Any] = sort_column
    ident: ColumnElement[Any] = id_column
    if page.after_id is not None:
        value = (await session.exec(select(sort_column).where(ident == page.after_id))).first()
        beyond = sort < value if descending else sort > value
        statement = statement.where(or_(beyond, and_(sort == value, ident > page.after_id)))
    ordering = sort.desc() if descending else sort.asc()
    statement = statement.order_by(ordering, ident.asc()).limit(page.limit + 1)
    rows = list((await session.exec(statement)).all())
    return Page(items=rows[: page.limit], has_more=len(rows) > page.limit, total=total)
