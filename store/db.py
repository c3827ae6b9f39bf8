"""Engines and sessions for SQLite (aiosqlite) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession


def _normalized(url: str | URL, *, use_async: bool) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite" if use_async else "sqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"Unsupported database URL {parsed.render_as_string(hide_password=True)!r}")


def async_url(url: str) -> URL:
    """The URL with the async driver for its backend."""
    return _normalized(url, use_async=True)


def sync_url(url: str) -> URL:
    """The URL with the sync driver for its backend (migrations, CLI)."""
    return _normalized(url, use_async=False)


def is_sqlite(url: str | URL) -> bool:
    """Whether the URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the folder a SQLite file lives in."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(sync_engine: Any) -> None:
    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy own transactions (BEGIN below) instead of the driver's implicit ones.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten rows are zeroed in the file, so an erasure leaves no copy.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so concurrent writers wait on busy_timeout
        # instead of failing when a deferred read lock cannot be upgraded.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> AsyncEngine:
    """An async engine for the URL, tuned for its backend."""
    ensure_sqlite_directory(url)
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_async_engine(target, connect_args={"timeout": 15})
        _configure_sqlite(engine.sync_engine)
        return engine
    return create_async_engine(target, pool_size=10, max_overflow=20, pool_pre_ping=True)


class ReclaimBusy(Exception):
    """Readers kept the write-ahead log from being emptied; try again later."""


def _checkpoint(path: str, attempts: int) -> None:
    with contextlib.closing(sqlite3.connect(path, timeout=15)) as connection:
        for _ in range(attempts):
            busy, _log, _moved = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            time.sleep(0.2)
    raise ReclaimBusy(f"the write-ahead log of {path} is still in use")


async def reclaim(database: Database, attempts: int = 50) -> None:
    """Move committed pages into the SQLite file and empty its write-ahead log, so erased
    values survive nowhere in the database's files (deleted rows are zeroed on delete).

    PostgreSQL reclaims dead rows with autovacuum; nothing to do here.
    """
    parsed = make_url(database.url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    await asyncio.to_thread(_checkpoint, str(parsed.database), attempts)


class Database:
    """An engine and its session factory; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )

    def session(self) -> AsyncSession:
        """A new session; the caller commits or rolls back."""
        return self._sessions()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session committed on success and rolled back on error."""
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                # Shielded: a cancelled caller (a client gone mid-request) must still release
                # its transaction, or SQLite's write lock outlives it.
                await asyncio.shield(session.rollback())
                raise

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
