"""Leads and working records of a job.

Working records (state candidate, verified, rejected) are the engine's intermediate results;
lead rows (``entity_key`` ``lead:...``) are the job's deliverable, ``published`` in batches.
Every write is an upsert on ``(job_id, entity_key)``, so retried batches never duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, cast

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
from store.objects import LeadColumns, LeadObject
from store.pagination import Page, PageRequest, paginate_sorted
from store.repositories.privacy import suppressed_hashes
from store.tenancy import Tenant

LEAD_KEY_PREFIX = "lead:"
WORKING_STATES = [status.value for status in CandidateStatus]
RESOLVED = "resolved"
PUBLISHED = "published"
# Ids per IN (...) query: within every supported database's limit on bound parameters.
_IDS_PER_QUERY = 1000
# What the public lead object is built from.
PUBLIC_COLUMNS = (
    Lead.id,
    Lead.livemode,
    Lead.job_id,
    Lead.company,
    Lead.person,
    Lead.fields,
    Lead.sources,
    Lead.confidence,
)


def _row_values(job: Job, candidate: Candidate, **extra: Any) -> dict[str, Any]:
    now = utcnow()
    values = {
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
    values["public_json"] = public_json(cast("Lead", SimpleNamespace(**values)))
    return values


def public_json(row: Lead) -> str | None:
    """A lead row's public lead object as JSON (``Lead.public_json``), to store whenever the
    row's content is written; working records, never published, have none."""
    if not row.entity_key.startswith(LEAD_KEY_PREFIX):
        return None
    return LeadObject.payload_json(row)


async def _upsert(
    session: AsyncSession, rows: list[dict[str, Any]], *, keep_also: tuple[str, ...] = ()
) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Lead).values(rows)
    keep = {"id", "org_id", "livemode", "job_id", "entity_key", "created_at", *keep_also}
    changes = {name: statement.excluded[name] for name in rows[0] if name not in keep}
    await session.exec(
        statement.on_conflict_do_update(index_elements=["job_id", "entity_key"], set_=changes)
    )


async def upsert_candidates(
    session: AsyncSession, job: Job, candidates: Sequence[Candidate]
) -> None:
    """Write working records; the same key always lands on the same row. People (and
    domains) on the organization's suppression list are not even kept as working records.

    A working record's ``position`` is the number of the write that first found it (a lead's
    is its rank): a record is new to whoever last looked at what that number had reached."""
    suppressed = await suppressed_hashes(session, job.org_id, job.livemode)
    candidates = without_suppressed(candidates, suppressed)
    if not candidates:
        return
    found_no = 1 + await _writes_reached(session, job.id)
    rows = [
        _row_values(
            job,
            candidate,
            id=derived_id(Prefix.LEAD, as_utc(job.created_at), job.id, candidate.key),
            position=found_no,
        )
        for candidate in candidates
    ]
    await _upsert(session, rows, keep_also=("position",))


async def found_since(session: AsyncSession, job_id: str, after: int) -> tuple[list[str], int]:
    """The company records first written after write number ``after``, in the order they were
    found, and the number the writes have reached."""
    statement = (
        select(Lead.entity_key, Lead.position)
        .where(*_working(job_id), col(Lead.kind) == "company", col(Lead.position) > after)
        .order_by(col(Lead.position), col(Lead.entity_key))
    )
    found = list((await session.exec(statement)).all())
    return [key for key, _ in found], max(after, await _writes_reached(session, job_id))


async def _writes_reached(session: AsyncSession, job_id: str) -> int:
    reached = (await session.exec(select(func.max(Lead.position)).where(*_working(job_id)))).one()
    return int(reached or 0)


def _candidate(
    row: Lead, *, key: str | None = None, status: CandidateStatus | None = None
) -> Candidate:
    return Candidate.model_validate(
        {
            "key": key or row.entity_key,
            "company": row.company,
            "person": row.person,
            "role": row.role,
            "fields": row.fields,
            "sources": row.sources,
            "confidence": row.confidence,
            "status": status or row.state,
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


async def working_by_keys(
    session: AsyncSession, job_id: str, keys: Sequence[str]
) -> list[Candidate]:
    """A job's working company records with these keys, in the order given."""
    if not keys:
        return []
    statement = select(Lead).where(
        *_working(job_id), col(Lead.kind) == "company", col(Lead.entity_key).in_(list(keys))
    )
    rows = {row.entity_key: row for row in (await session.exec(statement)).all()}
    return [_candidate(rows[key]) for key in keys if key in rows]


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


def _published_candidate(row: Lead) -> Candidate:
    """A delivered lead as the engine's record (delivered leads are verified ones)."""
    return _candidate(
        row, key=row.entity_key.removeprefix(LEAD_KEY_PREFIX), status=CandidateStatus.VERIFIED
    )


# What a delivered lead's row says; a wave rewrites a row only when one of these changed.
_CONTENT = ("kind", "role", "company", "person", "fields", "sources", "evidence", "confidence")


async def deliver_wave(
    session: AsyncSession,
    job: Job,
    ranked: Sequence[Candidate],
    match: Callable[[Sequence[Candidate], Sequence[Candidate]], dict[int, int]],
    *,
    cap: int,
) -> tuple[list[str], int]:
    """Publish ``ranked`` (the job's leads as resolved now, best first) on top of what the job
    delivered before: a lead already delivered keeps its id and row and takes the new content,
    a new one is delivered (up to ``cap`` leads in all), and positions follow the new ranking.
    A delivered lead is never withdrawn. Returns the new leads' ids, in rank order, and how
    many delivered leads changed."""
    rows = list(
        (
            await session.exec(
                select(Lead)
                .where(col(Lead.job_id) == job.id, col(Lead.state) == PUBLISHED)
                .order_by(col(Lead.position))
            )
        ).all()
    )
    matched = match(ranked, [_published_candidate(row) for row in rows])
    room = max(0, cap - len(rows))
    created = as_utc(job.created_at)
    placed: list[tuple[Candidate, Lead | None]] = []
    for index, lead in enumerate(ranked):
        if index in matched:
            placed.append((lead, rows[matched[index]]))
        elif room > 0:
            placed.append((lead, None))
            room -= 1
    kept = {id(row) for _, row in placed if row is not None}
    # Delivered leads the new resolution no longer names stay delivered, after the others.
    placed += [(_published_candidate(row), row) for row in rows if id(row) not in kept]

    writes: list[dict[str, Any]] = []
    new_ids: list[str] = []
    updated = 0
    for position, (lead, row) in enumerate(placed):
        if row is None:
            sequence = len(rows) + len(new_ids)
            key = f"{LEAD_KEY_PREFIX}{lead.key}"
            lead_id = derived_id(
                Prefix.LEAD, created + timedelta(milliseconds=sequence), job.id, key
            )
            new_ids.append(lead_id)
            writes.append(
                _row_values(
                    job, lead, id=lead_id, entity_key=key, state=PUBLISHED, position=position
                )
            )
            continue
        values = _row_values(
            job, lead, id=row.id, entity_key=row.entity_key, state=PUBLISHED, position=position
        )
        changed = any(values[name] != getattr(row, name) for name in _CONTENT)
        if changed or row.position != position:
            updated += changed
            writes.append(values)
    for start in range(0, len(writes), 500):
        await _upsert(session, writes[start : start + 500])
    return new_ids, updated


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


async def published_json(session: AsyncSession, job_id: str, ids: Sequence[str]) -> dict[str, str]:
    """The public JSON of published leads of a job, by id: a stream replaying a large job
    sends thousands, and reads the JSON each was stored with instead of its columns. Rows
    stored without one (written before leads kept it) are rendered from their columns.

    Rows are looked up by primary key alone and checked here: given the job too, SQLite
    walks all of the job's leads for every batch of ids."""
    found: dict[str, str] = {}
    missing: list[str] = []
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        result = await session.exec(
            select(Lead.id, Lead.job_id, Lead.state, Lead.public_json).where(
                col(Lead.id).in_(wanted[start : start + _IDS_PER_QUERY])
            )
        )
        for lead_id, job, state, text in result.all():
            if job != job_id or state != PUBLISHED:
                continue
            if text is None:
                missing.append(lead_id)
            else:
                found[lead_id] = text
    for start in range(0, len(missing), _IDS_PER_QUERY):
        columns = select(*(col(column) for column in PUBLIC_COLUMNS))
        read = await session.exec(
            columns.where(col(Lead.id).in_(missing[start : start + _IDS_PER_QUERY]))
        )
        rows = cast("Sequence[LeadColumns]", read.all())
        found.update((row.id, LeadObject.payload_json(row)) for row in rows)
    return found


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
