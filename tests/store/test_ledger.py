"""The credit ledger: settlement books each job once and announces budget thresholds once."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from core.ids import Prefix, new_id
from store.db import Database
from store.models import CreditEntry, Event, Job, Organization
from store.repositories import ledger
from tests.support.stack import Stack


async def _finished_job(database: Database, org_id: str, thread_id: str, used: int) -> Job:
    job = Job(
        id=new_id(Prefix.JOB),
        org_id=org_id,
        livemode=True,
        thread_id=thread_id,
        plan_id=new_id(Prefix.PLAN),
        status="succeeded",
        credits_used=used,
    )
    async with database.transaction() as session:
        session.add(job)
        await session.flush()
        await ledger.hold(session, job, used)
    return job


async def _balance(database: Database, org_id: str) -> ledger.Balance:
    async with database.transaction() as session:
        row = await session.get(Organization, org_id)
        assert row is not None
        return await ledger.balance(session, row)


async def _settle(database: Database, job: Job, status: str, metered: int) -> None:
    async with database.transaction() as session:
        await ledger.settle_job(session, job, status=status, metered=metered)


async def test_settlement_warns_at_80_percent_and_records_the_ceiling_once(stack: Stack) -> None:
    org = await stack.new_org(tier="growth", credits=5000)
    async with stack.client(org.live) as client:
        thread = (await client.post("/v1/threads", json={})).json()
    await stack.execute(
        update(Organization).where(col(Organization.id) == org.org_id).values(budget_monthly=10)
    )
    database = Database(stack.database_url)
    try:
        first = await _finished_job(database, org.org_id, thread["id"], 7)
        await _settle(database, first, "succeeded", 7)
        after_first = await _types(stack, org.org_id)
        second = await _finished_job(database, org.org_id, thread["id"], 1)
        await _settle(database, second, "succeeded", 1)
        await _settle(database, second, "succeeded", 1)  # a retried activity books nothing more
        after_second = await _types(stack, org.org_id)
        third = await _finished_job(database, org.org_id, thread["id"], 3)
        await _settle(database, third, "succeeded", 3)
        fourth = await _finished_job(database, org.org_id, thread["id"], 1)
        await _settle(database, fourth, "succeeded", 1)
        balance = await _balance(database, org.org_id)
    finally:
        await database.dispose()
    assert after_first == [], "70% of the budget is below the warning"
    assert after_second == ["usage.budget.warning"]
    assert sorted(await _types(stack, org.org_id)) == [
        "usage.budget.exceeded",
        "usage.budget.warning",
    ]
    charges = await stack.query(
        select(CreditEntry).where(
            col(CreditEntry.job_id) == second.id, col(CreditEntry.kind) == "charge"
        )
    )
    assert [entry.amount for entry in charges] == [1]
    assert balance.used == 12 and balance.held == 0


async def test_a_failed_job_is_charged_and_refunded_to_zero(stack: Stack) -> None:
    org = await stack.new_org(tier="growth", credits=50)
    async with stack.client(org.live) as client:
        thread = (await client.post("/v1/threads", json={})).json()
    database = Database(stack.database_url)
    try:
        job = await _finished_job(database, org.org_id, thread["id"], 0)
        async with database.transaction() as session:
            await ledger.hold(session, job, 9)  # already held: the first hold stands
        await _settle(database, job, "failed", 6)
        balance = await _balance(database, org.org_id)
    finally:
        await database.dispose()
    rows = await stack.query(select(CreditEntry).where(col(CreditEntry.job_id) == job.id))
    assert {row.kind: row.amount for row in rows} == {
        "hold": 0,
        "charge": 6,
        "refund": 6,
    }
    assert balance.used == 0 and balance.remaining == 50


async def _types(stack: Stack, org_id: str) -> list[str]:
    rows = await stack.query(
        select(Event).where(col(Event.org_id) == org_id, col(Event.type).like("usage.budget.%"))
    )
    return [row.type for row in rows]
