"""Task-queue names travel in workflow inputs, so workflow code never reads the environment."""

from __future__ import annotations

from pydantic import BaseModel

from core.config import Settings


class TaskQueues(BaseModel):
    """Where each kind of work runs; separate queues let each kind scale on its own."""

    workflows: str
    planning: str
    research: str
    browser: str
    delivery: str
    # Retention sweeps and deletions; a default keeps inputs recorded before it existed valid.
    maintenance: str = "leadex-maintenance"

    @classmethod
    def from_settings(cls, settings: Settings) -> TaskQueues:
        """The queues configured for this deployment."""
        return cls(
            workflows=settings.task_queue_workflows,
            planning=settings.task_queue_planning,
            research=settings.task_queue_research,
            browser=settings.task_queue_browser,
            delivery=settings.task_queue_delivery,
            maintenance=settings.task_queue_maintenance,
        )
