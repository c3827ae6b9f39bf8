"""Retention: an hourly sweep purging what the spec keeps for a while only, and the
deletion of a thread's files once its rows are gone."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows import names
from workflows.retention_types import (
    DeletionRequest,
    DeletionResult,
    RetentionRequest,
    RetentionResult,
)

# The deletion row is committed just after the workflow is asked for; a few retries cover the
# gap, and a row that never appears (the delete was rolled back) ends the run with nothing done.
PURGE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=30,
)


@workflow.defn(name=names.THREAD_DELETION_WORKFLOW)
class ThreadDeletionWorkflow:
    """Deletes a deleted thread's artifact files and events; retried until done."""

    @workflow.run
    async def run(self, request: DeletionRequest) -> DeletionResult:
        """Run the purge activity; it is idempotent, so a retry after a crash finishes it."""
        return await workflow.execute_activity(
            names.PURGE_DELETION_ACTIVITY,
            request,
            task_queue=request.task_queue,
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=PURGE_RETRY,
            result_type=DeletionResult,
        )


@workflow.defn(name=names.RETENTION_WORKFLOW)
class RetentionWorkflow:
    """One sweep; a Temporal Schedule starts it every hour."""

    @workflow.run
    async def run(self, request: RetentionRequest) -> RetentionResult:
        """Purge by the request's clock, or by the sweep's own start time."""
        as_of = request.as_of or workflow.now()
        return await workflow.execute_activity(
            names.RETENTION_SWEEP_ACTIVITY,
            request.model_copy(update={"as_of": as_of}),
            task_queue=request.task_queue,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(minutes=1),
            retry_policy=RetryPolicy(maximum_attempts=3),
            result_type=RetentionResult,
        )
