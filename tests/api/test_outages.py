"""When Temporal is down: reads keep working, and every call that needs Temporal answers 503
with Retry-After, saying what is unavailable, and leaves nothing half-done."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from cli import processes
from cli.localstack import temporal_server
from tests.support.asserts import assert_error
from tests.support.flows import QUICKSTART, draft
from tests.support.proxy import CuttableProxy
from tests.support.stack import running_test_stack


@pytest.mark.backends("sqlite")
async def test_calls_that_need_temporal_answer_503_while_it_is_down(
    backend: str, tmp_path: Path
) -> None:
    namespace = "leadex-outage"
    with (
        temporal_server([namespace], tmp_path / "logs") as temporal,
        running_test_stack(
            backend, f"sqlite:///{tmp_path / 'outage.db'}", temporal.address, namespace, tmp_path
        ) as stack,
    ):
        org = await stack.new_org()
        async with stack.client(org.test) as client:
            running = await draft(client, hints={"max_rows": 2000})
            approved = await client.post(f"/v1/jobs/{running['job']['id']}/approve")
            pending = await draft(client, hints={"max_rows": 4})
            thread_id = pending["plan"]["thread_id"]
            messages_before = (await client.get(f"/v1/threads/{thread_id}/messages")).json()
            processes.stop(temporal.process)

            stop = await client.post(f"/v1/jobs/{running['job']['id']}/stop")
            approve = await client.post(f"/v1/jobs/{pending['job']['id']}/approve")
            message = await client.post(
                f"/v1/threads/{thread_id}/messages", json={"content": QUICKSTART}
            )
            read = await client.get(f"/v1/jobs/{running['job']['id']}")
            still_pending = (await client.get(f"/v1/jobs/{pending['job']['id']}")).json()
            messages_after = (await client.get(f"/v1/threads/{thread_id}/messages")).json()
            usage = await client.get("/v1/usage")
    assert approved.status_code == 200
    for response in (stop, approve, message):
        error = assert_error(response, 503, "internal_error")
        assert "(Temporal) is unavailable" in str(error["message"])
        assert int(response.headers["retry-after"]) > 0
    assert read.status_code == 200 and read.json()["status"] == "running"
    assert still_pending["status"] == "pending"
    assert messages_after["data"] == messages_before["data"]
    assert usage.status_code == 200


@pytest.mark.backends("postgres")
async def test_calls_answer_503_while_the_database_is_unreachable(
    backend: str, database_url: str, tmp_path: Path
) -> None:
    url = make_url(database_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    namespace = "leadex-outage"  # its own server: no other stack's work reaches this worker
    with (
        contextlib.closing(proxy),
        temporal_server([namespace], tmp_path / "logs") as temporal,
        running_test_stack(backend, through_proxy, temporal.address, namespace, tmp_path) as stack,
    ):
        org = await stack.new_org()
        async with stack.client(org.test) as client:
            before = await client.get("/v1/threads")
            proxy.cut()
            down = [
                await client.get("/v1/threads"),
                await client.post("/v1/threads", json={"title": "during the outage"}),
            ]
            proxy.start()
            after = await client.get("/v1/threads")
    assert before.status_code == 200
    for response in down:
        error = assert_error(response, 503, "internal_error")
        assert "The database" in str(error["message"])
        assert int(response.headers["retry-after"]) > 0
    assert after.status_code == 200
    assert [thread["title"] for thread in after.json()["data"]] == []
