"""Fetch and extract pages once per batch, remembering which ones need a browser and which
ones were read by the rules alone because Claude failed."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from research.extract import extract_page
from research.extract.types import PageFacts
from research.fetch import Fetcher, FetchError, needs_rendering
from research.fetch.types import FetchedPage
from research.live.outages import Outages
from research.progress import RULES_ONLY_PAGES

EXTRACTION_CACHE = 4096


@dataclass(frozen=True, slots=True)
class Read:
    """A fetched page and what it says."""

    page: FetchedPage
    facts: PageFacts


Fallback = Callable[[str], None]
"""Told why, when an extractor fell back to the rule-based reading of a page."""


class PageExtractor(Protocol):
    """Turns a page into facts: the rule-based extractor, or Claude with grounding."""

    async def extract(
        self,
        url: str,
        html: str,
        *,
        fetched_at: datetime | None = None,
        on_fallback: Fallback | None = None,
    ) -> PageFacts:
        """The page's facts; ``on_fallback`` hears why when they are the rules' alone."""
        ...


class RuleExtractor:
    """The deterministic extractor, off the event loop (parsing is CPU-bound)."""

    async def extract(
        self,
        url: str,
        html: str,
        *,
        fetched_at: datetime | None = None,
        on_fallback: Fallback | None = None,
    ) -> PageFacts:
        """The page's facts (the rules never fall back)."""
        return await asyncio.to_thread(extract_page, url, html, fetched_at=fetched_at)


class ExtractionCache:
    """Parsed pages by (url, body) so repeated steps do not parse again; a local speed-up only."""

    def __init__(
        self, extractor: PageExtractor | None = None, size: int = EXTRACTION_CACHE
    ) -> None:
        self.extractor = extractor or RuleExtractor()
        self.rules = RuleExtractor()
        self.size = size
        self._items: OrderedDict[tuple[str, int, bool], PageFacts] = OrderedDict()

    async def facts(self, page: FetchedPage, outages: Outages | None = None) -> PageFacts:
        """The extraction of ``page``, computed once (in a thread: parsing is CPU-bound).

        When the extractor falls back to the rules, ``outages`` counts the page and only the
        batch keeps the reading, so a later batch asks again.
        """
        key = (page.final_url, hash(page.text), page.rendered)
        cached = self._items.get(key)
        if cached is not None:
            self._items.move_to_end(key)
            return cached
        if outages is None:
            outages = Outages()
        if key in outages.rules_only:
            return outages.rules_only[key]
        facts, fell_back = await self._extract(page, outages)
        if fell_back:
            outages.rules_only[key] = facts
            return facts
        self._items[key] = facts
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return facts

    async def _extract(self, page: FetchedPage, outages: Outages) -> tuple[PageFacts, bool]:
        """The extractor's reading of ``page``, and whether it is the rules' alone (counted in
        ``outages``). After a few fallbacks in a row, the rules read without asking."""
        if (why := outages.given_up(RULES_ONLY_PAGES)) is not None:
            outages.went_without(RULES_ONLY_PAGES, why)
            facts = await self.rules.extract(page.final_url, page.text, fetched_at=page.fetched_at)
            return facts, True
        fallbacks: list[str] = []
        facts = await self.extractor.extract(
            page.final_url, page.text, fetched_at=page.fetched_at, on_fallback=fallbacks.append
        )
        if fallbacks:
            outages.failed(RULES_ONLY_PAGES, fallbacks[0])
            return facts, True
        outages.answered(RULES_ONLY_PAGES)
        return facts, False


@dataclass
class PageReader:
    """Reads pages for one batch; collects the JavaScript-only ones for the browser queue."""

    fetcher: Fetcher
    cache: ExtractionCache
    after_render: bool = False
    renders: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    outages: Outages = field(default_factory=Outages)

    async def read(self, url: str) -> Read | None:
        """The page and its facts, or None when it cannot be fetched."""
        try:
            page = await self.fetcher.fetch(url)
        except FetchError as error:
            self.failures[url] = error.reason
            return None
        wants_browser = not page.rendered and not self.after_render and needs_rendering(page)
        if wants_browser and url not in self.renders:
            self.renders.append(url)
        return Read(page=page, facts=await self.cache.facts(page, self.outages))

    async def read_many(self, urls: list[str], concurrency: int = 8) -> list[Read]:
        """Read several pages concurrently, in the given order, skipping failures."""
        gate = asyncio.Semaphore(concurrency)

        async def one(url: str) -> Read | None:
            async with gate:
                return await self.read(url)

        results = await asyncio.gather(*(one(url) for url in urls))
        return [result for result in results if result is not None]
