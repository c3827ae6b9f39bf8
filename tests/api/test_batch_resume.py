"""A batch that fails midway resumes where it stopped: its heartbeat details name the
companies whose records are written, and the retry reads only the others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.jobs import JobActivities
from cli.localstack import TemporalServer
from research.engine import Heartbeat, ResearchEngine, StepBatch, StepRequest
from tests.support.flows import draft, run_to_end
from tests.support.stack import Keys, Stack
from tests.support.workers import in_process_worker
from workflows import names
from workflows.job_types import BatchRequest, BatchResult

FAIL_AT = 3  # the first reading batch's attempt fails on its third company


class FailingMidway:
    """The job's engine, failing the first attempt of the first reading batch at its third
    company, after the first two were handed back; it notes every company each attempt read."""

    def __init__(self, engine: ResearchEngine, reads: list[tuple[str, int, str]]) -> None:
        self.engine = engine
        self.name = engine.name
        self.reads = reads
        self.failed_in: str | None = None

    async def run_step(self, request: StepRequest, heartbeat: Heartbeat) -> StepBatch:
        info = activity.info()
        for candidate in request.candidates:
            self.reads.append((info.activity_id, info.attempt, candidate.key))
        read_so_far = [r for r in self.reads if r[:2] == (info.activity_id, info.attempt)]
        first_attempt = info.attempt == 1 and self.failed_in in (None, info.activity_id)
        if request.candidates and first_attempt and len(read_so_far) >= FAIL_AT:
            self.failed_in = info.activity_id
            raise RuntimeError("injected failure midway through the batch")
        return await self.engine.run_step(request, heartbeat)


def _failing_engine(
    reads: list[tuple[str, int, str]], results: dict[str, BatchResult]
) -> Callable[[JobActivities], Any]:
    def wrap(real: JobActivities) -> Any:
        engines = real.engines
        made: dict[bool, FailingMidway] = {}

        def failing(livemode: bool) -> ResearchEngine | None:
            engine = engines(livemode)
            if engine is None:
                return None
            made.setdefault(livemode, FailingMidway(engine, reads))
            return made[livemode]

        real.engines = failing

        @activity.defn(name=names.JOB_RUN_BATCH_ACTIVITY)
        async def run_batch(request: BatchRequest) -> BatchResult:
            result = await real.run_batch(request)
            results[activity.info().activity_id] = result
            return result

        return run_batch

    return wrap


async def test_a_batch_failed_midway_resumes_with_the_companies_not_yet_written(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    reads: list[tuple[str, int, str]] = []
    results: dict[str, BatchResult] = {}
    async with (
        in_process_worker(stack, temporal, run_batch=_failing_engine(reads, results)),
        stack.client(org.test) as client,
    ):
        drafted = await draft(client, "CTOs of Berlin SaaS companies", hints={"max_rows": 10})
        job = await run_to_end(client, drafted["job"]["id"])
        leads = (await client.get(f"/v1/jobs/{job['id']}/leads", params={"limit": 100})).json()
    assert job["status"] == "succeeded"
    failed = {activity_id for activity_id, attempt, _ in reads if attempt == 2}
    assert len(failed) == 1, "exactly one batch was retried"
    [batch] = failed
    first = [key for activity_id, attempt, key in reads if (activity_id, attempt) == (batch, 1)]
    second = [key for activity_id, attempt, key in reads if (activity_id, attempt) == (batch, 2)]
    assert len(first) == 5
    # The companies handed back before the failure were written and are not read again; the
    # rest (the failing one included) are.
    written = first[: FAIL_AT - 1]
    assert sorted(second) == sorted(set(first) - set(written))
    # The resumed batch reports every company it wrote, those of the failed attempt too: as
    # much as the step's other batch of five.
    step, _ = batch.split("/")
    assert results[batch].records == results[f"{step}/batch-1"].records > 0
    assert results[batch].credits == results[f"{step}/batch-1"].credits > 0
    # Nothing lost, nothing twice.
    assert leads["total"] == 10
    assert len({lead["id"] for lead in leads["data"]}) == 10
    people = [(lead["company"]["domain"], lead["person"]["full_name"]) for lead in leads["data"]]
    assert len(people) == len(set(people)) == 10
