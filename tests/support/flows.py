"""Common API flows for tests."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

QUICKSTART = "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."


async def draft(
    client: httpx.AsyncClient,
    content: str = QUICKSTART,
    *,
    hints: dict[str, Any] | None = None,
    auto_approve: bool = False,
) -> dict[str, Any]:
    """Create a thread and post a message; returns the message response."""
    thread = await client.post("/v1/threads", json={"title": "test"})
    assert thread.status_code == 200, thread.text
    body: dict[str, Any] = {"content": content, "auto_approve": auto_approve}
    if hints:
        body["hints"] = hints
    response = await client.post(f"/v1/threads/{thread.json()['id']}/messages", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def wait_for_status(
    client: httpx.AsyncClient, job_id: str, statuses: tuple[str, ...], timeout: float = 120
) -> dict[str, Any]:
    """Poll the job until it reaches one of ``statuses``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        if job["status"] in statuses:
            return job
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"job {job_id} stuck in {job['status']}")
        await asyncio.sleep(0.2)


async def run_to_end(
    client: httpx.AsyncClient, job_id: str, approve: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Approve a job and wait until it finishes."""
    response = await client.post(f"/v1/jobs/{job_id}/approve", json=approve or {})
    assert response.status_code == 200, response.text
    return await wait_for_status(client, job_id, ("succeeded", "failed", "stopped"))
