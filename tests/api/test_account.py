"""Account, keys, members and publishable keys."""

from __future__ import annotations

from sqlmodel import col, select

from store.db import Database
from store.models import Event
from tests.support.asserts import assert_error, assert_id
from tests.support.flows import draft, run_to_end
from tests.support.stack import Keys, Stack


async def test_me_and_organization(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        me = (await client.get("/v1/me")).json()
        organization = (await client.get("/v1/organization")).json()
    assert me["object"] == "principal" and me["livemode"] is False
    assert me["key"]["scopes"] == ["read", "run", "integrations", "admin"]
    assert me["key"]["secret"] is None and me["key"]["redacted"].startswith("sk_test_")
    assert me["organization"] == organization
    assert organization["id"] == org.org_id and organization["name"] == org.org
    assert set(organization["credits"]) == {
        "included",
        "rollover",
        "used",
        "held",
        "remaining",
        "budget",
    }


async def test_keys_are_minted_listed_revoked_and_rotated(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        created = (
            await client.post("/v1/api-keys", json={"name": "ci", "scopes": ["read"]})
        ).json()
        listing = (await client.get("/v1/api-keys", params={"limit": 100})).json()
        bad_scope = await client.post("/v1/api-keys", json={"name": "x", "scopes": ["root"]})
        past = await client.post(
            "/v1/api-keys", json={"name": "x", "expires_at": "2020-01-01T00:00:00Z"}
        )
    assert_id(created["id"], "key")
    assert created["secret"].startswith("sk_test_") and created["scopes"] == ["read"]
    assert all(item["secret"] is None for item in listing["data"])
    assert created["id"] in [item["id"] for item in listing["data"]]
    assert_error(bad_scope, 422, "invalid_request_error", param="scopes")
    assert_error(past, 422, "invalid_request_error", param="expires_at")

    async with stack.client(created["secret"]) as client:
        assert (await client.get("/v1/threads")).status_code == 200
        cannot_admin = await client.get("/v1/api-keys")
    assert_error(cannot_admin, 403, "permission_error")

    async with stack.client(org.test) as client:
        rotated = (await client.post(f"/v1/api-keys/{created['id']}/rotate")).json()
        rotate_again = await client.post(f"/v1/api-keys/{created['id']}/rotate")
    assert rotated["id"] != created["id"] and rotated["name"] == "ci"
    assert rotated["secret"] != created["secret"]
    async with stack.client(created["secret"]) as client:
        old = await client.get("/v1/threads")
    async with stack.client(rotated["secret"]) as client:
        new = await client.get("/v1/threads")
    assert "revoked" in str(assert_error(old, 401, "authentication_error")["message"])
    assert new.status_code == 200
    assert_error(rotate_again, 409, "conflict")

    async with stack.client(org.test) as client:
        revoked = await client.delete(f"/v1/api-keys/{rotated['id']}")
        missing = await client.delete("/v1/api-keys/key_missing")
    assert revoked.json()["revoked_at"] is not None
    async with stack.client(rotated["secret"]) as client:
        assert_error(await client.get("/v1/threads"), 401, "authentication_error")
    assert_error(missing, 404, "not_found", param="key_id")

    database = Database(stack.database_url)
    try:
        async with database.transaction() as session:
            kinds = (
                await session.exec(select(Event.type).where(col(Event.org_id) == org.org_id))
            ).all()
    finally:
        await database.dispose()
    assert "api_key.rotated" in kinds


async def test_members_need_admin(stack: Stack, org: Keys) -> None:
    async with stack.client(org.read_only) as client:
        forbidden = await client.get("/v1/members")
    async with stack.client(org.test) as client:
        invited = await client.post(
            "/v1/members", json={"email": "Ada@Example.com", "role": "admin"}
        )
        twice = await client.post("/v1/members", json={"email": "ada@example.com"})
        invalid = await client.post("/v1/members", json={"email": "not-an-email"})
        listing = (await client.get("/v1/members")).json()
    assert_error(forbidden, 403, "permission_error")
    assert invited.status_code == 200
    member = invited.json()
    assert_id(member["id"], "mem")
    assert member["email"] == "ada@example.com" and member["status"] == "invited"
    assert_error(twice, 409, "conflict", param="email")
    assert_error(invalid, 422, "invalid_request_error", param="email")
    assert [item["id"] for item in listing["data"]] == [member["id"]]


async def test_publishable_keys_read_only_shareable_artifacts(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        pk = (
            await client.post("/v1/api-keys", json={"name": "site", "kind": "publishable"})
        ).json()
        drafted = await draft(client, hints={"max_rows": 3})
        job = await run_to_end(client, drafted["job"]["id"])
        artifact_id = job["artifact"]["id"]
    headers = {"Accept": "application/json"}
    async with stack.client(pk["secret"]) as client:
        hidden = await client.get(f"/v1/artifacts/{artifact_id}", headers=headers)
        threads = await client.get("/v1/threads")
        write = await client.post(f"/v1/artifacts/{artifact_id}", json={"shareable": True})
        none_listed = (await client.get("/v1/artifacts")).json()
    async with stack.client(org.test) as client:
        shared = (
            await client.post(f"/v1/artifacts/{artifact_id}", json={"shareable": True})
        ).json()
    async with stack.client(pk["secret"]) as client:
        visible = await client.get(f"/v1/artifacts/{artifact_id}", headers=headers)
        listed = (await client.get("/v1/artifacts")).json()
        download = await client.get(visible.json()["download_url"])
    assert pk["secret"].startswith("pk_pub_") and pk["scopes"] == ["read"]
    assert_error(hidden, 404, "not_found", param="artifact_id")
    assert_error(threads, 403, "permission_error")
    assert_error(write, 403, "permission_error")
    assert none_listed["data"] == []
    assert shared["shareable"] is True
    assert visible.status_code == 200 and visible.json()["shareable"] is True
    assert [item["id"] for item in listed["data"]] == [artifact_id]
    assert download.status_code == 200
