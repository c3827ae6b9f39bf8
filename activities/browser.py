"""Browser rendering on its own task queue, so browser work scales apart from crawling."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from playwright.async_api import Error as PlaywrightError
from temporalio import activity

from research.fetch.types import FetchedPage, FetchError, PageCache
from workflows import names
from workflows.job_types import RenderRequest, RenderResult

log = logging.getLogger("leadex.browser")


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
        """Render each page once; a page that fails is skipped, not retried forever.

        A browser that is missing or crashes skips the pages it had left, with the reason:
        the job goes on without them instead of failing on each retry.
        """
        failed: list[str] = []
        rendered = 0
        try:
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
        except (OSError, PlaywrightError) as error:
            done = set(failed)
            left = [url for url in request.urls if url not in done][rendered:]
            unavailable = f"the browser is unavailable ({_first_line(error)})"
            log.warning("render skipped %d pages: %s", len(left), unavailable)
            return RenderResult(rendered=rendered, failed=[*failed, *left], reason=unavailable)
        reason = "the browser could not render them" if failed else None
        return RenderResult(rendered=rendered, failed=failed, reason=reason)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
