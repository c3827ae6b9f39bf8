"""Who may call what, over every operation of the served OpenAPI document: other
organizations and the other mode see 404 and learn nothing, and each key does only what its
scopes say."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.asserts import assert_error
from tests.support.flows import QUICKSTART, draft, run_to_end
from tests.support.stack import Keys, Stack


@dataclass(frozen=True)
class Call:
    """One operation, with a body that is valid for it and the scope it needs beyond read."""

    method: str
    path: str
    scope: str = "read"
    body: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)


YEARLY = "0 0 1 1 *"

# Every operation of /v1, in an order where each destructive call comes after the calls that
# need what it destroys.
CALLS = [
    Call("GET", "/v1/me"),
    Call("GET", "/v1/organization"),
    Call("GET", "/v1/usage"),
    Call("GET", "/v1/usage/budget"),
    Call("PUT", "/v1/usage/budget", "admin", {"monthly_credits": 100_000}),
    Call("GET", "/v1/threads"),
    Call("POST", "/v1/threads", "run", {"title": "new"}),
    Call("GET", "/v1/threads/{thread_id}"),
    Call("POST", "/v1/threads/{thread_id}", "run", {"title": "renamed"}),
    Call("PATCH", "/v1/threads/{thread_id}", "run", {"metadata": {"k": "v"}}),
    Call("GET", "/v1/threads/{thread_id}/messages"),
    Call("POST", "/v1/threads/{thread_id}/messages", "run", {"content": QUICKSTART}),
    Call("GET", "/v1/plans/{plan_id}"),
    Call("POST", "/v1/plans/{plan_id}/replan", "run", {"feedback": "Only VP Eng."}),
    Call("GET", "/v1/jobs", params={"thread_id": "{thread_id}"}),
    Call("GET", "/v1/jobs/{job_id}"),
    Call("GET", "/v1/jobs/{done_job_id}/stream"),
    Call("GET", "/v1/jobs/{done_job_id}/logs"),
    Call("GET", "/v1/jobs/{done_job_id}/leads"),
    Call("GET", "/v1/jobs/{done_job_id}/summary"),
    Call("POST", "/v1/jobs/{job_id}/approve", "run", {}),
    Call("POST", "/v1/jobs/{job_id}/stop", "run", {"reason": "matrix"}),
    Call("GET", "/v1/artifacts"),
    Call("GET", "/v1/artifacts/{artifact_id}", params={"format": "json"}),
    Call("POST", "/v1/artifacts/{artifact_id}", "run", {"shareable": False}),
    Call("POST", "/v1/search", "run", {"prompt": QUICKSTART, "max_rows": 2, "wait": "async"}),
    Call("POST", "/v1/schedules", "run", {"prompt": QUICKSTART, "cron": YEARLY, "paused": True}),
    Call("GET", "/v1/schedules"),
    Call("GET", "/v1/schedules/{schedule_id}"),
    Call("POST", "/v1/schedules/{schedule_id}", "run", {"max_rows": 3}),
    Call("PATCH", "/v1/schedules/{schedule_id}", "run", {"metadata": {"k": "v"}}),
    Call("POST", "/v1/schedules/{schedule_id}/resume", "run", {"note": "matrix"}),
    Call("POST", "/v1/schedules/{schedule_id}/pause", "run", {"note": "matrix"}),
    Call("POST", "/v1/schedules/{schedule_id}/trigger", "run"),
    Call("DELETE", "/v1/schedules/{schedule_id}", "run"),
    Call("GET", "/v1/api-keys"),
    Call("POST", "/v1/api-keys", "admin", {"name": "matrix", "scopes": ["read"]}),
    Call("POST", "/v1/api-keys/{key_id}/rotate", "admin", {}),
    Call("DELETE", "/v1/api-keys/{key_id}", "admin"),
    Call("GET", "/v1/members"),
    Call("POST", "/v1/members", "admin", {"email": "new@leadex.example"}),
    Call("GET", "/v1/webhooks"),
    Call("POST", "/v1/webhooks", "admin", {"url": "http://127.0.0.1:9/matrix"}),
    Call("GET", "/v1/webhooks/{webhook_id}"),
    Call("POST", "/v1/webhooks/{webhook_id}", "admin", {"description": "renamed"}),
    Call("PATCH", "/v1/webhooks/{webhook_id}", "admin", {"events": ["job.*"]}),
    Call("POST", "/v1/webhooks/{webhook_id}/rotate", "admin", {}),
    Call("POST", "/v1/webhooks/{webhook_id}/test", "admin"),
    Call("GET", "/v1/webhooks/{webhook_id}/deliveries"),
    Call("GET", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}"),
    Call("GET", "/v1/integrations"),
    Call("POST", "/v1/integrations/hubspot/connect", "integrations"),
    Call("POST", "/v1/jobs/{done_job_id}/push", "integrations", {"provider": "hubspot"}),
    Call("DELETE", "/v1/integrations/hubspot", "integrations"),
    Call("DELETE", "/v1/webhooks/{webhook_id}", "admin"),
    Call("GET", "/v1/privacy/people", params={"email": "nobody@matrix.example"}),
    Call("POST", "/v1/privacy/erasures", "admin", {"email": "gone@matrix.example"}),
    Call("GET", "/v1/privacy/erasures"),
    Call("GET", "/v1/privacy/erasures/{erasure_id}"),
    Call("POST", "/v1/privacy/suppressions", "admin", {"email": "no@matrix.example"}),
    Call("GET", "/v1/privacy/suppressions"),
    Call("DELETE", "/v1/privacy/suppressions/{suppression_id}", "admin"),
    Call("DELETE", "/v1/threads/{thread_id}", "run", params={"force": "true"}),
]
ADMIN_READS = {
    ("GET", "/v1/api-keys"),
    ("GET", "/v1/members"),
    ("GET", "/v1/webhooks"),
    ("GET", "/v1/webhooks/{webhook_id}"),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"),
    ("GET", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}"),
    ("GET", "/v1/privacy/people"),
    ("GET", "/v1/privacy/erasures"),
    ("GET", "/v1/privacy/erasures/{erasure_id}"),
    ("GET", "/v1/privacy/suppressions"),
}
# The download link is authorized by its signature, the OAuth callback by its signed state.
UNKEYED = {
    ("GET", "/v1/artifacts/{artifact_id}/download"),
    ("GET", "/v1/integrations/{provider}/callback"),
    ("POST", "/v1/integrations/{provider}/callback"),
}


@dataclass
class World:
    """One organization's objects in one mode, and a secret that must never leak."""

    ids: dict[str, str]
    marker: str

    def fill(self, call: Call) -> tuple[str, dict[str, str]]:
        path = call.path.format(**self.ids)
        params = {name: value.format(**self.ids) for name, value in call.params.items()}
        return path, params


async def _world(stack: Stack, owner: Keys, secret: str) -> World:
    """A thread with a finished job (leads, logs, artifact), a pending job and a spare key."""
    marker = f"marker-{secrets.token_hex(6)}"
    async with stack.client(secret) as client:
        done = await draft(client, f"{QUICKSTART} ({marker})", hints={"max_rows": 4})
        finished = await run_to_end(client, done["job"]["id"])
        thread_id = finished["thread_id"]
        await client.post(f"/v1/threads/{thread_id}", json={"title": marker})
        pending = (
            await client.post(
                f"/v1/threads/{thread_id}/messages", json={"content": f"CTOs in Berlin {marker}"}
            )
        ).json()
        key = await client.post("/v1/api-keys", json={"name": marker, "scopes": ["read"]})
        schedule = await client.post(
            "/v1/schedules",
            json={"prompt": f"{QUICKSTART} ({marker})", "cron": YEARLY, "paused": True},
        )
        webhook = await client.post(
            "/v1/webhooks", json={"url": "http://127.0.0.1:9/world", "description": marker}
        )
        delivery = await client.post(f"/v1/webhooks/{webhook.json()['id']}/test")
        erasure = await client.post("/v1/privacy/erasures", json={"email": "gone@world.example"})
        suppression = await client.post(
            "/v1/privacy/suppressions", json={"email": "no@world.example"}
        )
        # Connected to the HubSpot stand-in the way a browser would, so pushes can run.
        connect = (await client.post("/v1/integrations/hubspot/connect")).json()
        async with httpx.AsyncClient(follow_redirects=True, timeout=60) as browser:
            connected = await browser.get(connect["authorization_url"])
    assert connected.status_code == 200, connected.text
    assert delivery.status_code == 200, delivery.text
    assert key.status_code == 200, key.text
    assert schedule.status_code == 200, schedule.text
    assert erasure.status_code == 200, erasure.text
    assert suppression.status_code == 200, suppression.text
    return World(
        ids={
            "thread_id": thread_id,
            "plan_id": pending["plan"]["id"],
            "job_id": pending["job"]["id"],
            "done_job_id": finished["id"],
            "artifact_id": finished["artifact"]["id"],
            "key_id": key.json()["id"],
            "schedule_id": schedule.json()["id"],
            "webhook_id": webhook.json()["id"],
            "delivery_id": delivery.json()["id"],
            "erasure_id": erasure.json()["id"],
            "suppression_id": suppression.json()["id"],
        },
        marker=marker,
    )


async def _send(client: httpx.AsyncClient, world: World, call: Call) -> httpx.Response:
    path, params = world.fill(call)
    return await client.request(call.method, path, params=params, json=call.body)


def test_the_matrix_covers_every_operation(stack: Stack) -> None:
    document = httpx.get(f"{stack.base_url}/v1/openapi.json").json()
    served = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    # The finished job's id fills {job_id} where a call needs a job that has run.
    covered = {
        (
            call.method,
            call.path.replace("{done_job_id}", "{job_id}").replace("/hubspot", "/{provider}"),
        )
        for call in CALLS
    }
    assert served - UNKEYED == covered


async def _assert_hidden(stack: Stack, caller: str, world: World, owner_secret: str) -> None:
    """Calls with the world's ids, by a caller who must not see it: 404 on every id, nothing of
    the world in any answer, and the world unchanged afterwards."""
    async with stack.client(caller) as client:
        for call in CALLS:
            response = await _send(client, world, call)
            assert response.status_code < 500, (call, response.text)
            assert world.marker not in response.text, (call, "leaked the owner's data")
            named = [name for name in world.ids if "{" + name + "}" in call.path]
            if named:
                error = assert_error(response, 404, "not_found")
                assert world.ids[named[0]] in str(error["message"]), call
            elif call.method == "GET" and call.path != "/v1/jobs/{done_job_id}/stream":
                for object_id in world.ids.values():
                    assert object_id not in response.text, (call, object_id)
    async with stack.client(owner_secret) as client:
        job = (await client.get(f"/v1/jobs/{world.ids['job_id']}")).json()
        thread = await client.get(f"/v1/threads/{world.ids['thread_id']}")
        keys = (await client.get("/v1/api-keys", params={"limit": 100})).json()
    assert job["status"] == "pending"
    assert thread.status_code == 200 and thread.json()["title"] == world.marker
    spare = next(key for key in keys["data"] if key["id"] == world.ids["key_id"])
    assert spare["revoked_at"] is None


async def test_another_organization_sees_404_and_nothing_else(stack: Stack, org: Keys) -> None:
    world = await _world(stack, org, org.test)
    intruder = await stack.new_org()
    await _assert_hidden(stack, intruder.test, world, org.test)


async def test_the_other_mode_sees_404_and_nothing_else(stack: Stack, org: Keys) -> None:
    world = await _world(stack, org, org.test)
    await _assert_hidden(stack, org.live, world, org.test)


async def _mint(client: httpx.AsyncClient, scopes: list[str], kind: str = "secret") -> str:
    response = await client.post(
        "/v1/api-keys", json={"name": f"{kind}:{','.join(scopes)}", "scopes": scopes, "kind": kind}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["secret"])


@pytest.mark.backends("sqlite")  # scopes are checked before any query
async def test_every_operation_enforces_its_scopes(stack: Stack, org: Keys) -> None:
    world = await _world(stack, org, org.test)
    async with stack.client(org.test) as client:
        lacking = {
            "read": await _mint(client, ["run", "integrations", "admin"]),
            "run": await _mint(client, ["read", "integrations", "admin"]),
            "admin": await _mint(client, ["read", "run", "integrations"]),
        }
        publishable = await _mint(client, ["read"], kind="publishable")
    for call in CALLS:
        needed = {"read", call.scope}
        if (call.method, call.path) in ADMIN_READS:
            needed.add("admin")
        for missing, secret in lacking.items():
            async with stack.client(secret) as client:
                response = await _send(client, world, call)
            if missing in needed:
                error = assert_error(response, 403, "permission_error")
                assert f"'{missing}' scope" in str(error["message"]), call
            else:
                assert response.status_code not in (401, 403), (call, missing, response.text)
                assert response.status_code < 500, (call, response.text)
        async with stack.client(publishable) as client:
            response = await _send(client, world, call)
        if call.path.startswith("/v1/artifacts") and call.method == "GET":
            # Publishable keys see shareable artifacts only: this one is not.
            if "{artifact_id}" in call.path:
                assert_error(response, 404, "not_found")
            else:
                assert response.status_code == 200 and response.json()["data"] == []
        else:
            error = assert_error(response, 403, "permission_error")
            assert "Publishable keys" in str(error["message"]), call


@pytest.mark.backends("sqlite")  # authorization runs before any idempotency lookup
async def test_no_other_key_ever_gets_a_stored_response(stack: Stack, org: Keys) -> None:
    """For every write, the owner's stored response under an Idempotency-Key is never handed to
    another key of the organization: not to a read-only, publishable or narrower key (refused
    by scope first) and not to a key with every scope (409)."""
    world = await _world(stack, org, org.test)
    async with stack.client(org.test) as client:
        others = {
            "read-only": await _mint(client, ["read"]),
            "publishable": await _mint(client, ["read"], kind="publishable"),
            "integrations": await _mint(client, ["read", "integrations"]),
            "every scope": await _mint(client, ["read", "run", "integrations", "admin"]),
        }
    writes = [call for call in CALLS if call.method != "GET"]
    for number, call in enumerate(writes):
        headers = {"Idempotency-Key": f"matrix-{number}"}
        path, params = world.fill(call)
        async with stack.client(org.test) as client:
            first = await client.request(
                call.method, path, params=params, json=call.body, headers=headers
            )
        assert first.status_code in (200, 202), (call, first.text)
        if call.path.endswith(("/messages", "/replan")):
            # A new plan supersedes the pending job: later calls act on its successor.
            answer = first.json()
            plan = answer.get("plan", answer)
            world.ids["plan_id"] = plan["id"]
            world.ids["job_id"] = answer["job"]["id"] if "job" in answer else plan["job_id"]
        for name, secret in others.items():
            async with stack.client(secret) as client:
                response = await client.request(
                    call.method, path, params=params, json=call.body, headers=headers
                )
            assert "idempotent-replayed" not in response.headers, (call, name)
            assert response.content != first.content, (call, name)
            if name == "every scope" or (name == "integrations" and call.scope == name):
                assert_error(response, 409, "conflict", param="Idempotency-Key")
            else:
                assert response.status_code == 403, (call, name, response.text)
