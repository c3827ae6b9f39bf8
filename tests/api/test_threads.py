"""Threads: create, list, retrieve, update, delete; pagination; limits."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col

from store.models import Job
from tests.support.asserts import assert_error, assert_id, assert_timestamp
from tests.support.stack import Keys, Stack

THREAD_KEYS = {
    "id",
    "object",
    "livemode",
    "title",
    "created_at",
    "updated_at",
    "message_count",
    "last_job_id",
    "metadata",
}


async def test_create_and_retrieve_have_the_spec_shape(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        created = await client.post(
            "/v1/threads",
            json={"title": "Series A FinTech in EU", "metadata": {"crm_campaign_id": "camp_117"}},
        )
        bare = await client.post("/v1/threads", json={})
        fetched = await client.get(f"/v1/threads/{created.json()['id']}")
    assert created.status_code == 200
    thread = created.json()
    assert set(thread) == THREAD_KEYS
    assert_id(thread["id"], "thr")
    assert thread["object"] == "thread"
    assert thread["livemode"] is False
    assert thread["metadata"] == {"crm_campaign_id": "camp_117"}
    assert thread["message_count"] == 0
    assert thread["last_job_id"] is None
    assert_timestamp(thread["created_at"])
    assert_timestamp(thread["updated_at"])
    assert fetched.json() == thread
    assert bare.json()["title"] is None and bare.json()["metadata"] == {}


@pytest.mark.parametrize(
    ("body", "param", "status"),
    [
        ({"title": "x" * 201}, "title", 422),
        ({"title": 5}, "title", 400),
        ({"metadata": {f"k{i}": "v" for i in range(51)}}, "metadata", 422),
        ({"metadata": {"k" * 41: "v"}}, "metadata", 422),
        ({"metadata": {"k": "v" * 501}}, "metadata", 422),
        ({"metadata": {"k": 1}}, "metadata.k", 400),
        ({"metadata": "nope"}, "metadata", 400),
    ],
)
async def test_create_limits(stack: Stack, org: Keys, body: dict, param: str, status: int) -> None:
    async with stack.client(org.test) as client:
        response = await client.post("/v1/threads", json=body)
        listing = await client.get("/v1/threads")
    assert_error(response, status, "invalid_request_error", param=param)
    assert listing.json()["total"] == 0


async def test_update_title_and_merge_metadata(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = (
            await client.post("/v1/threads", json={"title": "a", "metadata": {"x": "1", "y": "2"}})
        ).json()
        patched = await client.patch(
            f"/v1/threads/{thread['id']}", json={"metadata": {"y": "", "z": "3"}}
        )
        retitled = await client.post(f"/v1/threads/{thread['id']}", json={"title": "b"})
        full = await client.patch(
            f"/v1/threads/{thread['id']}",
            json={"metadata": {f"n{i}": "v" for i in range(49)}},
        )
    assert patched.json()["metadata"] == {"x": "1", "z": "3"}
    assert patched.json()["title"] == "a"
    assert retitled.json()["title"] == "b"
    assert retitled.json()["metadata"] == {"x": "1", "z": "3"}
    assert retitled.json()["updated_at"] >= thread["updated_at"]
    assert_error(full, 422, "invalid_request_error", param="metadata")


async def test_pagination_walks_every_thread_once(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        ids = [
            (await client.post("/v1/threads", json={"title": f"t{i}"})).json()["id"]
            for i in range(23)
        ]
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, str | int] = {"limit": 10}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get("/v1/threads", params=params)).json()
            assert set(page) == {"object", "data", "has_more", "next_cursor", "total"}
            assert page["total"] == 23
            seen += [item["id"] for item in page["data"]]
            pages += 1
            if not page["has_more"]:
                assert page["next_cursor"] is None
                break
            cursor = page["next_cursor"]
        ascending = (await client.get("/v1/threads", params={"order": "asc", "limit": 5})).json()
    assert pages == 3
    assert seen == list(reversed(ids))
    assert [item["id"] for item in ascending["data"]] == ids[:5]


async def test_cursors_are_bound_to_the_organization(stack: Stack, org: Keys) -> None:
    other = await stack.new_org()
    async with stack.client(org.test) as client:
        for i in range(3):
            await client.post("/v1/threads", json={"title": f"t{i}"})
        cursor = (await client.get("/v1/threads", params={"limit": 1})).json()["next_cursor"]
        tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
        bad = [
            await client.get("/v1/threads", params={"cursor": "garbage"}),
            await client.get("/v1/threads", params={"cursor": tampered}),
            await client.get("/v1/jobs", params={"cursor": cursor}),
            await client.get("/v1/threads", params={"cursor": cursor, "order": "asc"}),
        ]
    async with stack.client(other.test) as client:
        foreign = await client.get("/v1/threads", params={"cursor": cursor})
    async with stack.client(org.live) as client:
        other_mode = await client.get("/v1/threads", params={"cursor": cursor})
    for response in bad[:3]:
        assert_error(response, 400, "invalid_request_error", param="cursor")
    assert_error(bad[3], 422, "invalid_request_error", param="order")
    assert "another organization" in str(
        assert_error(foreign, 400, "invalid_request_error", param="cursor")["message"]
    )
    assert_error(other_mode, 400, "invalid_request_error", param="cursor")


async def test_title_search_and_job_status_filter(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        fintech = (await client.post("/v1/threads", json={"title": "EU FinTech 100%"})).json()
        await client.post("/v1/threads", json={"title": "US healthcare"})
        await client.post("/v1/threads", json={})
        by_q = (await client.get("/v1/threads", params={"q": "fintech"})).json()
        literal = (await client.get("/v1/threads", params={"q": "100%"})).json()
        wildcard = (await client.get("/v1/threads", params={"q": "%"})).json()
        none_pending = (
            await client.get("/v1/threads", params={"has_job_status": "pending"})
        ).json()
        invalid = await client.get("/v1/threads", params={"has_job_status": "pending,done"})
    assert [item["id"] for item in by_q["data"]] == [fintech["id"]]
    assert [item["id"] for item in literal["data"]] == [fintech["id"]]
    assert [item["id"] for item in wildcard["data"]] == [fintech["id"]]
    assert none_pending["data"] == []
    assert_error(invalid, 422, "invalid_request_error", param="has_job_status")


async def _force_job_status(stack: Stack, job_id: str, status: str) -> None:
    await stack.execute(update(Job).where(col(Job.id) == job_id).values(status=status))


async def test_delete_cascades_and_guards_running_jobs(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={"title": "to delete"})).json()
        drafted = (
            await client.post(
                f"/v1/threads/{thread['id']}/messages",
                json={"content": "Series A fintechs in France. Pull the CTO."},
            )
        ).json()
        job_id, plan_id = drafted["job"]["id"], drafted["plan"]["id"]
        await _force_job_status(stack, job_id, "running")
        blocked = await client.delete(f"/v1/threads/{thread['id']}")
        still_there = await client.get(f"/v1/threads/{thread['id']}")
        forced = await client.delete(f"/v1/threads/{thread['id']}", params={"force": "true"})
        gone = [
            await client.get(f"/v1/threads/{thread['id']}"),
            await client.get(f"/v1/plans/{plan_id}"),
            await client.get(f"/v1/jobs/{job_id}"),
            await client.get(f"/v1/threads/{thread['id']}/messages"),
        ]
        again = await client.delete(f"/v1/threads/{thread['id']}")
    error = assert_error(blocked, 409, "conflict")
    assert job_id in str(error["message"]) and "force=true" in str(error["message"])
    assert still_there.status_code == 200
    assert forced.status_code == 200
    assert forced.json() == {
        "id": thread["id"],
        "object": "thread",
        "livemode": False,
        "deleted": True,
    }
    assert [response.status_code for response in gone] == [404, 404, 404, 404]
    assert_error(again, 404, "not_found")
