"""The operator's view: Prometheus series on the API, the worker and the Temporal SDK, and
the watchdog, as the spec's recipe and as the organization's built-in policy."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from cli import processes
from cli.accounts import set_plan
from tests.support.flows import QUICKSTART, draft, run_to_end, wait_for_status
from tests.support.sse import read_stream
from tests.support.stack import Keys, Stack

ENDED = ("succeeded", "failed", "stopped")


def _scrape(url: str) -> str:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def _value(text: str, series: str) -> float:
    """The value of one exact series (name and labels) in an exposition."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{series} not exposed")


@pytest.mark.backends("sqlite")  # what is measured does not depend on the database
async def test_metrics_expose_the_named_series_after_a_job(stack: Stack, org: Keys) -> None:
    async with stack.client(org.live) as client:
        drafted = await draft(client, QUICKSTART, hints={"max_rows": 3})
        job = await run_to_end(client, drafted["job"]["id"], approve={"max_credits": 300})
        await read_stream(client, f"/v1/jobs/{job['id']}/stream")
        await client.get("/v1/jobs/job_00000000000000000000000000")
    assert job["status"] in ENDED

    api = _scrape(f"{stack.base_url}/metrics")
    route = 'route="/v1/jobs/{job_id}"'
    assert _value(api, f'leadex_http_requests_total{{method="GET",{route},status="200"}}') >= 1
    assert _value(api, f'leadex_http_requests_total{{method="GET",{route},status="404"}}') >= 1
    assert _value(api, f'leadex_http_request_duration_seconds_count{{method="GET",{route}}}') >= 2
    assert f'leadex_http_request_duration_seconds_bucket{{le="0.1",method="GET",{route}}}' in api
    assert _value(api, f'leadex_jobs{{mode="live",status="{job["status"]}"}}') >= 1
    # The stream was read to its end and closed: no connection is left counted.
    assert _value(api, "leadex_sse_connections") == 0
    assert "/v1/jobs/job_" not in api, "raw paths must not become label values"

    worker = _scrape(f"http://127.0.0.1:{stack.env['LEADEX_METRICS_PORT']}/metrics")
    batch = 'activity="leadex.jobs.run_batch",outcome="completed"'
    assert _value(worker, f"leadex_step_duration_seconds_count{{{batch}}}") >= 1
    assert _value(worker, f'leadex_jobs_finished_total{{status="{job["status"]}"}}') >= 1
    assert _value(worker, "leadex_credits_consumed_total") >= job["credits_used"] > 0
    assert (
        _value(worker, 'leadex_pages_fetched_total{source="network"}')
        + _value(worker, 'leadex_pages_fetched_total{source="cache"}')
        > 0
    )
    for reason in ("blocked", "robots", "timeout", "http_error"):
        assert f'leadex_fetch_errors_total{{reason="{reason}"}}' in worker

    sdk = _scrape(f"http://127.0.0.1:{stack.env['LEADEX_TEMPORAL_METRICS_PORT']}/metrics")
    assert "temporal_activity_execution_latency" in sdk
    assert "temporal_workflow_completed" in sdk


@pytest.mark.backends("sqlite")  # the recipe drives the public API only
async def test_the_spec_watchdog_recipe_stops_a_runaway_job(stack: Stack, org: Keys) -> None:
    """Recipe 7, as written: list running jobs, stop any past its age or credit bound."""
    async with stack.client(org.test) as client:
        drafted = await draft(client, QUICKSTART, hints={"max_rows": 500})
        job_id = drafted["job"]["id"]
        approved = await client.post(f"/v1/jobs/{job_id}/approve", json={})
        assert approved.status_code == 200, approved.text
        # The recipe runs every 30 s; a job approved a moment ago has no started_at until its
        # first step begins (Date.parse(null) is NaN, so that tick passes it by).
        while (await client.get(f"/v1/jobs/{job_id}")).json()["started_at"] is None:
            await asyncio.sleep(0.1)
        max_age_seconds = 0.0  # the recipe says 10 min; this job is already past 0 s
        running = (await client.get("/v1/jobs", params={"status": "running"})).json()
        stopped = []
        for job in running["data"]:
            age = (datetime.now(UTC) - datetime.fromisoformat(job["started_at"])).total_seconds()
            burn = job["credits_used"] or 0
            if age > max_age_seconds or burn > 500:
                response = await client.post(
                    f"/v1/jobs/{job['id']}/stop",
                    json={"reason": "watchdog: budget/time exceeded"},
                )
                assert response.status_code == 200, response.text
                stopped.append(job["id"])
        assert stopped == [job_id]
        final = await wait_for_status(client, job_id, ENDED)
    assert final["status"] == "stopped"


async def test_the_built_in_watchdog_stops_jobs_past_the_policy(stack: Stack) -> None:
    """The organization's policy, enforced by the job's own run: credits, then runtime."""
    org = await stack.new_org()
    await set_plan(stack.database_url, org.org, tier=None, credits=None, watchdog_credits=5)
    async with stack.client(org.test) as client:
        drafted = await draft(client, QUICKSTART, hints={"max_rows": 200})
        job = await run_to_end(client, drafted["job"]["id"])
        logs = (await client.get(f"/v1/jobs/{job['id']}/logs", params={"limit": 100})).json()
    assert job["status"] == "stopped", job
    assert "watchdog" in (job["summary"] or "") + str(logs), job

    slow = await stack.new_org()
    await set_plan(stack.database_url, slow.org, tier=None, credits=None, watchdog_minutes=1 / 60)
    async with stack.client(slow.test) as client:
        drafted = await draft(client, QUICKSTART, hints={"max_rows": 1000})
        job = await run_to_end(client, drafted["job"]["id"])
        logs = (await client.get(f"/v1/jobs/{job['id']}/logs", params={"limit": 100})).json()
    assert job["status"] == "stopped", job
    assert "limit of 1 s" in (job["summary"] or "") + str(logs), job


@pytest.mark.backends("sqlite")  # what is logged does not depend on the database
async def test_json_logs_carry_the_request_and_job_ids(
    stack: Stack, org: Keys, tmp_path: Path
) -> None:
    """A second API over the same database, with JSON logs and an unreachable Temporal: the
    warning an approval logs names the request and the job."""
    async with stack.client(org.test) as client:
        pending = await draft(client, QUICKSTART, hints={"max_rows": 2})
    job_id = pending["job"]["id"]
    port = processes.free_port()
    log = tmp_path / "api-json.log"
    api = processes.spawn(
        [sys.executable, "-m", "cli.main", "api", "--port", str(port)],
        env={
            **stack.env,
            "LEADEX_TEMPORAL_ADDRESS": f"127.0.0.1:{processes.free_port()}",
            "LEADEX_LOG_FORMAT": "json",
            "LEADEX_LOG_LEVEL": "INFO",
        },
        log=log,
    )
    try:
        processes.wait_for_port("127.0.0.1", port, timeout=60, process=api)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {org.test}", "X-Request-Id": "trace-json-1"},
            timeout=60,
        ) as client:
            response = await client.post(f"/v1/jobs/{job_id}/approve", json={})
    finally:
        processes.stop(api)
    assert response.status_code == 503, response.text
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert entries, log.read_text()[-2000:]
    warned = [e for e in entries if e["message"].startswith("temporal unavailable")]
    assert warned, entries
    assert warned[0]["request_id"] == "trace-json-1"
    assert warned[0]["job_id"] == job_id
    assert warned[0]["level"] == "warning"
