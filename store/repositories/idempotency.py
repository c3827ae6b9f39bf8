"""Idempotency keys: one request acts per key; retries replay its stored response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from core.clock import as_utc, utcnow
from store.db import Database
from store.models import IdempotencyKey
from store.tenancy import Tenant

RETENTION = timedelta(hours=24)
# How long a claim may go unfinished before another request may take it over (a crashed
# process must not lock its key for a day).
LEASE = timedelta(seconds=60)


class Claimed(StrEnum):
    """What to do with a request carrying a key."""

    PROCEED = "proceed"
    REPLAY = "replay"
    IN_USE = "in_use"
    MISMATCH = "mismatch"
    OTHER_KEY = "other_key"


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a key, with the stored record."""

    outcome: Claimed
    record: IdempotencyKey


async def claim(
    database: Database,
    tenant: Tenant,
    key: str,
    *,
    api_key_id: str,
    method: str,
    path: str,
    request_hash: str,
) -> Claim:
    """Claim ``key`` for this request, atomically: exactly one concurrent request proceeds.

    A stored outcome belongs to the API key that produced it: another key of the same
    organization that sends the same Idempotency-Key never sees it.
    """
    now = utcnow()
    async with database.transaction() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        inserted = await session.exec(
            insert(IdempotencyKey)
            .values(
                org_id=tenant.org_id,
                livemode=tenant.livemode,
                key=key,
                api_key_id=api_key_id,
                method=method,
                path=path,
                request_hash=request_hash,
                status="in_progress",
                response_headers={},
                locked_until=now + LEASE,
                created_at=now,
                expires_at=now + RETENTION,
            )
            .on_conflict_do_nothing(index_elements=["org_id", "livemode", "key"])
            .returning(col(IdempotencyKey.id))
        )
        claimed_now = inserted.first() is not None
        record = (
            await session.exec(
                select(IdempotencyKey)
                .where(
                    col(IdempotencyKey.org_id) == tenant.org_id,
                    col(IdempotencyKey.livemode) == tenant.livemode,
                    col(IdempotencyKey.key) == key,
                )
                .with_for_update()
            )
        ).one()
        if claimed_now:
            return Claim(Claimed.PROCEED, record)
        if as_utc(record.expires_at) <= now:
            # Past its 24 hours the key is free again: this request starts afresh.
            _restart(record, api_key_id, method, path, request_hash, now)
            session.add(record)
            return Claim(Claimed.PROCEED, record)
        if record.api_key_id != api_key_id:
            return Claim(Claimed.OTHER_KEY, record)
        if (record.method, record.path, record.request_hash) != (method, path, request_hash):
            return Claim(Claimed.MISMATCH, record)
        if record.status == "done":
            return Claim(Claimed.REPLAY, record)
        if as_utc(record.locked_until) > now:
            return Claim(Claimed.IN_USE, record)
        taken = await session.exec(
            update(IdempotencyKey)
            .where(col(IdempotencyKey.id) == record.id, col(IdempotencyKey.locked_until) <= now)
            .values(locked_until=now + LEASE)
            # Decided by the database; SQLite's naive timestamps cannot be compared in Python.
            .execution_options(synchronize_session=False)
        )
        outcome = Claimed.PROCEED if taken.rowcount == 1 else Claimed.IN_USE
        return Claim(outcome, record)


def _restart(
    record: IdempotencyKey,
    api_key_id: str,
    method: str,
    path: str,
    request_hash: str,
    now: datetime,
) -> None:
    record.api_key_id = api_key_id
    record.method, record.path, record.request_hash = method, path, request_hash
    record.status = "in_progress"
    record.response_status = None
    record.response_headers = {}
    record.response_body = None
    record.locked_until = now + LEASE
    record.created_at = now
    record.expires_at = now + RETENTION


async def complete(
    database: Database, record_id: int, *, status: int, headers: dict[str, str], body: bytes
) -> None:
    """Store the response a successful request produced, for replays."""
    async with database.transaction() as session:
        await session.exec(
            update(IdempotencyKey)
            .where(col(IdempotencyKey.id) == record_id)
            .values(
                status="done",
                response_status=status,
                response_headers=headers,
                response_body=body,
            )
        )


async def release(database: Database, record_id: int) -> None:
    """Forget a claim whose request failed, so a corrected retry acts."""
    async with database.transaction() as session:
        await session.exec(delete(IdempotencyKey).where(col(IdempotencyKey.id) == record_id))


async def purge_expired(database: Database, as_of: datetime | None = None) -> int:
    """Delete keys past their 24 hours; returns how many."""
    async with database.transaction() as session:
        result = await session.exec(
            delete(IdempotencyKey).where(col(IdempotencyKey.expires_at) <= (as_of or utcnow()))
        )
        return int(result.rowcount or 0)
