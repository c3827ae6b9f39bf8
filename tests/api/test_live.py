"""Live research through the API over the sandbox web, checked against its ground truth."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pytest

from research.extract import extract_page
from research.grounding import is_grounded
from sandbox import SandboxWeb
from sandbox.icp import icp
from sandbox.scoring import Truth, score
from store.db import Database
from store.models import SourcePage
from store.repositories.sources import url_hash
from tests.support.flows import draft, run_to_end
from tests.support.sse import read_stream
from tests.support.stack import Keys, Stack


async def _all_leads(client: Any, job_id: str) -> list[dict[str, Any]]:
    leads: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = (await client.get(f"/v1/jobs/{job_id}/leads", params=params)).json()
        leads += page["data"]
        if not page["has_more"]:
            return leads
        params["cursor"] = page["next_cursor"]


def _grounder(web: SandboxWeb) -> Any:
    @lru_cache(maxsize=2048)
    def text(url: str) -> str:
        page = web.pages.get(url)
        return extract_page(url, page.rendered_html or page.html).text if page else ""

    return lambda value, url, path: is_grounded(value, text(url), field=path)


@pytest.mark.backends("sqlite")  # the engine's quality; live jobs on PG: the ceiling test
async def test_a_live_job_finds_the_icp_on_the_sandbox(
    stack: Stack, org: Keys, live_web: SandboxWeb
) -> None:
    profile = icp("fr_fintech_series_a")
    async with stack.client(org.live) as client:
        drafted = await draft(client, profile.prompt, hints={"max_rows": 100})
        job = await run_to_end(client, drafted["job"]["id"], approve={"max_credits": 500})
        leads = await _all_leads(client, job["id"])
        stream = await read_stream(client, f"/v1/jobs/{job['id']}/stream")
    assert job["status"] == "succeeded", job
    assert job["livemode"] is True
    assert 0 < job["credits_used"] <= 500
    assert len(leads) > 0
    assert job["artifact"]["rows"] == len({lead["company"]["domain"] for lead in leads})
    result = score(profile, leads, Truth(live_web.truth()), _grounder(live_web))
    metrics = result.metrics()
    assert metrics["company_recall"] >= 0.9, result.misses
    assert metrics["company_precision"] >= 0.95, result.mistakes
    assert metrics["person_recall"] >= 0.9, result.misses
    assert metrics["person_precision"] >= 0.95, result.mistakes
    assert metrics["email_precision"] == 1.0, result.mistakes
    assert metrics["grounded"] == 1.0, result.mistakes
    for lead in leads:
        assert lead["sources"], lead
        assert all(source["kind"] == "web" for source in lead["sources"])
        assert all(".test/" in source["url"] for source in lead["sources"])
    logs = [e.data["message"] for e in stream.events if e.type == "log"]
    assert any(re.search(r"\d+ match(es)? so far", line) for line in logs), logs
    assert len(logs) == len(set(logs)), logs
    assert stream.types[-1] == "done"


@pytest.mark.backends("sqlite")  # the browser queue's work, not the database's
async def test_pages_only_a_browser_can_read_are_rendered(
    stack: Stack, org: Keys, live_web: SandboxWeb
) -> None:
    truth = Truth(live_web.truth())
    finio = next(c for c in truth.companies if c["primary_domain"] == "finio.test")
    cfo = next(p for p in finio["people"] if p["current"] and p["role"] == "cfo")
    async with stack.client(org.live) as client:
        drafted = await draft(client, "CFOs of fintech companies in the UK", hints={"max_rows": 50})
        job = await run_to_end(client, drafted["job"]["id"])
        leads = await _all_leads(client, job["id"])
    assert job["status"] == "succeeded", job
    names = {(lead["company"]["domain"], (lead["person"] or {}).get("full_name")) for lead in leads}
    # The CFO is named only on a page that JavaScript builds.
    assert ("finio.test", cfo["full_name"]) in names
    database = Database(stack.database_url)
    try:
        async with database.transaction() as session:
            cached = await session.get(SourcePage, url_hash("http://finio.test/company/leadership"))
    finally:
        await database.dispose()
    assert cached is not None and cached.rendered
    assert cfo["full_name"] in cached.text


async def test_a_live_credit_ceiling_is_never_exceeded(stack: Stack, org: Keys) -> None:
    async with stack.client(org.live) as client:
        drafted = await draft(client, icp("fr_fintech_series_a").prompt, hints={"max_rows": 100})
        job = await run_to_end(client, drafted["job"]["id"], approve={"max_credits": 4})
        usage = (await client.get("/v1/usage")).json()
    assert job["status"] == "stopped"
    assert job["credits_used"] <= 4
    assert job["credits_used"] > 0, "a stopped job pays for the rows it delivered"
    assert usage["credits"]["used"] == job["credits_used"]
    assert usage["jobs"]["stopped"] == 1
    assert "max_credits=4" in job["summary"]
