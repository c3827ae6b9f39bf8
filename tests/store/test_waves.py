"""Delivery in waves: a lead keeps the id it was delivered under, a late duplicate updates it,
a retried wave delivers nothing twice, and nothing delivered is withdrawn."""

from __future__ import annotations

import json

from sqlmodel import col, select

from activities.privacy import _scrub_row
from core.ids import Prefix, new_id
from research.model import Candidate, CandidateStatus, CompanyFacts, PersonFacts
from research.resolve import match_delivered
from store.db import Database
from store.models import Job, Lead
from store.objects import LeadObject, dump
from store.repositories import leads
from tests.support.stack import Stack


def _company(domain: str, name: str, *aliases: str) -> CompanyFacts:
    return CompanyFacts(name=name, domain=domain, aliases=list(aliases))


def _lead(key: str, company: CompanyFacts, person: str | None = None, title: str = "") -> Candidate:
    return Candidate(
        key=key,
        company=company,
        person=PersonFacts(full_name=person, title=title or None) if person else None,
        role="vp_eng" if person else None,
        confidence=0.8,
        status=CandidateStatus.VERIFIED,
    )


ACME = _company("acme.com", "Acme")
JANE = _lead("pe:acme.com:jane", ACME, "Jane Roe", "VP Engineering")
BETA = _lead("co:beta.io", _company("beta.io", "Beta"))
GAMMA = _lead("co:gamma.dev", _company("gamma.dev", "Gamma"))


async def _job(stack: Stack, database: Database) -> Job:
    org = await stack.new_org(tier="growth", credits=5000)
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={})).json()
    job = Job(
        id=new_id(Prefix.JOB),
        org_id=org.org_id,
        livemode=False,
        thread_id=thread["id"],
        plan_id=new_id(Prefix.PLAN),
        status="running",
    )
    async with database.transaction() as session:
        session.add(job)
    return job


async def _wave(
    database: Database, job: Job, ranked: list[Candidate], cap: int = 10
) -> tuple[list[str], int]:
    async with database.transaction() as session:
        return await leads.deliver_wave(session, job, ranked, match_delivered, cap=cap)


async def _rows(database: Database, job: Job) -> list[Lead]:
    async with database.transaction() as session:
        statement = select(Lead).where(col(Lead.job_id) == job.id).order_by(col(Lead.position))
        return list((await session.exec(statement)).all())


async def test_a_late_duplicate_updates_the_lead_delivered_earlier(stack: Stack) -> None:
    database = Database(stack.database_url)
    try:
        job = await _job(stack, database)
        first, updated = await _wave(database, job, [JANE, BETA])
        assert len(first) == 2 and updated == 0

        # The same person found again under the company's other domain, with a fuller title.
        moved = _company("acme.io", "Acme", "acme.com")
        again = _lead("pe:acme.io:jane", moved, "Jane Roe", "VP Engineering & Platform")
        second, updated = await _wave(database, job, [again, GAMMA, BETA])
        assert updated == 1
        assert len(second) == 1

        rows = await _rows(database, job)
        assert [row.id for row in rows] == [first[0], second[0], first[1]]  # the new ranking
        jane = rows[0]
        assert jane.person is not None
        assert jane.person["title"] == "VP Engineering & Platform"
        assert jane.entity_key == "lead:pe:acme.com:jane"  # the row it was delivered as
        assert all(row.state == leads.PUBLISHED for row in rows)

        # A retried wave delivers and changes nothing.
        assert await _wave(database, job, [again, GAMMA, BETA]) == ([], 0)
        assert len(await _rows(database, job)) == 3
    finally:
        await database.dispose()


async def test_waves_stop_at_the_cap_and_never_withdraw_a_lead(stack: Stack) -> None:
    database = Database(stack.database_url)
    try:
        job = await _job(stack, database)
        delivered, _ = await _wave(database, job, [JANE, BETA], cap=3)
        extra = _lead("co:delta.ai", _company("delta.ai", "Delta"))
        more, _ = await _wave(database, job, [GAMMA, extra, JANE], cap=3)
        assert len(more) == 1  # room for one more lead only
        rows = await _rows(database, job)
        assert {row.id for row in rows} == {*delivered, *more}
        # Beta is no longer named, yet it stays delivered, ranked after the leads named now.
        assert rows[-1].entity_key == "lead:co:beta.io"
    finally:
        await database.dispose()


def _stored_json_is_the_models_dump(rows: list[Lead]) -> bool:
    return all(
        row.public_json is not None
        and json.loads(row.public_json) == dump(LeadObject.from_row(row))
        for row in rows
    )


async def test_a_leads_stored_json_follows_its_publish_update_and_erasure(stack: Stack) -> None:
    database = Database(stack.database_url)
    try:
        job = await _job(stack, database)
        first, _ = await _wave(database, job, [JANE, BETA])
        assert _stored_json_is_the_models_dump(await _rows(database, job))

        fuller = _lead("pe:acme.com:jane", ACME, "Jane Roe", "VP Engineering & Platform")
        _, updated = await _wave(database, job, [fuller, BETA])
        rows = await _rows(database, job)
        assert updated == 1 and _stored_json_is_the_models_dump(rows)
        assert "VP Engineering & Platform" in (rows[0].public_json or "")

        async with database.transaction() as session:
            jane = await session.get(Lead, first[0])
            assert jane is not None and _scrub_row(jane, ["Jane Roe"])
            session.add(jane)
        rows = await _rows(database, job)
        assert _stored_json_is_the_models_dump(rows)
        assert "Jane Roe" not in (rows[0].public_json or "")

        async with database.transaction() as session:
            texts = await leads.published_json(session, job.id, [first[1], first[0], "lead_x"])
        assert texts == {row.id: row.public_json for row in rows}
    finally:
        await database.dispose()


async def test_a_lead_stored_without_json_is_rendered_from_its_columns(stack: Stack) -> None:
    database = Database(stack.database_url)
    try:
        job = await _job(stack, database)
        [lead_id], _ = await _wave(database, job, [JANE])
        async with database.transaction() as session:
            row = await session.get(Lead, lead_id)
            assert row is not None
            stored, row.public_json = row.public_json, None
            session.add(row)
        async with database.transaction() as session:
            texts = await leads.published_json(session, job.id, [lead_id])
        # The same object (PostgreSQL's JSONB may hand back a column's keys in another order).
        assert stored is not None and list(texts) == [lead_id]
        assert json.loads(texts[lead_id]) == json.loads(stored)
    finally:
        await database.dispose()


def test_matching_prefers_keys_then_a_shared_domain_and_person() -> None:
    delivered = [JANE, BETA]
    other_person = _lead("pe:acme.com:john", ACME, "John Doe")
    renamed = _lead("co:beta-labs.io", _company("beta-labs.io", "Beta", "beta.io"))
    assert match_delivered([BETA, other_person, renamed], delivered) == {0: 1}
    assert match_delivered([other_person, renamed], delivered) == {1: 1}
    same_name = _lead("pe:acme.org:jane", _company("acme.org", "ACME"), "Jane  Roe")
    assert match_delivered([same_name], delivered) == {0: 0}
