"""Jobs degrade instead of failing: a missing browser skips its pages with the reason, a search
backend outage skips its searches, a Claude outage leaves pages to the rules, and seed rows are
read at the URL the user gave (a bare domain over https, then http)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from temporalio.testing import ActivityEnvironment

from activities.browser import BrowserActivities
from research import progress
from research.engine import StepRequest
from research.fetch import Fetcher, Guard, HostRules, Renderer, ruled_client
from research.fetch.types import FetchedPage
from research.live.engine import LiveConfig, LiveEngine
from research.live.outages import FAILURES_IN_A_ROW, Outages
from research.live.queries import discovery_queries
from research.live.reader import ExtractionCache, RuleExtractor
from research.llm.client import ClaudeSettings, make_client
from research.llm.extractor import AnthropicExtractor
from research.model import Candidate, CandidateStatus
from research.planner.types import Criteria, Intent, PlanStep, SeedList
from research.search.providers import SearxngProvider, build_provider
from sandbox import SandboxWeb
from tests.fetch.test_fetcher import MemoryCache
from tests.support.anthropic_standin import ApiError, StandIn, serve_in_thread
from tests.support.search_standin import SearchStandIn, everything
from workflows.job_types import RenderRequest

NOW = datetime(2026, 11, 1, tzinfo=UTC)
FINTECH_IN_FRANCE = Criteria(industries=["fintech"], countries=["FR"])
SEARCH_DOWN = "Search backend unavailable (searxng: HTTP 503; gave up after 4 attempts)"


def _step(intent: Intent, title: str = "Find companies") -> PlanStep:
    return PlanStep(id="stp_1", title=title, intent=intent, task="", expected_columns=[])


def _request(criteria: Criteria, step: PlanStep, step_index: int = 0, **more: Any) -> StepRequest:
    return StepRequest(
        job_id="job_degrade",
        step=step,
        step_index=step_index,
        criteria=criteria,
        target_rows=10,
        batch_no=0,
        batch_size=5,
        seed="s",
        now=NOW,
        **more,
    )


def _searxng(
    search_backend: tuple[SearchStandIn, str], *, timeout: float = 10.0, attempts: int = 4
) -> SearxngProvider:
    """A SearXNG provider on the stand-in, retrying as in production unless told otherwise."""
    _, url = search_backend
    client = ruled_client(HostRules.parse(""), timeout=timeout)
    return SearxngProvider(url, client, rate_per_second=100, max_attempts=attempts)


def _kept(candidates: list[Candidate]) -> list[Candidate]:
    return [c for c in candidates if c.status is not CandidateStatus.REJECTED]


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


async def test_a_search_backend_outage_skips_the_searches_and_says_why(
    sandbox_guard: Guard,
    search_stand_in: SearchStandIn,
    search_backend: tuple[SearchStandIn, str],
) -> None:
    search_stand_in.take_down(everything)
    engine = LiveEngine(
        _searxng(search_backend),
        lambda: Fetcher(sandbox_guard, respect_robots=False),
        LiveConfig(search_pages=2),
    )
    batch = await engine.run_step(_request(FINTECH_IN_FRANCE, _step(Intent.DISCOVER)), lambda: None)
    queries = discovery_queries(FINTECH_IN_FRANCE)
    assert len(queries) > FAILURES_IN_A_ROW
    assert batch.upserts == [] and batch.done
    # Every search is counted as skipped, but after a few failures in a row the batch stops
    # asking: the first queries' first pages, each tried four times by the provider.
    assert batch.skipped == {progress.SKIPPED_SEARCHES: 2 * len(queries)}
    expected = [query for query in queries[:FAILURES_IN_A_ROW] for _ in range(4)]
    assert search_stand_in.asked == expected
    said = [line for line in batch.logs if line.startswith(progress.SAYS_WHY)]
    skipped = f"skipped {2 * len(queries)} searches; the job goes on without them."
    assert said == [f"{SEARCH_DOWN}: {skipped}"]


async def test_other_searches_go_on_when_one_query_fails(
    sandbox_guard: Guard,
    search_stand_in: SearchStandIn,
    search_backend: tuple[SearchStandIn, str],
) -> None:
    queries = discovery_queries(FINTECH_IN_FRANCE)
    failing = queries[0]
    search_stand_in.take_down(lambda query: query == failing)
    engine = LiveEngine(
        _searxng(search_backend),
        lambda: Fetcher(sandbox_guard, respect_robots=False),
        LiveConfig(search_pages=2),
    )
    batch = await engine.run_step(_request(FINTECH_IN_FRANCE, _step(Intent.DISCOVER)), lambda: None)
    assert _kept(batch.upserts), batch.logs
    assert batch.skipped == {progress.SKIPPED_SEARCHES: 2}  # the failing query's two pages
    assert set(search_stand_in.asked) == set(queries)
    assert search_stand_in.failed == [failing] * 8
    assert f"{SEARCH_DOWN}: skipped 2 searches; the job goes on without them." in batch.logs


async def test_a_search_backend_that_never_answers_is_skipped_too(
    sandbox_guard: Guard,
    search_stand_in: SearchStandIn,
    search_backend: tuple[SearchStandIn, str],
) -> None:
    search_stand_in.take_down(everything, hang=2.0)
    engine = LiveEngine(
        _searxng(search_backend, timeout=0.2, attempts=2),
        lambda: Fetcher(sandbox_guard, respect_robots=False),
        LiveConfig(search_pages=1),
    )
    batch = await engine.run_step(_request(FINTECH_IN_FRANCE, _step(Intent.DISCOVER)), lambda: None)
    searches = len(discovery_queries(FINTECH_IN_FRANCE))
    assert batch.upserts == []
    assert batch.skipped == {progress.SKIPPED_SEARCHES: searches}
    assert (
        "Search backend unavailable (searxng: no answer in time; gave up after 2 attempts): "
        f"skipped {searches} searches; the job goes on without them."
    ) in batch.logs


async def test_seed_names_the_search_backend_cannot_look_up_are_unresolved_with_the_reason(
    sandbox_guard: Guard,
    search_stand_in: SearchStandIn,
    search_backend: tuple[SearchStandIn, str],
    truth: dict[str, Any],
) -> None:
    first, second = truth["companies"][:2]
    search_stand_in.take_down(lambda query: query == f'"{first["name"]}"')
    engine = LiveEngine(
        _searxng(search_backend), lambda: Fetcher(sandbox_guard, respect_robots=False)
    )
    seeds = SeedList(kind="names", values=[first["name"], second["name"]])
    batch = await engine.run_step(
        _request(Criteria(seed=seeds), _step(Intent.ENRICH, "Read the seed list")), lambda: None
    )
    assert [c.company.domain for c in _kept(batch.upserts)] == [second["primary_domain"]]
    assert batch.skipped == {progress.UNRESOLVED_SEEDS: 1, progress.SKIPPED_SEARCHES: 1}
    assert (
        f"Seed {first['name']} not resolved: the search backend could not answer "
        "(searxng: HTTP 503; gave up after 4 attempts)"
    ) in batch.logs


async def test_a_claude_outage_leaves_the_pages_to_the_rules_and_says_so(
    sandbox_guard: Guard, search_backend: tuple[SearchStandIn, str], truth: dict[str, Any]
) -> None:
    domain = truth["companies"][0]["primary_domain"]
    stand_in = StandIn()
    stand_in.set_handler(lambda _: ApiError(529, "overloaded_error", "Overloaded"))
    seeds = Criteria(seed=SeedList(kind="domains", values=[domain]))
    request = _request(seeds, _step(Intent.ENRICH, "Read the seed list"))
    search = _searxng(search_backend)
    fetchers = lambda: Fetcher(sandbox_guard, respect_robots=False)  # noqa: E731
    with serve_in_thread(stand_in) as base_url:
        claude = make_client(ClaudeSettings(api_key=stand_in.api_key, base_url=base_url))
        try:
            engine = LiveEngine(search, fetchers, extractor=AnthropicExtractor(claude, "m"))
            batch = await engine.run_step(request, lambda: None)
        finally:
            await claude.close()
    by_rules = await LiveEngine(search, fetchers).run_step(request, lambda: None)
    assert stand_in.requests  # Claude was asked, and failed
    # The page was read by the rules alone: the same company as an engine without Claude.
    assert [c.company for c in _kept(batch.upserts)] == [c.company for c in _kept(by_rules.upserts)]
    assert _kept(batch.upserts)[0].company.domain == domain
    assert batch.skipped == {progress.RULES_ONLY_PAGES: 1}
    assert "Claude failed on 1 page (HTTP 529); read by the rules alone." in batch.logs


async def test_after_a_few_claude_failures_in_a_row_the_batch_stops_asking(
    web: SandboxWeb,
) -> None:
    stand_in = StandIn()
    stand_in.set_handler(lambda _: ApiError(500, "api_error", "Internal server error"))
    pages = [
        FetchedPage(
            url=page.url,
            final_url=page.url,
            status=200,
            content_type="text/html",
            text=page.html,
            fetched_at=NOW,
        )
        for page in list(web.pages.values())[:40]
        if page.is_html and page.status == 200
    ][:6]
    outages = Outages()
    with serve_in_thread(stand_in) as base_url:
        settings = ClaudeSettings(api_key=stand_in.api_key, base_url=base_url, max_retries=0)
        claude = make_client(settings)
        try:
            cache = ExtractionCache(AnthropicExtractor(claude, "m"))
            facts = [await cache.facts(page, outages) for page in pages]
            again = await cache.facts(pages[0], Outages())
        finally:
            await claude.close()
    rules = RuleExtractor()
    assert facts == [await rules.extract(p.final_url, p.text, fetched_at=NOW) for p in pages]
    assert outages.skipped == {progress.RULES_ONLY_PAGES: len(pages)}
    assert outages.logs() == [
        f"Claude failed on {len(pages)} pages (HTTP 500); read by the rules alone."
    ]
    # Three pages asked Claude; the rest went to the rules without asking. A fallback is not
    # kept: the next batch asks Claude again.
    assert len(stand_in.requests) == FAILURES_IN_A_ROW + 1
    assert again == facts[0]
