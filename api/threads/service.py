"""Thread operations."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from api.temporal import TemporalGateway
from api.threads.schemas import ThreadCreate, ThreadUpdate
from core.clock import utcnow
from core.errors import ConflictError, NotFoundError, UnprocessableError
from core.ids import Prefix, new_id
from store.models import Deletion, Thread
from store.objects import ThreadObject, dump
from store.pagination import Page, PageRequest
from store.repositories import deletions, events, jobs, threads
from store.tenancy import Tenant

ACTIVE_JOB_STATUSES = ["running"]


async def create(session: AsyncSession, tenant: Tenant, body: ThreadCreate) -> Thread:
    """Create an empty thread."""
    thread = Thread(
        id=new_id(Prefix.THREAD),
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        title=body.title,
        meta=body.metadata or {},
    )
    session.add(thread)
    await session.flush()
    events.record(session, tenant, "thread.created", dump(ThreadObject.from_row(thread)))
    return thread


async def get(session: AsyncSession, tenant: Tenant, thread_id: str) -> Thread:
    """The thread, or a 404 that names it."""
    thread = await threads.get(session, tenant, thread_id)
    if thread is None:
        raise NotFoundError(
            f"Thread {thread_id} was not found in your organization.", param="thread_id"
        )
    return thread


async def list_threads(
    session: AsyncSession,
    tenant: Tenant,
    page: PageRequest,
    *,
    q: str | None,
    has_job_status: list[str] | None,
) -> Page[Thread]:
    """A page of threads, most recent first by default."""
    return await threads.list_page(session, tenant, page, q=q, job_statuses=has_job_status)


async def update(
    session: AsyncSession, tenant: Tenant, thread_id: str, body: ThreadUpdate
) -> Thread:
    """Change the title and merge metadata; a metadata value of "" removes its key."""
    thread = await get(session, tenant, thread_id)
    fields = body.model_fields_set
    if "title" in fields:
        thread.title = body.title
    if "metadata" in fields:
        merged = dict(thread.meta or {})
        for key, value in (body.metadata or {}).items():
            if value == "":
                merged.pop(key, None)
            else:
                merged[key] = value
        if len(merged) > 50:
            raise UnprocessableError(
                "Invalid value for 'metadata': the thread would have more than 50 pairs.",
                param="metadata",
            )
        thread.meta = merged
    thread.updated_at = utcnow()
    session.add(thread)
    return thread


async def delete(
    session: AsyncSession,
    tenant: Tenant,
    thread_id: str,
    *,
    force: bool,
    temporal: TemporalGateway,
) -> tuple[Thread, Deletion]:
    """Delete a thread with every row under it; running jobs block unless forced.

    The rows go in this transaction; the artifact files and the thread's events go in a
    durable workflow started once it commits (``Deletion`` says what is left to remove).
    """
    thread = await get(session, tenant, thread_id)
    running = await jobs.in_thread_with_status(session, tenant, thread_id, ACTIVE_JOB_STATUSES)
    if running and not force:
        ids = ", ".join(job.id for job in running)
        raise ConflictError(
            f"Thread {thread_id} has running jobs ({ids}). Stop them first, "
            "or pass ?force=true to stop them as part of the delete.",
            param="force",
        )
    for job in running:
        await temporal.terminate_job(job.id, f"thread {thread_id} deleted with force=true")
    payload = dump(ThreadObject.from_row(thread))
    deletion = await deletions.record(session, thread)
    await threads.delete_thread(session, thread)
    events.record(session, tenant, "thread.deleted", payload)
    return thread, deletion
