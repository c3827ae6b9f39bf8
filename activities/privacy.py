"""Erasure activities: find a person, erase them from every job and the source cache, and
keep them out of future jobs. Each is idempotent, so a retry after a crash finishes the work."""

from __future__ import annotations

import json

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.jobs import JobActivities, _heartbeating
from core.sealing import Sealer
from research.privacy import Subject, scrub
from store import db as store_db
from store.blobs import BlobStore
from store.db import Database
from store.exports import render_xlsx
from store.models import Erasure, Lead, Plan
from store.repositories import artifacts, events, jobs, leads
from store.repositories import privacy as repo
from store.tenancy import Tenant
from workflows import names
from workflows.privacy_types import (
    ErasureFinish,
    ErasureRequest,
    ErasureResult,
    ErasureSurvey,
    JobErased,
    JobErasure,
    SourcesErased,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCRUBBED_COLUMNS = ("company", "person", "fields", "sources", "evidence")


def tenant_of(erasure: Erasure) -> Tenant:
    """The organization and mode an erasure applies to."""
    return Tenant(org_id=erasure.org_id, livemode=erasure.livemode)


class PrivacyActivities:
    """The erasure's steps."""

    def __init__(self, database: Database, blobs: BlobStore, sealer: Sealer) -> None:
        self.database = database
        self.blobs = blobs
        self.sealer = sealer

    async def _subject(self, erasure_id: str) -> tuple[Erasure | None, Subject | None]:
        """The erasure and whom it is about; no subject once it has completed."""
        async with self.database.transaction() as session:
            erasure = await repo.erasure_by_id(session, erasure_id)
        if erasure is None or erasure.sealed_subject is None:
            return erasure, None
        subject = Subject.model_validate_json(self.sealer.open(erasure.sealed_subject))
        return erasure, subject

    async def carry_out(self, erasure_id: str) -> ErasureResult:
        """Every step in one go, for the retention sweep to finish an erasure whose run was
        never started (the API process died between its commit and the start)."""
        request = ErasureRequest(erasure_id=erasure_id, task_queue="")
        survey = await self.survey(request)
        records = artifacts_rewritten = 0
        for job_id in survey.job_ids:
            erased = await self.erase_job(JobErasure(erasure_id=erasure_id, job_id=job_id))
            records += erased.records
            artifacts_rewritten += 1 if erased.artifact_rewritten else 0
        sources = await self.erase_sources(request)
        return await self.finish(
            ErasureFinish(
                erasure_id=erasure_id,
                records=max(records, survey.records),
                jobs=len(survey.job_ids),
                artifacts=artifacts_rewritten,
                pages=sources.pages,
            )
        )

    @activity.defn(name=names.ERASURE_SURVEY_ACTIVITY)
    async def survey(self, request: ErasureRequest) -> ErasureSurvey:
        """Find the jobs that hold the person, learn how they are stored, and suppress them
        at once, so a job delivering meanwhile already leaves them out."""
        async with _heartbeating():
            erasure, subject = await self._subject(request.erasure_id)
            if erasure is None:
                if activity.info().attempt < 5:
                    # The API commits the erasure right after asking for this run.
                    raise ApplicationError(f"Erasure {request.erasure_id} is not visible yet")
                return ErasureSurvey(erasure_id=request.erasure_id, found=False)
            if subject is None:
                return ErasureSurvey(erasure_id=erasure.id, found=True)
            tenant = tenant_of(erasure)
            async with self.database.transaction() as session:
                rows = await repo.find_person(session, tenant, subject)
                await repo.reseal(session, erasure.id, self.sealer.seal(subject.model_dump_json()))
                for value_hash in subject.targets():
                    await repo.add_suppression(
                        session,
                        tenant,
                        subject.kind if value_hash == subject.identifier_hash else "name",
                        value_hash,
                        erasure_id=erasure.id,
                        created_by=erasure.requested_by,
                    )
            job_ids = sorted({row.job_id for row in rows})
            return ErasureSurvey(
                erasure_id=erasure.id, found=True, job_ids=job_ids, records=len(rows)
            )

    @activity.defn(name=names.ERASURE_JOB_ACTIVITY)
    async def erase_job(self, request: JobErasure) -> JobErased:
        """Delete the person's records in one job, scrub mentions from the others, and
        rewrite the job's artifact files from what remains."""
        async with _heartbeating():
            erasure, subject = await self._subject(request.erasure_id)
            result = JobErased(job_id=request.job_id)
            if erasure is None or subject is None:
                return result
            terms = subject.terms()
            async with self.database.transaction() as session:
                job = await jobs.get_by_id(session, request.job_id, for_update=True)
                if job is None or job.org_id != erasure.org_id or job.livemode != erasure.livemode:
                    return result
                for row in await repo.job_rows(session, job.id):
                    if subject.matches(row.person, row.company):
                        await session.delete(row)
                        result.records += 1
                    elif _scrub_row(row, terms):
                        session.add(row)
                        result.scrubbed += 1
            activity.heartbeat(request.job_id)
            result.artifact_rewritten = await self._rewrite_artifact(request.job_id)
            return result

    async def _rewrite_artifact(self, job_id: str) -> bool:
        """Render the job's artifact files again from its remaining leads."""
        async with self.database.transaction() as session:
            job = await jobs.get_by_id(session, job_id)
            plan = await session.get(Plan, job.plan_id) if job else None
            artifact = await artifacts.for_job(session, job_id)
        if job is None or plan is None or artifact is None or artifact.purged_at is not None:
            return False
        # The job's own renderer, so a rewritten artifact is exactly what the job would write.
        renderer = JobActivities(self.database, self.blobs, lambda _livemode: None)
        fresh, _ = await renderer._write_artifact(job, plan, partial=artifact.partial)
        xlsx_bytes = None
        if artifact.xlsx_key:
            table = json.loads(
                await self.blobs.get(fresh.csv_key.rsplit("/", 1)[0] + "/table.json")
            )
            data = render_xlsx(table["columns"], table["rows"])
            await self.blobs.put(artifact.xlsx_key, data, XLSX_TYPE)
            xlsx_bytes = len(data)
        async with self.database.transaction() as session:
            stored = await artifacts.for_job(session, job_id)
            if stored is None:
                return False
            stored.rows = fresh.rows
            stored.bytes = fresh.bytes
            stored.columns = fresh.columns
            stored.json_bytes = fresh.json_bytes
            if xlsx_bytes is not None:
                stored.xlsx_bytes = xlsx_bytes
            session.add(stored)
        return True

    @activity.defn(name=names.ERASURE_SOURCES_ACTIVITY)
    async def erase_sources(self, request: ErasureRequest) -> SourcesErased:
        """Delete cached pages that mention the person (the cache refills from the web)."""
        async with _heartbeating():
            _, subject = await self._subject(request.erasure_id)
            if subject is None:
                return SourcesErased()
            async with self.database.transaction() as session:
                return SourcesErased(pages=await repo.forget_pages(session, subject.terms()))

    @activity.defn(name=names.ERASURE_FINISH_ACTIVITY)
    async def finish(self, request: ErasureFinish) -> ErasureResult:
        """Drop kept responses that mention the person, write the audit entry with the
        identifier's hash, forget the subject, and leave no copy in the database's files."""
        async with _heartbeating():
            erasure, subject = await self._subject(request.erasure_id)
            if erasure is None:
                return ErasureResult(erasure_id=request.erasure_id, found=False)
            if subject is None:
                return ErasureResult(erasure_id=erasure.id, found=True, **erasure.counts)
            tenant = tenant_of(erasure)
            async with self.database.transaction() as session:
                responses = await repo.forget_responses(session, tenant, subject)
                counts = {
                    "records": request.records,
                    "jobs": request.jobs,
                    "artifacts": request.artifacts,
                    "pages": request.pages,
                    "responses": responses,
                    "suppressions": len(subject.targets()),
                }
                await repo.complete_erasure(session, erasure.id, counts)
                events.record(
                    session,
                    tenant,
                    "privacy.erasure.completed",
                    {
                        "object": "erasure",
                        "id": erasure.id,
                        "kind": erasure.kind,
                        "identifier_hash": erasure.identifier_hash,
                        **counts,
                    },
                )
            await store_db.reclaim(self.database)
            return ErasureResult(erasure_id=erasure.id, found=True, **counts)


def _scrub_row(row: Lead, terms: list[str]) -> bool:
    """Replace mentions of ``terms`` in a record's values (and its public JSON, rendered
    again from them); whether anything changed."""
    changed = False
    for column in SCRUBBED_COLUMNS:
        value = getattr(row, column)
        cleaned = scrub(value, terms)
        if cleaned != value:
            setattr(row, column, cleaned)
            changed = True
    if changed:
        row.public_json = leads.public_json(row)
    return changed
