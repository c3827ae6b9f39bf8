"""Browser rendering on its own task queue, so browser work scales apart from crawling."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from temporalio import activity

from research.fetch.types import FetchedPage, FetchError, PageCache
from workflows import names
from workflows.job_types import RenderRequest, RenderResult


class PageRenderer(Protocol):
    """Renders one page in a browser."""

    async def render(self, url: str) -> FetchedPage:
        """The page as the browser sees it after its scripts ran."""
        ...


class BrowserActivities:
    """Renders pages into the shared source cache, where the crawler then finds them."""

    def __init__(
        self,
        renderers: Callable[[], AbstractAsyncContextManager[PageRenderer]],
        cache: PageCache,
    ) -> None:
        self.renderers = renderers
        self.cache = cache

    @activity.defn(name=names.RENDER_PAGES_ACTIVITY)
    async def render_pages(self, request: RenderRequest) -> RenderResult:
        """Render each page once; a page that fails is skipped, not retried forever."""
        failed: list[str] = []
        rendered = 0
        async with self.renderers() as renderer:
            for url in request.urls:
                activity.heartbeat(url)
                try:
                    page = await renderer.render(url)
                except FetchError:
                    failed.append(url)
                    continue
                # Keyed by the URL the crawler asked for, so its next read is a cache hit.
                await self.cache.put(page.model_copy(update={"url": url}))
                rendered += 1
        return RenderResult(rendered=rendered, failed=failed)
