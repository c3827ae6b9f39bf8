"""Schedules: one Temporal Schedule per schedule; each run a message, plan and approved job
that the normal endpoints show, skips recorded with their reason."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.client import Client, ScheduleActionStartWorkflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

from cli.localstack import TemporalServer
from sandbox.icp import icp
from tests.support.asserts import assert_error
from tests.support.flows import QUICKSTART, wait_for_status
from tests.support.stack import TEMPORAL_UI_URL, Keys, Stack

WEEKLY_PARIS = {"day_of_week": "MON", "hour": 9, "minute": 0}
YEARLY = "0 0 1 1 *"
EVERY_FIVE_SECONDS = {
    "second": list(range(0, 60, 5)),
    "minute": list(range(60)),
    "hour": list(range(24)),
}
ENDED = ("succeeded", "failed", "stopped")


async def _temporal(temporal: TemporalServer, stack: Stack) -> Client:
    return await Client.connect(
        temporal.address,
        namespace=f"leadex-{stack.backend}",
        data_converter=pydantic_data_converter,
    )


async def _create(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/v1/schedules", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _runs(
    client: httpx.AsyncClient, schedule_id: str, count: int, timeout: float = 120
) -> list[dict[str, Any]]:
    """The schedule's recent runs, oldest first, once there are at least ``count``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get(f"/v1/schedules/{schedule_id}")
        assert response.status_code == 200, response.text
        runs = list(reversed(response.json()["recent_runs"]))
        if len(runs) >= count:
            return runs
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"schedule {schedule_id} has {len(runs)} runs, not {count}")
        await asyncio.sleep(0.3)


async def _trigger(client: httpx.AsyncClient, schedule_id: str, count: int) -> dict[str, Any]:
    """Run the schedule now; the ``count``-th run once it is recorded."""
    response = await client.post(f"/v1/schedules/{schedule_id}/trigger")
    assert response.status_code == 200, response.text
    return (await _runs(client, schedule_id, count))[count - 1]


async def _leads(client: httpx.AsyncClient, job_id: str) -> set[tuple[str, str | None]]:
    found: set[tuple[str, str | None]] = set()
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = (await client.get(f"/v1/jobs/{job_id}/leads", params=params)).json()
        for lead in page["data"]:
            person = lead.get("person") or {}
            found.add((lead["company"]["domain"], person.get("full_name")))
        if not page["has_more"]:
            return found
        params["cursor"] = page["next_cursor"]


async def _until_visible(client: Client, query: str) -> list[str]:
    """Workflow ids a visibility query finds (visibility trails the runs by a moment)."""
    for _ in range(100):
        ids = [execution.id async for execution in client.list_workflows(query)]
        if ids:
            return ids
        await asyncio.sleep(0.2)
    raise AssertionError(f"nothing found by {query}")


async def test_a_weekly_schedule_runs_through_the_normal_endpoints(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        created = await _create(
            client,
            prompt=QUICKSTART,
            max_rows=3,
            max_credits=400,
            calendar=WEEKLY_PARIS,
            timezone="Europe/Paris",
            metadata={"team": "growth"},
        )
        schedule_id = created["id"]
        assert schedule_id.startswith("sch_")
        assert created["overlap"] == "skip"
        assert created["spec"]["timezone"] == "Europe/Paris"
        assert created["paused"] is False
        upcoming = [datetime.fromisoformat(t) for t in created["next_run_times"]]
        assert len(upcoming) >= 2
        for moment in upcoming:
            local = moment.astimezone(ZoneInfo("Europe/Paris"))
            assert (local.weekday(), local.hour, local.minute) == (0, 9, 0), local
        assert upcoming[1] - upcoming[0] in (timedelta(days=7), *_dst_weeks())

        engine = await _temporal(temporal, stack)
        described = await engine.get_schedule_handle(schedule_id).describe()
        action = described.schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow)
        assert action.workflow == "leadex.schedules.run"
        listed = [entry.id async for entry in await engine.list_schedules()]
        assert schedule_id in listed

        run = await _trigger(client, schedule_id, 1)
        assert run["status"] == "started", run
        job = await wait_for_status(client, run["job_id"], ENDED)
        assert job["status"] == "succeeded", job
        assert job["metadata"] == {"team": "growth", "schedule_id": schedule_id}
        assert job["max_credits"] == 400
        assert job["thread_id"] == run["thread_id"]
        assert job["plan_id"] == run["plan_id"]
        namespace = f"leadex-{stack.backend}"
        assert (
            job["temporal_url"] == f"{TEMPORAL_UI_URL}/namespaces/{namespace}/workflows/{job['id']}"
        )
        messages = (await client.get(f"/v1/threads/{run['thread_id']}/messages")).json()["data"]
        assert any(m["role"] == "user" and m["content"] == QUICKSTART for m in messages)
        plan = await client.get(f"/v1/plans/{run['plan_id']}")
        assert plan.status_code == 200, plan.text
        jobs = (await client.get("/v1/jobs", params={"thread_id": run["thread_id"]})).json()
        assert [item["id"] for item in jobs["data"]] == [job["id"]]

        # The operator finds the schedule's job, and its planning run, by search attribute.
        found = await _until_visible(
            engine, f'LeadexScheduleId = "{schedule_id}" AND LeadexJobId = "{job["id"]}"'
        )
        assert job["id"] in found
        planning = await _until_visible(
            engine, f'LeadexScheduleId = "{schedule_id}" AND WorkflowType = "leadex.planning"'
        )
        assert planning == [run["plan_id"]]

        listed_page = (await client.get("/v1/schedules")).json()
        assert [item["id"] for item in listed_page["data"]] == [schedule_id]

        updated = await client.post(f"/v1/schedules/{schedule_id}", json={"cron": "30 7 * * *"})
        assert updated.status_code == 200, updated.text
        assert updated.json()["spec"]["cron"] == "30 7 * * *"
        assert updated.json()["spec"]["calendar"] is None
        for text in updated.json()["next_run_times"]:
            local = datetime.fromisoformat(text).astimezone(ZoneInfo("Europe/Paris"))
            assert (local.hour, local.minute) == (7, 30), local

        deleted = await client.delete(f"/v1/schedules/{schedule_id}")
        assert deleted.status_code == 200, deleted.text
        assert deleted.json() == {
            "id": schedule_id,
            "object": "schedule",
            "livemode": False,
            "deleted": True,
        }
        assert_error(await client.get(f"/v1/schedules/{schedule_id}"), 404, "not_found")
        with pytest.raises(RPCError) as gone:
            await engine.get_schedule_handle(schedule_id).describe()
        assert gone.value.status == RPCStatusCode.NOT_FOUND
        still = await client.get(f"/v1/jobs/{job['id']}")
        assert still.json()["status"] == "succeeded"


def _dst_weeks() -> tuple[timedelta, timedelta]:
    """A week across a daylight-saving change is an hour shorter or longer in UTC."""
    return timedelta(days=7, hours=-1), timedelta(days=7, hours=1)


async def test_a_run_while_the_last_job_runs_is_skipped_and_recorded(
    stack: Stack, org: Keys
) -> None:
    async with stack.client(org.test) as client:
        schedule = await _create(client, prompt=QUICKSTART, max_rows=2000, cron=YEARLY)
        first = await _trigger(client, schedule["id"], 1)
        assert first["status"] == "started"
        job = await wait_for_status(client, first["job_id"], ("running", *ENDED))
        assert job["status"] == "running", job
        second = await _trigger(client, schedule["id"], 2)
        assert second["status"] == "skipped"
        assert second["job_id"] is None
        assert "overlap" in second["reason"] and first["job_id"] in second["reason"]
        stop = await client.post(f"/v1/jobs/{first['job_id']}/stop", json={"reason": "test"})
        assert stop.status_code == 200, stop.text
        await wait_for_status(client, first["job_id"], ENDED)
        third = await _trigger(client, schedule["id"], 3)
        assert third["status"] == "started", third
        # A 2,000-row job runs for minutes: stopping it ends the test as soon as it is seen.
        await client.post(f"/v1/jobs/{third['job_id']}/stop", json={"reason": "test"})
        await wait_for_status(client, third["job_id"], ENDED)
        jobs = (await client.get("/v1/jobs", params={"limit": 100})).json()["data"]
        assert {item["id"] for item in jobs} == {first["job_id"], third["job_id"]}
        await client.delete(f"/v1/schedules/{schedule['id']}")


async def test_pause_stops_runs_and_resume_brings_them_back(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    engine = await _temporal(temporal, stack)
    async with stack.client(org.test) as client:
        schedule = await _create(client, prompt=QUICKSTART, max_rows=2, calendar=EVERY_FIVE_SECONDS)
        schedule_id = schedule["id"]
        try:
            fired = await _runs(client, schedule_id, 1, timeout=60)
            assert fired[0]["status"] in ("started", "skipped")
            paused = await client.post(
                f"/v1/schedules/{schedule_id}/pause", json={"note": "quarter close"}
            )
            assert paused.status_code == 200, paused.text
            assert paused.json()["paused"] is True
            assert paused.json()["note"] == "quarter close"
            assert paused.json()["next_run_times"] == []
            handle = engine.get_schedule_handle(schedule_id)
            before = await handle.describe()
            assert before.schedule.state.paused is True
            assert before.schedule.state.note == "quarter close"
            # Two firing times pass while paused: Temporal starts nothing.
            await asyncio.sleep(11)
            after = await handle.describe()
            assert after.info.num_actions == before.info.num_actions
            resumed = await client.post(
                f"/v1/schedules/{schedule_id}/resume", json={"note": "back"}
            )
            assert resumed.json()["paused"] is False
            assert resumed.json()["next_run_times"]
            await _runs(client, schedule_id, len(fired) + 1, timeout=60)
        finally:
            await client.delete(f"/v1/schedules/{schedule_id}")


async def test_a_run_the_budget_refuses_is_skipped_with_its_reason(stack: Stack) -> None:
    broke = await stack.new_org(credits=0)
    async with stack.client(broke.live) as client:
        schedule = await _create(client, prompt=QUICKSTART, max_rows=20, cron=YEARLY)
        run = await _trigger(client, schedule["id"], 1)
        assert run["status"] == "skipped"
        assert run["job_id"] is None
        assert "credit" in run["reason"].lower(), run
        threads = (await client.get("/v1/threads")).json()["data"]
        assert threads == [], "a refused run leaves no empty thread behind"


async def test_a_run_posts_to_its_thread(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={"title": "weekly"})).json()
        schedule = await _create(
            client, thread_id=thread["id"], content=QUICKSTART, max_rows=2, cron=YEARLY
        )
        run = await _trigger(client, schedule["id"], 1)
        assert run["thread_id"] == thread["id"]
        await wait_for_status(client, run["job_id"], ENDED)
        refreshed = (await client.get(f"/v1/threads/{thread['id']}")).json()
        assert refreshed["last_job_id"] == run["job_id"]
        await client.delete(f"/v1/schedules/{schedule['id']}")


@pytest.mark.backends("sqlite")  # validation happens before any query
async def test_bad_schedules_are_refused_precisely(stack: Stack, org: Keys) -> None:
    other = await stack.new_org()
    async with stack.client(other.test) as client:
        foreign = (await client.post("/v1/threads", json={"title": "theirs"})).json()["id"]
    async with stack.client(org.test) as client:
        cases: list[tuple[dict[str, Any], int, str | None]] = [
            ({"cron": YEARLY}, 422, None),
            ({"prompt": "x", "thread_id": "thr_x", "content": "y", "cron": YEARLY}, 422, None),
            ({"prompt": QUICKSTART}, 422, None),
            ({"prompt": QUICKSTART, "cron": YEARLY, "calendar": {"hour": 9}}, 422, None),
            ({"prompt": QUICKSTART, "cron": YEARLY, "timezone": "Mars/Olympus"}, 422, "timezone"),
            ({"prompt": QUICKSTART, "calendar": {"day_of_week": "funday"}}, 422, "calendar"),
            ({"prompt": QUICKSTART, "calendar": {"hour": 24}}, 422, "calendar"),
            ({"prompt": QUICKSTART, "cron": "every tuesday-ish"}, 422, "cron"),
            ({"thread_id": foreign, "content": QUICKSTART, "cron": YEARLY}, 404, "thread_id"),
        ]
        for body, status, param in cases:
            response = await client.post("/v1/schedules", json=body)
            assert response.status_code == status, (body, response.text)
            if param is not None:
                assert response.json()["error"]["param"].startswith(param), (body, response.text)
        assert (await client.get("/v1/schedules")).json()["data"] == []


@pytest.mark.backends("sqlite")  # the engine's behaviour, not the database's
async def test_exclude_previous_drops_leads_an_earlier_run_delivered(
    stack: Stack, org: Keys
) -> None:
    prompt = icp("fr_fintech_series_a").prompt
    async with stack.client(org.live) as client:
        schedule = await _create(
            client,
            prompt=prompt,
            max_rows=4,
            max_credits=500,
            cron=YEARLY,
            exclude_previous=True,
        )
        first = await _trigger(client, schedule["id"], 1)
        assert (await wait_for_status(client, first["job_id"], ENDED, 300))["status"] == "succeeded"
        second = await _trigger(client, schedule["id"], 2)
        assert (await wait_for_status(client, second["job_id"], ENDED, 300))["status"] == (
            "succeeded"
        )
        earlier = await _leads(client, first["job_id"])
        later = await _leads(client, second["job_id"])
        # The same search outside the schedule delivers what the first run delivered again.
        search = await client.post(
            "/v1/search",
            json={"prompt": prompt, "max_rows": 4, "max_credits": 500, "wait": "sync"},
        )
        assert search.status_code == 200, search.text
        control = await _leads(client, search.json()["job"]["id"])
        await client.delete(f"/v1/schedules/{schedule['id']}")
    assert earlier
    assert control & earlier, "the control search should find what the first run found"
    assert not later & earlier, later & earlier
