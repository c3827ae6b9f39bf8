"""Jobs degrade instead of failing: a missing browser skips its pages with the reason, and seed
rows are read at the URL the user gave (a bare domain over https, then http)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from temporalio.testing import ActivityEnvironment

from activities.browser import BrowserActivities
from research import progress
from research.engine import StepRequest
from research.fetch import Fetcher, Guard, HostRules, Renderer
from research.live.engine import LiveEngine
from research.model import CandidateStatus
from research.planner.types import Criteria, Intent, PlanStep, SeedList
from research.search.providers import build_provider
from tests.fetch.test_fetcher import MemoryCache
from workflows.job_types import RenderRequest

NOW = datetime(2026, 11, 1, tzinfo=UTC)


async def test_a_missing_browser_skips_its_pages_and_says_why(
    sandbox_guard: Guard, sandbox_rules: HostRules
) -> None:
    cache = MemoryCache()
    activities = BrowserActivities(
        lambda: Renderer(sandbox_guard, sandbox_rules, executable="/nonexistent/chromium"),
        cache,
    )
    urls = ["http://finio.test/company/leadership", "http://finio.test/"]
    result = await ActivityEnvironment().run(activities.render_pages, RenderRequest(urls=urls))
    assert result.rendered == 0
    assert result.failed == urls
    assert result.reason is not None and "browser is unavailable" in result.reason
    assert cache.pages == {}


async def test_seed_rows_are_read_where_the_user_gave_them(
    sandbox_guard: Guard, sandbox_rules: HostRules, truth: dict[str, Any]
) -> None:
    first, second = (c["primary_domain"] for c in truth["companies"][:2])
    rows = [first, f"http://{second}/", "no-such-company.invalid"]
    search = build_provider(
        "searxng",
        searxng_url="http://search.test/search",
        brave_api_key=None,
        brave_endpoint=None,
        host_rules=sandbox_rules,
        rate_per_second=10.0,
    )
    assert search is not None
    engine = LiveEngine(search, lambda: Fetcher(sandbox_guard, respect_robots=False))
    request = StepRequest(
        job_id="job_seed",
        step=PlanStep(
            id="stp_1",
            title="Read the seed list",
            intent=Intent.ENRICH,
            task="",
            expected_columns=[],
        ),
        step_index=0,
        criteria=Criteria(seed=SeedList(kind="domains", values=rows)),
        target_rows=10,
        batch_no=0,
        batch_size=5,
        seed="s",
        now=NOW,
    )
    batch = await engine.run_step(request, lambda: None)
    kept = {c.company.domain: c for c in batch.upserts if c.status is not CandidateStatus.REJECTED}
    # The sandbox serves plain HTTP: the bare domain resolved after https failed.
    assert set(kept) == {first, second}
    assert kept[second].company.website == f"http://{second}/"
    assert kept[first].company.website == f"http://{first}/"
    lost = [c for c in batch.upserts if c.status is CandidateStatus.REJECTED]
    assert [c.company.domain for c in lost] == ["no-such-company.invalid"]
    assert "https://no-such-company.invalid/" in lost[0].evidence[0]
    assert batch.skipped == {progress.UNRESOLVED_SEEDS: 1}
    assert any(line.startswith("Seed no-such-company.invalid not resolved") for line in batch.logs)
