"""The planner interface that the rule-based and Anthropic planners implement."""

from __future__ import annotations

from typing import Protocol

from research.planner.types import DraftPlan, PlanningRequest


class Planner(Protocol):
    """Turns a thread's history into a plan, or raises ``PlanRejection``."""

    name: str

    async def plan(self, request: PlanningRequest) -> DraftPlan:
        """Draft a plan for the newest user turn in the context of the whole history."""
        ...
