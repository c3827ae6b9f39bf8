"""Idempotency-Key: replays, conflicts, validation failures and real concurrency."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import col, select

from core.clock import utcnow
from store.models import IdempotencyKey
from tests.support.asserts import assert_error
from tests.support.stack import Keys, Stack


async def test_a_retry_replays_the_original_response_byte_for_byte(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        headers = {"Idempotency-Key": "create-thread-1"}
        first = await client.post("/v1/threads", json={"title": "once"}, headers=headers)
        again = await client.post("/v1/threads", json={"title": "once"}, headers=headers)
        listing = (await client.get("/v1/threads")).json()
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert listing["total"] == 1


async def test_a_key_reused_for_another_request_is_a_conflict(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        headers = {"Idempotency-Key": "k-1"}
        await client.post("/v1/threads", json={"title": "a"}, headers=headers)
        other_body = await client.post("/v1/threads", json={"title": "b"}, headers=headers)
        thread = (await client.post("/v1/threads", json={})).json()
        other_path = await client.patch(
            f"/v1/threads/{thread['id']}", json={"title": "a"}, headers=headers
        )
        too_long = await client.post("/v1/threads", json={}, headers={"Idempotency-Key": "x" * 256})
        read = await client.get("/v1/threads", headers=headers)
    assert "different request" in str(assert_error(other_body, 409, "conflict")["message"])
    assert_error(other_path, 409, "conflict", param="Idempotency-Key")
    assert_error(too_long, 400, "invalid_request_error", param="Idempotency-Key")
    assert read.status_code == 200 and "idempotent-replayed" not in read.headers


async def test_validation_failures_are_not_kept(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        headers = {"Idempotency-Key": "fix-and-retry"}
        wrong = await client.post("/v1/threads", json={"title": "x" * 300}, headers=headers)
        right = await client.post("/v1/threads", json={"title": "ok"}, headers=headers)
    assert_error(wrong, 422, "invalid_request_error", param="title")
    assert right.status_code == 200 and right.json()["title"] == "ok"


async def test_keys_are_scoped_to_the_organization_and_mode(stack: Stack, org: Keys) -> None:
    other = await stack.new_org()
    headers = {"Idempotency-Key": "shared-name"}
    async with stack.client(org.test) as client:
        mine = await client.post("/v1/threads", json={"title": "t"}, headers=headers)
    async with stack.client(other.test) as client:
        theirs = await client.post("/v1/threads", json={"title": "t"}, headers=headers)
    async with stack.client(org.live) as client:
        live = await client.post("/v1/threads", json={"title": "t"}, headers=headers)
    ids = {mine.json()["id"], theirs.json()["id"], live.json()["id"]}
    assert len(ids) == 3


async def test_a_crashed_claim_does_not_lock_the_key(stack: Stack, org: Keys) -> None:
    body = b'{"title": "after a crash"}'
    import hashlib

    async with stack.client(org.test) as client:
        key_id = (await client.get("/v1/me")).json()["key"]["id"]
    await stack.execute(
        insert(IdempotencyKey).values(
            org_id=org.org_id,
            livemode=False,
            key="crashed",
            api_key_id=key_id,
            method="POST",
            path="/v1/threads",
            request_hash=hashlib.sha256(b"|" + body).hexdigest(),
            status="in_progress",
            response_headers={},
            locked_until=utcnow() - timedelta(seconds=1),
            created_at=utcnow() - timedelta(minutes=2),
            expires_at=utcnow() + timedelta(hours=23),
        )
    )
    async with stack.client(org.test) as client:
        response = await client.post(
            "/v1/threads",
            content=body,
            headers={"Idempotency-Key": "crashed", "Content-Type": "application/json"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "after a crash"


async def test_concurrent_requests_with_one_key_act_exactly_once(stack: Stack, org: Keys) -> None:
    # The full race on PostgreSQL; SQLite serializes writers, so fewer rounds prove as much.
    rounds, concurrency = (20, 50) if stack.backend == "postgres" else (5, 50)
    async with stack.client(org.test) as client:
        for round_no in range(rounds):
            key = {"Idempotency-Key": f"race-{round_no}"}
            responses = await asyncio.gather(
                *(
                    client.post("/v1/threads", json={"title": f"race {round_no}"}, headers=key)
                    for _ in range(concurrency)
                )
            )
            statuses = [response.status_code for response in responses]
            assert 500 not in statuses, [r.text for r in responses if r.status_code == 500]
            assert set(statuses) <= {200, 409}
            created = {r.json()["id"] for r in responses if r.status_code == 200}
            assert len(created) == 1, created  # every 200 is the one action or its replay
            for response in responses:
                if response.status_code == 409:
                    assert "in use" in response.json()["error"]["message"]
        listing = (await client.get("/v1/threads", params={"limit": 100})).json()
    titles = [thread["title"] for thread in listing["data"]]
    assert listing["total"] == rounds
    assert sorted(titles) == sorted(f"race {n}" for n in range(rounds))


async def test_a_secret_is_never_stored_and_a_replay_says_it_was_redacted(
    stack: Stack, org: Keys
) -> None:
    headers = {"Idempotency-Key": "mint-once"}
    async with stack.client(org.test) as client:
        first = await client.post(
            "/v1/api-keys", json={"name": "ci", "scopes": ["read"]}, headers=headers
        )
        again = await client.post(
            "/v1/api-keys", json={"name": "ci", "scopes": ["read"]}, headers=headers
        )
        rotated = await client.post(
            f"/v1/api-keys/{first.json()['id']}/rotate", json={}, headers={"Idempotency-Key": "r"}
        )
        rotated_again = await client.post(
            f"/v1/api-keys/{first.json()['id']}/rotate", json={}, headers={"Idempotency-Key": "r"}
        )
    stored = await stack.query(
        select(IdempotencyKey).where(col(IdempotencyKey.org_id) == org.org_id)
    )
    secret = first.json()["secret"]
    assert first.status_code == 200 and secret.startswith("sk_")
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and again.json()["secret"] is None
    assert again.headers["idempotent-redacted"] == "secret"
    assert "idempotent-redacted" not in first.headers
    assert rotated.json()["secret"].startswith("sk_") and rotated_again.json()["secret"] is None
    assert len(stored) == 2
    for row in stored:
        assert secret.encode() not in (row.response_body or b"")
        assert rotated.json()["secret"].encode() not in (row.response_body or b"")


async def test_a_stored_response_belongs_to_the_key_that_made_it(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        twin = (
            await client.post(
                "/v1/api-keys", json={"name": "twin", "scopes": ["read", "run", "admin"]}
            )
        ).json()["secret"]
        headers = {"Idempotency-Key": "shared"}
        mine = await client.post("/v1/threads", json={"title": "mine"}, headers=headers)
    async with stack.client(twin) as client:
        theirs = await client.post("/v1/threads", json={"title": "mine"}, headers=headers)
    assert mine.status_code == 200
    error = assert_error(theirs, 409, "conflict", param="Idempotency-Key")
    assert "another API key" in str(error["message"])
    assert mine.json()["id"] not in theirs.text
