"""Deleted threads' leftovers: the files, and the events that described the thread."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import utcnow
from core.ids import Prefix, new_id
from store.models import Artifact, Deletion, Event, Job, Message, Plan, Thread

KEPT_EVENT_TYPES = ("thread.deleted",)


def artifact_folder(artifact: Artifact) -> str:
    """The blob folder holding every file of an artifact (CSV, JSON, XLSX, table)."""
    return artifact.csv_key.rsplit("/", 1)[0]


async def record(session: AsyncSession, thread: Thread) -> Deletion:
    """Note what a thread leaves behind outside its rows, before the rows go."""
    job_ids = list(
        (await session.exec(select(Job.id).where(col(Job.thread_id) == thread.id))).all()
    )
    plan_ids = list(
        (await session.exec(select(Plan.id).where(col(Plan.thread_id) == thread.id))).all()
    )
    message_ids = list(
        (await session.exec(select(Message.id).where(col(Message.thread_id) == thread.id))).all()
    )
    found = (
        (await session.exec(select(Artifact).where(col(Artifact.job_id).in_(job_ids)))).all()
        if job_ids
        else []
    )
    deletion = Deletion(
        id=new_id(Prefix.DELETION),
        org_id=thread.org_id,
        livemode=thread.livemode,
        thread_id=thread.id,
        blob_prefixes=[artifact_folder(artifact) for artifact in found],
        object_ids=[thread.id, *job_ids, *plan_ids, *message_ids, *(a.id for a in found)],
    )
    session.add(deletion)
    return deletion


async def get(session: AsyncSession, deletion_id: str) -> Deletion | None:
    """A deletion by id."""
    return await session.get(Deletion, deletion_id)


async def pending(session: AsyncSession, requested_before: datetime, limit: int) -> list[Deletion]:
    """Deletions not finished although requested before ``requested_before``, oldest first."""
    result = await session.exec(
        select(Deletion)
        .where(col(Deletion.completed_at).is_(None), col(Deletion.requested_at) < requested_before)
        .order_by(col(Deletion.requested_at))
        .limit(limit)
    )
    return list(result.all())


async def forget_events(session: AsyncSession, deletion: Deletion) -> int:
    """Delete the events about the thread's objects (its deletion event stays)."""
    ids = deletion.object_ids
    if not ids:
        return 0
    job_ids = [object_id for object_id in ids if object_id.startswith(f"{Prefix.JOB.value}_")]
    about = col(Event.object_id).in_(ids)
    # Job events deduplicated per job carry the job id in their key (lead batches have no id).
    keyed = [col(Event.dedupe_key).startswith(f"{job_id}:") for job_id in job_ids]
    result = await session.exec(
        delete(Event).where(
            col(Event.org_id) == deletion.org_id,
            col(Event.type).not_in(KEPT_EVENT_TYPES),
            or_(about, *keyed),
        )
    )
    return int(result.rowcount or 0)


async def complete(session: AsyncSession, deletion_id: str, at: datetime | None = None) -> None:
    """Mark a deletion finished."""
    await session.exec(
        update(Deletion)
        .where(col(Deletion.id) == deletion_id)
        .values(completed_at=at or utcnow())
        .execution_options(synchronize_session=False)
    )
