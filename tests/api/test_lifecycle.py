"""Job lifecycle edges: superseded plans, cancel and terminate from Temporal itself,
simultaneous approvals, and planning runs found by the same search attributes as jobs."""

from __future__ import annotations

import asyncio

from temporalio.client import Client, WorkflowExecutionStatus

from cli.localstack import TemporalServer
from tests.support.asserts import assert_error
from tests.support.flows import QUICKSTART, draft, wait_for_status
from tests.support.stack import Keys, Stack


async def _temporal(stack: Stack, temporal: TemporalServer) -> Client:
    return await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")


async def _started(client: object, job_id: str) -> None:
    """Wait until the job has done some work."""
    assert hasattr(client, "get")
    deadline = asyncio.get_running_loop().time() + 60
    while (await client.get(f"/v1/jobs/{job_id}")).json()["progress"]["step"] < 1:
        assert asyncio.get_running_loop().time() < deadline, "the job never started"
        await asyncio.sleep(0.1)


async def test_a_follow_up_message_supersedes_the_pending_job(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        first = await draft(client, hints={"max_rows": 4})
        thread_id = first["plan"]["thread_id"]
        follow_up = (
            await client.post(
                f"/v1/threads/{thread_id}/messages",
                json={"content": "Same, but only the Head of Growth."},
            )
        ).json()
        late = await client.post(f"/v1/jobs/{first['job']['id']}/approve")
        old_job = (await client.get(f"/v1/jobs/{first['job']['id']}")).json()
        new_job = await client.post(f"/v1/jobs/{follow_up['job']['id']}/approve")
    assert follow_up["plan"]["previous_plan_id"] == first["plan"]["id"]
    error = assert_error(late, 409, "conflict", param="job_id")
    assert follow_up["job"]["id"] in str(error["message"])
    assert old_job["status"] == "stopped"
    assert new_job.status_code == 200


async def test_a_cancel_from_temporal_stops_the_job_with_its_partial_artifact(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 600})
        job_id = drafted["job"]["id"]
        await client.post(f"/v1/jobs/{job_id}/approve")
        await _started(client, job_id)
        await (await _temporal(stack, temporal)).get_workflow_handle(job_id).cancel()
        job = await wait_for_status(client, job_id, ("stopped", "failed", "succeeded"), timeout=60)
    assert job["status"] == "stopped", job
    assert job["artifact"] is not None and job["artifact"]["rows"] < 600


async def test_a_terminate_from_temporal_fails_the_job_at_once(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    temporal_client = await _temporal(stack, temporal)
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 600})
        job_id = drafted["job"]["id"]
        await client.post(f"/v1/jobs/{job_id}/approve")
        await _started(client, job_id)
        await temporal_client.get_workflow_handle(job_id).terminate(reason="operator")
        job = await wait_for_status(client, job_id, ("stopped", "failed", "succeeded"), timeout=60)
    assert job["status"] == "failed", job
    assert job["error"]["message"] == "The job's run was terminated in Temporal."
    assert job["artifact"] is not None
    run = await temporal_client.get_workflow_handle(job_id).describe()
    assert run.status == WorkflowExecutionStatus.TERMINATED


async def test_simultaneous_approvals_respect_the_concurrent_job_limit(stack: Stack) -> None:
    starter = await stack.new_org(tier="starter")  # one job at a time
    async with stack.client(starter.test) as client:
        pending = [await draft(client, hints={"max_rows": 2000}) for _ in range(5)]
        answers = await asyncio.gather(
            *(client.post(f"/v1/jobs/{item['job']['id']}/approve") for item in pending)
        )
        statuses = [
            (await client.get(f"/v1/jobs/{item['job']['id']}")).json()["status"] for item in pending
        ]
        for item in pending:
            await client.post(f"/v1/jobs/{item['job']['id']}/stop")
    assert sorted(answer.status_code for answer in answers) == [200, 429, 429, 429, 429]
    assert statuses.count("running") == 1 and statuses.count("pending") == 4


async def test_planning_runs_carry_the_thread_search_attributes(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, QUICKSTART, hints={"max_rows": 4})
    thread_id = drafted["plan"]["thread_id"]
    temporal_client = await _temporal(stack, temporal)
    query = f"LeadexThreadId = '{thread_id}' AND LeadexOrgId = '{org.org_id}'"
    found: list[str] = []
    for _ in range(50):  # visibility is eventually consistent
        found = [execution.id async for execution in temporal_client.list_workflows(query)]
        if drafted["plan"]["id"] in found:
            break
        await asyncio.sleep(0.2)
    assert drafted["plan"]["id"] in found
