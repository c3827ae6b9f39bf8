"""Retention and deletion activities: files, raw sources and bookkeeping past their time."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.privacy import PrivacyActivities
from core.clock import as_utc, utcnow
from store.blobs import BlobStore
from store.db import Database
from store.repositories import (
    artifacts,
    deletions,
    idempotency,
    privacy,
    ratelimits,
    webhooks,
)
from store.repositories.deletions import artifact_folder
from store.repositories.sources import SourceCache
from workflows import names
from workflows.retention_types import (
    DeletionRequest,
    DeletionResult,
    RetentionRequest,
    RetentionResult,
)

PURGE_BATCH = 200
# A deletion whose own workflow has not finished it after this long is finished by the sweep
# (the API process may have died between its commit and starting the workflow).
DELETION_GRACE = timedelta(minutes=15)
RATE_WINDOW_KEEP = timedelta(hours=1)
# The spec keeps webhook delivery logs 30 days.
WEBHOOK_LOG_RETENTION = timedelta(days=30)


class RetentionActivities:
    """The purges; every one is idempotent, so a retry after a crash simply finishes it."""

    def __init__(
        self,
        database: Database,
        blobs: BlobStore,
        sources: SourceCache,
        privacy: PrivacyActivities | None = None,
    ) -> None:
        self.database = database
        self.blobs = blobs
        self.sources = sources
        self.privacy = privacy

    @activity.defn(name=names.PURGE_DELETION_ACTIVITY)
    async def purge_deletion(self, request: DeletionRequest) -> DeletionResult:
        """Delete a deleted thread's artifact files, then its events, then mark it done."""
        async with self.database.transaction() as session:
            deletion = await deletions.get(session, request.deletion_id)
        if deletion is None:
            if activity.info().attempt < 5:
                # The API commits the deletion right after asking for this run.
                raise ApplicationError(f"Deletion {request.deletion_id} is not visible yet")
            return DeletionResult(deletion_id=request.deletion_id, found=False)
        return await self._finish(deletion.id)

    async def _finish(self, deletion_id: str) -> DeletionResult:
        async with self.database.transaction() as session:
            deletion = await deletions.get(session, deletion_id)
        if deletion is None:
            return DeletionResult(deletion_id=deletion_id, found=False)
        if deletion.completed_at is not None:
            return DeletionResult(deletion_id=deletion_id, found=True)
        blobs = 0
        for prefix in deletion.blob_prefixes:
            activity.heartbeat(prefix)
            blobs += await self.blobs.delete_prefix(prefix)
        async with self.database.transaction() as session:
            events = await deletions.forget_events(session, deletion)
            await deletions.complete(session, deletion.id)
        return DeletionResult(deletion_id=deletion.id, found=True, blobs=blobs, events=events)

    @activity.defn(name=names.RETENTION_SWEEP_ACTIVITY)
    async def sweep(self, request: RetentionRequest) -> RetentionResult:
        """Purge artifact files past their retention, raw sources past 30 days, expired
        idempotency keys and old rate counters, and finish deletions left unfinished."""
        as_of = as_utc(request.as_of) if request.as_of else utcnow()
        result = RetentionResult()
        while True:
            async with self.database.transaction() as session:
                due = await artifacts.due_for_purge(session, as_of, PURGE_BATCH)
            for artifact in due:
                activity.heartbeat(artifact.id)
                result.blobs += await self.blobs.delete_prefix(artifact_folder(artifact))
                async with self.database.transaction() as session:
                    await artifacts.mark_purged(session, artifact.id, as_of)
                result.artifacts += 1
            if len(due) < PURGE_BATCH:
                break
        result.sources = await self.sources.purge_expired(as_of)
        result.idempotency_keys = await idempotency.purge_expired(self.database, as_of)
        minute = int((as_of - RATE_WINDOW_KEEP).timestamp() // 60)
        result.rate_windows = await ratelimits.purge_stale(self.database, minute)
        async with self.database.transaction() as session:
            result.webhook_deliveries = await webhooks.purge_before(
                session, as_of - WEBHOOK_LOG_RETENTION
            )
        async with self.database.transaction() as session:
            stuck = await deletions.pending(session, as_of - DELETION_GRACE, PURGE_BATCH)
        for deletion in stuck:
            activity.heartbeat(deletion.id)
            await self._finish(deletion.id)
            result.deletions += 1
        if self.privacy is not None:
            async with self.database.transaction() as session:
                unstarted = await privacy.pending_erasures(
                    session, as_of - DELETION_GRACE, PURGE_BATCH
                )
            for erasure in unstarted:
                activity.heartbeat(erasure.id)
                await self.privacy.carry_out(erasure.id)
                result.erasures += 1
        return result
