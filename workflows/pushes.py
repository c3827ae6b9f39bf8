"""CRM connections and pushes as workflows on the delivery queue: the API never calls a CRM,
and a push survives restarts, retrying batches as the provider's rate limits allow."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from workflows import names

with workflow.unsafe.imports_passed_through():
    from workflows.push_types import (
        BatchResult,
        ConnectInput,
        ConnectResult,
        PrepareResult,
        PushInput,
        PushOutcome,
        PushStepRequest,
    )

STEP_TIMEOUT = timedelta(minutes=5)
# A 429 comes back as a retryable error carrying the provider's Retry-After as the delay.
STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=2),
    maximum_attempts=12,
    non_retryable_error_types=["PushMissing", "PushRejected"],
)


@workflow.defn(name=names.CONNECT_WORKFLOW)
class ConnectWorkflow:
    """Exchange an OAuth code for tokens, in an activity."""

    @workflow.run
    async def run(self, request: ConnectInput) -> ConnectResult:
        """Store the connection."""
        return await workflow.execute_activity(
            names.CONNECT_ACTIVITY,
            request,
            result_type=ConnectResult,
            task_queue=request.task_queue,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )


@workflow.defn(name=names.PUSH_WORKFLOW)
class PushWorkflow:
    """Prepare (tokens, list), push the leads batch by batch, then record the outcome."""

    @workflow.run
    async def run(self, request: PushInput) -> PushOutcome:
        """Push, and end with the push's status and counts."""
        prepared = await workflow.execute_activity(
            names.PUSH_PREPARE_ACTIVITY,
            PushStepRequest(push_id=request.push_id),
            result_type=PrepareResult,
            task_queue=request.task_queue,
            start_to_close_timeout=STEP_TIMEOUT,
            retry_policy=STEP_RETRY,
        )
        if not prepared.ok:
            return PushOutcome(status="failed")
        total = BatchResult()
        failure: str | None = None
        for start in range(0, prepared.leads, request.batch_size):
            try:
                done = await workflow.execute_activity(
                    names.PUSH_BATCH_ACTIVITY,
                    PushStepRequest(
                        push_id=request.push_id,
                        start=start,
                        stop=min(prepared.leads, start + request.batch_size),
                    ),
                    result_type=BatchResult,
                    task_queue=request.task_queue,
                    start_to_close_timeout=STEP_TIMEOUT,
                    heartbeat_timeout=timedelta(seconds=60),
                    retry_policy=STEP_RETRY,
                )
            except ActivityError as error:
                # Out of retries: the push ends failed with what it did, never stuck running.
                cause = str(error.cause) if error.cause is not None else str(error)
                failure = f"The push stopped after {start} leads: {cause}"
                break
            total.created += done.created
            total.updated += done.updated
            total.skipped += done.skipped
            total.errors += done.errors
        return await workflow.execute_activity(
            names.PUSH_FINISH_ACTIVITY,
            PushStepRequest(
                push_id=request.push_id,
                created=total.created,
                updated=total.updated,
                skipped=total.skipped,
                failure=failure,
            ),
            result_type=PushOutcome,
            task_queue=request.task_queue,
            start_to_close_timeout=STEP_TIMEOUT,
            retry_policy=STEP_RETRY,
        )
