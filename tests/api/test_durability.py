"""Durability: retried batches, a killed worker, replayed histories, the reconciler."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from temporalio import activity
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from activities.jobs import JobActivities
from cli.localstack import TemporalServer
from core.clock import utcnow
from store.db import Database
from store.models import Job, Lead
from tests.support.flows import draft, wait_for_status
from tests.support.sse import read_stream
from tests.support.stack import Keys, Stack
from tests.support.workers import in_process_worker
from workflows import names
from workflows.job_types import BatchRequest, BatchResult
from workflows.jobs import JobSupervisorWorkflow, JobWorkflow
from workflows.planning import PlanningWorkflow
from workflows.reconcile import ReconcileWorkflow

FIXTURES = Path(__file__).parent.parent / "fixtures"


async def _lead_counts(stack: Stack, job_id: str) -> tuple[int, int]:
    database = Database(stack.database_url)
    try:
        async with database.transaction() as session:
            total = (
                await session.exec(select(func.count()).where(col(Lead.job_id) == job_id))
            ).one()
            distinct = (
                await session.exec(
                    select(func.count(func.distinct(Lead.entity_key))).where(
                        col(Lead.job_id) == job_id
                    )
                )
            ).one()
    finally:
        await database.dispose()
    return int(total), int(distinct)


def _fail_once_after_writing(injected: list[int]) -> Callable[[JobActivities], Any]:
    def wrap(real: JobActivities) -> Any:
        @activity.defn(name=names.JOB_RUN_BATCH_ACTIVITY)
        async def run_batch_then_fail(request: BatchRequest) -> BatchResult:
            result = await real.run_batch(request)
            if activity.info().attempt == 1:
                injected.append(request.step_index)
                raise RuntimeError("injected failure after the batch was written")
            return result

        return run_batch_then_fail

    return wrap


async def test_a_batch_retried_after_writing_leaves_no_duplicates(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    injected: list[int] = []
    async with (
        in_process_worker(stack, temporal, run_batch=_fail_once_after_writing(injected)),
        stack.client(org.test) as client,
    ):
        drafted = await draft(client, hints={"max_rows": 20})
        await client.post(f"/v1/jobs/{drafted['job']['id']}/approve")
        job = await wait_for_status(
            client, drafted["job"]["id"], ("succeeded", "failed"), timeout=180
        )
        leads = (await client.get(f"/v1/jobs/{job['id']}/leads", params={"limit": 100})).json()
    assert injected, "the fault was never injected"
    assert job["status"] == "succeeded"
    total, distinct = await _lead_counts(stack, job["id"])
    assert total == distinct
    assert leads["total"] == 20
    assert job["artifact"]["rows"] == len({lead["company"]["domain"] for lead in leads["data"]})
    assert len({lead["id"] for lead in leads["data"]}) == 20
    people = [
        (lead["company"]["domain"], lead["person"]["full_name"])
        for lead in leads["data"]
        if lead["person"]
    ]
    assert len(people) == len(set(people))


async def test_killing_the_worker_mid_job_loses_and_duplicates_nothing(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 200})
        job_id = drafted["job"]["id"]
        await client.post(f"/v1/jobs/{job_id}/approve")
        # Let it get going, then kill the worker without warning.
        deadline = asyncio.get_running_loop().time() + 60
        while (await client.get(f"/v1/jobs/{job_id}")).json()["progress"]["step"] < 1:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.1)
        assert stack.worker is not None
        stack.worker.send_signal(signal.SIGKILL)
        stack.worker.wait(timeout=10)
        await asyncio.sleep(1.0)
        assert (await client.get(f"/v1/jobs/{job_id}")).json()["status"] == "running"
        stack.start_worker()
        job = await wait_for_status(client, job_id, ("succeeded", "failed", "stopped"), timeout=240)
        leads = (await client.get(f"/v1/jobs/{job_id}/leads", params={"limit": 100})).json()
        summary = (await client.get(f"/v1/jobs/{job_id}/summary")).json()
        stream = await read_stream(client, f"/v1/jobs/{job_id}/stream")
    assert job["status"] == "succeeded"
    total, distinct = await _lead_counts(stack, job_id)
    assert total == distinct
    assert leads["total"] == 200 and job["artifact"]["rows"] == summary["companies"]
    # The run continued as new on the way (the test server suggests it early), and the stream
    # across those runs delivered every lead exactly once, in waves.
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    latest = await temporal_client.get_workflow_handle(job_id).fetch_history()
    started = latest.events[0].workflow_execution_started_event_attributes
    assert started.continued_execution_run_id, "the job never continued as new"
    streamed = [lead["id"] for e in stream.events if e.type == "result" for lead in e.data["leads"]]
    assert len(streamed) == len(set(streamed)) == 200
    assert stream.types.count("result") > 2 and stream.types[-1] == "done"


async def test_recorded_histories_replay_on_current_code(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 6})
        await client.post(f"/v1/jobs/{drafted['job']['id']}/approve", json={"max_credits": 50})
        stopped = await draft(client, hints={"max_rows": 600})
        await client.post(f"/v1/jobs/{stopped['job']['id']}/approve")
        await asyncio.sleep(1.0)
        await client.post(f"/v1/jobs/{stopped['job']['id']}/stop")
        await wait_for_status(client, drafted["job"]["id"], ("succeeded",))
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    fresh = [
        await temporal_client.get_workflow_handle(workflow_id).fetch_history()
        for workflow_id in (
            drafted["job"]["id"],
            stopped["job"]["id"],
            drafted["plan"]["id"],
            names.supervisor_id(drafted["job"]["id"]),
            names.supervisor_id(stopped["job"]["id"]),
        )
    ]
    folder = FIXTURES / "histories"
    if os.environ.get("LEADEX_RECORD_HISTORIES") == "1":
        # Record after an intentional, versioned workflow change. With LEADEX_RECORD_SUFFIX
        # (e.g. _waves), new job histories are added beside the old ones, which keep proving
        # that runs recorded on earlier code still replay.
        folder.mkdir(parents=True, exist_ok=True)
        suffix = os.environ.get("LEADEX_RECORD_SUFFIX", "")
        names_ = (
            "job_succeeded",
            "job_stopped",
            "planning",
            "supervisor_succeeded",
            "supervisor_stopped",
        )
        for name, history in zip(names_, fresh, strict=True):
            if suffix and not name.startswith("job_"):
                continue
            (folder / f"{name}{suffix}.json").write_text(history.to_json())
    recorded = [
        WorkflowHistory.from_json(path.stem, path.read_text())
        for path in sorted(folder.glob("*.json"))
    ]
    assert recorded, "no recorded histories under tests/fixtures/histories"
    replayer = Replayer(
        workflows=[JobWorkflow, JobSupervisorWorkflow, PlanningWorkflow, ReconcileWorkflow],
        data_converter=pydantic_data_converter,
    )
    for history in [*recorded, *fresh]:
        await replayer.replay_workflow(history)


async def test_reconciler_fails_jobs_whose_workflow_is_gone(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 4})
    job_id = drafted["job"]["id"]
    # A row that claims to run, with no workflow behind it and no update for a while.
    await stack.execute(
        update(Job)
        .where(col(Job.id) == job_id)
        .values(status="running", updated_at=utcnow() - timedelta(minutes=10))
    )
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    await temporal_client.get_schedule_handle(names.RECONCILE_SCHEDULE_ID).trigger()
    async with stack.client(org.test) as client:
        job = await wait_for_status(client, job_id, ("failed",), timeout=60)
    assert job["error"]["code"] == "job_halted"
    assert "never found" in job["error"]["message"]
    assert job["credits_used"] == 0
