"""What the fetcher returns, and the cache it reads through."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, Field


class FetchedPage(BaseModel):
    """A retrieved document, decoded to text."""

    url: str = Field(description="The URL asked for.")
    final_url: str = Field(description="Where redirects ended.")
    status: int
    content_type: str
    text: str = Field(description="The body decoded with its declared or detected charset.")
    fetched_at: datetime
    rendered: bool = Field(default=False, description="Produced by the browser, not httpx.")
    from_cache: bool = False


class FetchError(Exception):
    """A URL could not be fetched; ``reason`` is one of the REASONS."""

    REASONS = (
        "blocked",  # the SSRF guard refused the address
        "robots",  # robots.txt disallows it
        "too_large",
        "timeout",
        "http_error",  # 4xx/5xx
        "unsupported",  # not http(s), not text
        "network",
        "certificate",  # the server's TLS certificate did not verify
        "too_many_redirects",
    )

    def __init__(self, url: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {url} {detail}".strip())
        self.url = url
        self.reason = reason
        self.detail = detail


class PageCache(Protocol):
    """Raw sources kept for the retention period, so a retried activity does not refetch."""

    async def get(self, url: str) -> FetchedPage | None:
        """A fresh cached page for ``url``, if any."""
        ...

    async def put(self, page: FetchedPage) -> None:
        """Keep ``page``."""
        ...
