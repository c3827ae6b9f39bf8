"""Cursor pages that fetch the next page by themselves when iterated."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from leadex._models import LeadexModel

ItemT = TypeVar("ItemT", bound=BaseModel)


class _PageBody(LeadexModel):
    data: list[dict[str, Any]]
    has_more: bool = False
    next_cursor: str | None = None
    total: int | None = None


class _Page(Generic[ItemT]):
    """One page of a list: ``data``, ``has_more``, ``next_cursor``, ``total``."""

    data: list[ItemT]
    has_more: bool
    next_cursor: str | None
    total: int | None

    def __init__(self, body: Any, item: type[ItemT]) -> None:
        page = _PageBody.model_validate(body)
        self.data = [item.model_validate(entry) for entry in page.data]
        self.has_more = page.has_more and page.next_cursor is not None
        self.next_cursor = page.next_cursor
        self.total = page.total

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(data=[{len(self.data)} items], has_more={self.has_more}, "
            f"next_cursor={self.next_cursor!r})"
        )


class SyncPage(_Page[ItemT]):
    """A page; iterating it walks every item of every following page."""

    def __init__(
        self, body: Any, item: type[ItemT], fetch: Callable[[str], SyncPage[ItemT]]
    ) -> None:
        super().__init__(body, item)
        self._fetch = fetch

    def next_page(self) -> SyncPage[ItemT] | None:
        """The following page, or ``None`` on the last one."""
        return self._fetch(self.next_cursor) if self.has_more and self.next_cursor else None

    def iter_pages(self) -> Iterator[SyncPage[ItemT]]:
        """This page and each one after it."""
        page: SyncPage[ItemT] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_Page[ItemT]):
    """A page; ``async for`` walks every item of every following page."""

    def __init__(
        self, body: Any, item: type[ItemT], fetch: Callable[[str], Awaitable[AsyncPage[ItemT]]]
    ) -> None:
        super().__init__(body, item)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[ItemT] | None:
        """The following page, or ``None`` on the last one."""
        if self.has_more and self.next_cursor:
            return await self._fetch(self.next_cursor)
        return None

    async def iter_pages(self) -> AsyncIterator[AsyncPage[ItemT]]:
        """This page and each one after it."""
        page: AsyncPage[ItemT] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item
