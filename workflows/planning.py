"""PlanningWorkflow: one short run per drafted plan; the planner itself is an activity."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows import names
from workflows.queues import TaskQueues

with workflow.unsafe.imports_passed_through():
    from research.planner.types import Attachment, DraftPlan, PlanningRequest, SeedList


class PlanningInput(BaseModel):
    """The request to plan and where the planner runs."""

    request: PlanningRequest
    queues: TaskQueues


class PlanningOutcome(BaseModel):
    """A drafted plan, the planner's reasons for declining, or an unusable attachment."""

    plan: DraftPlan | None = None
    rejection: str | None = None
    missing: list[str] = []
    invalid_attachment: str | None = None


class AttachmentsRequest(BaseModel):
    """Attachments to fetch and parse before planning."""

    attachments: list[Attachment]


class LoadedAttachments(BaseModel):
    """What the attachments hold, or why they cannot be used."""

    seed: SeedList | None = None
    urls: list[str] = []
    error: str | None = None


@workflow.defn(name=names.PLANNING_WORKFLOW)
class PlanningWorkflow:
    """Runs the planner activity with a bounded retry and returns its outcome."""

    @workflow.run
    async def run(self, params: PlanningInput) -> PlanningOutcome:
        """Read the attachments, then draft the plan."""
        request = params.request
        if request.attachments:
            loaded = await workflow.execute_activity(
                names.LOAD_ATTACHMENTS_ACTIVITY,
                AttachmentsRequest(attachments=request.attachments),
                task_queue=params.queues.research,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=RetryPolicy(maximum_attempts=3),
                result_type=LoadedAttachments,
            )
            if loaded.error is not None:
                return PlanningOutcome(invalid_attachment=loaded.error)
            request = request.model_copy(
                update={"loaded_seed": loaded.seed, "loaded_urls": loaded.urls}
            )
        return await workflow.execute_activity(
            names.DRAFT_PLAN_ACTIVITY,
            request,
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
