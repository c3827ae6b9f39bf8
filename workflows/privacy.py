"""Erasure of a person: a durable run that finishes even if a worker dies halfway.

Its input and history hold the erasure's id, job ids and counts only; whom it erases is read
by the activities from the erasure's row, where it is sealed until the erasure completes.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows import names
from workflows.privacy_types import (
    ErasureFinish,
    ErasureRequest,
    ErasureResult,
    ErasureSurvey,
    JobErased,
    JobErasure,
    SourcesErased,
)

# Every activity is idempotent, so retrying until done is safe; the erasure row is committed
# just after the run is asked for, which the first retries cover.
ERASURE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=30,
)
STEP_TIMEOUT = timedelta(minutes=10)
HEARTBEAT_TIMEOUT = timedelta(seconds=30)


@workflow.defn(name=names.ERASURE_WORKFLOW)
class ErasureWorkflow:
    """Find the person, erase them job by job, then from the source cache, then suppress."""

    @workflow.run
    async def run(self, request: ErasureRequest) -> ErasureResult:
        """Each step is its own activity, so a crash resumes at the step it interrupted."""
        survey: ErasureSurvey = await workflow.execute_activity(
            names.ERASURE_SURVEY_ACTIVITY,
            request,
            task_queue=request.task_queue,
            start_to_close_timeout=STEP_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=ERASURE_RETRY,
            result_type=ErasureSurvey,
        )
        if not survey.found:
            return ErasureResult(erasure_id=request.erasure_id, found=False)
        artifacts = 0
        records = 0
        for job_id in survey.job_ids:
            erased: JobErased = await workflow.execute_activity(
                names.ERASURE_JOB_ACTIVITY,
                JobErasure(erasure_id=request.erasure_id, job_id=job_id),
                task_queue=request.task_queue,
                start_to_close_timeout=STEP_TIMEOUT,
                heartbeat_timeout=HEARTBEAT_TIMEOUT,
                retry_policy=ERASURE_RETRY,
                result_type=JobErased,
            )
            records += erased.records
            artifacts += 1 if erased.artifact_rewritten else 0
        sources: SourcesErased = await workflow.execute_activity(
            names.ERASURE_SOURCES_ACTIVITY,
            request,
            task_queue=request.task_queue,
            start_to_close_timeout=STEP_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=ERASURE_RETRY,
            result_type=SourcesErased,
        )
        return await workflow.execute_activity(
            names.ERASURE_FINISH_ACTIVITY,
            ErasureFinish(
                erasure_id=request.erasure_id,
                records=max(records, survey.records),
                jobs=len(survey.job_ids),
                artifacts=artifacts,
                pages=sources.pages,
            ),
            task_queue=request.task_queue,
            start_to_close_timeout=STEP_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=ERASURE_RETRY,
            result_type=ErasureResult,
        )
