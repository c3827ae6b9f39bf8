"""A schedule's run: one per firing of the schedule's Temporal Schedule (or a trigger)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows import names
from workflows.schedule_types import (
    AwaitJobRequest,
    AwaitJobResult,
    ScheduleRunInput,
    ScheduleRunOutcome,
    StartRunRequest,
)

# The start activity is idempotent per run (keyed by this workflow's id), so retrying a
# transient failure never starts a second job.
START_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=5,
)
AWAIT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=50,
)


@workflow.defn(name=names.SCHEDULE_RUN_WORKFLOW)
class ScheduleRunWorkflow:
    """Creates the run's thread message, plan and auto-approved job, then stays open while
    the job runs: the Temporal UI shows the schedule's run beside its job, and a buffered
    overlap policy waits for it."""

    @workflow.run
    async def run(self, params: ScheduleRunInput) -> ScheduleRunOutcome:
        """Start the run's job (or record why not), then wait for the job to end."""
        outcome: ScheduleRunOutcome = await workflow.execute_activity(
            names.SCHEDULE_START_RUN_ACTIVITY,
            StartRunRequest(
                schedule_id=params.schedule_id,
                workflow_id=workflow.info().workflow_id,
                scheduled_at=workflow.now(),
            ),
            task_queue=params.queues.research,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=START_RETRY,
            result_type=ScheduleRunOutcome,
            summary="Create the run's message, plan and approved job",
        )
        if outcome.job_id is None:
            return outcome
        ended: AwaitJobResult = await workflow.execute_activity(
            names.SCHEDULE_AWAIT_JOB_ACTIVITY,
            AwaitJobRequest(job_id=outcome.job_id),
            task_queue=params.queues.research,
            start_to_close_timeout=timedelta(days=3),
            heartbeat_timeout=timedelta(minutes=2),
            retry_policy=AWAIT_RETRY,
            result_type=AwaitJobResult,
            summary=f"Wait for job {outcome.job_id}",
        )
        return outcome.model_copy(update={"job_status": ended.status})
