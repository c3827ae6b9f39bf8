"""The planner as an activity."""

from __future__ import annotations

from temporalio import activity

from research.planner import warm_up
from research.planner.base import Planner
from research.planner.types import PlanningRequest, PlanRejection
from workflows import names
from workflows.planning import PlanningOutcome


class PlanningActivities:
    """Holds the configured planner (rule-based, or Claude when a key is set)."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        warm_up()  # the gazetteer and vocabularies load once per worker, not per plan

    @activity.defn(name=names.DRAFT_PLAN_ACTIVITY)
    async def draft_plan(self, request: PlanningRequest) -> PlanningOutcome:
        """Draft a plan; a declined prompt is an outcome, not a failure to retry."""
        try:
            plan = await self.planner.plan(request)
        except PlanRejection as rejection:
            return PlanningOutcome(rejection=rejection.message, missing=rejection.missing)
        return PlanningOutcome(plan=plan)
