"""Authentication, scopes, tenancy and the error envelope, over HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlmodel import col

from core.clock import utcnow
from store.models import ApiKey
from store.repositories.api_keys import digest
from tests.support.asserts import assert_error
from tests.support.stack import Keys, Stack


async def test_missing_key_is_401_in_the_envelope(stack: Stack) -> None:
    async with stack.client() as client:
        response = await client.get("/v1/threads")
    error = assert_error(response, 401, "authentication_error", param=None)
    assert "Authorization: Bearer" in str(error["message"])
    assert response.headers["www-authenticate"] == "Bearer"


async def test_malformed_and_unknown_keys_are_401(stack: Stack) -> None:
    async with stack.client("not-a-key") as client:
        malformed = await client.get("/v1/threads")
    async with stack.client("sk_test_" + "x" * 43) as client:
        unknown = await client.get("/v1/threads")
    assert "Malformed" in str(assert_error(malformed, 401, "authentication_error")["message"])
    assert assert_error(unknown, 401, "authentication_error")["message"] == "Invalid API key."


async def _set_key(stack: Stack, secret: str, **values: object) -> None:
    await stack.execute(
        update(ApiKey).where(col(ApiKey.secret_hash) == digest(secret)).values(**values)
    )


async def test_revoked_and_expired_keys_say_why(stack: Stack, org: Keys) -> None:
    await _set_key(stack, org.read_only, revoked_at=utcnow())
    async with stack.client(org.read_only) as client:
        revoked = await client.get("/v1/threads")
    assert "revoked" in str(assert_error(revoked, 401, "authentication_error")["message"])

    await _set_key(stack, org.live, expires_at=utcnow() - timedelta(minutes=1))
    async with stack.client(org.live) as client:
        expired = await client.get("/v1/threads")
    assert "expired" in str(assert_error(expired, 401, "authentication_error")["message"])

    async with stack.client(org.test) as client:
        assert (await client.get("/v1/threads")).status_code == 200


async def test_read_only_key_cannot_write(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={"title": "t"})).json()
    async with stack.client(org.read_only) as client:
        create = await client.post("/v1/threads", json={})
        post = await client.post(
            f"/v1/threads/{thread['id']}/messages", json={"content": "Fintechs in France"}
        )
        listing = await client.get("/v1/threads")
    assert "'run' scope" in str(assert_error(post, 403, "permission_error")["message"])
    assert_error(create, 403, "permission_error")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["data"]] == [thread["id"]]


async def test_other_organizations_objects_are_404(stack: Stack, org: Keys) -> None:
    other = await stack.new_org()
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={"title": "mine"})).json()
    async with stack.client(other.test) as client:
        responses = [
            await client.get(f"/v1/threads/{thread['id']}"),
            await client.patch(f"/v1/threads/{thread['id']}", json={"title": "x"}),
            await client.delete(f"/v1/threads/{thread['id']}"),
            await client.get(f"/v1/threads/{thread['id']}/messages"),
            await client.post(f"/v1/threads/{thread['id']}/messages", json={"content": "fintechs"}),
        ]
        listing = (await client.get("/v1/threads")).json()
    for response in responses:
        error = assert_error(response, 404, "not_found", param="thread_id")
        assert thread["id"] in str(error["message"])
    assert listing["data"] == []
    assert listing["total"] == 0


async def test_test_and_live_modes_are_isolated(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        test_thread = (await client.post("/v1/threads", json={"title": "test"})).json()
    async with stack.client(org.live) as client:
        live_thread = (await client.post("/v1/threads", json={"title": "live"})).json()
        hidden = await client.get(f"/v1/threads/{test_thread['id']}")
        live_list = (await client.get("/v1/threads")).json()
    async with stack.client(org.test) as client:
        test_list = (await client.get("/v1/threads")).json()
    assert test_thread["livemode"] is False and live_thread["livemode"] is True
    assert_error(hidden, 404, "not_found")
    assert [item["id"] for item in live_list["data"]] == [live_thread["id"]]
    assert [item["id"] for item in test_list["data"]] == [test_thread["id"]]


async def test_framework_errors_use_the_envelope(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        unknown_route = await client.get("/v1/nope")
        wrong_method = await client.put("/v1/threads")
        bad_json = await client.post(
            "/v1/threads", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        not_object = await client.post("/v1/threads", json=["a"])
        wrong_type = await client.get("/v1/threads", params={"limit": "ten"})
        too_big = await client.get("/v1/threads", params={"limit": 101})
    assert_error(unknown_route, 404, "not_found", param=None)
    assert_error(wrong_method, 405, "invalid_request_error", param=None)
    assert "not valid JSON" in str(assert_error(bad_json, 400, "invalid_request_error")["message"])
    assert_error(not_object, 400, "invalid_request_error", param=None)
    assert_error(wrong_type, 400, "invalid_request_error", param="limit")
    assert_error(too_big, 422, "invalid_request_error", param="limit")


async def test_request_ids_are_assigned_and_echoed(stack: Stack, org: Keys) -> None:
    mine = str(uuid.uuid4())
    async with stack.client(org.test) as client:
        echoed = await client.get("/v1/threads", headers={"X-Request-Id": mine})
        assigned = await client.get("/v1/threads")
        hostile = await client.get("/v1/threads", headers={"X-Request-Id": "<script>"})
        failed = await client.get("/v1/threads/thr_missing", headers={"X-Request-Id": mine})
    assert echoed.headers["x-request-id"] == mine
    assert assigned.headers["x-request-id"].startswith("req_")
    assert hostile.headers["x-request-id"].startswith("req_")
    assert assert_error(failed, 404, "not_found")["request_id"] == mine


async def test_unexpected_errors_are_500_without_internals() -> None:
    from fastapi import APIRouter

    from api.app import create_app
    from core.config import Settings

    app = create_app(Settings(database_url="sqlite:///:memory:", secret_key="k"))
    boom = APIRouter()

    @boom.get("/v1/boom")
    async def explode() -> None:
        raise RuntimeError("secret internal detail at /srv/leadex/db.py line 42")

    app.include_router(boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://leadex.test") as client:
        response = await client.get("/v1/boom")
    error = assert_error(response, 500, "internal_error", param=None)
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    assert str(error["request_id"]) in str(error["message"])


async def test_nul_characters_are_a_clear_400_on_every_backend(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        in_body = await client.post(
            "/v1/search", json={"prompt": "Fintechs in France\u0000", "wait": "async"}
        )
        in_query = await client.get("/v1/threads", params={"q": "a\u0000b"})
        in_path = await client.get("/v1/threads/thr_%00")
        escaped = await client.post("/v1/threads", json={"title": "a literal \\u0000 is fine"})
        threads = (await client.get("/v1/threads")).json()
    assert "NUL" in str(assert_error(in_body, 400, "invalid_request_error")["message"])
    assert_error(in_query, 400, "invalid_request_error", param="q")
    assert_error(in_path, 400, "invalid_request_error")
    assert escaped.status_code == 200 and escaped.json()["title"] == "a literal \\u0000 is fine"
    assert [thread["id"] for thread in threads["data"]] == [escaped.json()["id"]]
