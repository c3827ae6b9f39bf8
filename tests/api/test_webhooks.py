"""Webhooks: endpoints, signed deliveries the spec's own Node function verifies, the exact
retry schedule on a shortened clock, one delivery id across retries, a worker killed during
a backoff, rotation with two signatures, per-endpoint isolation and automatic disabling."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import col, update
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from activities.webhooks import WebhookActivities
from cli.localstack import TemporalServer
from connectors import webhooks as hooks
from core.clock import utcnow
from core.config import Settings
from research.fetch.guard import Guard
from store.models import WebhookEndpoint
from tests.support.asserts import assert_error
from tests.support.flows import draft, run_to_end
from tests.support.serving import serve_app
from tests.support.stack import WEBHOOK_TEST_SCHEDULE, Keys, Stack
from tests.support.webhook_receiver import Received, Receiver
from workflows.webhooks import WebhookDeliveryWorkflow

TEST_WAITS = [float(part) for part in WEBHOOK_TEST_SCHEDULE.split(",")]

# The spec's "Verification (Node)" function, exactly as printed, and a receiver that accepts
# any of several v1 values (what the spec asks of receivers during a rotation).
NODE_VERIFY = """
import crypto from "node:crypto";
function verify(req, secret) {
const header = req.headers["leadex-signature"];
const body = req.rawBody;
const parts = Object.fromEntries(header.split(",").map(p => p.split("=")));
const signed = `${parts.t}.${body.toString("utf8")}`;
const mac = crypto.createHmac("sha256", secret).update(signed).digest("hex");
const ok = crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(parts.v1));
const fresh = Math.abs(Date.now()/1000 - Number(parts.t)) < 300;
return ok && fresh;
}
function verifyAny(req, secret) {
const header = req.headers["leadex-signature"];
const pairs = header.split(",").map(p => p.split("="));
const t = pairs.find(([k]) => k === "t")[1];
const signed = `${t}.${req.rawBody.toString("utf8")}`;
const mac = crypto.createHmac("sha256", secret).update(signed).digest("hex");
return pairs.some(([k, v]) => k === "v1" && v.length === mac.length &&
  crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(v)));
}
const input = JSON.parse(process.argv[2]);
const req = { headers: input.headers, rawBody: Buffer.from(input.body, "base64") };
const check = input.any ? verifyAny : verify;
process.stdout.write(JSON.stringify(input.secrets.map(secret => check(req, secret))));
"""


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A webhook receiver on loopback, fresh for each test (and each backend)."""
    found = Receiver()
    with serve_app(found.app, "webhook-receiver") as base_url:
        yield found, base_url


def node_verify(
    tmp_path: Path, item: Received, secrets: list[str], *, any_v1: bool = False
) -> list[bool]:
    """Run the spec's verify function (or the any-v1 receiver) with node on a delivery."""
    script = tmp_path / "verify.mjs"
    script.write_text(NODE_VERIFY)
    import base64

    payload = json.dumps(
        {
            "headers": item.headers,
            "body": base64.b64encode(item.body).decode(),
            "secrets": secrets,
            "any": any_v1,
        }
    )
    done = subprocess.run(
        ["node", str(script), payload], capture_output=True, text=True, timeout=30, check=True
    )
    return list(json.loads(done.stdout))


async def _register(
    client: httpx.AsyncClient, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"url": url, "description": "test receiver"}
    if events is not None:
        body["events"] = events
    response = await client.post("/v1/webhooks", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _delivery(
    client: httpx.AsyncClient, webhook_id: str, delivery_id: str, status: str, timeout: float = 60
) -> dict[str, Any]:
    """Poll a delivery until it has this status."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get(f"/v1/webhooks/{webhook_id}/deliveries/{delivery_id}")
        assert response.status_code == 200, response.text
        found = dict(response.json())
        if found["status"] == status:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"delivery {delivery_id} is {found['status']}, not {status}")
        await asyncio.sleep(0.2)


async def _timers(temporal: TemporalServer, stack: Stack, workflow_id: str) -> list[float]:
    client = await Client.connect(
        temporal.address,
        namespace=f"leadex-{stack.backend}",
        data_converter=pydantic_data_converter,
    )
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return [
        event.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta().total_seconds()
        for event in history.events
        if event.HasField("timer_started_event_attributes")
    ]


def test_the_default_schedule_is_the_spec_s() -> None:
    assert Settings().webhook_retry_schedule_seconds == [5, 30, 120, 600, 3600, 21600, 86400]
    assert list(hooks.RETRY_SCHEDULE_SECONDS) == [5, 30, 120, 600, 3600, 21600, 86400]
    assert len(TEST_WAITS) == len(hooks.RETRY_SCHEDULE_SECONDS)


def test_an_oversized_object_is_sent_as_a_reference() -> None:
    big = {"object": "job", "id": "job_1", "summary": "x" * (300 * 1024)}
    body = hooks.payload(
        event_id="evt_1",
        event_type="job.succeeded",
        created_at="2026-01-01T00:00:00.000Z",
        livemode=False,
        obj=big,
        base_url="https://api.example.test",
    )
    assert len(body) <= hooks.MAX_BODY_BYTES
    document = json.loads(body)
    assert document["data"]["truncated"] is True
    assert document["data"]["object"]["url"] == "https://api.example.test/v1/jobs/job_1"
    small = hooks.payload(
        event_id="evt_2",
        event_type="job.succeeded",
        created_at="2026-01-01T00:00:00.000Z",
        livemode=True,
        obj={"object": "job", "id": "job_2"},
        base_url="https://api.example.test",
    )
    assert json.loads(small)["data"] == {"object": {"object": "job", "id": "job_2"}}


async def test_delivery_is_refused_by_the_ssrf_guard() -> None:
    activities = WebhookActivities(None, Settings(), lambda: Guard())  # type: ignore[arg-type]
    status, _, error, _ = await activities._post(
        "http://127.0.0.1:9/hook", b"{}", {"Content-Type": "application/json"}
    )
    assert status is None and error is not None and "SSRF guard" in error


async def test_endpoints_are_managed_by_admins_and_show_the_secret_once(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str]
) -> None:
    _, base = receiver
    async with stack.client(org.test) as client, stack.client(org.read_only) as reader:
        created = await client.post(
            "/v1/webhooks",
            json={"url": f"{base}/crud"},
            headers={"Idempotency-Key": "whk-create-1"},
        )
        assert created.status_code == 200, created.text
        endpoint = created.json()
        assert endpoint["signing_secret"].startswith("whsec_")
        assert endpoint["events"] == ["*"] and endpoint["enabled"] is True
        replay = await client.post(
            "/v1/webhooks",
            json={"url": f"{base}/crud"},
            headers={"Idempotency-Key": "whk-create-1"},
        )
        assert replay.json()["id"] == endpoint["id"] and replay.json()["signing_secret"] is None
        listed = (await client.get("/v1/webhooks")).json()
        assert [item["id"] for item in listed["data"]] == [endpoint["id"]]
        assert listed["data"][0]["signing_secret"] is None
        fetched = (await client.get(f"/v1/webhooks/{endpoint['id']}")).json()
        assert fetched["signing_secret"] is None
        assert_error(await reader.get("/v1/webhooks"), 403, "permission_error")
        changed = await client.patch(
            f"/v1/webhooks/{endpoint['id']}", json={"events": ["job.*"], "description": "jobs"}
        )
        assert changed.json()["events"] == ["job.*"] and changed.json()["description"] == "jobs"
        bad = await client.post(f"/v1/webhooks/{endpoint['id']}", json={"events": ["job.exploded"]})
        assert "job.exploded" in str(
            assert_error(bad, 422, "invalid_request_error", param="events")["message"]
        )
        private = await client.post("/v1/webhooks", json={"url": "http://10.1.2.3/hook"})
        assert "public address" in str(
            assert_error(private, 422, "invalid_request_error", param="url")["message"]
        )
        metadata = await client.post("/v1/webhooks", json={"url": "http://169.254.169.254/latest"})
        assert_error(metadata, 422, "invalid_request_error", param="url")
        deleted = await client.delete(f"/v1/webhooks/{endpoint['id']}")
        assert deleted.json() == {
            "id": endpoint["id"],
            "object": "webhook_endpoint",
            "livemode": False,
            "deleted": True,
        }
        assert_error(await client.get(f"/v1/webhooks/{endpoint['id']}"), 404, "not_found")
    async with stack.client(org.live) as live:
        plain = await live.post("/v1/webhooks", json={"url": f"{base}/crud"})
        assert "HTTPS" in str(
            assert_error(plain, 422, "invalid_request_error", param="url")["message"]
        )
    other = await stack.new_org()
    async with stack.client(other.test) as stranger:
        assert_error(await stranger.get(f"/v1/webhooks/{endpoint['id']}"), 404, "not_found")


async def test_a_delivery_verifies_with_the_spec_s_node_function(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    found, base = receiver
    async with stack.client(org.test) as client:
        endpoint = await _register(client, f"{base}/signed", ["thread.created"])
        thread = (await client.post("/v1/threads", json={"title": "Signed"})).json()
        [item] = await found.wait_for("/signed", 1)
        await client.post("/v1/threads", json={"title": "ignored"})  # a subscribed type only
    document = json.loads(item.body)
    assert set(document) == {"id", "type", "created_at", "livemode", "data"}
    assert document["id"].startswith("evt_") and document["type"] == "thread.created"
    assert document["livemode"] is False and document["created_at"].endswith("Z")
    assert document["data"]["object"]["id"] == thread["id"]
    assert document["data"]["object"]["title"] == "Signed"
    assert item.headers["leadex-event"] == "thread.created"
    assert item.headers["leadex-delivery"].startswith("dlv_")
    timestamp = item.headers["leadex-timestamp"]
    assert item.headers["leadex-signature"].startswith(f"t={timestamp},v1=")
    assert node_verify(tmp_path, item, [endpoint["signing_secret"], "whsec_wrong"]) == [True, False]
    tampered = Received(item.path, item.headers, item.body.replace(b"Signed", b"Forged"), item.at)
    assert node_verify(tmp_path, tampered, [endpoint["signing_secret"]]) == [False]
    await asyncio.sleep(1.0)
    assert len(found.at("/signed")) == 2  # the second thread.created, not message or other types


async def test_retries_follow_the_schedule_with_one_delivery_id(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str], temporal: TemporalServer
) -> None:
    found, base = receiver
    found.answer("/flaky", 500, 502, 404)
    async with stack.client(org.test) as client:
        endpoint = await _register(client, f"{base}/flaky", ["thread.created"])
        await client.post("/v1/threads", json={"title": "Retried"})
        received = await found.wait_for("/flaky", 4)
        delivery_id = received[0].headers["leadex-delivery"]
        assert {item.headers["leadex-delivery"] for item in received} == {delivery_id}
        delivery = await _delivery(client, endpoint["id"], delivery_id, "succeeded")
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 502, 404, 200]
    assert [attempt["number"] for attempt in delivery["attempts"]] == [1, 2, 3, 4]
    assert delivery["attempts"][0]["response_excerpt"] == "status 500 from the receiver"
    assert all(attempt["latency_ms"] >= 0 for attempt in delivery["attempts"])
    assert delivery["attempt_count"] == 4 and delivery["next_attempt_at"] is None
    # The waits between attempts are the schedule's first three, as durable timers.
    assert await _timers(temporal, stack, delivery_id) == TEST_WAITS[:3]
    # The recorded history replays against the workflow code as it is now.
    temporal_client = await Client.connect(
        temporal.address,
        namespace=f"leadex-{stack.backend}",
        data_converter=pydantic_data_converter,
    )
    history = await temporal_client.get_workflow_handle(delivery_id).fetch_history()
    replayer = Replayer(workflows=[WebhookDeliveryWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)
    # Each attempt is signed afresh (the timestamp moves), the body is the same bytes.
    assert len({item.body for item in received}) == 1


async def test_a_receiver_that_never_answers_2xx_ends_failed_after_the_last_attempt(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str], temporal: TemporalServer
) -> None:
    found, base = receiver
    found.answer("/down", *([503] * 8))
    async with stack.client(org.test) as client:
        endpoint = await _register(client, f"{base}/down", ["thread.created"])
        await client.post("/v1/threads", json={"title": "Never"})
        received = await found.wait_for("/down", 8, timeout=90)
        delivery_id = received[0].headers["leadex-delivery"]
        delivery = await _delivery(client, endpoint["id"], delivery_id, "failed", timeout=30)
        assert (await client.get(f"/v1/webhooks/{endpoint['id']}")).json()["enabled"] is True
    assert len(delivery["attempts"]) == 8 == len(TEST_WAITS) + 1
    assert {attempt["status_code"] for attempt in delivery["attempts"]} == {503}
    assert await _timers(temporal, stack, delivery_id) == TEST_WAITS
    await asyncio.sleep(1.0)
    assert len(found.at("/down")) == 8


async def test_a_worker_killed_during_the_backoff_loses_nothing(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str]
) -> None:
    found, base = receiver
    found.answer("/restart", 500)
    worker = stack.worker
    assert worker is not None

    async def kill_in_backoff() -> None:
        # After the 500 is answered: the attempt is recorded within milliseconds, and the
        # 0.5 s backoff is still running when the worker dies.
        await asyncio.sleep(0.2)
        worker.send_signal(signal.SIGKILL)

    found.after["/restart"] = kill_in_backoff
    async with stack.client(org.test) as client:
        endpoint = await _register(client, f"{base}/restart", ["thread.created"])
        await client.post("/v1/threads", json={"title": "Durable"})
        [first] = await found.wait_for("/restart", 1)
        worker.wait(timeout=10)
        delivery_id = first.headers["leadex-delivery"]
        during = await _delivery(client, endpoint["id"], delivery_id, "pending")
        assert during["attempt_count"] == 1 and during["next_attempt_at"] is not None
        await asyncio.sleep(1.5)  # the backoff ends while no worker runs
        assert len(found.at("/restart")) == 1
        stack.start_worker()
        # Within the attempt's start-to-close bound even if the kill beat its completion.
        received = await found.wait_for("/restart", 2, timeout=180)
        delivery = await _delivery(client, endpoint["id"], delivery_id, "succeeded")
    assert [item.headers["leadex-delivery"] for item in received] == [delivery_id] * 2
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 200]


async def test_rotation_signs_with_both_secrets(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    found, base = receiver
    async with stack.client(org.test) as client:
        endpoint = await _register(client, f"{base}/rotated", ["thread.created"])
        rotated = await client.post(f"/v1/webhooks/{endpoint['id']}/rotate")
        assert rotated.status_code == 200, rotated.text
        new_secret = rotated.json()["signing_secret"]
        assert new_secret.startswith("whsec_") and new_secret != endpoint["signing_secret"]
        assert rotated.json()["previous_secret_expires_at"] is not None
        await client.post("/v1/threads", json={"title": "Rotating"})
        [item] = await found.wait_for("/rotated", 1)
        # Ending the grace period at once: only the new secret signs.
        await client.post(f"/v1/webhooks/{endpoint['id']}/rotate", json={"grace_period_seconds": 0})
    header = item.headers["leadex-signature"]
    assert header.count("v1=") == 2
    old = endpoint["signing_secret"]
    assert node_verify(tmp_path, item, [old, new_secret, "whsec_other"], any_v1=True) == [
        True,
        True,
        False,
    ]
    # The spec's function reads the last v1, which is the old secret's during the grace.
    assert node_verify(tmp_path, item, [old]) == [True]
    assert hooks.verify(header, new_secret, item.body) and hooks.verify(header, old, item.body)


async def test_one_failing_endpoint_never_delays_another_and_is_disabled_after_three_days(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str]
) -> None:
    found, base = receiver
    found.answer("/broken", 500, 500, 500, 500, 500, 500, 500, 500)
    async with stack.client(org.test) as client:
        broken = await _register(client, f"{base}/broken", ["thread.created"])
        healthy = await _register(client, f"{base}/healthy", ["thread.created"])
        # The broken endpoint has failed every attempt for three days already.
        await stack.execute(
            update(WebhookEndpoint)
            .where(col(WebhookEndpoint.id) == broken["id"])
            .values(failing_since=utcnow() - timedelta(days=3, minutes=1))
        )
        await client.post("/v1/threads", json={"title": "Isolated"})
        [ok] = await found.wait_for("/healthy", 1)
        [bad] = await found.wait_for("/broken", 1)
        healthy_delivery = await _delivery(
            client, healthy["id"], ok.headers["leadex-delivery"], "succeeded"
        )
        cancelled = await _delivery(
            client, broken["id"], bad.headers["leadex-delivery"], "cancelled"
        )
        shown = (await client.get(f"/v1/webhooks/{broken['id']}")).json()
        assert shown["enabled"] is False
        assert "failed for 3 days" in shown["disabled_reason"]
        assert cancelled["note"] == shown["disabled_reason"]
        await client.post("/v1/threads", json={"title": "After"})
        await found.wait_for("/healthy", 2)
        # Re-enabling clears the reason; disabled endpoints got nothing meanwhile.
        enabled = await client.patch(f"/v1/webhooks/{broken['id']}", json={"enabled": True})
        assert enabled.json()["enabled"] is True and enabled.json()["disabled_reason"] is None
    assert len(healthy_delivery["attempts"]) == 1
    assert len(found.at("/broken")) == 1


async def test_the_test_endpoint_and_a_job_s_own_webhook_url(
    stack: Stack, org: Keys, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    found, base = receiver
    async with stack.client(org.test) as client:
        endpoint = await _register(client, f"{base}/job-hook", ["thread.deleted"])
        sent = await client.post(f"/v1/webhooks/{endpoint['id']}/test")
        assert sent.status_code == 200, sent.text
        assert sent.json()["event_type"] == "webhook.test" and sent.json()["status"] == "pending"
        [test_item] = await found.wait_for("/job-hook", 1, leadex_event="webhook.test")
        assert test_item.headers["leadex-delivery"] == sent.json()["id"]
        drafted = await draft(client, hints={"max_rows": 5})
        job = await run_to_end(client, drafted["job"]["id"], {"webhook_url": f"{base}/job-hook"})
        assert job["status"] == "succeeded"
        [done] = await found.wait_for("/job-hook", 1, leadex_event="job.succeeded")
        # Each event is its own delivery: they arrive in any order.
        await found.wait_for("/job-hook", 1, leadex_event="artifact.created")
    types = {item.headers["leadex-event"] for item in found.at("/job-hook")}
    assert {"job.approved", "job.started", "leads.delivered", "artifact.created"} <= types
    document = json.loads(done.body)
    assert document["data"]["object"]["id"] == job["id"]
    assert document["data"]["object"]["status"] == "succeeded"
    # Signed with the secret of the endpoint registered at the same URL.
    assert node_verify(tmp_path, done, [endpoint["signing_secret"]]) == [True]
