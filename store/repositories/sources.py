"""The raw-source cache: retrieved public pages kept 30 days for audit and reuse."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from core.clock import as_utc, utcnow
from research.fetch.types import FetchedPage
from store.db import Database
from store.models import SourcePage


def url_hash(url: str) -> str:
    """The cache key of a URL."""
    return hashlib.sha256(url.encode()).hexdigest()


class SourceCache:
    """A ``PageCache`` in the database, shared by every worker process."""

    def __init__(self, database: Database, retention: timedelta = timedelta(days=30)) -> None:
        self.database = database
        self.retention = retention

    async def get(self, url: str) -> FetchedPage | None:
        """A cached page younger than the retention period."""
        async with self.database.transaction() as session:
            row = await session.get(SourcePage, url_hash(url))
        if row is None or as_utc(row.expires_at) <= utcnow():
            return None
        return FetchedPage(
            url=row.url,
            final_url=row.final_url,
            status=row.status,
            content_type=row.content_type,
            text=row.text,
            fetched_at=as_utc(row.fetched_at),
            rendered=row.rendered,
            from_cache=True,
        )

    async def put(self, page: FetchedPage) -> None:
        """Keep a page; a browser rendering is never replaced by a raw fetch of the same URL."""
        values = {
            "url_hash": url_hash(page.url),
            "url": page.url,
            "final_url": page.final_url,
            "status": page.status,
            "content_type": page.content_type[:200],
            "text": page.text,
            "rendered": page.rendered,
            "fetched_at": page.fetched_at,
            "expires_at": page.fetched_at + self.retention,
        }
        async with self.database.transaction() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(SourcePage).values(**values)
            update = {name: statement.excluded[name] for name in values if name != "url_hash"}
            await session.exec(
                statement.on_conflict_do_update(
                    index_elements=["url_hash"],
                    set_=update,
                    where=statement.excluded.rendered | ~col(SourcePage.rendered),
                )
            )

    async def purge_expired(self, as_of: datetime | None = None) -> int:
        """Delete pages past the retention period (as of ``as_of``); returns how many."""
        async with self.database.transaction() as session:
            expired = await session.exec(
                select(SourcePage.url_hash).where(col(SourcePage.expires_at) <= (as_of or utcnow()))
            )
            hashes = list(expired.all())
            if hashes:
                await session.exec(delete(SourcePage).where(col(SourcePage.url_hash).in_(hashes)))
        return len(hashes)
