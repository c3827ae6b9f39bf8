"""Web search providers for the discovery steps."""

from research.search.providers import (
    BraveProvider,
    SearchError,
    SearchProvider,
    SearchResult,
    SearxngProvider,
    TokenBucket,
    build_provider,
    normalize_results,
)

__all__ = [
    "BraveProvider",
    "SearchError",
    "SearchProvider",
    "SearchResult",
    "SearxngProvider",
    "TokenBucket",
    "build_provider",
    "normalize_results",
]
