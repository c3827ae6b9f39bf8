"""/v1/search: thread, plan, auto-approve and artifact in one call.

It holds no transaction while it waits: each phase commits on its own, and a prompt the
planner declines leaves no empty thread behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.artifacts import service as artifact_service
from api.auth import Principal
from api.jobs import service as job_service
from api.planning import TurnRequest, draft_turn
from api.search.schemas import SearchRequest
from api.temporal import TemporalGateway
from api.threads import service as thread_service
from api.threads.schemas import ThreadCreate
from core.config import Settings
from core.errors import LeadexError
from store.blobs import BlobStore
from store.db import Database
from store.models import Artifact, Job, Lead, Plan
from store.objects import ArtifactFormat, ArtifactObject
from store.repositories import artifacts, jobs, leads, plans, threads


@dataclass(frozen=True, slots=True)
class SearchState:
    """The job after the search returned."""

    job: Job
    plan: Plan
    leads: list[Lead]
    artifact: Artifact | None
    finished: bool


async def start(
    database: Database,
    principal: Principal,
    body: SearchRequest,
    *,
    temporal: TemporalGateway,
    settings: Settings,
) -> tuple[str, str]:
    """Create the thread, draft the plan and approve its job; returns (job id, plan id)."""
    tenant = principal.tenant
    title = " ".join(body.prompt.split())[:200]
    async with database.transaction() as session:
        thread = await thread_service.create(session, tenant, ThreadCreate(title=title))
    session = database.session()
    try:
        drafted = await draft_turn(
            session,
            database,
            principal,
            TurnRequest(
                thread_id=thread.id,
                content=body.prompt,
                hints={"max_rows": body.max_rows},
                auto_approve=True,
                prompt_param="prompt",
            ),
            temporal=temporal,
            settings=settings,
        )
        await job_service.approve(
            session,
            principal,
            drafted.job.id,
            max_credits=body.max_credits,
            webhook_url=None,
            temporal=temporal,
        )
        await session.commit()
        return drafted.job.id, drafted.plan.id
    except LeadexError:
        await session.rollback()
        async with database.transaction() as cleanup:
            orphan = await threads.get(cleanup, tenant, thread.id)
            if orphan is not None and orphan.message_count == 0:
                await threads.delete_thread(cleanup, orphan)
        raise
    finally:
        await session.close()


async def wait(
    database: Database,
    principal: Principal,
    job_id: str,
    plan_id: str,
    *,
    sync: bool,
    temporal: TemporalGateway,
    settings: Settings,
) -> SearchState:
    """The job's state, after waiting for it to end when ``sync``."""
    finished = False
    if sync:
        finished = await temporal.wait_until_ended(job_id, settings.search_sync_timeout_seconds)
    async with database.transaction() as session:
        job = await jobs.get(session, principal.tenant, job_id)
        plan = await plans.get(session, principal.tenant, plan_id)
        assert job is not None and plan is not None
        rows = await leads.all_published(session, job_id)
        artifact = await artifacts.for_job(session, job_id)
    return SearchState(job=job, plan=plan, leads=rows, artifact=artifact, finished=finished)


async def artifact_record(
    database: Database, blobs: BlobStore, settings: Settings, artifact_id: str
) -> ArtifactObject | None:
    """The CSV artifact object with a signed URL."""
    async with database.transaction() as session:
        artifact = await artifacts.get_by_id(session, artifact_id)
        if artifact is None:
            return None
        return await artifact_service.record(session, blobs, settings, artifact, "csv")


async def artifact_file(
    database: Database, blobs: BlobStore, artifact_id: str, fmt: ArtifactFormat
) -> artifact_service.Download:
    """The artifact's bytes in ``fmt``."""
    async with database.transaction() as session:
        return await artifact_service.download(session, blobs, artifact_id, fmt)
