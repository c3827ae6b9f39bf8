"""Live jobs degrade instead of failing when the search backend or Claude is down: what they
went without is skipped, said in the job's log and summary, and only verified leads are
delivered. The search backend is a stand-in SearXNG on loopback over the sandbox web's search;
Claude is the Anthropic stand-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cli.localstack import TemporalServer
from research import progress
from research.model import CandidateStatus
from sandbox import SandboxWeb
from sandbox.search import SearchIndex
from store.db import Database
from store.repositories import leads
from tests.support.anthropic_standin import ApiError, StandIn, serve_in_thread
from tests.support.files import serve_files
from tests.support.flows import draft, run_to_end
from tests.support.search_standin import SearchStandIn, everything
from tests.support.serving import serve_app
from tests.support.sse import read_stream
from tests.support.stack import Keys, Stack
from tests.support.workers import in_process_worker

PROMPT = "CFOs of fintech companies in the UK"
SEED_PROMPT = "For each company in the attached CSV, pull the CTO."


@pytest.fixture(scope="module")
def search_backend(live_web: SandboxWeb) -> Iterator[tuple[SearchStandIn, str]]:
    """A stand-in SearXNG over the live sandbox web's search, and its search URL."""
    stand_in = SearchStandIn(SearchIndex.from_web(live_web))
    with serve_app(stand_in.app, "search-stand-in") as base_url:
        yield stand_in, f"{base_url}/search"


async def _run(
    stack: Stack,
    org: Keys,
    temporal: TemporalServer,
    attachments: list[dict[str, str]] | None = None,
    **settings: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str], list[str]]:
    """A live job run to its end on an in-process worker with ``settings``: the job, its
    delivered leads, its log lines and its steps' titles. With ``attachments``, it enriches
    their seed list."""
    async with in_process_worker(stack, temporal, **settings), stack.client(org.live) as client:
        if attachments is None:
            drafted = await draft(client, PROMPT, hints={"max_rows": 10})
        else:
            thread = (await client.post("/v1/threads", json={})).json()
            response = await client.post(
                f"/v1/threads/{thread['id']}/messages",
                json={"content": SEED_PROMPT, "attachments": attachments},
            )
            assert response.status_code == 200, response.text
            drafted = response.json()
        job = await run_to_end(client, drafted["job"]["id"])
        found = (await client.get(f"/v1/jobs/{job['id']}/leads", params={"limit": 100})).json()
        stream = await read_stream(client, f"/v1/jobs/{job['id']}/stream")
    logs = [event.data["message"] for event in stream.events if event.type == "log"]
    steps = [step["title"] for step in drafted["plan"]["steps"]]
    return job, found["data"], logs, steps


async def _only_verified_companies(
    stack: Stack, job_id: str, delivered: list[dict[str, Any]]
) -> None:
    """Every delivered lead's company passed verification in the job's working records."""
    database = Database(stack.database_url)
    try:
        async with database.transaction() as session:
            working = {c.key: c.status for c in await leads.all_working(session, job_id)}
    finally:
        await database.dispose()
    for lead in delivered:
        assert working.get(f"co:{lead['company']['domain']}") is CandidateStatus.VERIFIED, lead


def _searches(
    search_backend: tuple[SearchStandIn, str], down: Callable[[str], bool]
) -> dict[str, Any]:
    """Worker settings searching the stand-in, with the queries ``down`` picks failing."""
    stand_in, url = search_backend
    stand_in.take_down(down)
    return {"searxng_url": url}


@pytest.mark.backends("sqlite")  # what degrades is the engine; the database is not involved
async def test_a_job_whose_search_backend_is_down_ends_and_says_why(
    stack: Stack, org: Keys, temporal: TemporalServer, search_backend: tuple[SearchStandIn, str]
) -> None:
    job, delivered, logs, steps = await _run(
        stack, org, temporal, **_searches(search_backend, everything)
    )
    assert job["status"] == "succeeded", job
    assert delivered == []
    assert job["summary"].startswith("Found 0 companies")
    assert f"Degraded: {progress.SKIPPED_SEARCHES}: " in job["summary"]
    said = [line for line in logs if "Search backend unavailable" in line]
    assert said, logs
    # Under the step that went without: discovery.
    assert said[0].startswith(f"{steps[0]}: Search backend unavailable (searxng: HTTP 503;")
    assert search_backend[0].failed


@pytest.mark.backends("sqlite")  # what degrades is the engine; the database is not involved
async def test_a_job_goes_on_without_the_searches_that_fail(
    stack: Stack, org: Keys, temporal: TemporalServer, search_backend: tuple[SearchStandIn, str]
) -> None:
    job, delivered, logs, _ = await _run(
        stack, org, temporal, **_searches(search_backend, lambda query: "startups" in query)
    )
    stand_in, _ = search_backend
    assert job["status"] == "succeeded", job
    assert stand_in.failed and set(stand_in.asked) - set(stand_in.failed)
    assert delivered, job
    await _only_verified_companies(stack, job["id"], delivered)
    assert f"Degraded: {progress.SKIPPED_SEARCHES}: " in job["summary"]
    assert any(": Search backend unavailable (searxng: HTTP 503; " in line for line in logs)


@pytest.mark.backends("sqlite")  # what degrades is the engine; the database is not involved
async def test_a_job_reads_pages_by_the_rules_when_claude_is_down(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    stand_in = StandIn()
    # Overloaded for everyone, planning and reading alike; the SDK retries after 10 ms.
    stand_in.set_handler(
        lambda _: ApiError(529, "overloaded_error", "Overloaded", {"retry-after-ms": "10"})
    )
    with serve_in_thread(stand_in) as base_url:
        job, delivered, logs, _ = await _run(
            stack,
            org,
            temporal,
            anthropic_api_key=stand_in.api_key,
            anthropic_base_url=base_url,
            anthropic_model="claude-standin",
        )
    asked = [request.body["tools"][0]["name"] for request in stand_in.requests]
    assert "record_page_facts" in asked
    assert job["status"] == "succeeded", job
    assert delivered, job
    await _only_verified_companies(stack, job["id"], delivered)
    assert f"Degraded: {progress.RULES_ONLY_PAGES}: " in job["summary"]
    said = [line for line in logs if ": Claude failed on " in line]
    assert said and all(line.endswith(" (HTTP 529); read by the rules alone.") for line in said)


@pytest.mark.backends("sqlite")  # what degrades is the engine; the database is not involved
async def test_a_seed_list_keeps_what_the_user_gave_and_counts_what_it_lost(
    stack: Stack,
    org: Keys,
    temporal: TemporalServer,
    search_backend: tuple[SearchStandIn, str],
    live_web: SandboxWeb,
) -> None:
    with_cto = [
        company["primary_domain"]
        for company in live_web.truth()["companies"]
        if any(p["current"] and p["role"] == "cto" and p["on_team_page"] for p in company["people"])
    ]
    first, second = with_cto[:2]
    # A URL with its scheme (the sandbox serves plain HTTP), a bare domain (https fails, then
    # http), and a domain that does not resolve; the search backend is down all along.
    csv = f"company,website\nFirst,http://{first}/\nSecond,{second}\nNobody,nobody.invalid\n"
    with serve_files({"/seeds.csv": (csv.encode(), "text/csv")}) as base:
        job, delivered, logs, steps = await _run(
            stack,
            org,
            temporal,
            [{"kind": "csv", "url": f"{base}/seeds.csv"}],
            **_searches(search_backend, everything),
        )
    assert job["status"] == "succeeded", job
    assert {lead["company"]["domain"] for lead in delivered} == {first, second}
    await _only_verified_companies(stack, job["id"], delivered)
    assert f"{progress.UNRESOLVED_SEEDS}: 1" in job["summary"], job["summary"]
    lost = [line for line in logs if line.startswith(f"{steps[0]}: Seed nobody.invalid ")]
    assert len(lost) == 1, logs
    assert "https://nobody.invalid/: " in lost[0] and "http://nobody.invalid/: " in lost[0]
