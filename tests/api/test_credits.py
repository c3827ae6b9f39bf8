"""Credits: the plan's estimate, the job's charge, refunds, 402s and the budget ceiling."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import col, select
from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.exceptions import ApplicationError

from activities.jobs import JobActivities
from cli.localstack import TemporalServer
from core.clock import utcnow
from sandbox.icp import icp
from store.models import CreditEntry, Event
from tests.support.asserts import assert_error
from tests.support.flows import draft, run_to_end, wait_for_status
from tests.support.stack import Keys, Stack
from tests.support.workers import in_process_worker
from workflows import names
from workflows.job_types import BatchRequest, BatchResult

PROMPT = icp("fr_fintech_series_a").prompt


async def _entries(stack: Stack, job_id: str) -> dict[str, int]:
    rows = await stack.query(select(CreditEntry).where(col(CreditEntry.job_id) == job_id))
    return {row.kind: row.amount for row in rows}


async def test_a_live_job_is_estimated_charged_and_reported_in_usage(stack: Stack) -> None:
    org = await stack.new_org(tier="growth", credits=5000)
    async with stack.client(org.live) as client:
        drafted = await draft(client, PROMPT, hints={"max_rows": 6})
        job = await run_to_end(client, drafted["job"]["id"])
        usage = (await client.get("/v1/usage")).json()
        by_thread = (await client.get("/v1/usage", params={"group_by": "thread"})).json()
        by_user = (await client.get("/v1/usage", params={"group_by": "user"})).json()
        by_day = (await client.get("/v1/usage", params={"group_by": "day"})).json()
        me = (await client.get("/v1/me")).json()
        organization = (await client.get("/v1/organization")).json()
    async with stack.client(org.test) as client:
        test_usage = (await client.get("/v1/usage")).json()
    estimate = drafted["plan"]["credits_estimate"]
    used = job["credits_used"]
    assert job["status"] == "succeeded", job
    assert isinstance(estimate, int) and estimate > 0
    assert isinstance(used, int) and 0 < used <= estimate
    assert await _entries(stack, job["id"]) == {
        "hold": estimate,
        "release": estimate,
        "charge": used,
    }
    assert usage["plan"] == "growth"
    assert usage["credits"] == {
        "included": 5000,
        "used": used,
        "remaining": 5000 - used,
        "rollover": 0,
    }
    assert usage["jobs"] == {"succeeded": 1, "failed": 0, "stopped": 0}
    assert by_thread["groups"] == [{"key": job["thread_id"], "credits": used, "jobs": 1}]
    assert by_user["groups"] == [{"key": me["key"]["id"], "credits": used, "jobs": 1}]
    assert by_day["groups"] == [{"key": utcnow().date().isoformat(), "credits": used, "jobs": 1}]
    assert organization["credits"]["used"] == used and organization["credits"]["held"] == 0
    # Test mode is free and does not see live spending.
    assert test_usage["credits"]["used"] == 0 and test_usage["jobs"]["succeeded"] == 0


async def test_test_mode_jobs_are_free(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 10})
        job = await run_to_end(client, drafted["job"]["id"])
        second = await run_to_end(client, (await draft(client, hints={"max_rows": 4}))["job"]["id"])
        usage = (await client.get("/v1/usage")).json()
        by_thread = (await client.get("/v1/usage", params={"group_by": "thread"})).json()
        by_day = (await client.get("/v1/usage", params={"group_by": "day"})).json()
    # Free jobs still count in the groups, at zero credits.
    assert sorted(by_thread["groups"], key=lambda group: group["key"]) == sorted(
        [
            {"key": job["thread_id"], "credits": 0, "jobs": 1},
            {"key": second["thread_id"], "credits": 0, "jobs": 1},
        ],
        key=lambda group: group["key"],
    )
    assert by_day["groups"] == [{"key": utcnow().date().isoformat(), "credits": 0, "jobs": 2}]
    assert job["status"] == "succeeded"
    assert drafted["plan"]["credits_estimate"] > 0
    assert job["credits_used"] == 0
    assert await _entries(stack, job["id"]) == {}
    assert usage["credits"]["used"] == 0


async def test_approve_without_enough_credits_is_a_402(stack: Stack) -> None:
    broke = await stack.new_org(tier="starter", credits=0)
    short = await stack.new_org(tier="starter", credits=2)
    async with stack.client(broke.live) as client:
        drafted = await draft(client, PROMPT, hints={"max_rows": 20})
        refused = await client.post(f"/v1/jobs/{drafted['job']['id']}/approve")
        after = (await client.get(f"/v1/jobs/{drafted['job']['id']}")).json()
    async with stack.client(short.live) as client:
        big = await draft(client, PROMPT, hints={"max_rows": 50})
        too_big = await client.post(f"/v1/jobs/{big['job']['id']}/approve")
    error = assert_error(refused, 402, "insufficient_credits")
    assert "Not enough credits" in str(error["message"])
    assert "0 remain" in str(error["message"])
    assert after["status"] == "pending" and after["started_at"] is None
    error = assert_error(too_big, 402, "insufficient_credits")
    assert f"needs up to {big['plan']['credits_estimate']}" in str(error["message"])
    assert "2 remain" in str(error["message"])
    assert await _entries(stack, drafted["job"]["id"]) == {}


async def test_the_budget_ceiling_refuses_new_jobs_and_records_the_event(stack: Stack) -> None:
    org = await stack.new_org(tier="growth", credits=5000)
    async with stack.client(org.live) as client:
        put = await client.put("/v1/usage/budget", json={"monthly_credits": 1})
        drafted = await draft(client, PROMPT, hints={"max_rows": 20})
        refused = await client.post(f"/v1/jobs/{drafted['job']['id']}/approve")
        again = await client.post(f"/v1/jobs/{drafted['job']['id']}/approve")
        budget = (await client.get("/v1/usage/budget")).json()
        raised = await client.put("/v1/usage/budget", json={"monthly_credits": 100_000})
        approved = await client.post(
            f"/v1/jobs/{drafted['job']['id']}/approve", json={"max_credits": 3}
        )
        job = await wait_for_status(client, drafted["job"]["id"], ("succeeded", "stopped"))
    async with stack.client(org.read_only) as client:
        read_only_put = await client.put("/v1/usage/budget", json={"monthly_credits": 5})
    assert put.status_code == 200 and put.json()["monthly_credits"] == 1
    error = assert_error(refused, 402, "insufficient_credits")
    assert "monthly budget of 1 credits is reached" in str(error["message"])
    assert_error(again, 402, "insufficient_credits")
    assert budget == {
        "object": "budget",
        "monthly_credits": 1,
        "warning_at": 0.8,
        "hard_stop": True,
        "used": 0,
        "period": budget["period"],
    }
    exceeded = await stack.query(
        select(Event).where(
            col(Event.org_id) == org.org_id, col(Event.type) == "usage.budget.exceeded"
        )
    )
    assert len(exceeded) == 1, "the exceeded event is recorded once a month"
    assert exceeded[0].livemode is True
    assert exceeded[0].data["object"]["monthly_credits"] == 1
    assert raised.status_code == 200 and approved.status_code == 200, approved.text
    assert job["credits_used"] <= 3
    assert_error(read_only_put, 403, "permission_error")


def _fail_once_charged(metered: list[float]) -> Callable[[JobActivities], Any]:
    """Break the job for good at the first batch after some work was metered."""

    def wrap(real: JobActivities) -> Any:
        @activity.defn(name=names.JOB_RUN_BATCH_ACTIVITY)
        async def run_batch_then_fail(request: BatchRequest) -> BatchResult:
            result = await real.run_batch(request)
            if request.credits_metered > 0:
                metered.append(request.credits_metered)
                raise ApplicationError("the research backend broke", non_retryable=True)
            return result

        return run_batch_then_fail

    return wrap


@pytest.mark.backends("sqlite")  # tests/store/test_ledger.py books refunds on both databases
async def test_a_failed_live_job_is_refunded(stack: Stack, temporal: TemporalServer) -> None:
    org = await stack.new_org(tier="growth", credits=5000)
    metered: list[float] = []
    async with (
        in_process_worker(stack, temporal, run_batch=_fail_once_charged(metered)),
        stack.client(org.live) as client,
    ):
        drafted = await draft(client, PROMPT, hints={"max_rows": 10})
        job = await run_to_end(client, drafted["job"]["id"])
        usage = (await client.get("/v1/usage")).json()
        organization = (await client.get("/v1/organization")).json()
    assert metered, "the failure was never injected"
    assert job["status"] == "failed", job
    run = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    described = await run.get_workflow_handle(job["id"]).describe()
    assert described.status == WorkflowExecutionStatus.FAILED  # failed in the Temporal UI too
    assert job["credits_used"] == 0
    entries = await _entries(stack, job["id"])
    assert entries["hold"] == entries["release"] > 0
    assert entries["charge"] == entries["refund"] == math.ceil(metered[0])
    assert entries["charge"] > 0, "the work done is charged, then refunded"
    assert usage["credits"]["used"] == 0 and usage["credits"]["remaining"] == 5000
    assert usage["jobs"] == {"succeeded": 0, "failed": 1, "stopped": 0}
    assert organization["credits"]["held"] == 0
