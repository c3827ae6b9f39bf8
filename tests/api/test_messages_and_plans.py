"""Messages, planning through Temporal, plans, replans and jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import Client

from cli.localstack import TemporalServer
from core.clock import isoformat, utcnow
from tests.support.asserts import assert_error, assert_id, assert_timestamp
from tests.support.files import serve_files
from tests.support.stack import Keys, Stack

QUICKSTART = "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."

JOB_KEYS = {
    "id",
    "object",
    "livemode",
    "thread_id",
    "plan_id",
    "status",
    "progress",
    "started_at",
    "finished_at",
    "credits_used",
    "max_credits",
    "artifact",
    "summary",
    "temporal_url",
    "error",
    "metadata",
    "created_at",
}


async def _thread(client, title: str | None = "Series A FinTech in EU") -> dict:
    body = {"title": title} if title else {}
    response = await client.post("/v1/threads", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_quickstart_steps_one_and_two(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    async with stack.client(org.test) as client:
        thread = await _thread(client)
        response = await client.post(
            f"/v1/threads/{thread['id']}/messages", json={"content": QUICKSTART}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        plan_again = (await client.get(f"/v1/plans/{body['plan']['id']}")).json()
        job_again = (await client.get(f"/v1/jobs/{body['job']['id']}")).json()
        thread_after = (await client.get(f"/v1/threads/{thread['id']}")).json()

    assert set(body) == {"message", "plan", "job"}
    message, plan, job = body["message"], body["plan"], body["job"]
    assert_id(message["id"], "msg")
    assert message["role"] == "user" and message["content"] == QUICKSTART
    assert message["plan_id"] == plan["id"] and message["job_id"] == job["id"]

    assert_id(plan["id"], "pln")
    assert plan["object"] == "plan" and plan["job_id"] == job["id"]
    intents = [step["intent"] for step in plan["steps"]]
    assert "discover" in intents and "enrich" in intents
    assert 1 <= len(plan["steps"]) <= 12
    assert [step["id"] for step in plan["steps"]] == [
        f"stp_{i}" for i in range(1, len(plan["steps"]) + 1)
    ]
    columns = {column for step in plan["steps"] for column in step["expected_columns"]}
    assert {"vp_eng_name", "head_of_growth_name"} <= columns
    assert plan["credits_estimate"] > 0
    assert plan["criteria"]["countries"] == ["FR"]
    assert "series_a" in plan["criteria"]["stages"]
    assert plan_again == plan

    assert set(job) == JOB_KEYS
    assert_id(job["id"], "job")
    assert job["status"] == "pending"
    assert job["progress"] == {"step": 0, "total": len(plan["steps"]), "percent": 0}
    assert job["started_at"] is None and job["finished_at"] is None
    assert job["artifact"] is None and job["error"] is None and job["summary"] is None
    assert job["credits_used"] == 0
    assert_timestamp(job["created_at"])
    assert job_again == job

    assert thread_after["message_count"] == 2
    assert thread_after["last_job_id"] == job["id"]

    # The planning run is an ordinary workflow, visible in the Temporal UI under the plan id.
    temporal_client = await Client.connect(temporal.address, namespace=f"leadex-{stack.backend}")
    description = await temporal_client.get_workflow_handle(plan["id"]).describe()
    assert description.workflow_type == "leadex.planning"
    assert description.status is not None and description.status.name == "COMPLETED"


async def test_untitled_thread_takes_the_plan_title(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = await _thread(client, title=None)
        plan = (
            await client.post(f"/v1/threads/{thread['id']}/messages", json={"content": QUICKSTART})
        ).json()["plan"]
        after = (await client.get(f"/v1/threads/{thread['id']}")).json()
    assert after["title"] == plan["title"]


async def test_messages_are_listed_chronologically(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = await _thread(client)
        first = (
            await client.post(f"/v1/threads/{thread['id']}/messages", json={"content": QUICKSTART})
        ).json()
        second = (
            await client.post(
                f"/v1/threads/{thread['id']}/messages", json={"content": "only Germany instead"}
            )
        ).json()
        listing = (await client.get(f"/v1/threads/{thread['id']}/messages")).json()
        page = (
            await client.get(f"/v1/threads/{thread['id']}/messages", params={"limit": 3})
        ).json()
        rest = (
            await client.get(
                f"/v1/threads/{thread['id']}/messages", params={"cursor": page["next_cursor"]}
            )
        ).json()
    roles = [(item["role"], item["kind"]) for item in listing["data"]]
    assert roles == [
        ("user", "text"),
        ("assistant", "plan"),
        ("user", "text"),
        ("assistant", "plan"),
    ]
    assert listing["data"][0]["id"] == first["message"]["id"]
    assert listing["data"][2]["id"] == second["message"]["id"]
    assert listing["data"][3]["job_id"] == second["job"]["id"]
    assert [item["id"] for item in page["data"] + rest["data"]] == [
        item["id"] for item in listing["data"]
    ]
    # The follow-up refined the plan: same roles, new geography.
    assert second["plan"]["criteria"]["countries"] == ["DE"]
    assert [role["column_prefix"] for role in second["plan"]["criteria"]["roles"]] == [
        role["column_prefix"] for role in first["plan"]["criteria"]["roles"]
    ]


async def test_vague_prompt_is_plan_rejected_and_stores_nothing(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = await _thread(client)
        response = await client.post(
            f"/v1/threads/{thread['id']}/messages", json={"content": "find me some leads"}
        )
        listing = (await client.get(f"/v1/threads/{thread['id']}/messages")).json()
        jobs = (await client.get("/v1/jobs", params={"thread_id": thread["id"]})).json()
    error = assert_error(response, 422, "plan_rejected", param="content")
    assert "industry" in str(error["message"]).lower()
    assert listing["data"] == [] and jobs["data"] == []


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({}, 400, "content"),
        ({"content": ""}, 422, "content"),
        ({"content": "   "}, 422, "content"),
        ({"content": "x" * 8001}, 422, "content"),
        ({"content": 42}, 400, "content"),
        (
            {
                "content": "fintechs",
                "attachments": [{"kind": "csv", "url": "https://a.example/s.csv"}] * 6,
            },
            422,
            "attachments",
        ),
        (
            {"content": "fintechs", "attachments": [{"kind": "pdf", "url": "https://a.example/x"}]},
            422,
            "attachments.kind",
        ),
        (
            {"content": "fintechs", "attachments": [{"kind": "csv", "url": "ftp://a.example/x"}]},
            422,
            "attachments.url",
        ),
        ({"content": "fintechs", "hints": {"max_rows": 0}}, 422, "hints.max_rows"),
        ({"content": "fintechs", "hints": {"max_rows": 10001}}, 422, "hints.max_rows"),
        ({"content": "fintechs", "auto_approve": "maybe"}, 400, "auto_approve"),
    ],
)
async def test_message_input_limits(
    stack: Stack, org: Keys, body: dict, status: int, param: str
) -> None:
    async with stack.client(org.test) as client:
        thread = await _thread(client)
        response = await client.post(f"/v1/threads/{thread['id']}/messages", json=body)
        listing = (await client.get(f"/v1/threads/{thread['id']}/messages")).json()
    assert_error(response, status, "invalid_request_error", param=param)
    assert listing["data"] == []


async def test_hints_and_attachments_are_kept(stack: Stack, org: Keys) -> None:
    with serve_files({"/seeds.csv": (b"domain\nacme.example\n", "text/csv")}) as base:
        async with stack.client(org.test) as client:
            thread = await _thread(client)
            response = await client.post(
                f"/v1/threads/{thread['id']}/messages",
                json={
                    "content": "For each company in the attached CSV, pull the CTO.",
                    "attachments": [{"kind": "csv", "url": f"{base}/seeds.csv"}],
                    "hints": {"max_rows": 40},
                },
            )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"]["attachments"] == [{"kind": "csv", "url": f"{base}/seeds.csv"}]
    assert body["plan"]["target_rows"] == 40
    assert body["plan"]["steps"][0]["intent"] == "enrich"
    assert body["plan"]["criteria"]["seed"]["source_url"] == f"{base}/seeds.csv"
    assert body["job"]["status"] == "pending"


async def test_replan_supersedes_the_pending_job(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = await _thread(client)
        first = (
            await client.post(f"/v1/threads/{thread['id']}/messages", json={"content": QUICKSTART})
        ).json()
        replanned = await client.post(
            f"/v1/plans/{first['plan']['id']}/replan",
            json={"feedback": "Only VP Eng with Python experience. Skip Crunchbase."},
        )
        assert replanned.status_code == 200, replanned.text
        second = replanned.json()
        old_job = (await client.get(f"/v1/jobs/{first['job']['id']}")).json()
        again = await client.post(
            f"/v1/plans/{first['plan']['id']}/replan", json={"feedback": "only Spain"}
        )
        blank = await client.post(
            f"/v1/plans/{second['plan']['id']}/replan", json={"feedback": " "}
        )
        missing = await client.post(f"/v1/plans/{second['plan']['id']}/replan", json={})
        unknown = await client.post("/v1/plans/pln_nope/replan", json={"feedback": "x"})
        messages = (await client.get(f"/v1/threads/{thread['id']}/messages")).json()
    assert second["plan"]["id"] != first["plan"]["id"]
    assert second["job"]["id"] != first["job"]["id"]
    assert second["job"]["status"] == "pending"
    assert second["plan"]["previous_plan_id"] == first["plan"]["id"]
    assert second["message"]["kind"] == "feedback"
    roles = [role["column_prefix"] for role in second["plan"]["criteria"]["roles"]]
    assert roles == ["vp_eng"]
    assert old_job["status"] == "stopped"
    assert second["plan"]["id"] in old_job["summary"]
    assert_error(again, 409, "conflict")
    assert_error(blank, 422, "invalid_request_error", param="feedback")
    assert_error(missing, 400, "invalid_request_error", param="feedback")
    assert_error(unknown, 404, "not_found", param="plan_id")
    assert messages["total"] == 4


async def test_job_list_filters(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread_a = await _thread(client)
        thread_b = await _thread(client)
        job_a = (
            await client.post(
                f"/v1/threads/{thread_a['id']}/messages", json={"content": QUICKSTART}
            )
        ).json()["job"]
        job_b = (
            await client.post(
                f"/v1/threads/{thread_b['id']}/messages", json={"content": "CTOs of Berlin SaaS"}
            )
        ).json()["job"]
        everything = (await client.get("/v1/jobs")).json()
        by_thread = (await client.get("/v1/jobs", params={"thread_id": thread_a["id"]})).json()
        pending = (await client.get("/v1/jobs", params={"status": "pending,running"})).json()
        succeeded = (await client.get("/v1/jobs", params={"status": "succeeded"})).json()
        future = isoformat(utcnow() + timedelta(hours=1))
        past = isoformat(utcnow() - timedelta(hours=1))
        after_future = (await client.get("/v1/jobs", params={"created_after": future})).json()
        before_past = (await client.get("/v1/jobs", params={"created_before": past})).json()
        window = (
            await client.get("/v1/jobs", params={"created_after": past, "created_before": future})
        ).json()
        bad_status = await client.get("/v1/jobs", params={"status": "done"})
        bad_date = await client.get("/v1/jobs", params={"created_after": "yesterday"})
        missing = await client.get("/v1/jobs/job_01HZZZZZZZZZZZZZZZZZZZZZZZ")
    assert [job["id"] for job in everything["data"]] == [job_b["id"], job_a["id"]]
    assert [job["id"] for job in by_thread["data"]] == [job_a["id"]]
    assert pending["total"] == 2 and succeeded["total"] == 0
    assert after_future["data"] == [] and before_past["data"] == []
    assert window["total"] == 2
    assert_error(bad_status, 422, "invalid_request_error", param="status")
    assert_error(bad_date, 400, "invalid_request_error", param="created_after")
    assert_error(missing, 404, "not_found", param="job_id")
