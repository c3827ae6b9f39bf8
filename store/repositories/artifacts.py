"""Artifacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Artifact
from store.pagination import Page, PageRequest, paginate
from store.tenancy import Tenant


async def get(session: AsyncSession, tenant: Tenant, artifact_id: str) -> Artifact | None:
    """The tenant's artifact with this id, if any."""
    result = await session.exec(
        select(Artifact).where(
            col(Artifact.id) == artifact_id,
            col(Artifact.org_id) == tenant.org_id,
            col(Artifact.livemode) == tenant.livemode,
        )
    )
    return result.first()


async def get_by_id(session: AsyncSession, artifact_id: str) -> Artifact | None:
    """An artifact by id alone (signed downloads carry no key)."""
    return await session.get(Artifact, artifact_id)


async def for_job(session: AsyncSession, job_id: str) -> Artifact | None:
    """The job's artifact, if it has one."""
    result = await session.exec(select(Artifact).where(col(Artifact.job_id) == job_id))
    return result.first()


async def for_jobs(session: AsyncSession, job_ids: list[str]) -> dict[str, Artifact]:
    """The artifacts of several jobs, by job id."""
    if not job_ids:
        return {}
    result = await session.exec(select(Artifact).where(col(Artifact.job_id).in_(job_ids)))
    return {artifact.job_id: artifact for artifact in result.all()}


async def list_page(
    session: AsyncSession, tenant: Tenant, page: PageRequest, *, shareable: bool | None
) -> Page[Artifact]:
    """The tenant's artifacts, optionally only the shareable (or private) ones."""
    statement = select(Artifact).where(
        col(Artifact.org_id) == tenant.org_id, col(Artifact.livemode) == tenant.livemode
    )
    if shareable is not None:
        statement = statement.where(col(Artifact.shareable).is_(shareable))
    return await paginate(session, statement, col(Artifact.id), page)


async def due_for_purge(session: AsyncSession, as_of: datetime, limit: int) -> list[Artifact]:
    """Artifacts whose retention period ended by ``as_of`` and whose files are still kept."""
    result = await session.exec(
        select(Artifact)
        .where(col(Artifact.purge_after) <= as_of, col(Artifact.purged_at).is_(None))
        .order_by(col(Artifact.purge_after))
        .limit(limit)
    )
    return list(result.all())


async def mark_purged(session: AsyncSession, artifact_id: str, at: datetime) -> None:
    """Record that an artifact's files are gone (its row, and the job's leads, stay)."""
    await session.exec(
        update(Artifact)
        .where(col(Artifact.id) == artifact_id)
        .values(purged_at=at)
        .execution_options(synchronize_session=False)
    )
