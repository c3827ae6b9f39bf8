"""The API's only door to Temporal: start, wait, signal, terminate. It never plans itself."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.config import Settings
from core.errors import ConflictError, ServiceUnavailableError
from core.temporal import CREDITS_USED, JOB_STATUS, LIVEMODE, ORG_ID, THREAD_ID, connect
from store.models import Job
from workflows import names
from workflows.job_types import JobInput, JobOutcome, StopRequest
from workflows.planning import PlanningInput, PlanningOutcome
from workflows.queues import TaskQueues

logger = logging.getLogger("leadex.api")


class TemporalGateway:
    """A lazily connected client plus the few operations the API needs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.queues = TaskQueues.from_settings(settings)
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def client(self) -> Client:
        """The connected client; a 503 when Temporal cannot be reached."""
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await connect(self.settings)
                except (RuntimeError, RPCError, OSError) as error:
                    logger.warning("temporal unreachable: %s", error)
                    raise ServiceUnavailableError(
                        "The orchestrator is unavailable; retry shortly."
                    ) from error
        return self._client

    async def draft_plan(self, plan_id: str, params: PlanningInput) -> PlanningOutcome:
        """Run the planning workflow (id = plan id) and wait for it within the bound."""
        client = await self.client()
        timeout = self.settings.planning_timeout_seconds
        try:
            handle = await client.start_workflow(
                names.PLANNING_WORKFLOW,
                params,
                id=plan_id,
                task_queue=self.queues.workflows,
                execution_timeout=timedelta(seconds=timeout * 4),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                result_type=PlanningOutcome,
            )
            return await asyncio.wait_for(handle.result(), timeout=timeout)
        except TimeoutError:
            await self.terminate(plan_id, "planning exceeded the API's wait bound")
            raise ServiceUnavailableError(
                f"The planner did not answer within {timeout:g} s; retry shortly."
            ) from None
        except (WorkflowFailureError, RPCError) as error:
            logger.warning("planning %s failed: %s", plan_id, error)
            raise ServiceUnavailableError(
                "The planner is temporarily unavailable; retry shortly."
            ) from error

    async def terminate(self, workflow_id: str, reason: str) -> None:
        """Terminate a workflow if it is still running."""
        client = await self.client()
        try:
            await client.get_workflow_handle(workflow_id).terminate(reason=reason)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise

    async def start_job(self, job: Job, *, max_credits: int | None) -> None:
        """Start JobWorkflow with workflow id = job id; a second start is a 409."""
        client = await self.client()
        try:
            await client.start_workflow(
                names.JOB_WORKFLOW,
                JobInput(job_id=job.id, queues=self.queues, max_credits=max_credits),
                id=job.id,
                task_queue=self.queues.workflows,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(ORG_ID, job.org_id),
                        SearchAttributePair(THREAD_ID, job.thread_id),
                        SearchAttributePair(JOB_STATUS, "running"),
                        SearchAttributePair(CREDITS_USED, 0),
                        SearchAttributePair(LIVEMODE, job.livemode),
                    ]
                ),
                static_summary=f"Job {job.id} (plan {job.plan_id})",
            )
        except WorkflowAlreadyStartedError:
            raise ConflictError(f"Job {job.id} was already approved.") from None
        except RPCError as error:
            logger.warning("starting %s failed: %s", job.id, error)
            raise ServiceUnavailableError(
                "The orchestrator is unavailable; retry shortly."
            ) from error

    async def job_handle(self, job_id: str) -> WorkflowHandle[object, JobOutcome]:
        """A handle on a job's workflow."""
        client = await self.client()
        return client.get_workflow_handle(job_id, result_type=JobOutcome)

    async def signal_stop(self, job_id: str, reason: str | None) -> bool:
        """Signal a running job to stop; False when its workflow is not running."""
        handle = await self.job_handle(job_id)
        try:
            await handle.signal(names.JOB_STOP_SIGNAL, StopRequest(reason=reason))
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    async def wait_for_outcome(self, job_id: str, wait_seconds: float) -> JobOutcome | None:
        """The job's outcome if it ends within ``wait_seconds``."""
        handle = await self.job_handle(job_id)
        try:
            return await asyncio.wait_for(handle.result(follow_runs=True), timeout=wait_seconds)
        except TimeoutError:
            return None
        except (WorkflowFailureError, RPCError) as error:
            logger.info("job %s ended without an outcome: %s", job_id, error)
            return None
