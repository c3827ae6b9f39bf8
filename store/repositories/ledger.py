"""The credit ledger. A live job holds credits when approved; when it ends the hold is
released and what it used is charged (a failed job's use is charged and refunded, so the
refund shows). Test mode never touches the ledger.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import as_utc, utcnow
from core.ids import Prefix, new_id
from store.models import CreditEntry, Job, Organization
from store.repositories import events
from store.tenancy import Tenant

WARNING_SHARE = 0.8


def month_of(day: date) -> tuple[date, date]:
    """The calendar month (the billing period) holding ``day``, inclusive."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    begin = datetime(start.year, start.month, start.day, tzinfo=UTC)
    return begin, datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Balance:
    """An organization's credits in the current period."""

    included: int
    rollover: int
    used: int
    held: int
    budget: int | None

    @property
    def remaining(self) -> int:
        """What may still be spent: included plus rollover, minus used and held."""
        return self.included + self.rollover - self.used - self.held


_SIGNED = case(
    (col(CreditEntry.kind) == "charge", col(CreditEntry.amount)),
    (col(CreditEntry.kind) == "refund", -col(CreditEntry.amount)),
    else_=0,
)
_HELD = case(
    (col(CreditEntry.kind) == "hold", col(CreditEntry.amount)),
    (col(CreditEntry.kind) == "release", -col(CreditEntry.amount)),
    else_=0,
)


async def balance(session: AsyncSession, org: Organization, today: date | None = None) -> Balance:
    """Used (this period) and held credits of an organization's live jobs."""
    start, end = month_of(today or utcnow().date())
    begin, finish = _bounds(start, end)
    used = (
        await session.exec(
            select(func.coalesce(func.sum(_SIGNED), 0)).where(
                col(CreditEntry.org_id) == org.id,
                col(CreditEntry.livemode).is_(True),
                col(CreditEntry.created_at) >= begin,
                col(CreditEntry.created_at) < finish,
            )
        )
    ).one()
    held = (
        await session.exec(
            select(func.coalesce(func.sum(_HELD), 0)).where(
                col(CreditEntry.org_id) == org.id, col(CreditEntry.livemode).is_(True)
            )
        )
    ).one()
    return Balance(
        included=org.credits_included,
        rollover=org.credits_rollover,
        used=int(used),
        held=int(held),
        budget=org.budget_monthly,
    )


async def _entry(
    session: AsyncSession, job: Job, kind: str, amount: int, key_id: str | None = None
) -> None:
    """One entry per job and kind: a retried activity never books twice."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.exec(
        insert(CreditEntry)
        .values(
            id=new_id(Prefix.CREDIT_ENTRY),
            org_id=job.org_id,
            livemode=job.livemode,
            job_id=job.id,
            thread_id=job.thread_id,
            key_id=key_id or job.approved_by_key_id,
            kind=kind,
            amount=amount,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["job_id", "kind"])
    )


async def hold(session: AsyncSession, job: Job, amount: int) -> None:
    """Reserve credits for a live job being approved."""
    await _entry(session, job, "hold", amount)


async def settle(session: AsyncSession, job: Job, *, held: int, used: int, refunded: int) -> None:
    """Release the job's hold and book what it used (and any refund)."""
    if held:
        await _entry(session, job, "release", held)
    if used:
        await _entry(session, job, "charge", used)
    if refunded:
        await _entry(session, job, "refund", refunded)


async def held_for(session: AsyncSession, job_id: str) -> int:
    """What a job holds now."""
    value = (
        await session.exec(
            select(func.coalesce(func.sum(_HELD), 0)).where(col(CreditEntry.job_id) == job_id)
        )
    ).one()
    return int(value)


@dataclass(frozen=True, slots=True)
class Usage:
    """Credits used in a date range, with jobs by outcome and optional groups."""

    used: int
    jobs: dict[str, int]
    groups: list[tuple[str, int, int]]  # (key, credits, jobs)


async def usage(
    session: AsyncSession,
    org_id: str,
    livemode: bool,
    start: date,
    end: date,
    group_by: str | None,
) -> Usage:
    """Usage between two dates (inclusive), grouped by day, thread or key."""
    begin, finish = _bounds(start, end)
    entries = (
        await session.exec(
            select(CreditEntry).where(
                col(CreditEntry.org_id) == org_id,
                col(CreditEntry.livemode) == livemode,
                col(CreditEntry.created_at) >= begin,
                col(CreditEntry.created_at) < finish,
                col(CreditEntry.kind).in_(["charge", "refund"]),
            )
        )
    ).all()
    finished = (
        await session.exec(
            select(Job).where(
                col(Job.org_id) == org_id,
                col(Job.livemode) == livemode,
                col(Job.finished_at) >= begin,
                col(Job.finished_at) < finish,
            )
        )
    ).all()
    jobs = dict.fromkeys(("succeeded", "failed", "stopped"), 0)
    credits: dict[str, int] = defaultdict(int)
    members: dict[str, set[str]] = defaultdict(set)
    for job in finished:
        if job.status in jobs and job.approved_at is not None:
            jobs[job.status] += 1
            # A job counts in its group even when it cost nothing (test mode, a failure).
            key = _group_key(group_by, job.finished_at, job.thread_id, job.approved_by_key_id)
            credits[key] += 0
            members[key].add(job.id)
    for entry in entries:
        amount = entry.amount if entry.kind == "charge" else -entry.amount
        key = _group_key(group_by, entry.created_at, entry.thread_id, entry.key_id)
        credits[key] += amount
        if entry.job_id:
            members[key].add(entry.job_id)
    groups = [(key, credits[key], len(members[key])) for key in sorted(credits)] if group_by else []
    return Usage(used=sum(credits.values()), jobs=jobs, groups=groups)


def _group_key(
    group_by: str | None, at: datetime | None, thread_id: str | None, key_id: str | None
) -> str:
    if group_by == "day":
        return as_utc(at).date().isoformat() if at else "none"
    if group_by == "thread":
        return thread_id or "none"
    if group_by == "user":
        return key_id or "none"
    return "all"


async def budget_event(
    session: AsyncSession, *, org_id: str, kind: str, used: int, budget: int
) -> None:
    """usage.budget.warning / .exceeded, once per organization and month."""
    month = utcnow().strftime("%Y-%m")
    payload = {
        "object": "budget",
        "id": None,
        "organization": org_id,
        "period": month,
        "monthly_credits": budget,
        "used": used,
    }
    await events.record_once(
        session,
        Tenant(org_id=org_id, livemode=True),
        f"usage.budget.{kind}",
        payload,
        dedupe_key=f"{org_id}:{month}:budget:{kind}",
    )


async def settle_job(session: AsyncSession, job: Job, *, status: str, metered: int) -> None:
    """Book a finished live job: release its hold, charge its use, refund a failure, and
    announce budget thresholds it crossed."""
    held = await held_for(session, job.id)
    if status == "failed":
        await settle(session, job, held=held, used=metered, refunded=metered)
    else:
        await settle(session, job, held=held, used=job.credits_used, refunded=0)
    org = await session.get(Organization, job.org_id)
    if org is None or org.budget_monthly is None:
        return
    spent = (await balance(session, org)).used
    if spent >= org.budget_monthly:
        await budget_event(
            session, org_id=org.id, kind="exceeded", used=spent, budget=org.budget_monthly
        )
    elif spent >= WARNING_SHARE * org.budget_monthly:
        await budget_event(
            session, org_id=org.id, kind="warning", used=spent, budget=org.budget_monthly
        )
