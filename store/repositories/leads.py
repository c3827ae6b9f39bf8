"""Leads and working records of a job.

Working records (state candidate, verified, rejected) are the engine's intermediate results;
lead rows (``entity_key`` ``lead:...``) are the job's deliverable, ``published`` in batches.
Every write is an upsert on ``(job_id, entity_key)``, so retried batches never duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import as_utc, utcnow
from core.ids import Prefix, derived_id
from research.model import Candidate, CandidateStatus
from research.privacy import without_suppressed
from store.models import Job, Lead
from store.pagination import Page, PageRequest, paginate_sorted
from store.repositories.privacy import suppressed_hashes
from store.tenancy import Tenant

LEAD_KEY_PREFIX = "lead:"
WORKING_STATES = [status.value for status in CandidateStatus]
RESOLVED = "resolved"
PUBLISHED = "published"


def _row_values(job: Job, candidate: Candidate, **extra: Any) -> dict[str, Any]:
    now = utcnow()
    return {
        "org_id": job.org_id,
        "livemode": job.livemode,
        "job_id": job.id,
        "entity_key": candidate.key,
        "kind": "person" if candidate.person else "company",
        "state": candidate.status.value,
        "role": candidate.role,
        "company": candidate.company.model_dump(mode="json"),
        "person": candidate.person.model_dump(mode="json") if candidate.person else None,
        "fields": candidate.fields,
        "sources": [source.model_dump(mode="json") for source in candidate.sources],
        "evidence": candidate.evidence,
        "confidence": candidate.confidence,
        "created_at": now,
        "updated_at": now,
        **extra,
    }


async def _upsert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Lead).values(rows)
    keep = {"id", "org_id", "livemode", "job_id", "entity_key", "created_at"}
    changes = {name: statement.excluded[name] for name in rows[0] if name not in keep}
    await session.exec(
        statement.on_conflict_do_update(index_elements=["job_id", "entity_key"], set_=changes)
    )


async def upsert_candidates(
    session: AsyncSession, job: Job, candidates: Sequence[Candidate]
) -> None:
    """Write working records; the same key always lands on the same row. People (and
    domains) on the organization's suppression list are not even kept as working records."""
    suppressed = await suppressed_hashes(session, job.org_id, job.livemode)
    candidates = without_suppressed(candidates, suppressed)
    rows = [
        _row_values(
            job,
            candidate,
            id=derived_id(Prefix.LEAD, as_utc(job.created_at), job.id, candidate.key),
        )
        for candidate in candidates
    ]
    await _upsert(session, rows)


def _candidate(row: Lead) -> Candidate:
    return Candidate.model_validate(
        {
            "key": row.entity_key,
            "company": row.company,
            "person": row.person,
            "role": row.role,
            "fields": row.fields,
            "sources": row.sources,
            "confidence": row.confidence,
            "status": row.state,
            "evidence": row.evidence,
        }
    )


def _working(job_id: str) -> list[ColumnElement[bool]]:
    return [col(Lead.job_id) == job_id, col(Lead.state).in_(WORKING_STATES)]


async def working_page(
    session: AsyncSession, job_id: str, *, companies_only: bool, offset: int, limit: int
) -> list[Candidate]:
    """A stable page of a job's working records, by entity key."""
    statement = select(Lead).where(*_working(job_id))
    if companies_only:
        statement = statement.where(col(Lead.kind) == "company")
    statement = statement.order_by(col(Lead.entity_key)).offset(offset).limit(limit)
    return [_candidate(row) for row in (await session.exec(statement)).all()]


async def working_keys(session: AsyncSession, job_id: str) -> list[str]:
    """The entity keys a job has collected so far."""
    result = await session.exec(select(Lead.entity_key).where(*_working(job_id)))
    return list(result.all())


async def count_working(session: AsyncSession, job_id: str, *, companies_only: bool) -> int:
    """How many working records a step's batches will page through."""
    statement = select(func.count()).select_from(Lead).where(*_working(job_id))
    if companies_only:
        statement = statement.where(col(Lead.kind) == "company")
    return int((await session.exec(statement)).one())


async def count_records(
    session: AsyncSession,
    job_id: str,
    *,
    kind: str,
    states: Sequence[str],
    roles: Sequence[str] | None = None,
) -> int:
    """How many of a job's working records are of ``kind`` in ``states`` (and ``roles``)."""
    statement = (
        select(func.count())
        .select_from(Lead)
        .where(col(Lead.job_id) == job_id, col(Lead.kind) == kind, col(Lead.state).in_(states))
    )
    if roles is not None:
        statement = statement.where(col(Lead.role).in_(roles))
    return int((await session.exec(statement)).one())


async def all_working(session: AsyncSession, job_id: str) -> list[Candidate]:
    """Every working record of a job, by entity key."""
    statement = select(Lead).where(*_working(job_id)).order_by(col(Lead.entity_key))
    return [_candidate(row) for row in (await session.exec(statement)).all()]


async def write_resolved(session: AsyncSession, job: Job, leads: Sequence[Candidate]) -> int:
    """Replace the job's resolved leads; ids follow delivery order, so id order = row order."""
    created = as_utc(job.created_at)
    await session.exec(
        Lead.__table__.delete().where(  # type: ignore[attr-defined]
            col(Lead.job_id) == job.id, col(Lead.state).in_([RESOLVED, PUBLISHED])
        )
    )
    rows = []
    for position, lead in enumerate(leads):
        key = f"{LEAD_KEY_PREFIX}{lead.key}"
        at = created + timedelta(milliseconds=position)
        rows.append(
            _row_values(
                job,
                lead,
                id=derived_id(Prefix.LEAD, at, job.id, key),
                entity_key=key,
                state=RESOLVED,
                position=position,
            )
        )
    for start in range(0, len(rows), 500):
        await _upsert(session, rows[start : start + 500])
    return len(rows)


async def publish_positions(session: AsyncSession, job_id: str, start: int, stop: int) -> list[str]:
    """Make leads at positions [start, stop) queryable; returns their ids in order."""
    in_range = [
        col(Lead.job_id) == job_id,
        col(Lead.position) >= start,
        col(Lead.position) < stop,
        col(Lead.state).in_([RESOLVED, PUBLISHED]),
    ]
    await session.exec(update(Lead).where(*in_range).values(state=PUBLISHED, updated_at=utcnow()))
    result = await session.exec(select(Lead.id).where(*in_range).order_by(col(Lead.position)))
    return list(result.all())


async def published_by_ids(session: AsyncSession, job_id: str, ids: Sequence[str]) -> list[Lead]:
    """Published leads of a job by id, in the order given."""
    if not ids:
        return []
    result = await session.exec(
        select(Lead).where(
            col(Lead.job_id) == job_id, col(Lead.id).in_(list(ids)), col(Lead.state) == PUBLISHED
        )
    )
    by_id = {row.id: row for row in result.all()}
    return [by_id[lead_id] for lead_id in ids if lead_id in by_id]


async def all_published(session: AsyncSession, job_id: str) -> list[Lead]:
    """Every published lead of a job, in delivery order."""
    result = await session.exec(
        select(Lead)
        .where(col(Lead.job_id) == job_id, col(Lead.state) == PUBLISHED)
        .order_by(col(Lead.position))
    )
    return list(result.all())


async def count_published(session: AsyncSession, job_id: str) -> int:
    """How many leads a job has delivered."""
    result = await session.exec(
        select(func.count()).where(col(Lead.job_id) == job_id, col(Lead.state) == PUBLISHED)
    )
    return int(result.one())


def field_present(path: str) -> ColumnElement[bool]:
    """SQL for 'the lead has a value at ``path``' (company.x, person, person.x, fields.x)."""
    head, _, tail = path.partition(".")
    if head == "person" and not tail:
        return col(Lead.person).is_not(None)
    column = {"company": Lead.company, "person": Lead.person, "fields": Lead.fields}[head]
    return col(column)[tail].as_string().is_not(None)


# A job's leads list in these orders; rank is the artifact's ranking (positions are assigned
# in that order), created the order they were delivered in.
LEAD_ORDERS = ("rank", "-confidence", "confidence", "created")


async def published_page(
    session: AsyncSession,
    tenant: Tenant,
    job_id: str,
    page: PageRequest,
    *,
    min_confidence: float,
    has_fields: Sequence[str],
) -> Page[Lead]:
    """A page of a job's published leads, filtered."""
    statement = select(Lead).where(
        col(Lead.job_id) == job_id,
        col(Lead.org_id) == tenant.org_id,
        col(Lead.livemode) == tenant.livemode,
        col(Lead.state) == PUBLISHED,
    )
    if min_confidence > 0:
        statement = statement.where(col(Lead.confidence) >= min_confidence)
    for path in has_fields:
        statement = statement.where(field_present(path))
    sort, descending = {
        "rank": (col(Lead.position), False),
        "created": (col(Lead.created_at), False),
        "confidence": (col(Lead.confidence), False),
        "-confidence": (col(Lead.confidence), True),
    }.get(page.order, (col(Lead.position), False))
    return await paginate_sorted(
        session, statement, sort, col(Lead.id), page, descending=descending
    )
