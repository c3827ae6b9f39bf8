"""A company's dossier: its own site crawled, and every fact traced to the pages that state it.

Rules of evidence: the company's own current pages (home, about, team, careers) beat dated
posts; among dated posts the newest wins; a person is current when a current page lists them,
or when a post announced them and nothing contradicts it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from research.domains import registrable_domain
from research.extract.types import FundingClaim, PageFacts, PersonClaim
from research.live.reader import PageReader, Read
from research.resolve import normalize_name
from research.roles import normalize_title, role_matches

CURRENT_KINDS = {"home", "about", "team", "careers", "job", "other"}
PRIORITY = [
    (re.compile(r"team|people|leadership|management|founders|who-we-are|about|company|story"), 0),
    (re.compile(r"careers?|jobs?|join|hiring|work-with-us|open-roles"), 0),
    (re.compile(r"blog|news|press|media|updates|journal|stories|posts?"), 1),
]
SKIP = re.compile(
    r"\.(?:pdf|png|jpe?g|gif|svg|zip|css|js)$|/(?:private|login|signup|cart|terms|privacy|legal|cookie)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Fact:
    """A value and the pages that state it."""

    value: object
    urls: tuple[str, ...]


@dataclass
class Person:
    """Someone the company's pages name, with the evidence on whether they are current."""

    full_name: str
    title: str | None
    email: str | None
    linkedin: str | None
    current: bool
    urls: list[str] = field(default_factory=list)
    on_current_page: bool = False
    departed: bool = False
    dated: str | None = None
    founder_urls: list[str] = field(default_factory=list)


@dataclass
class Dossier:
    """Everything the company's own site says, then what third-party pages add, with provenance."""

    domain: str
    website: str
    reads: list[Read]
    facts: dict[str, Fact]
    people: list[Person]
    emails: list[tuple[str | None, str, str]]  # (owner, address, url)

    @property
    def texts(self) -> dict[str, str]:
        """Visible text per page, for grounding."""
        return {read.page.final_url: read.facts.text for read in self.reads}


def _priority(url: str, home: str) -> int | None:
    path = urlsplit(url).path.lower()
    if url.rstrip("/") == home.rstrip("/") or SKIP.search(path):
        return None
    for pattern, rank in PRIORITY:
        if pattern.search(path):
            return rank + path.count("/") // 3
    return None


def _internal_links(facts: PageFacts, domain: str) -> list[str]:
    links = []
    for link in facts.links:
        target = link.split("#", 1)[0]
        if target.startswith("http") and registrable_domain(target) == domain:
            links.append(target)
    return list(dict.fromkeys(links))


async def crawl(reader: PageReader, website: str, domain: str, max_pages: int) -> list[Read]:
    """The home page, then the pages most likely to hold facts and people, breadth first."""
    home = await reader.read(website)
    if home is None:
        return []
    reads = [home]
    seen = {website, home.page.final_url}
    frontier = [home]
    while frontier and len(reads) < max_pages:
        candidates: list[tuple[int, str]] = []
        for read in frontier:
            for link in _internal_links(read.facts, domain):
                rank = _priority(link, website)
                if rank is not None and link not in seen:
                    candidates.append((rank, link))
                    seen.add(link)
        candidates.sort(key=lambda item: item[0])
        batch = [link for _, link in candidates[: max_pages - len(reads)]]
        frontier = await reader.read_many(batch)
        reads += frontier
    return reads


def _dated(read: Read) -> str | None:
    return (
        read.facts.published
        if read.facts.kind in ("press", "news") or read.facts.published
        else None
    )


def _vote(claims: list[tuple[object, str, str | None]]) -> Fact | None:
    """Undated (current) pages first, then the newest post; ties by how many pages agree."""
    if not claims:
        return None
    current = [(v, u) for v, u, d in claims if d is None]
    if current:
        counts = Counter(v for v, _ in current)
        value = max(counts, key=lambda v: (counts[v], -[x for x, _ in current].index(v)))
        return Fact(value, tuple(u for v, u in current if v == value))
    newest = max(d or "" for _, _, d in claims)
    chosen = [(v, u) for v, u, d in claims if d == newest]
    value = chosen[0][0]
    return Fact(value, tuple(u for v, u in chosen if v == value))


def _latest_round(
    claims: list[tuple[FundingClaim, str, str | None]],
) -> tuple[FundingClaim, tuple[str, ...]] | None:
    dated = [(c, u, c.date or d or "") for c, u, d in claims if c.stage]
    if not dated:
        return None
    best = max(dated, key=lambda item: item[2])
    urls = tuple(u for c, u, when in dated if c.stage == best[0].stage and when == best[2])
    return best[0], urls


def _fill(facts: dict[str, Fact], others: dict[str, Fact]) -> dict[str, Fact]:
    """Third-party facts only fill what the company's own pages leave unsaid."""
    merged = dict(facts)
    for name, fact in others.items():
        if name not in merged:
            merged[name] = fact
    return merged


def _facts(reads: list[Read]) -> dict[str, Fact]:
    single: dict[str, list[tuple[object, str, str | None]]] = {}
    lists: dict[str, dict[str, list[str]]] = {"tech_stack": {}, "open_roles": {}}
    for read in reads:
        company, url, when = read.facts.company, read.page.final_url, _dated(read)
        for name in (
            "name",
            "hq_city",
            "hq_country",
            "industry",
            "founded_year",
            "employees",
            "engineers",
            "linkedin",
            "phone",
        ):
            value = getattr(company, name)
            if value not in (None, ""):
                single.setdefault(name, []).append((value, url, when))
        for name in lists:
            for item in getattr(company, name):
                lists[name].setdefault(item, []).append(url)
    facts = {name: fact for name, claims in single.items() if (fact := _vote(claims))}
    for name, items in lists.items():
        if items:
            urls = tuple(dict.fromkeys(u for found in items.values() for u in found))
            facts[name] = Fact(sorted(items), urls)
    latest = _latest_round(_rounds(reads))
    if latest is not None:
        _set_round(facts, *latest)
    return facts


def _rounds(reads: list[Read]) -> list[tuple[FundingClaim, str, str | None]]:
    return [
        (claim, read.page.final_url, _dated(read))
        for read in reads
        for claim in read.facts.company.funding
    ]


def _set_round(facts: dict[str, Fact], claim: FundingClaim, urls: tuple[str, ...]) -> None:
    for name in ("funding_stage", "funding_amount", "funded_at"):
        facts.pop(name, None)
    facts["funding_stage"] = Fact(claim.stage, urls)
    if claim.amount_text:
        facts["funding_amount"] = Fact(claim.amount_text, urls)
    if claim.date:
        facts["funded_at"] = Fact(claim.date, urls)


def _people(reads: list[Read]) -> list[Person]:
    people: dict[str, Person] = {}
    for read in reads:
        when = _dated(read)
        current_page = when is None and read.facts.kind in CURRENT_KINDS
        for claim in read.facts.people:
            _merge_person(people, claim, read.page.final_url, when, current_page)
    _settle(people)
    found = list(people.values())
    _mark_founders(found, reads)
    return found


def _merge_person(
    people: dict[str, Person], claim: PersonClaim, url: str, when: str | None, current_page: bool
) -> None:
    key = normalize_name(claim.full_name)
    if not key:
        return
    person = people.get(key)
    if person is None:
        person = people[key] = Person(
            full_name=claim.full_name,
            title=claim.title,
            email=claim.email,
            linkedin=claim.linkedin,
            current=claim.current,
        )
    person.urls.append(url)
    if not claim.current:
        person.departed = True
    if current_page and claim.current:
        person.on_current_page = True
        person.title = claim.title or person.title  # today's title beats an old announcement
    elif claim.current and (person.dated is None or (when or "") > person.dated):
        person.dated = when
        if not person.on_current_page and claim.title:
            person.title = claim.title
    person.email = person.email or claim.email
    person.linkedin = person.linkedin or claim.linkedin


def _settle(people: dict[str, Person]) -> None:
    """Decide who is current: a current page wins; an unlisted announcement loses to one."""
    listed = [p for p in people.values() if p.on_current_page]
    for person in people.values():
        if person.on_current_page:
            person.current = True
            continue
        if person.departed:
            person.current = False
            continue
        title = normalize_title(person.title or "")
        replaced = title is not None and any(
            other.title and role_matches(title, other.title) for other in listed
        )
        person.current = not replaced


# "Founded by A and B", "Our founders, A and B, started...", "A co-founded Acme in 2021".
_FOUNDER_STATEMENT = re.compile(
    r"(?i:founded(?:\s+in\s+\d{4})?\s+by|our\s+(?:co-?)?founders?,?|founders?:)\s+([^.;:]+)"
    r"|([^.;:]+?)\s+(?i:co-?founded|founded)\s+(?=[A-Z])"
)


def _mark_founders(people: list[Person], reads: list[Read]) -> None:
    """Flag the people a company's pages call its founders, with the page that says so."""
    for read in reads:
        for match in _FOUNDER_STATEMENT.finditer(read.facts.text):
            named = normalize_name(match.group(1) or match.group(2) or "")
            for person in people:
                if normalize_name(person.full_name) in named:
                    person.founder_urls.append(read.page.final_url)


def _emails(reads: list[Read]) -> list[tuple[str | None, str, str]]:
    found: dict[str, tuple[str | None, str, str]] = {}
    for read in reads:
        for claim in read.facts.emails:
            address = claim.address.lower()
            if address not in found or (found[address][0] is None and claim.owner):
                found[address] = (claim.owner, address, read.page.final_url)
    return list(found.values())


Lookup = Callable[[str, str], Awaitable[list[str]]]
# Facts the company's own site often leaves unsaid; a directory profile usually has them.
PROFILE_FACTS = ("industry", "hq_country", "funding_stage")
MAX_PROFILES = 5


def is_profile_of(read: Read, domain: str) -> bool:
    """A third-party page about this one company (a directory profile), not a listing."""
    if read.facts.company.domain == domain:
        return True
    return (
        read.facts.kind == "directory"
        and read.facts.external_domains[:1] == [domain]
        and (len(read.facts.external_domains) == 1)
    )


async def _profiles(
    reader: PageReader, domain: str, name: str, mentions: list[str], lookup: Lookup | None
) -> list[Read]:
    reads = await reader.read_many(mentions[:MAX_PROFILES])
    profiles = [read for read in reads if is_profile_of(read, domain)]
    if lookup is not None and len(profiles) < 2:
        known = {read.page.final_url for read in reads}
        found = [url for url in await lookup(name, domain) if url not in known]
        more = await reader.read_many(found[:MAX_PROFILES])
        profiles += [read for read in more if is_profile_of(read, domain)]
    return profiles[:MAX_PROFILES]


async def build(
    reader: PageReader,
    website: str,
    max_pages: int,
    mentions: list[str] | None = None,
    lookup: Lookup | None = None,
) -> Dossier | None:
    """Crawl a company's site, read the third-party profiles of it, and aggregate."""
    domain = registrable_domain(website)
    if domain is None:
        return None
    own = await crawl(reader, website, domain, max_pages)
    if not own:
        return None
    own_facts = _facts(own)
    third: list[Read] = []
    if any(name not in own_facts for name in PROFILE_FACTS):
        name = str(own_facts["name"].value) if "name" in own_facts else domain.split(".")[0]
        third = await _profiles(reader, domain, name, list(mentions or []), lookup)
    facts = _fill(own_facts, _facts(third))
    rounds = _latest_round(_rounds(own) + [r for r in _rounds(third) if r[0].date])
    if rounds is not None:
        _set_round(facts, *rounds)
    return Dossier(
        domain=domain,
        website=website,
        reads=own + third,
        facts=facts,
        people=_people(own),
        emails=_emails(own),
    )
