"""Erasures, suppressions, and finding where a person is stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Text, cast, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import utcnow
from core.ids import Prefix, new_id
from research.privacy import Subject
from store.models import Erasure, IdempotencyKey, Job, Lead, SourcePage, Suppression
from store.pagination import Page, PageRequest, paginate
from store.repositories import events
from store.tenancy import Tenant


async def get_erasure(session: AsyncSession, tenant: Tenant, erasure_id: str) -> Erasure | None:
    """The tenant's erasure with this id, if any."""
    statement = select(Erasure).where(
        Erasure.id == erasure_id,
        Erasure.org_id == tenant.org_id,
        Erasure.livemode == tenant.livemode,
    )
    return (await session.exec(statement)).first()


async def erasure_by_id(session: AsyncSession, erasure_id: str) -> Erasure | None:
    """An erasure by id alone, for the worker that carries it out."""
    return await session.get(Erasure, erasure_id)


async def list_erasures(session: AsyncSession, tenant: Tenant, page: PageRequest) -> Page[Erasure]:
    """The tenant's erasures (its privacy audit log)."""
    statement = select(Erasure).where(
        Erasure.org_id == tenant.org_id, Erasure.livemode == tenant.livemode
    )
    return await paginate(session, statement, col(Erasure.id), page)


async def pending_erasures(
    session: AsyncSession, requested_before: datetime, limit: int
) -> list[Erasure]:
    """Erasures not finished although requested before ``requested_before``."""
    statement = (
        select(Erasure)
        .where(col(Erasure.completed_at).is_(None), col(Erasure.requested_at) < requested_before)
        .order_by(col(Erasure.requested_at))
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def record_erasure(
    session: AsyncSession, tenant: Tenant, subject: Subject, sealed: str, requested_by: str
) -> Erasure:
    """Add a pending erasure (the identifier's hash, the subject sealed until it ends) and
    the event that records the request."""
    erasure = Erasure(
        id=new_id(Prefix.ERASURE),
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        kind=subject.kind,
        identifier_hash=subject.identifier_hash,
        sealed_subject=sealed,
        requested_by=requested_by,
    )
    session.add(erasure)
    await session.flush()
    events.record(
        session,
        tenant,
        "privacy.erasure.requested",
        {
            "object": "erasure",
            "id": erasure.id,
            "kind": erasure.kind,
            "identifier_hash": erasure.identifier_hash,
        },
    )
    return erasure


async def complete_erasure(session: AsyncSession, erasure_id: str, counts: dict[str, int]) -> None:
    """Mark an erasure done and forget what it was looking for."""
    await session.exec(
        update(Erasure)
        .where(col(Erasure.id) == erasure_id)
        .values(status="succeeded", counts=counts, completed_at=utcnow(), sealed_subject=None)
        .execution_options(synchronize_session=False)
    )


async def reseal(session: AsyncSession, erasure_id: str, sealed: str) -> None:
    """Keep what an erasure learned about its subject (still sealed)."""
    await session.exec(
        update(Erasure)
        .where(col(Erasure.id) == erasure_id)
        .values(sealed_subject=sealed)
        .execution_options(synchronize_session=False)
    )


async def add_suppression(
    session: AsyncSession,
    tenant: Tenant,
    kind: str,
    value_hash: str,
    *,
    erasure_id: str | None = None,
    created_by: str | None = None,
) -> Suppression:
    """The tenant's suppression of ``value_hash``, added unless it is already there."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.exec(
        insert(Suppression)
        .values(
            id=new_id(Prefix.SUPPRESSION),
            org_id=tenant.org_id,
            livemode=tenant.livemode,
            kind=kind,
            value_hash=value_hash,
            erasure_id=erasure_id,
            created_by=created_by,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["org_id", "livemode", "value_hash"])
    )
    statement = select(Suppression).where(
        Suppression.org_id == tenant.org_id,
        Suppression.livemode == tenant.livemode,
        Suppression.value_hash == value_hash,
    )
    return (await session.exec(statement)).one()


async def get_suppression(
    session: AsyncSession, tenant: Tenant, suppression_id: str
) -> Suppression | None:
    """The tenant's suppression with this id, if any."""
    statement = select(Suppression).where(
        Suppression.id == suppression_id,
        Suppression.org_id == tenant.org_id,
        Suppression.livemode == tenant.livemode,
    )
    return (await session.exec(statement)).first()


async def list_suppressions(
    session: AsyncSession, tenant: Tenant, page: PageRequest, *, value_hash: str | None = None
) -> Page[Suppression]:
    """The tenant's suppression list, or the entry for one hash."""
    statement = select(Suppression).where(
        Suppression.org_id == tenant.org_id, Suppression.livemode == tenant.livemode
    )
    if value_hash is not None:
        statement = statement.where(Suppression.value_hash == value_hash)
    return await paginate(session, statement, col(Suppression.id), page)


async def suppressed_hashes(session: AsyncSession, org_id: str, livemode: bool) -> set[str]:
    """Every hash on the tenant's suppression list."""
    statement = select(Suppression.value_hash).where(
        Suppression.org_id == org_id, Suppression.livemode == livemode
    )
    return set((await session.exec(statement)).all())


def _mentions(
    column: ColumnElement[object] | object, terms: Sequence[str]
) -> list[ColumnElement[bool]]:
    text = cast(column, Text)
    return [text.ilike(f"%{term}%") for term in terms]


async def person_rows(session: AsyncSession, tenant: Tenant, subject: Subject) -> list[Lead]:
    """The tenant's records (any job, any state) that name the subject.

    The database narrows by email or domain; the subject's own hashes decide.
    """
    needles = [*([subject.email] if subject.email else []), *subject.domains()]
    if not needles:
        return []
    statement = select(Lead).where(
        Lead.org_id == tenant.org_id,
        Lead.livemode == tenant.livemode,
        col(Lead.person).is_not(None),
        or_(*_mentions(Lead.person, needles), *_mentions(Lead.company, needles)),
    )
    rows = (await session.exec(statement)).all()
    return [row for row in rows if subject.matches(row.person, row.company)]


async def find_person(session: AsyncSession, tenant: Tenant, subject: Subject) -> list[Lead]:
    """The subject's records, teaching the subject how it is stored as it goes: what the
    first pass learns (the name behind an email) finds the records under that alone."""
    rows: list[Lead] = []
    for _ in range(2):
        rows = await person_rows(session, tenant, subject)
        for row in rows:
            subject.learn(row.person or {}, row.company, row.fields)
    return rows


async def job_rows(session: AsyncSession, job_id: str) -> list[Lead]:
    """Every record of a job."""
    return list((await session.exec(select(Lead).where(Lead.job_id == job_id))).all())


async def jobs_of(session: AsyncSession, job_ids: Sequence[str]) -> dict[str, Job]:
    """Jobs by id."""
    if not job_ids:
        return {}
    found = await session.exec(select(Job).where(col(Job.id).in_(list(job_ids))))
    return {job.id: job for job in found.all()}


async def cached_pages(session: AsyncSession, urls: Sequence[str]) -> list[SourcePage]:
    """The source cache's pages for these URLs."""
    if not urls:
        return []
    found = await session.exec(select(SourcePage).where(col(SourcePage.url).in_(list(urls))))
    return list(found.all())


async def forget_pages(session: AsyncSession, terms: Sequence[str]) -> int:
    """Delete every cached page whose address or text mentions one of ``terms``."""
    if not terms:
        return 0
    result = await session.exec(
        delete(SourcePage).where(
            or_(*_mentions(SourcePage.text, terms), *_mentions(SourcePage.url, terms))
        )
    )
    return int(result.rowcount or 0)


async def forget_responses(session: AsyncSession, tenant: Tenant, subject: Subject) -> int:
    """Delete kept idempotent responses of the tenant that mention the subject."""
    statement = select(IdempotencyKey).where(
        IdempotencyKey.org_id == tenant.org_id,
        IdempotencyKey.livemode == tenant.livemode,
        col(IdempotencyKey.response_body).is_not(None),
    )
    doomed = [
        record.id
        for record in (await session.exec(statement)).all()
        if subject.mentioned_in((record.response_body or b"").decode("utf-8", errors="replace"))
    ]
    if doomed:
        await session.exec(delete(IdempotencyKey).where(col(IdempotencyKey.id).in_(doomed)))
    return len(doomed)
