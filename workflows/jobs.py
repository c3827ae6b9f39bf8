"""JobWorkflow: one run per approved job (workflow id = job id).

Steps run as activities in small batches. Before each batch the workflow checks the stop flag
and the credit ceiling; a stop cancels the running batch at its next heartbeat. However the
steps end (success, stop, ceiling or failure), the collected records are resolved, delivered
and written to the artifact, so nothing collected is lost.
"""

from __future__ import annotations

import asyncio
import builtins
import math
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributePair
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    ChildWorkflowError,
    TerminatedError,
    TimeoutError,
)

from research.batching import Batch, BatchLoop, LoopStep, Publish, delivers_in_waves
from workflows import names
from workflows.job_types import (
    BatchRequest,
    BatchResult,
    DeliverResult,
    FinalizeRequest,
    InterruptedRequest,
    JobError,
    JobInput,
    JobOutcome,
    JobPlan,
    JobProgress,
    JobState,
    PublishRequest,
    PublishResult,
    RenderRequest,
    RenderResult,
    ResolveRequest,
    ResolveResult,
    StartRequest,
    StepInfo,
    StopRequest,
    WatchdogPolicy,
)

with workflow.unsafe.imports_passed_through():
    from core.temporal import CREDITS_USED, JOB_STATUS

# Failed jobs end their run as failed, so the Temporal UI shows them as such (runs recorded
# before this change completed normally; the patch keeps them replaying).
FAIL_VISIBLY_PATCH = "job-fails-visibly"
CANCELLED_REASON = "cancelled from Temporal"
JOB_FAILED = "JobFailed"
# Runs started after this change deliver in waves: each discovery batch's companies go through
# the later steps and out to the user before the next discovery batch.
WAVES_PATCH = "job-delivers-in-waves"
RENDER_DEGRADES_PATCH = "render-failure-degrades"
# Runs started after this change read at most a fixed number of companies per batch, and a
# wave gathers several discovery batches (runs recorded before it take one per wave).
BOUNDED_BATCHES_PATCH = "job-bounded-batches"

NON_RETRYABLE = ["EngineUnavailable", "JobNotFound", "StepFailed", "ValidationError"]
STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=5,
    non_retryable_error_types=NON_RETRYABLE,
)
BOOKKEEPING_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
    non_retryable_error_types=["JobNotFound"],
)
DELIVERY_BATCH = 25
T = TypeVar("T")
R = TypeVar("R")


# Failures whose message is written for the user; anything else is an internal error whose
# details belong in the Temporal UI, not in the job object.
USER_FACING_FAILURES = {"EngineUnavailable", "StepFailed"}


def _failure_message(error: ActivityError) -> str:
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type in USER_FACING_FAILURES:
        return cause.message
    return (
        "A step failed unexpectedly after its retries; the run's history in the Temporal UI "
        "has the details."
    )


def _loop_steps(plan: JobPlan) -> list[LoopStep]:
    return [
        LoopStep(id=step.id, discovers=step.intent == "discover", publishes=step.publishes)
        for step in plan.steps
    ]


def _render_outcome(render: asyncio.Future[RenderResult], asked: int) -> tuple[int, str | None]:
    """How many pages went unrendered, and why: a browser that is missing or crashing
    degrades the batch (those pages are read as served) instead of failing the job."""
    try:
        rendered = render.result()
    except ActivityError as error:
        if not workflow.patched(RENDER_DEGRADES_PATCH):
            raise  # runs recorded before this change failed here; they replay as they ran
        cause = error.cause.message if isinstance(error.cause, ApplicationError) else str(error)
        return asked, f"the browser failed ({cause})"
    return len(rendered.failed), rendered.reason if rendered.failed else None


@workflow.defn(name=names.JOB_WORKFLOW)
class JobWorkflow:
    """Runs an approved plan to an artifact."""

    def __init__(self) -> None:
        self.stop_requested: str | None = None
        self.state = JobState()
        self.watchdog: WatchdogPolicy | None = None

    @workflow.signal(name=names.JOB_STOP_SIGNAL)
    def stop(self, request: StopRequest) -> None:
        """Ask the job to stop at the next checkpoint."""
        if self.stop_requested is None:
            self.stop_requested = request.reason or "stopped by the user"

    @workflow.query(name=names.JOB_STATUS_QUERY)
    def status(self) -> JobProgress:
        """Where the run is."""
        return JobProgress(
            step_index=self.state.step_index,
            batch_no=self.state.batch_no,
            credits_metered=self.state.credits_metered,
            stopping=self.stop_requested is not None,
        )

    @workflow.run
    async def run(self, params: JobInput) -> JobOutcome:
        """Run the steps, then deliver and finalize whatever happened."""
        self.state = params.state
        self.watchdog = params.watchdog
        if self.watchdog is not None and self.state.started_at is None:
            self.state.started_at = workflow.now()
        if self.state.stop_reason and self.stop_requested is None:
            self.stop_requested = self.state.stop_reason
        if self.state.plan is None:
            self.state.plan = await workflow.execute_activity(
                names.JOB_START_ACTIVITY,
                StartRequest(job_id=params.job_id, max_credits=params.max_credits),
                task_queue=params.queues.research,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=BOOKKEEPING_RETRY,
                result_type=JobPlan,
            )
        plan = self.state.plan
        if not plan.runnable:
            return JobOutcome(
                job_id=params.job_id,
                status="stopped",
                summary=plan.reason or "The job was no longer runnable.",
                stop_reason=plan.reason,
            )

        error: JobError | None = None
        try:
            await self._run_steps(params, plan)
        except ActivityError as failure:
            error = JobError(message=_failure_message(failure))
        except asyncio.CancelledError:
            # Cancelled from the Temporal UI or CLI: end as a user's stop would.
            self._cancelled()

        status = "failed" if error else "stopped" if self.state.stop_reason else "succeeded"
        try:
            # Live jobs that failed or stopped deliver only verified leads (test mode's
            # synthetic records state nothing a page could contradict).
            partial = plan.livemode and (
                status != "succeeded" or self.state.stop_reason is not None
            )
            if self.state.waves:
                await self._finish_despite_cancel(
                    lambda: self._publish(params, plan, final=True, verified_only=partial)
                )
            else:
                await self._finish_despite_cancel(lambda: self._deliver(params, plan, partial))
        except ActivityError as failure:
            error = error or JobError(message=f"Delivery failed: {_failure_message(failure)}")
            status = "failed"
        status = "stopped" if status == "succeeded" and self.state.stop_reason else status

        outcome: JobOutcome = await self._finish_despite_cancel(
            lambda: workflow.execute_activity(
                names.JOB_FINALIZE_ACTIVITY,
                FinalizeRequest(
                    job_id=params.job_id,
                    status=status,
                    stop_reason=self.state.stop_reason,
                    error=error,
                    credits_metered=self.state.credits_metered,
                    completed_steps=self.state.step_index,
                    skipped=self.state.skipped,
                ),
                task_queue=params.queues.research,
                start_to_close_timeout=timedelta(minutes=5),
                retry_policy=BOOKKEEPING_RETRY,
                result_type=JobOutcome,
            )
        )
        workflow.upsert_search_attributes(
            [JOB_STATUS.value_set(outcome.status), CREDITS_USED.value_set(outcome.credits_used)]
        )
        if outcome.status == "failed" and workflow.patched(FAIL_VISIBLY_PATCH):
            message = outcome.error.message if outcome.error else "The job failed."
            raise ApplicationError(message, type=JOB_FAILED, non_retryable=True)
        return outcome

    def _cancelled(self) -> None:
        if self.stop_requested is None:
            self.stop_requested = CANCELLED_REASON
        self.state.stop_reason = self.state.stop_reason or self.stop_requested
        self.state.stop_kind = self.state.stop_kind or "user"

    async def _finish_despite_cancel(self, start: Callable[[], Awaitable[T]]) -> T:
        """Run an ending step to completion even if the run is cancelled meanwhile."""
        task = asyncio.ensure_future(start())
        while True:
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                self._cancelled()

    def _ceiling_hit(self, plan: JobPlan, step: StepInfo) -> bool:
        if plan.max_credits is None:
            return False
        next_batch = plan.batch_size * (step.unit_cost + step.email_cost)
        return math.ceil(self.state.credits_metered + next_batch - 1e-9) > plan.max_credits

    def _checkpoint(self, plan: JobPlan, step: StepInfo) -> bool:
        """Whether to go on with the next batch; records why not."""
        if self.stop_requested is not None:
            self.state.stop_reason = self.stop_requested
            self.state.stop_kind = "user"
            return False
        watchdog = self._watchdog_reason(plan, step)
        if watchdog is not None:
            self.state.stop_reason = watchdog
            self.state.stop_kind = "watchdog"
            return False
        if self._ceiling_hit(plan, step):
            self.state.stop_reason = (
                f"credit ceiling: the next batch of {step.title!r} would exceed "
                f"max_credits={plan.max_credits} ({self.state.credits_metered:g} credits metered)"
            )
            self.state.stop_kind = "ceiling"
            return False
        return True

    def _runtime_left(self) -> float | None:
        """Seconds before the watchdog's runtime limit (None: no such limit)."""
        policy = self.watchdog
        if policy is None or policy.max_runtime_seconds is None or self.state.started_at is None:
            return None
        ran = (workflow.now() - self.state.started_at).total_seconds()
        return policy.max_runtime_seconds - ran

    def _watchdog_reason(self, plan: JobPlan, step: StepInfo) -> str | None:
        """Why the organization's watchdog stops the job before this batch, if it does."""
        policy = self.watchdog
        if policy is None:
            return None
        left = self._runtime_left()
        if left is not None and left <= 0:
            return (
                f"watchdog: the job ran past the organization's limit of "
                f"{policy.max_runtime_seconds} s"
            )
        if policy.max_credits is not None:
            next_batch = plan.batch_size * (step.unit_cost + step.email_cost)
            if math.ceil(self.state.credits_metered + next_batch - 1e-9) > policy.max_credits:
                return (
                    f"watchdog: the next batch of {step.title!r} would take the job past the "
                    f"organization's limit of {policy.max_credits} credits "
                    f"({self.state.credits_metered:g} credits metered)"
                )
        return None

    async def _run_steps(self, params: JobInput, plan: JobPlan) -> None:
        """Drive the batching loop: its batches as activities, its publishes as waves."""
        steps = _loop_steps(plan)
        if self.state.waves is None:
            self.state.waves = delivers_in_waves(steps) and workflow.patched(WAVES_PATCH)
            if self.state.waves and plan.wave_size and workflow.patched(BOUNDED_BATCHES_PATCH):
                self.state.wave_size = plan.wave_size
        loop = BatchLoop(steps, self.state, size=plan.batch_size)
        first = True
        while True:
            action = loop.next()
            if action.checkpoint and not first:
                await self._continue_as_new_if_suggested(params)
            first = False
            if isinstance(action, Publish):
                await self._publish(params, plan, final=False)
                loop.published()
                continue
            if not isinstance(action, Batch):
                return
            step = plan.steps[action.step_index]
            if not self._checkpoint(plan, step):
                return
            result = await self._loop_batch(params, plan, step, action)
            if result is None:
                return
            self._metered(result)
            loop.ran(
                action, done=result.done, new_keys=result.new_keys, found_upto=result.found_upto
            )

    async def _continue_as_new_if_suggested(self, params: JobInput) -> None:
        if workflow.info().is_continue_as_new_suggested():
            await workflow.wait_condition(workflow.all_handlers_finished)
            self.state.stop_reason = self.stop_requested
            workflow.continue_as_new(
                JobInput(
                    job_id=params.job_id,
                    queues=params.queues,
                    max_credits=params.max_credits,
                    state=self.state,
                    watchdog=params.watchdog,
                )
            )

    def _metered(self, result: BatchResult) -> None:
        self.state.credits_metered = round(self.state.credits_metered + result.credits, 6)
        workflow.upsert_search_attributes(
            [CREDITS_USED.value_set(math.ceil(self.state.credits_metered))]
        )

    async def _loop_batch(
        self, params: JobInput, plan: JobPlan, step: StepInfo, batch: Batch
    ) -> BatchResult | None:
        """Run one of the loop's batches; None when the job stops instead."""
        if not self.state.waves:
            return await self._run_batch(params, plan, step)
        return await self._run_batch(
            params,
            plan,
            step,
            keys=list(batch.keys) if batch.keys is not None else None,
            last=batch.last,
            read_before=batch.offset,
            found_after=batch.found_after,
        )

    async def _publish(
        self, params: JobInput, plan: JobPlan, *, final: bool, verified_only: bool = False
    ) -> None:
        publisher = next((step for step in plan.steps if step.publishes), None)
        wave_no = self.state.waves_done
        await workflow.execute_activity(
            names.JOB_PUBLISH_ACTIVITY,
            PublishRequest(
                job_id=params.job_id,
                wave_no=wave_no,
                final=final,
                verified_only=verified_only,
                step_id=publisher.id if publisher else None,
                title=publisher.title if publisher else None,
                batch_size=DELIVERY_BATCH,
            ),
            task_queue=params.queues.research,
            activity_id=f"publish/wave-{wave_no}" + ("/final" if final else ""),
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=BOOKKEEPING_RETRY,
            result_type=PublishResult,
        )
        self.state.waves_done = wave_no + 1

    def _count_skipped(self, skipped: dict[str, int]) -> None:
        for reason, count in skipped.items():
            self.state.skipped[reason] = self.state.skipped.get(reason, 0) + count

    async def _run_batch(
        self,
        params: JobInput,
        plan: JobPlan,
        step: StepInfo,
        after_render: bool = False,
        skipped: int = 0,
        failure: str | None = None,
        *,
        keys: list[str] | None = None,
        last: bool = False,
        read_before: int = 0,
        found_after: int | None = None,
    ) -> BatchResult | None:
        handle = workflow.start_activity(
            names.JOB_RUN_BATCH_ACTIVITY,
            BatchRequest(
                job_id=params.job_id,
                step_index=self.state.step_index,
                step_id=step.id,
                title=step.title,
                batch_no=self.state.batch_no,
                batch_size=plan.batch_size,
                credits_metered=self.state.credits_metered,
                now=workflow.now(),
                after_render=after_render,
                render_skipped=skipped,
                render_failure=failure,
                keys=keys,
                last=last,
                read_before=read_before,
                found_after=found_after,
            ),
            task_queue=params.queues.research,
            activity_id=f"{step.id}/batch-{self.state.batch_no}"
            + ("/rendered" if after_render else ""),
            start_to_close_timeout=timedelta(minutes=15),
            heartbeat_timeout=timedelta(seconds=10),
            retry_policy=STEP_RETRY,
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            result_type=BatchResult,
        )
        if await self._until_done_or_stopped(handle):
            result = handle.result()
            if result.renders and not after_render:
                # Pages only a browser can read: render them on the browser queue, then
                # run the same batch again over the now-rendered pages.
                render = workflow.start_activity(
                    names.RENDER_PAGES_ACTIVITY,
                    RenderRequest(urls=result.renders),
                    task_queue=params.queues.browser,
                    start_to_close_timeout=timedelta(minutes=10),
                    heartbeat_timeout=timedelta(seconds=60),
                    retry_policy=RetryPolicy(maximum_attempts=3),
                    cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
                    result_type=RenderResult,
                )
                if not await self._until_done_or_stopped(render):
                    await self._cancel(render)
                    self._stopped()
                    return None
                skipped, failure = _render_outcome(render, len(result.renders))
                return await self._run_batch(
                    params,
                    plan,
                    step,
                    after_render=True,
                    skipped=skipped,
                    failure=failure,
                    keys=keys,
                    last=last,
                    read_before=read_before,
                    found_after=found_after,
                )
            self._count_skipped(result.skipped)
            return result
        finished = await self._cancel(handle)
        if finished is not None:
            # The batch completed before the cancellation landed; keep what it wrote.
            self.state.credits_metered = round(self.state.credits_metered + finished.credits, 6)
        self._stopped()
        return None

    async def _until_done_or_stopped(self, handle: asyncio.Future[Any]) -> bool:
        """Wait for an activity; False when a stop (or a cancellation) comes first."""
        left = self._runtime_left()
        try:
            # Only a watchdog with a runtime limit adds a timer: other runs replay unchanged.
            await workflow.wait_condition(
                lambda: handle.done() or self.stop_requested is not None,
                timeout=max(left, 1.0) if left is not None else None,
            )
        except asyncio.CancelledError:
            self._cancelled()
        except builtins.TimeoutError:
            if self.stop_requested is None:
                self.stop_requested = (
                    f"watchdog: the job ran past the organization's limit of "
                    f"{self.watchdog.max_runtime_seconds if self.watchdog else 0} s"
                )
        return handle.done()

    @staticmethod
    async def _cancel(handle: asyncio.Future[R]) -> R | None:
        """Cancel a running activity and wait until it has stopped (its heartbeat sees it)."""
        handle.cancel()
        try:
            return await handle
        except (ActivityError, asyncio.CancelledError):
            return None

    def _stopped(self) -> None:
        self.state.stop_reason = self.stop_requested
        self.state.stop_kind = "user"

    async def _deliver(self, params: JobInput, plan: JobPlan, partial: bool = False) -> None:
        publisher = next((step for step in plan.steps if step.publishes), None)
        resolved: ResolveResult = await workflow.execute_activity(
            names.JOB_RESOLVE_ACTIVITY,
            ResolveRequest(
                job_id=params.job_id,
                step_id=publisher.id if publisher else None,
                title=publisher.title if publisher else None,
                batch_size=DELIVERY_BATCH,
                verified_only=partial,
            ),
            task_queue=params.queues.research,
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(seconds=30),
            retry_policy=BOOKKEEPING_RETRY,
            result_type=ResolveResult,
        )
        step_id, title = (publisher.id, publisher.title) if publisher else (None, None)
        for delivery in resolved.deliveries(params.job_id, step_id, title):
            await workflow.execute_activity(
                names.JOB_DELIVER_ACTIVITY,
                delivery,
                task_queue=params.queues.research,
                activity_id=f"deliver/batch-{delivery.batch_no}",
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=BOOKKEEPING_RETRY,
                result_type=DeliverResult,
            )


@workflow.defn(name=names.JOB_SUPERVISOR_WORKFLOW)
class JobSupervisorWorkflow:
    """Starts a job's run as its child (workflow id = job id) and concludes the job if that
    run is terminated or times out, when no code of its own can: terminated jobs end
    ``failed`` at once, with what they had delivered, instead of waiting for the reconciler."""

    def __init__(self) -> None:
        self.child: workflow.ChildWorkflowHandle[JobWorkflow, JobOutcome] | None = None
        self.pending_stop: StopRequest | None = None

    @workflow.signal(name=names.JOB_STOP_SIGNAL)
    async def stop(self, request: StopRequest) -> None:
        """Pass a stop on to the job's run (kept until that run has started)."""
        if self.child is None:
            self.pending_stop = self.pending_stop or request
            return
        await self.child.signal(names.JOB_STOP_SIGNAL, request)

    @workflow.run
    async def run(self, params: JobInput) -> JobOutcome:
        """Run the job as a child and wait for it."""
        attributes = workflow.info().typed_search_attributes.updated(
            SearchAttributePair(JOB_STATUS, "running"), SearchAttributePair(CREDITS_USED, 0)
        )
        self.child = await workflow.start_child_workflow(
            JobWorkflow.run,
            params,
            id=params.job_id,
            task_queue=workflow.info().task_queue,
            # Cancelling the supervisor asks the job to stop (it then ends stopped).
            parent_close_policy=workflow.ParentClosePolicy.REQUEST_CANCEL,
            search_attributes=attributes,
            static_summary=f"Job {params.job_id}",
        )
        if self.pending_stop is not None:
            await self.child.signal(names.JOB_STOP_SIGNAL, self.pending_stop)
        try:
            return await self.child
        except ChildWorkflowError as failure:
            cause = failure.cause
            if isinstance(cause, ApplicationError) and cause.type == JOB_FAILED:
                raise ApplicationError(cause.message, type=JOB_FAILED, non_retryable=True) from None
            if not isinstance(cause, TerminatedError | TimeoutError):
                raise
            how = "terminated" if isinstance(cause, TerminatedError) else "timed out"
            said = cause.message.strip().rstrip(".")
            detail = f": {said}" if said and said.lower() not in ("terminated", "timed out") else ""
            outcome: JobOutcome = await workflow.execute_activity(
                names.JOB_INTERRUPTED_ACTIVITY,
                InterruptedRequest(
                    job_id=params.job_id, message=f"The job's run was {how} in Temporal{detail}."
                ),
                task_queue=params.queues.research,
                start_to_close_timeout=timedelta(minutes=10),
                heartbeat_timeout=timedelta(seconds=60),
                retry_policy=BOOKKEEPING_RETRY,
                result_type=JobOutcome,
            )
            if outcome.status == "failed":
                message = outcome.error.message if outcome.error else "The job failed."
                raise ApplicationError(message, type=JOB_FAILED, non_retryable=True) from None
            return outcome
