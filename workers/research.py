"""Builds the research engine's parts from settings: guard, fetchers, search, engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from core.config import Settings
from research.engine import ResearchEngine
from research.fetch.fetcher import Fetcher
from research.fetch.guard import Guard, HostRules
from research.fetch.render import Renderer
from research.fetch.transport import trust_context
from research.live import LiveConfig, LiveEngine
from research.llm import build_llm
from research.search.providers import build_provider
from research.synthetic import SyntheticEngine
from store.db import Database
from store.repositories.sources import SourceCache

RAW_SOURCE_RETENTION = timedelta(days=30)


def host_rules(settings: Settings) -> HostRules:
    """The deployment's host-resolution overrides."""
    return HostRules.parse(settings.fetch_host_rules)


def guard_factory(settings: Settings) -> Callable[[], Guard]:
    """A fresh SSRF guard per use, from the allow-list, host rules and trusted CAs."""
    rules = host_rules(settings)
    # Built once: a missing or unreadable CA file stops the worker at start, not a job later.
    trust = trust_context(settings.fetch_ca_file)
    return lambda: Guard(list(settings.fetch_allow_networks), rules, ssl_context=trust)


def source_cache(database: Database, settings: Settings | None = None) -> SourceCache:
    """The shared raw-source cache (30 days unless configured)."""
    days = settings.source_retention_days if settings else RAW_SOURCE_RETENTION.days
    return SourceCache(database, timedelta(days=days))


def fetcher_factory(settings: Settings, cache: SourceCache) -> Callable[[], Fetcher]:
    """A polite, guarded fetcher reading through the source cache."""
    guards = guard_factory(settings)

    def make() -> Fetcher:
        return Fetcher(
            guards(),
            cache=cache,
            per_host_concurrency=settings.fetch_per_host_concurrency,
            per_host_delay=settings.fetch_per_host_delay_seconds,
            max_bytes=settings.fetch_max_bytes,
            timeout=settings.fetch_timeout_seconds,
            respect_robots=settings.fetch_respect_robots,
        )

    return make


def renderer_factory(settings: Settings) -> Callable[[], Renderer]:
    """A browser session on the system Chromium, guarded like the fetcher."""
    guards = guard_factory(settings)
    rules = host_rules(settings)
    return lambda: Renderer(guards(), rules, executable=settings.browser_executable)


def engine_factory(
    settings: Settings, cache: SourceCache | None = None
) -> Callable[[bool], ResearchEngine | None]:
    """Synthetic data for test mode; live research when a search backend is configured."""
    synthetic = SyntheticEngine()
    live: ResearchEngine | None = None
    if settings.search_provider and cache is not None:
        provider = build_provider(
            settings.search_provider,
            searxng_url=settings.searxng_url,
            brave_api_key=settings.brave_api_key,
            brave_endpoint=settings.brave_endpoint,
            host_rules=host_rules(settings),
            rate_per_second=settings.search_rate_per_second,
        )
        if provider is not None:
            _, claude = build_llm(settings)
            live = LiveEngine(
                provider,
                fetcher_factory(settings, cache),
                LiveConfig(
                    search_pages=settings.search_pages,
                    max_pages_per_company=settings.max_pages_per_company,
                ),
                extractor=claude,
                cache=cache,
            )

    def engines(livemode: bool) -> ResearchEngine | None:
        return live if livemode else synthetic

    return engines
