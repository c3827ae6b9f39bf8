"""PlanningWorkflow: one short run per drafted plan; the planner itself is an activity."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows import names
from workflows.queues import TaskQueues

with workflow.unsafe.imports_passed_through():
    from research.planner.types import DraftPlan, PlanningRequest


class PlanningInput(BaseModel):
    """The request to plan and where the planner runs."""

    request: PlanningRequest
    queues: TaskQueues


class PlanningOutcome(BaseModel):
    """Either a drafted plan or the planner's reasons for declining."""

    plan: DraftPlan | None = None
    rejection: str | None = None
    missing: list[str] = []


@workflow.defn(name=names.PLANNING_WORKFLOW)
class PlanningWorkflow:
    """Runs the planner activity with a bounded retry and returns its outcome."""

    @workflow.run
    async def run(self, params: PlanningInput) -> PlanningOutcome:
        """Draft the plan."""
        return await workflow.execute_activity(
            names.DRAFT_PLAN_ACTIVITY,
            params.request,
            task_queue=params.queues.planning,
            start_to_close_timeout=timedelta(seconds=60),
            schedule_to_close_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(milliseconds=200),
                maximum_attempts=3,
                non_retryable_error_types=["InvalidPlanningRequest"],
            ),
            result_type=PlanningOutcome,
        )
