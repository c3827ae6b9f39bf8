"""Retention: artifact files go 90 days after their job, raw sources after 30, by a sweep
Temporal runs on a schedule; a deleted thread's files go by a workflow that outlives a
worker killed with SIGKILL."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import col, select
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from cli.localstack import TemporalServer
from core.clock import utcnow
from core.config import Settings
from store.models import Deletion, SourcePage
from tests.support.asserts import assert_error
from tests.support.flows import draft, run_to_end
from tests.support.stack import Keys, Stack
from workflows import names
from workflows.queues import TaskQueues
from workflows.retention_types import RetentionRequest, RetentionResult

QUEUES = TaskQueues.from_settings(Settings())
AS_JSON = {"Accept": "application/json"}


def _files_of(stack: Stack, *ids: str) -> list[Path]:
    return [
        path
        for path in stack.data_dir.rglob("*")
        if path.is_file() and any(object_id in str(path) for object_id in ids)
    ]


async def _sweep(stack: Stack, temporal: TemporalServer, days_ahead: int) -> RetentionResult:
    client = await Client.connect(
        temporal.address,
        namespace=f"leadex-{stack.backend}",
        data_converter=pydantic_data_converter,
    )
    return await client.execute_workflow(
        names.RETENTION_WORKFLOW,
        RetentionRequest(
            task_queue=QUEUES.maintenance, as_of=utcnow() + timedelta(days=days_ahead)
        ),
        id=f"retention-test-{utcnow().timestamp()}",
        task_queue=QUEUES.workflows,
        result_type=RetentionResult,
    )


@pytest.mark.backends("sqlite")  # the sweep purges every organization's due files at once
async def test_the_sweep_purges_artifact_files_after_90_days_and_keeps_the_leads(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        job = await run_to_end(client, (await draft(client, hints={"max_rows": 4}))["job"]["id"])
        artifact_id = job["artifact"]["id"]
        await client.get(f"/v1/artifacts/{artifact_id}", params={"format": "xlsx"})
        files = _files_of(stack, artifact_id, job["id"])
        await _sweep(stack, temporal, days_ahead=89)
        kept = await client.get(f"/v1/artifacts/{artifact_id}", headers=AS_JSON)
        kept_files = [path for path in files if path.exists()]
        late = await _sweep(stack, temporal, days_ahead=91)
        purged = await client.get(f"/v1/artifacts/{artifact_id}", headers=AS_JSON)
        listed = (await client.get("/v1/artifacts", params={"limit": 100})).json()
        leads = (await client.get(f"/v1/jobs/{job['id']}/leads")).json()
    assert len(files) >= 3  # CSV, JSON and the XLSX rendered on demand
    assert kept.status_code == 200 and kept.json()["download_url"] and kept_files == files
    assert late.artifacts >= 1 and late.blobs >= 3
    assert not any(path.exists() for path in files)
    error = assert_error(purged, 410, "not_found", param="artifact_id")
    assert "purged on" in str(error["message"]) and f"/v1/jobs/{job['id']}/leads" in str(
        error["message"]
    )
    ours = next(item for item in listed["data"] if item["id"] == artifact_id)
    assert ours["download_url"] is None and ours["purged_at"] is not None
    assert leads["total"] == 4 and len(leads["data"]) == 4


@pytest.mark.backends("sqlite")
async def test_the_sweep_purges_raw_sources_after_30_days(
    stack: Stack, temporal: TemporalServer
) -> None:
    fetched = utcnow()
    await stack.execute(
        insert(SourcePage).values(
            url_hash="f" * 64,
            url="https://retention.example/team",
            final_url="https://retention.example/team",
            status=200,
            content_type="text/html",
            text="Team",
            fetched_at=fetched,
            expires_at=fetched + timedelta(days=30),
        )
    )
    await _sweep(stack, temporal, days_ahead=29)
    kept = await stack.query(select(SourcePage).where(col(SourcePage.url_hash) == "f" * 64))
    result = await _sweep(stack, temporal, days_ahead=31)
    gone = await stack.query(select(SourcePage).where(col(SourcePage.url_hash) == "f" * 64))
    assert len(kept) == 1
    assert result.sources >= 1 and gone == []


async def test_the_retention_sweep_is_a_registered_schedule(
    stack: Stack, temporal: TemporalServer
) -> None:
    client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    described = await client.get_schedule_handle(names.RETENTION_SCHEDULE_ID).describe()
    assert described.schedule.spec.intervals[0].every == timedelta(hours=1)


async def test_deleting_a_thread_removes_its_files_even_when_the_worker_is_killed(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        job = await run_to_end(client, (await draft(client, hints={"max_rows": 4}))["job"]["id"])
        files = _files_of(stack, job["artifact"]["id"], job["id"])
        assert stack.worker is not None
        stack.worker.send_signal(signal.SIGKILL)
        stack.worker.wait(timeout=10)
        deleted = await client.delete(f"/v1/threads/{job['thread_id']}")
        gone_job = await client.get(f"/v1/jobs/{job['id']}")
        gone_artifact = await client.get(f"/v1/artifacts/{job['artifact']['id']}")
        await asyncio.sleep(1.0)
        left = [path for path in files if path.exists()]
        stack.start_worker()
        deadline = asyncio.get_running_loop().time() + 90
        while any(path.exists() for path in files):
            assert asyncio.get_running_loop().time() < deadline, "the files were never removed"
            await asyncio.sleep(0.2)
    assert files and left == files  # nothing could remove them while no worker ran
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert_error(gone_job, 404, "not_found")
    assert_error(gone_artifact, 404, "not_found")
    rows = await stack.query(select(Deletion).where(col(Deletion.thread_id) == job["thread_id"]))
    assert len(rows) == 1
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    run = await temporal_client.get_workflow_handle(rows[0].id).result()
    assert run["found"] is True and run["blobs"] >= 2
    for _ in range(50):
        rows = await stack.query(select(Deletion).where(col(Deletion.id) == rows[0].id))
        if rows[0].completed_at is not None:
            break
        await asyncio.sleep(0.1)
    assert rows[0].completed_at is not None
    described = await temporal_client.get_workflow_handle(rows[0].id).describe()
    assert described.status == WorkflowExecutionStatus.COMPLETED
