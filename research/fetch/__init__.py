"""Fetching the web safely: the SSRF guard, guarded transports, the fetcher and the renderer."""

from research.fetch.fetcher import DEFAULT_USER_AGENT, Fetcher, decode_body, needs_rendering
from research.fetch.guard import BlockedAddress, Guard, HostRule, HostRules, blocked_reason
from research.fetch.render import Renderer
from research.fetch.transport import (
    guarded_client,
    guarded_transport,
    parse_retry_after,
    ruled_client,
    ruled_transport,
    trust_context,
)
from research.fetch.types import FetchedPage, FetchError, PageCache

__all__ = [
    "DEFAULT_USER_AGENT",
    "BlockedAddress",
    "FetchError",
    "FetchedPage",
    "Fetcher",
    "Guard",
    "HostRule",
    "HostRules",
    "PageCache",
    "Renderer",
    "blocked_reason",
    "decode_body",
    "guarded_client",
    "guarded_transport",
    "needs_rendering",
    "parse_retry_after",
    "ruled_client",
    "ruled_transport",
    "trust_context",
]
