"""The API's only door to Temporal: start, wait, signal, terminate. It never plans itself."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleAlreadyRunningError,
    ScheduleUpdate,
    ScheduleUpdateInput,
    WorkflowFailureError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.config import Settings
from core.errors import (
    ConflictError,
    NotFoundError,
    ServiceUnavailableError,
    UnprocessableError,
)
from core.ids import Prefix, new_id
from core.temporal import (
    JOB_ID,
    LIVEMODE,
    MODE,
    ORG_ID,
    SCHEDULE_ID,
    THREAD_ID,
    connect,
    mode_of,
)
from store.models import Job
from workflows import names
from workflows.job_types import JobInput, StopRequest, WatchdogPolicy
from workflows.planning import PlanningInput, PlanningOutcome
from workflows.privacy_types import ErasureRequest
from workflows.queues import TaskQueues
from workflows.retention_types import DeletionRequest
from workflows.schedule_types import ScheduleRunInput

logger = logging.getLogger("leadex.api")

# RPC failures that mean "Temporal cannot be reached right now" rather than a refusal.
UNAVAILABLE = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.UNKNOWN,
    RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.INTERNAL,
}
RETRY_AFTER = {"Retry-After": "5"}


def unavailable(error: Exception) -> ServiceUnavailableError:
    """The 503 for an orchestrator that cannot be reached."""
    logger.warning("temporal unavailable: %s", error)
    return ServiceUnavailableError(
        "The orchestrator (Temporal) is unavailable, so this request cannot be carried out "
        "now; retry in a few seconds.",
        headers=RETRY_AFTER,
    )


def tenant_attributes(
    org_id: str,
    thread_id: str | None,
    livemode: bool,
    *,
    job_id: str | None = None,
    schedule_id: str | None = None,
) -> TypedSearchAttributes:
    """The search attributes every run of a thread carries, so one filter finds them all."""
    pairs: list[SearchAttributePair[Any]] = [
        SearchAttributePair(ORG_ID, org_id),
        SearchAttributePair(LIVEMODE, livemode),
        SearchAttributePair(MODE, mode_of(livemode)),
    ]
    if thread_id:
        pairs.append(SearchAttributePair(THREAD_ID, thread_id))
    if job_id:
        pairs.append(SearchAttributePair(JOB_ID, job_id))
    if schedule_id:
        pairs.append(SearchAttributePair(SCHEDULE_ID, schedule_id))
    return TypedSearchAttributes(pairs)


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
                    raise unavailable(error) from error
        return self._client

    async def draft_plan(
        self, plan_id: str, params: PlanningInput, *, attributes: TypedSearchAttributes
    ) -> PlanningOutcome:
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
                search_attributes=attributes,
                static_summary=f"Plan {plan_id}",
            )
            return await asyncio.wait_for(handle.result(), timeout=timeout)
        except TimeoutError:
            await self.terminate(plan_id, "planning exceeded the API's wait bound")
            raise ServiceUnavailableError(
                f"The planner did not answer within {timeout:g} s; retry shortly."
            ) from None
        except RPCError as error:
            raise unavailable(error) from error
        except WorkflowFailureError as error:
            logger.warning("planning %s failed: %s", plan_id, error)
            raise ServiceUnavailableError(
                "The planner is temporarily unavailable; retry shortly.", headers=RETRY_AFTER
            ) from error

    async def terminate(self, workflow_id: str, reason: str) -> None:
        """Terminate a workflow if it is still running."""
        client = await self.client()
        try:
            await client.get_workflow_handle(workflow_id).terminate(reason=reason)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise unavailable(error) from error

    async def terminate_job(self, job_id: str, reason: str) -> None:
        """Terminate a job's supervisor and run (a forced thread deletion)."""
        # The run first, so its supervisor cannot outlive it and conclude a deleted job.
        await self.terminate(job_id, reason)
        await self.terminate(names.supervisor_id(job_id), reason)

    async def start_job(
        self,
        job: Job,
        *,
        max_credits: int | None,
        schedule_id: str | None = None,
        watchdog: WatchdogPolicy | None = None,
    ) -> None:
        """Start the job's supervisor, which runs JobWorkflow with workflow id = job id; a
        second start is a 409."""
        client = await self.client()
        try:
            await client.start_workflow(
                names.JOB_SUPERVISOR_WORKFLOW,
                JobInput(
                    job_id=job.id, queues=self.queues, max_credits=max_credits, watchdog=watchdog
                ),
                id=names.supervisor_id(job.id),
                task_queue=self.queues.workflows,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=tenant_attributes(
                    job.org_id,
                    job.thread_id,
                    job.livemode,
                    job_id=job.id,
                    schedule_id=schedule_id,
                ),
                static_summary=f"Supervises job {job.id} (plan {job.plan_id})",
            )
        except WorkflowAlreadyStartedError:
            raise ConflictError(f"Job {job.id} was already approved.") from None
        except RPCError as error:
            raise unavailable(error) from error

    async def start_deletion(self, deletion_id: str) -> None:
        """Ask for a deleted thread's files to be removed; if Temporal is unreachable the
        hourly retention sweep does it instead, so this never fails the delete."""
        try:
            client = await self.client()
            await client.start_workflow(
                names.THREAD_DELETION_WORKFLOW,
                DeletionRequest(deletion_id=deletion_id, task_queue=self.queues.maintenance),
                id=deletion_id,
                task_queue=self.queues.workflows,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                static_summary=f"Delete the files of deletion {deletion_id}",
            )
        except (ServiceUnavailableError, RPCError, WorkflowAlreadyStartedError) as error:
            logger.warning("deletion %s left to the retention sweep: %s", deletion_id, error)

    async def start_erasure(self, erasure_id: str) -> None:
        """Start an erasure's durable run (its input is the erasure's id alone); if Temporal
        is unreachable the hourly retention sweep carries the erasure out instead."""
        try:
            client = await self.client()
            await client.start_workflow(
                names.ERASURE_WORKFLOW,
                ErasureRequest(erasure_id=erasure_id, task_queue=self.queues.maintenance),
                id=erasure_id,
                task_queue=self.queues.workflows,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                static_summary=f"Erasure {erasure_id}",
            )
        except (ServiceUnavailableError, RPCError, WorkflowAlreadyStartedError) as error:
            logger.warning("erasure %s left to the retention sweep: %s", erasure_id, error)

    async def signal_stop(self, job_id: str, reason: str | None) -> bool:
        """Signal a running job to stop; False when neither its run nor its supervisor runs
        (the supervisor passes the stop on once the run has started)."""
        client = await self.client()
        for workflow_id in (job_id, names.supervisor_id(job_id)):
            try:
                await client.get_workflow_handle(workflow_id).signal(
                    names.JOB_STOP_SIGNAL, StopRequest(reason=reason)
                )
            except RPCError as error:
                if error.status == RPCStatusCode.NOT_FOUND:
                    continue
                raise unavailable(error) from error
            return True
        return False

    async def wait_until_ended(self, job_id: str, wait_seconds: float) -> bool:
        """Whether the job's workflows end within ``wait_seconds`` (a failed run has ended
        too). Waits on the supervisor, which exists from the start, rather than on the run it
        starts a moment later; jobs started before supervisors existed have only the run."""
        client = await self.client()
        for workflow_id in (names.supervisor_id(job_id), job_id):
            handle = client.get_workflow_handle(workflow_id)
            try:
                await asyncio.wait_for(handle.result(follow_runs=True), timeout=wait_seconds)
            except TimeoutError:
                return False
            except WorkflowFailureError:
                return True
            except RPCError as error:
                if error.status == RPCStatusCode.NOT_FOUND:
                    continue
                logger.info("job %s: could not wait for its run: %s", job_id, error)
                return False
            return True
        return False

    # Schedules: one Temporal Schedule per Leadex schedule, under the same id.

    async def create_schedule(
        self, schedule_id: str, schedule: Schedule, attributes: TypedSearchAttributes
    ) -> None:
        """Create the Temporal Schedule; a spec Temporal refuses is a 422 on ``param``."""
        client = await self.client()
        try:
            await client.create_schedule(schedule_id, schedule, search_attributes=attributes)
        except ScheduleAlreadyRunningError:
            raise ConflictError(f"Schedule {schedule_id} already exists.") from None
        except RPCError as error:
            raise _schedule_error(error) from error

    async def update_schedule(self, schedule_id: str, schedule: Schedule) -> None:
        """Replace the Temporal Schedule's action, spec, policy and state."""
        handle = (await self.client()).get_schedule_handle(schedule_id)

        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        try:
            await handle.update(replace)
        except RPCError as error:
            raise _schedule_error(error) from error

    async def pause_schedule(self, schedule_id: str, *, paused: bool, note: str) -> None:
        """Pause or resume the Temporal Schedule, with the note the UI shows."""
        handle = (await self.client()).get_schedule_handle(schedule_id)
        try:
            if paused:
                await handle.pause(note=note)
            else:
                await handle.unpause(note=note)
        except RPCError as error:
            raise _schedule_error(error) from error

    async def start_schedule_run(
        self, schedule_id: str, params: ScheduleRunInput, attributes: TypedSearchAttributes
    ) -> str:
        """Start one run of a schedule now, under an id of its own: two triggers within the
        same second would share the id Temporal gives a schedule's action, and one be lost.
        The run applies the skip policy itself, and records it."""
        client = await self.client()
        workflow_id = f"{names.schedule_run_id(schedule_id)}-now-{new_id(Prefix.SCHEDULE_RUN)}"
        try:
            await client.start_workflow(
                names.SCHEDULE_RUN_WORKFLOW,
                params,
                id=workflow_id,
                task_queue=self.queues.workflows,
                search_attributes=attributes,
                static_summary=f"Run of schedule {schedule_id}, triggered",
            )
        except RPCError as error:
            raise unavailable(error) from error
        return workflow_id

    async def delete_schedule(self, schedule_id: str) -> None:
        """Delete the Temporal Schedule (runs already started go on to their end)."""
        handle = (await self.client()).get_schedule_handle(schedule_id)
        try:
            await handle.delete()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise unavailable(error) from error

    async def next_run_times(self, schedule_id: str) -> list[datetime] | None:
        """The schedule's upcoming firings as Temporal computes them (None: not found)."""
        handle = (await self.client()).get_schedule_handle(schedule_id)
        try:
            described = await handle.describe()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise unavailable(error) from error
        if described.schedule.state.paused:
            return []
        return list(described.info.next_action_times)


def _schedule_error(error: RPCError) -> Exception:
    if error.status == RPCStatusCode.INVALID_ARGUMENT:
        return UnprocessableError(
            f"Temporal refused the schedule's spec: {error.message}", param="cron"
        )
    if error.status == RPCStatusCode.NOT_FOUND:
        return NotFoundError("The schedule's Temporal Schedule was not found.")
    return unavailable(error)
