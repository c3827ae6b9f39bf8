"""ReconcileWorkflow: a scheduled sweep that repairs job rows whose workflow is gone."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows import names
from workflows.job_types import ReconcileRequest, ReconcileResult


@workflow.defn(name=names.RECONCILE_WORKFLOW)
class ReconcileWorkflow:
    """One sweep; a Temporal Schedule starts it every minute."""

    @workflow.run
    async def run(self, request: ReconcileRequest) -> ReconcileResult:
        """Run the reconcile activity on the research queue."""
        return await workflow.execute_activity(
            names.RECONCILE_ACTIVITY,
            request,
            task_queue=request.task_queue,
            start_to_close_timeout=timedelta(minutes=5),
            heartbeat_timeout=timedelta(minutes=1),
            retry_policy=RetryPolicy(maximum_attempts=3),
            result_type=ReconcileResult,
        )
