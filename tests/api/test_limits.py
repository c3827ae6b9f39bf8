"""Tier limits: requests per minute, concurrent jobs, plans per day, open streams."""

from __future__ import annotations

import asyncio
import contextlib
import itertools

from sqlalchemy import insert

from core.clock import utcnow
from core.ids import Prefix, new_id
from store.models import Plan
from tests.support.asserts import assert_error
from tests.support.flows import draft
from tests.support.stack import Keys, Stack


async def test_headers_count_down_and_429_carries_retry_after(stack: Stack) -> None:
    starter = await stack.new_org(tier="starter")
    neighbour = await stack.new_org(tier="starter")
    async with stack.client(starter.test) as client:
        responses = [await client.get("/v1/threads") for _ in range(60)]
        over = await client.get("/v1/threads")
    async with stack.client(neighbour.test) as client:
        unaffected = await client.get("/v1/threads")
    limits = {r.headers["x-ratelimit-limit"] for r in responses}
    remaining = [int(r.headers["x-ratelimit-remaining"]) for r in responses]
    assert limits == {"60"}
    # A minute may roll over mid-test; within one minute the count only goes down.
    drops = [a - b for a, b in itertools.pairwise(remaining)]
    assert all(drop == 1 for drop in drops if drop >= 0)
    if over.status_code == 429:
        error = assert_error(over, 429, "rate_limit_error")
        assert "60 requests per minute" in str(error["message"])
        assert 1 <= int(over.headers["retry-after"]) <= 60
        assert over.headers["x-ratelimit-remaining"] == "0"
        assert int(over.headers["x-ratelimit-reset"]) > 0
    else:  # the 61st request landed in a new minute
        assert remaining[0] < 60 or int(over.headers["x-ratelimit-remaining"]) < 60
    assert unaffected.status_code == 200
    assert unaffected.headers["x-ratelimit-remaining"] == "59"


async def test_the_concurrent_job_limit_holds(stack: Stack) -> None:
    starter = await stack.new_org(tier="starter")
    async with stack.client(starter.test) as client:
        running = await draft(client, hints={"max_rows": 2000})
        waiting = await draft(client, hints={"max_rows": 4})
        first = await client.post(f"/v1/jobs/{running['job']['id']}/approve")
        second = await client.post(f"/v1/jobs/{waiting['job']['id']}/approve")
        still_pending = (await client.get(f"/v1/jobs/{waiting['job']['id']}")).json()
        await client.post(f"/v1/jobs/{running['job']['id']}/stop")
        third = await client.post(f"/v1/jobs/{waiting['job']['id']}/approve")
    assert first.status_code == 200
    error = assert_error(second, 429, "rate_limit_error")
    assert "Concurrent job limit" in str(error["message"]) and "runs 1 job" in str(error["message"])
    assert second.headers["retry-after"]
    assert still_pending["status"] == "pending"
    assert third.status_code == 200, third.text


async def test_the_daily_plan_limit_holds(stack: Stack) -> None:
    starter = await stack.new_org(tier="starter")
    async with stack.client(starter.test) as client:
        thread = (await client.post("/v1/threads", json={})).json()
    rows = [
        {
            "id": new_id(Prefix.PLAN),
            "org_id": starter.org_id,
            "livemode": False,
            "thread_id": thread["id"],
            "job_id": new_id(Prefix.JOB),
            "title": "filler",
            "steps": [],
            "criteria": {},
            "credits_estimate": 0,
            "target_rows": 0,
            "planner": "rules",
            "created_at": utcnow(),
        }
        for _ in range(200)
    ]
    await stack.execute(insert(Plan).values(rows))
    async with stack.client(starter.test) as client:
        refused = await client.post(
            f"/v1/threads/{thread['id']}/messages", json={"content": "CTOs in Berlin"}
        )
    error = assert_error(refused, 429, "rate_limit_error")
    assert "200 plans a day" in str(error["message"])


async def test_open_streams_are_limited_per_organization(stack: Stack) -> None:
    starter = await stack.new_org(tier="starter")
    async with stack.client(starter.test) as client:
        drafted = await draft(client, hints={"max_rows": 2000})
        job_id = drafted["job"]["id"]
        await client.post(f"/v1/jobs/{job_id}/approve")
        async with contextlib.AsyncExitStack() as streams:
            for _ in range(5):
                response = await streams.enter_async_context(
                    client.stream("GET", f"/v1/jobs/{job_id}/stream")
                )
                assert response.status_code == 200
            sixth = await client.get(f"/v1/jobs/{job_id}/stream")
        reopened = 0
        for _ in range(50):  # closed streams give their leases back as the server notices
            async with client.stream("GET", f"/v1/jobs/{job_id}/stream") as again:
                reopened = again.status_code
            if reopened == 200:
                break
            await asyncio.sleep(0.1)
        await client.post(f"/v1/jobs/{job_id}/stop")
    error = assert_error(sixth, 429, "rate_limit_error")
    assert "5 SSE connections" in str(error["message"])
    assert reopened == 200


async def test_scale_tier_reports_its_limits(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        response = await client.get("/v1/organization")
    body = response.json()
    assert body["plan"] == "scale"
    assert body["limits"] == {
        "requests_per_minute": 3000,
        "concurrent_jobs": 25,
        "plans_per_day": None,
        "sse_connections": 250,
    }
    assert response.headers["x-ratelimit-limit"] == "3000"
