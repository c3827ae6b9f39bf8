"""One durable workflow per webhook delivery: each attempt is an activity, each wait a timer,
so a worker or server restart loses nothing and one endpoint never delays another's."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows import names

with workflow.unsafe.imports_passed_through():
    from workflows.webhook_types import (
        AttemptRequest,
        AttemptResult,
        DeliveryInput,
        DeliveryResult,
    )

# The attempt itself is bounded at 10 s of HTTP; the rest is database work. Kept short: an
# attempt lost with its worker is retried only once this has passed.
ATTEMPT_TIMEOUT = timedelta(seconds=30)
# Retries of the activity cover the worker's own trouble (database down), not the receiver's.
ATTEMPT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=30,
    non_retryable_error_types=["DeliveryMissing"],
)


@workflow.defn(name=names.WEBHOOK_DELIVERY_WORKFLOW)
class WebhookDeliveryWorkflow:
    """Attempt, wait the schedule's next interval, attempt again; failed after the last."""

    @workflow.run
    async def run(self, request: DeliveryInput) -> DeliveryResult:
        """Deliver until an attempt succeeds, the delivery is cancelled or attempts run out."""
        waits = request.retry_schedule_seconds
        total = len(waits) + 1
        for number in range(1, total + 1):
            wait = waits[number - 1] if number < total else None
            outcome = await workflow.execute_activity(
                names.WEBHOOK_ATTEMPT_ACTIVITY,
                AttemptRequest(
                    delivery_id=request.delivery_id, number=number, retry_in_seconds=wait
                ),
                result_type=AttemptResult,
                task_queue=request.task_queue,
                start_to_close_timeout=ATTEMPT_TIMEOUT,
                retry_policy=ATTEMPT_RETRY,
            )
            if outcome.done:
                return DeliveryResult(status=outcome.status, attempts=number)
            if wait is not None:
                await workflow.sleep(timedelta(seconds=wait))
        return DeliveryResult(status="failed", attempts=total)
