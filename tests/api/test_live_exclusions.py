"""A live job honours what the plan rules out: over the sandbox web, checked on its truth."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import SandboxWeb
from tests.support.flows import draft, run_to_end
from tests.support.sse import read_stream
from tests.support.stack import Keys, Stack

PROMPT = "Series A fintechs in France with 20+ engineers, but not in Paris. Pull VP Eng."


async def _all_leads(client: Any, job_id: str) -> list[dict[str, Any]]:
    leads: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = (await client.get(f"/v1/jobs/{job_id}/leads", params=params)).json()
        leads += page["data"]
        if not page["has_more"]:
            return leads
        params["cursor"] = page["next_cursor"]


@pytest.mark.backends("sqlite")  # the engine's reading of the plan, not the database's
async def test_a_live_job_leaves_out_the_excluded_city_and_keeps_the_rest(
    stack: Stack, org: Keys, live_web: SandboxWeb
) -> None:
    companies = live_web.truth()["companies"]
    wanted = [
        c
        for c in companies
        if c["country"] == "FR"
        and c["industry"] == "fintech"
        and c["stage"] == "series_a"
        and c["engineers"] >= 20
    ]
    in_paris = {c["primary_domain"] for c in wanted if c["city"] == "Paris"}
    elsewhere = {c["primary_domain"] for c in wanted if c["city"] != "Paris"}
    assert in_paris and elsewhere, "the sandbox seed must hold both kinds for this test"
    async with stack.client(org.live) as client:
        drafted = await draft(client, PROMPT, hints={"max_rows": 100})
        assert drafted["plan"]["criteria"]["exclusions"]["cities"] == ["Paris"]
        assert drafted["plan"]["criteria"]["cities"] == []
        job = await run_to_end(client, drafted["job"]["id"], approve={"max_credits": 500})
        leads = await _all_leads(client, job["id"])
        stream = await read_stream(client, f"/v1/jobs/{job['id']}/stream")
    assert job["status"] == "succeeded", job
    found = {lead["company"]["domain"] for lead in leads}
    assert not found & in_paris, "a company in the excluded city was delivered"
    # The rest of the audience is still found (the engine's recall bar elsewhere is 0.9).
    assert len(elsewhere & found) >= len(elsewhere) - 1, elsewhere - found
    logs = [e.data["message"] for e in stream.events if e.type == "log"]
    dropped = [line for line in logs if line.startswith("Dropped ")]
    # A Paris company the search still surfaced is dropped with the reason in the log.
    assert all("excluded" in line or "no evidence" in line for line in dropped), dropped
