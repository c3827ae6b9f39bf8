"""LiveEngine: the plan's steps on the open web.

discover  search the plan's queries; result pages that list many companies (directories,
          news) are expanded into the companies they link; each new company's site is read
          once to resolve redirects and drop those that plainly contradict the plan.
enrich    crawl each company's own site into a dossier of facts with their pages; people
          steps match the dossier's current people to the plan's roles.
verify    check the plan's criteria against the dossier; only evidence passes.
Every value is grounded: a field survives only if a retrieved page states it. A search the
backend cannot answer, or a page Claude cannot read, degrades the batch (the search is skipped,
the page read by the rules alone) and is counted so the job's summary says so.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from urllib.parse import quote, urlsplit

from core.clock import utcnow
from research import progress
from research.attachments import seed_domain, seed_urls
from research.domains import registrable_domain
from research.emails import infer_email
from research.engine import (
    Heartbeat,
    StepBatch,
    StepRequest,
    StepScope,
    companies_needed,
    step_roles,
    step_scope,
)
from research.fetch import Fetcher
from research.fetch.types import FetchedPage, PageCache
from research.grounding import ground
from research.live import dossier as dossiers
from research.live.icp import contradicts, verify
from research.live.outages import Outages
from research.live.queries import discovery_queries
from research.live.reader import ExtractionCache, PageExtractor, PageReader, Read
from research.model import Candidate, CandidateStatus, CompanyFacts, PersonFacts, Source, SourceKind
from research.planner.types import Criteria, Intent, RoleTarget
from research.resolve import normalize_name
from research.roles import normalize_title, role_matches
from research.search.providers import SearchError, SearchProvider, SearchResult

PLATFORMS = frozenset(
    [
        "linkedin.com",
        "twitter.com",
        "x.com",
        "github.com",
        "facebook.com",
        "instagram.com",
        "youtube.com",
        "medium.com",
        "crunchbase.com",
        "wikipedia.org",
        "google.com",
        "apple.com",
        "wellfound.com",
        "angel.co",
        "glassdoor.com",
        "producthunt.com",
        "tiktok.com",
        "substack.com",
        "notion.site",
    ]
)
FACT_COLUMNS = {
    "hq_country": "hq_country",
    "industry": "industry",
    "founded_year": "founded_year",
    "funding_stage": "funding_stage",
    "funding_amount": "funding_amount",
    "funded_at": "funded_at",
    "employees": "employee_count",
    "engineers": "engineering_headcount",
    "tech_stack": "tech_stack",
    "open_roles": "open_roles",
}


log = logging.getLogger(__name__)

MAX_DROP_LOGS = 10
"""Per batch, the dropped companies whose reason the job log names (the rest are counted)."""

SEARCH_FRESHNESS = timedelta(days=1)
# Discovery collects more companies than the plan needs, since verification rejects some.
CANDIDATES_PER_COMPANY = 3
MIN_CANDIDATES = 20


def _settled(domain: str, reason: str) -> Candidate:
    """A domain recorded as not a lead, so later batches skip it."""
    return Candidate(
        key=f"co:{domain}",
        company=CompanyFacts(domain=domain),
        status=CandidateStatus.REJECTED,
        evidence=[reason],
    )


@dataclass(frozen=True, slots=True)
class LiveConfig:
    """Limits for one batch of live research."""

    search_pages: int = 5
    hub_pages: int = 150
    max_pages_per_company: int = 25
    concurrency: int = 8
    max_candidates: int = 2000


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _others(read: Read) -> list[str]:
    return [domain for domain in read.facts.external_domains if domain not in PLATFORMS]


def _is_listing(read: Read) -> bool:
    """A page worth expanding into the companies it links: directories, news, link lists."""
    return read.facts.kind in ("directory", "news") or len(_others(read)) >= 3


def _is_hub(read: Read) -> bool:
    """A page of a site that writes about other companies (so the site is not a lead).

    A company's own blog index is a listing too, but it links only to itself.
    """
    others = _others(read)
    return (read.facts.kind in ("directory", "news") and bool(others)) or len(others) >= 3


NAVIGATION = re.compile(r"/(about|contact|login|signup|privacy|terms|private|legal)(\b|/|\.)", re.I)
_PAGE_NUMBER = re.compile(r"([/?&](?:page|p)[/=])\d+/?$", re.I)


def _paginates(listing: str, link: str) -> bool:
    """Whether ``link`` is another page of the listing ``listing``."""
    base = _PAGE_NUMBER.sub("", listing.rstrip("/"))
    match = _PAGE_NUMBER.search(link.rstrip("/"))
    return match is not None and link.rstrip("/")[: match.start()] == base


@dataclass
class Discovered:
    """What one discovery batch found: company sites, their third-party pages, and hubs."""

    origins: dict[str, str] = field(default_factory=dict)
    mentions: dict[str, list[str]] = field(default_factory=dict)
    hubs: set[str] = field(default_factory=set)


class LiveEngine:
    """Research on the open web behind a search provider and a guarded fetcher."""

    name = "live"

    def __init__(
        self,
        search: SearchProvider,
        fetchers: Callable[[], Fetcher],
        config: LiveConfig = LiveConfig(),
        today: date | None = None,
        extractor: PageExtractor | None = None,
        cache: PageCache | None = None,
    ) -> None:
        self.search = search
        self.cache = cache
        self.fetchers = fetchers
        self.config = config
        self.today = today
        self.extractions = ExtractionCache(extractor)

    async def run_step(self, request: StepRequest, heartbeat: Heartbeat) -> StepBatch:
        """Run one batch of one step."""
        async with self.fetchers() as fetcher:
            reader = PageReader(fetcher, self.extractions, after_render=request.after_render)
            if step_scope(request.step, request.step_index) is StepScope.NONE:
                batch = await self._discover(request, reader, heartbeat)
            elif roles := step_roles(request.step, request.criteria):
                batch = await self._people(request, reader, roles, heartbeat)
            elif request.step.intent == Intent.VERIFY:
                batch = await self._verify(request, reader, heartbeat)
            else:
                batch = await self._enrich(request, reader, heartbeat)
        batch.renders = list(reader.renders)
        for reason, number in reader.outages.skipped.items():
            batch.skipped[reason] = batch.skipped.get(reason, 0) + number
        batch.logs += reader.outages.logs()
        return batch

    # -- discovery --------------------------------------------------------------------------

    async def _search(self, query: str, page: int, outages: Outages) -> list[SearchResult]:
        """Search results, cached for a day so every discovery batch sees the same pages.

        A search the backend cannot answer is skipped (no results) and counted in ``outages``.
        """
        results, _ = await self._searched(query, page, outages)
        return results

    async def _searched(
        self, query: str, page: int, outages: Outages
    ) -> tuple[list[SearchResult], str | None]:
        """Search results, or none and why the search was skipped: the backend failed after
        its own retries, or failed so often in a row that this batch no longer asks it."""
        key = f"leadex-search://{self.search.name}/{page}?q={quote(query)}"
        if self.cache is not None:
            cached = await self.cache.get(key)
            if cached is not None and utcnow() - cached.fetched_at < SEARCH_FRESHNESS:
                items = json.loads(cached.text)
                return [SearchResult.model_validate(item) for item in items], None
        if (why := outages.given_up(progress.SKIPPED_SEARCHES)) is not None:
            outages.went_without(progress.SKIPPED_SEARCHES, why)
            return [], why
        try:
            results = await self.search.search(query, page)
        except SearchError as error:
            log.warning("search %r (page %d) skipped: %s", query, page, error)
            outages.failed(progress.SKIPPED_SEARCHES, str(error))
            return [], str(error)
        outages.answered(progress.SKIPPED_SEARCHES)
        if self.cache is not None:
            payload = json.dumps([result.model_dump() for result in results])
            await self.cache.put(
                FetchedPage(
                    url=key,
                    final_url=key,
                    status=200,
                    content_type="application/json",
                    text=payload,
                    fetched_at=utcnow(),
                )
            )
        return results, None

    async def _discover(
        self, request: StepRequest, reader: PageReader, heartbeat: Heartbeat
    ) -> StepBatch:
        """One batch of new companies, in a stable order, at most ``batch_size`` of them.

        Every batch reads the same search pages (cached), so the order of companies is the same
        from batch to batch and each batch takes the next ones not yet collected.
        """
        criteria = request.criteria
        if criteria.seed is not None:
            return await self._seeded(request, reader)
        queries = discovery_queries(criteria)
        pages = [
            await self._search(query, page, reader.outages)
            for page in range(1, self.config.search_pages + 1)
            for query in queries
        ]
        urls = list(dict.fromkeys([*criteria.url_list, *(r.url for page in pages for r in page)]))
        heartbeat()
        found = await self._company_origins(urls, reader, heartbeat)
        known = set(request.known)
        hubs = [
            _settled(hub, "a site that writes about other companies, not a lead")
            for hub in sorted(found.hubs)
            if f"co:{hub}" not in known
        ]
        known |= {hub.key for hub in hubs}
        fresh = [(d, o) for d, o in found.origins.items() if f"co:{d}" not in known]
        cap = max(
            MIN_CANDIDATES, CANDIDATES_PER_COMPANY * companies_needed(criteria, request.target_rows)
        )
        room = max(0, min(request.batch_size, cap - len(request.known)))
        kept, settled, remaining = await self._vet(fresh, criteria, reader, known, room)
        for candidate in kept:
            domains = [candidate.company.domain or "", *candidate.company.aliases]
            candidate.company.mentions = list(
                dict.fromkeys(url for d in domains for url in found.mentions.get(d, []))
            )
        return StepBatch(
            upserts=kept + settled + hubs,
            done=not remaining or room < request.batch_size,
            units=len(kept),
            logs=[
                f"Searched {len(queries)} queries: {len(urls)} results, {len(fresh)} companies "
                f"not yet read; kept {len(kept)}, set aside {len(settled)}"
            ],
        )

    async def _company_origins(
        self, urls: list[str], reader: PageReader, heartbeat: Heartbeat
    ) -> Discovered:
        found = Discovered()
        hubs: list[Read] = []
        for read in await reader.read_many(urls, self.config.concurrency):
            domain = registrable_domain(read.page.final_url)
            if domain is None or domain in PLATFORMS:
                continue
            if _is_hub(read):
                found.hubs.add(domain)
            if _is_listing(read):
                hubs.append(read)
            if not _is_hub(read):
                found.origins.setdefault(domain, _origin(read.page.final_url))
        heartbeat()
        await self._expand_hubs(hubs, reader, found)
        for hub in found.hubs:
            found.origins.pop(hub, None)
        return found

    async def _expand_hubs(self, hubs: list[Read], reader: PageReader, found: Discovered) -> None:
        """Companies linked from listing pages: one level into each listing, plus its pages.

        A hub page that links exactly one company is that company's profile, kept as a
        third-party source about it.
        """
        seen = {read.page.final_url for read in hubs}
        frontier, depth = hubs, 0
        budget = self.config.hub_pages
        while frontier and budget > 0:
            next_urls: list[str] = []
            for read in frontier:
                hub_domain = registrable_domain(read.page.final_url)
                if hub_domain and _is_hub(read):
                    found.hubs.add(hub_domain)
                companies = [
                    d for d in read.facts.external_domains if d not in PLATFORMS and d != hub_domain
                ]
                if len(companies) == 1 and read.facts.kind == "directory":
                    found.mentions.setdefault(companies[0], []).append(read.page.final_url)
                for link in read.facts.links:
                    domain = registrable_domain(link)
                    if domain is None or domain in PLATFORMS or not link.startswith("http"):
                        continue
                    if domain != hub_domain:
                        found.origins.setdefault(domain, _origin(link))
                    elif (
                        link not in seen
                        and (depth == 0 or _paginates(read.page.final_url, link))
                        and not NAVIGATION.search(link)
                    ):
                        seen.add(link)
                        next_urls.append(link)
            next_urls = next_urls[:budget]
            budget -= len(next_urls)
            frontier = await reader.read_many(next_urls, self.config.concurrency)
            depth += 1

    async def _vet(
        self,
        origins: list[tuple[str, str]],
        criteria: Criteria,
        reader: PageReader,
        known: set[str],
        room: int,
    ) -> tuple[list[Candidate], list[Candidate], bool]:
        """Read new companies' home pages in order until ``room`` are kept.

        Returns the kept candidates, the ones set aside (recorded so no batch reads them
        again), and whether companies remain for the next batch.
        """
        kept: dict[str, Candidate] = {}
        settled: dict[str, Candidate] = {}
        position = 0
        while position < len(origins) and len(kept) < room:
            chunk = origins[position : position + self.config.concurrency]
            results = await asyncio.gather(
                *(self._vet_one(domain, origin, criteria, reader) for domain, origin in chunk)
            )
            for (domain, _), result in zip(chunk, results, strict=True):
                if isinstance(result, str):
                    if f"co:{domain}" not in known:
                        settled[f"co:{domain}"] = _settled(domain, result)
                    continue
                if result.key in known or result.key in kept:
                    continue  # an alias of a company already collected
                if len(kept) >= room:
                    return list(kept.values()), list(settled.values()), True
                kept[result.key] = result
            position += len(chunk)
        return list(kept.values()), list(settled.values()), position < len(origins)

    async def _vet_one(
        self, domain: str, origin: str, criteria: Criteria, reader: PageReader
    ) -> Candidate | str:
        """A candidate for the company at ``origin``, or why it is not one."""
        home = await reader.read(origin)
        if home is None:
            return "its site could not be read"
        if _is_hub(home):
            return "a site that writes about other companies, not a lead"
        final = registrable_domain(home.page.final_url) or domain
        facts = home.facts.company
        if contradicts(criteria, facts.hq_country, facts.industry):
            stated = facts.hq_country or facts.industry
            return f"its home page states {stated}, which the plan excludes"
        source_fields = ["company.domain"] + (["company.name"] if facts.name else [])
        return Candidate(
            key=f"co:{final}",
            company=CompanyFacts(
                name=facts.name or final.split(".")[0].title(),
                domain=final,
                website=_origin(home.page.final_url),
                aliases=[domain] if final != domain else [],
            ),
            sources=[
                Source(
                    kind=SourceKind.WEB,
                    url=home.page.final_url,
                    retrieved_at=home.page.fetched_at,
                    fields=source_fields,
                )
            ],
        )

    async def _seeded(self, request: StepRequest, reader: PageReader) -> StepBatch:
        """The seed list's companies, each at the site its row gives.

        A row's URL is read as given (scheme and path); a bare domain is tried over https,
        then http. A row that cannot be resolved is recorded with the reason, so the job's
        log and summary say which seeds were lost and why.
        """
        seed = request.criteria.seed
        assert seed is not None
        start = request.batch_no * request.batch_size
        values = seed.values[start : start + request.batch_size]
        given: dict[str, str] = {}  # domain -> the URL the row resolved to
        unresolved: list[tuple[str, str]] = []
        for value in values:
            if seed.kind == "domains":
                found, reason = await self._seed_site(value, reader)
                domain = registrable_domain(found) if found else seed_domain(value)
                if found and domain:
                    given.setdefault(domain, found)
                else:
                    unresolved.append((value, reason))
                continue
            results, failed = await self._searched(f'"{value}"', 1, reader.outages)
            hit = next(
                (
                    r.url
                    for r in results
                    if (d := registrable_domain(r.url)) is not None and d not in PLATFORMS
                ),
                None,
            )
            if failed is not None:
                unresolved.append((value, f"the search backend could not answer ({failed})"))
            elif hit is None:
                unresolved.append((value, "no search result names a site for it"))
            else:
                given.setdefault(registrable_domain(hit) or hit, _origin(hit))
        known = set(request.known)
        kept, settled, _ = await self._vet(
            list(given.items()), Criteria(), reader, known, len(given)
        )
        for candidate in kept:
            domains = [candidate.company.domain, *candidate.company.aliases]
            url = next((given[d] for d in domains if d in given), None)
            if url is not None:
                candidate.company.website = url  # crawl from the page the user gave
        for value, reason in unresolved:
            log.info("seed %s not resolved: %s", value, reason)
        lost = [
            _settled(seed_domain(value) or value, f"{progress.UNRESOLVED_SEEDS}: {value}: {reason}")
            for value, reason in unresolved
        ]
        return StepBatch(
            upserts=kept + settled + [c for c in lost if c.key not in known],
            done=start + request.batch_size >= len(seed.values),
            units=len(kept),
            logs=[
                f"Resolved {len(kept)} of {len(values)} seed companies",
                *(progress.seed_unresolved(value, reason) for value, reason in unresolved),
            ],
            skipped={progress.UNRESOLVED_SEEDS: len(unresolved)} if unresolved else {},
        )

    async def _seed_site(self, value: str, reader: PageReader) -> tuple[str | None, str]:
        """The URL a seed row resolves to, or None and why not."""
        reasons = []
        for url in seed_urls(value):
            read = await reader.read(url)
            if read is not None:
                return read.page.final_url if url.endswith("/") else url, ""
            reasons.append(f"{url}: {reader.failures.get(url, 'could not be read')}")
        return None, "; ".join(reasons)

    # -- dossiers ------------------------------------------------------------------------------

    async def _lookup(self, outages: Outages, name: str, domain: str) -> list[str]:
        """Pages elsewhere about a company: a search for its name and domain."""
        query = f'"{name}" headquarters industry funding stage'
        results = await self._search(query, 1, outages)
        return [r.url for r in results if registrable_domain(r.url) not in (domain, None)]

    async def _dossiers(
        self, request: StepRequest, reader: PageReader, heartbeat: Heartbeat
    ) -> list[tuple[Candidate, dossiers.Dossier | None]]:
        gate = asyncio.Semaphore(max(1, self.config.concurrency // 2))

        async def one(candidate: Candidate) -> tuple[Candidate, dossiers.Dossier | None]:
            if candidate.status is CandidateStatus.REJECTED:
                return candidate, None  # settled already (a hub, or failed verification)
            async with gate:
                website = candidate.company.website or f"https://{candidate.company.domain}/"
                built = await dossiers.build(
                    reader,
                    website,
                    self.config.max_pages_per_company,
                    candidate.company.mentions,
                    partial(self._lookup, reader.outages),
                )
                heartbeat()
                return candidate, built

        return list(await asyncio.gather(*(one(c) for c in request.candidates)))

    def _judge(
        self, candidate: Candidate, dossier: dossiers.Dossier, request: StepRequest
    ) -> Candidate:
        """Ground the company's facts and check the plan's criteria against them."""
        judged = ground(_with_facts(candidate, dossier), dossier.texts)
        verdict = verify(request.criteria, dossier, self.today or request.now.date())
        judged.status = CandidateStatus.VERIFIED if verdict.passed else CandidateStatus.REJECTED
        judged.evidence = verdict.evidence + [f"fails: {failure}" for failure in verdict.failures]
        if request.criteria.requirements:
            # Which of the plan's free requirements this company's pages satisfied.
            judged.fields["requirements_met"] = list(verdict.met)
        if not verdict.passed:
            log.info("dropped %s: %s", dossier.domain, "; ".join(verdict.failures))
        judged.confidence = _confidence(judged)
        return judged

    async def _enrich(
        self, request: StepRequest, reader: PageReader, heartbeat: Heartbeat
    ) -> StepBatch:
        """Read each company's site; one that plainly fails the plan is set aside right away,
        so later steps neither crawl nor charge for it."""
        updated, read = [], 0
        for candidate, dossier in await self._dossiers(request, reader, heartbeat):
            if dossier is not None:
                # Grounding and verification are CPU-bound: off the event loop, so heartbeats go on.
                candidate = await asyncio.to_thread(self._judge, candidate, dossier, request)
                read += 1
            updated.append(candidate)
        kept = sum(1 for c in updated if c.status is not CandidateStatus.REJECTED)
        return StepBatch(
            upserts=updated,
            done=False,
            units=read,
            logs=[
                f"{request.step.title}: read {read} company sites; {kept} still match",
                *_drop_logs(updated),
            ],
        )

    async def _verify(
        self, request: StepRequest, reader: PageReader, heartbeat: Heartbeat
    ) -> StepBatch:
        updated = []
        for candidate, dossier in await self._dossiers(request, reader, heartbeat):
            if dossier is not None:
                # Grounding and verification are CPU-bound: off the event loop, so heartbeats go on.
                candidate = await asyncio.to_thread(self._judge, candidate, dossier, request)
            elif candidate.status is not CandidateStatus.REJECTED:
                candidate.status = CandidateStatus.REJECTED
                candidate.evidence = ["the company's site could not be read"]
            updated.append(candidate)
        passed = sum(1 for c in updated if c.status is CandidateStatus.VERIFIED)
        return StepBatch(
            upserts=updated,
            done=False,
            logs=[
                f"Verified {len(updated)} companies: {passed} match the criteria",
                *_drop_logs(updated),
            ],
        )

    async def _people(
        self,
        request: StepRequest,
        reader: PageReader,
        roles: list[RoleTarget],
        heartbeat: Heartbeat,
    ) -> StepBatch:
        people: list[Candidate] = []
        emails = read = 0
        for candidate, dossier in await self._dossiers(request, reader, heartbeat):
            if dossier is None:
                continue
            read += 1
            # Grounding is CPU-bound: off the event loop, so heartbeats go on.
            found = await asyncio.to_thread(_grounded_people, candidate, dossier, roles, request)
            emails += sum(bool(p.person and p.person.email) for p in found)
            people += found
        return StepBatch(
            upserts=people,
            done=False,
            units=read,
            emails=emails,
            logs=[
                f"Found {len(people)} people for {', '.join(r.title for r in roles)} at "
                f"{read} companies"
            ],
        )


def _grounded_people(
    candidate: Candidate,
    dossier: dossiers.Dossier,
    roles: list[RoleTarget],
    request: StepRequest,
) -> list[Candidate]:
    """The company's holders of the plan's roles, each grounded on the dossier's pages."""
    company = ground(_with_facts(candidate, dossier), dossier.texts)
    people = []
    for role in roles:
        for holder in _holders(dossier, role):
            person = _person_candidate(
                company, dossier, holder, role, request.criteria, request.now
            )
            person = ground(person, dossier.texts)
            if person.person is not None:
                people.append(person)
    return people


def _with_facts(candidate: Candidate, dossier: dossiers.Dossier) -> Candidate:
    updated = candidate.model_copy(deep=True)
    name, city, linkedin = (dossier.facts.get(k) for k in ("name", "hq_city", "linkedin"))
    if name:
        updated.company.name = str(name.value)
    if city:
        updated.company.hq_city = str(city.value)
    if linkedin:
        updated.company.linkedin = str(linkedin.value)
    by_url: dict[str, list[str]] = {}
    for fact_name, fact in dossier.facts.items():
        path = _field_path(fact_name)
        if path is None:
            continue
        if path.startswith("fields."):
            updated.fields[path.removeprefix("fields.")] = fact.value
        for url in fact.urls:
            by_url.setdefault(url, []).append(path)
    fetched = {read.page.final_url: read.page.fetched_at for read in dossier.reads}
    known = {source.url for source in updated.sources}
    for url, paths in by_url.items():
        if url in known:
            for source in updated.sources:
                if source.url == url:
                    source.fields = list(dict.fromkeys([*source.fields, *paths]))
        else:
            updated.sources.append(
                Source(
                    kind=SourceKind.WEB,
                    url=url,
                    retrieved_at=fetched.get(url, dossier.reads[0].page.fetched_at),
                    fields=paths,
                )
            )
    return updated


def _field_path(fact_name: str) -> str | None:
    if fact_name in ("name", "hq_city", "linkedin"):
        return f"company.{fact_name}"
    column = FACT_COLUMNS.get(fact_name)
    return f"fields.{column}" if column else None


FOUNDER = re.compile(r"\bfounder\b|\bco-?founder\b", re.I)


def _holders(dossier: dossiers.Dossier, role: RoleTarget) -> list[dossiers.Person]:
    """Who holds the role today: every founder, or the one best-matching title holder."""
    current = [p for p in dossier.people if p.current and p.title]
    if role.column_prefix == "founder":
        # A founder says so in their title or the site says who founded it; a CEO is not
        # necessarily one.
        return [p for p in current if FOUNDER.search(p.title or "") or p.founder_urls]
    matching = [person for person in current if role_matches(role, person.title or "")]
    if not matching:
        return []

    def rank(person: dossiers.Person) -> tuple[int, int]:
        title = normalize_title(person.title or "")
        exact = int(title is not None and title.seniority == role.seniority)
        return (exact, int(person.on_current_page))

    return [max(matching, key=rank)]


def _person_candidate(
    company: Candidate,
    dossier: dossiers.Dossier,
    person: dossiers.Person,
    role: RoleTarget,
    criteria: Criteria,
    now: object,
) -> Candidate:
    email, inferred = person.email, None
    if email is None:
        owned = [
            addr
            for owner, addr, _ in dossier.emails
            if owner and normalize_name(owner) == normalize_name(person.full_name)
        ]
        email = owned[0] if owned else None
    if email is None and criteria.want_email:
        seen = [(owner, addr) for owner, addr, _ in dossier.emails if owner]
        inferred = infer_email(person.full_name, dossier.domain, seen)
        if inferred is not None:
            email = inferred.address
    fields: dict[str, object] = {}
    if person.linkedin:
        fields["person_linkedin"] = person.linkedin
    if inferred is not None:
        fields["person_email_inferred"] = {
            "pattern": inferred.pattern,
            "evidence": list(inferred.evidence),
        }
    fetched = {read.page.final_url: read.page.fetched_at for read in dossier.reads}
    sources = [
        Source(
            kind=SourceKind.WEB,
            url=url,
            retrieved_at=fetched[url],
            fields=["person.full_name", "person.title", "person.email", "fields.person_linkedin"],
        )
        for url in dict.fromkeys(person.urls)
        if url in fetched
    ]
    for url in dict.fromkeys(person.founder_urls):
        if url in fetched and url not in person.urls:
            sources.append(
                Source(
                    kind=SourceKind.WEB,
                    url=url,
                    retrieved_at=fetched[url],
                    fields=["person.full_name"],
                )
            )
    email_pages = [url for owner, addr, url in dossier.emails if addr == (email or "").lower()]
    for url in email_pages:
        if url in fetched and url not in person.urls:
            sources.append(
                Source(
                    kind=SourceKind.WEB, url=url, retrieved_at=fetched[url], fields=["person.email"]
                )
            )
    return Candidate(
        key=f"pe:{dossier.domain}:{normalize_name(person.full_name)}",
        company=company.company,
        person=PersonFacts(full_name=person.full_name, title=person.title, email=email),
        role=role.column_prefix,
        fields=fields,
        sources=sources,
        confidence=0.6 if inferred else 0.85,
        evidence=[f"{person.title} on {person.urls[0]}"] if person.urls else [],
    )


def _drop_logs(candidates: list[Candidate]) -> list[str]:
    """Why companies were dropped for an exclusion or a free requirement, for the job log."""
    lines = []
    for candidate in candidates:
        reasons = [
            reason.removeprefix("fails: ")
            for reason in candidate.evidence
            if reason.startswith(("fails: excluded", "fails: no evidence that it meets"))
        ]
        if candidate.status is CandidateStatus.REJECTED and reasons:
            name = candidate.company.domain or candidate.company.name or candidate.key
            lines.append(f"Dropped {name}: {'; '.join(reasons)}")
    if len(lines) > MAX_DROP_LOGS:
        lines = [*lines[:MAX_DROP_LOGS], f"… and {len(lines) - MAX_DROP_LOGS} more dropped"]
    return lines


def _confidence(candidate: Candidate) -> float:
    pages = {source.url for source in candidate.sources}
    return round(min(0.99, 0.55 + 0.08 * len(pages)), 2)
