"""Rate-limit counters and stream leases, in the database so every API process shares them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from core.clock import utcnow
from core.ids import Prefix, new_id
from store.db import Database
from store.models import RateWindow, StreamLease

STREAM_LEASE = timedelta(seconds=60)


async def hit(database: Database, org_id: str, minute: int) -> int:
    """Count one request in the organization's current minute; returns the count so far."""
    async with database.transaction() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(RateWindow).values(org_id=org_id, minute=minute, count=1)
        counted = await session.exec(
            statement.on_conflict_do_update(
                index_elements=["org_id", "minute"],
                set_={"count": RateWindow.__table__.c["count"] + 1},  # type: ignore[attr-defined]
            ).returning(col(RateWindow.count))
        )
        count = int(counted.scalar_one())
        if count == 1:
            # The first request of a minute tidies away the org's older windows.
            await session.exec(
                delete(RateWindow).where(
                    col(RateWindow.org_id) == org_id, col(RateWindow.minute) < minute - 1
                )
            )
        return count


async def open_stream(database: Database, org_id: str, limit: int) -> str | None:
    """Take a stream lease, or None when the organization has ``limit`` open already."""
    now = utcnow()
    async with database.transaction() as session:
        await session.exec(delete(StreamLease).where(col(StreamLease.expires_at) <= now))
        active = (
            await session.exec(
                select(func.count())
                .select_from(StreamLease)
                .where(col(StreamLease.org_id) == org_id)
            )
        ).one()
        if active >= limit:
            return None
        lease = StreamLease(id=new_id(Prefix.STREAM), org_id=org_id, expires_at=now + STREAM_LEASE)
        session.add(lease)
        return lease.id


async def renew_stream(database: Database, lease_id: str) -> None:
    """Keep a live stream's lease from expiring."""
    async with database.transaction() as session:
        lease = await session.get(StreamLease, lease_id)
        if lease is not None:
            lease.expires_at = utcnow() + STREAM_LEASE
            session.add(lease)


async def close_stream(database: Database, lease_id: str) -> None:
    """Give a stream's lease back."""
    async with database.transaction() as session:
        await session.exec(delete(StreamLease).where(col(StreamLease.id) == lease_id))


async def purge_stale(database: Database, before_minute: int) -> int:
    """Delete request counters of minutes before ``before_minute`` (idle organizations')."""
    async with database.transaction() as session:
        result = await session.exec(
            delete(RateWindow).where(col(RateWindow.minute) < before_minute)
        )
        return int(result.rowcount or 0)
