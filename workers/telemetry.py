"""Worker metrics: every activity attempt timed by name, concluded jobs and their credits
counted, without touching the activities themselves."""

from __future__ import annotations

import time
from typing import Any

from temporalio import activity
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from core import metrics
from workflows import names
from workflows.job_types import JobOutcome
from workflows.schedule_types import ScheduleRunOutcome

# The activities whose result concludes a job.
CONCLUDING = {names.JOB_FINALIZE_ACTIVITY, names.JOB_INTERRUPTED_ACTIVITY}


class _TimedActivities(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        name = activity.info().activity_type
        started = time.perf_counter()
        outcome = "failed"
        try:
            result = await self.next.execute_activity(input)
            outcome = "completed"
            _count(name, result)
            return result
        finally:
            metrics.STEP_DURATION.labels(name, outcome).observe(time.perf_counter() - started)


def _count(name: str, result: Any) -> None:
    if name in CONCLUDING and isinstance(result, JobOutcome):
        metrics.JOBS_FINISHED.labels(result.status).inc()
        metrics.CREDITS_CONSUMED.inc(result.credits_used)
    elif name == names.SCHEDULE_START_RUN_ACTIVITY and isinstance(result, ScheduleRunOutcome):
        metrics.SCHEDULE_RUNS.labels(result.status).inc()


class MetricsInterceptor(Interceptor):
    """Times every activity attempt and counts what the concluding ones report."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        """Wrap the activity's inbound calls."""
        return _TimedActivities(next)
