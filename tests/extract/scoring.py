"""Run the extractor over a whole sandbox web and score it against the ground truth."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from research.extract import PageFacts, combine_claims, current_team, extract_page, latest_round
from research.extract.contacts import is_role_mailbox
from research.extract.names import fold, name_key
from research.roles import normalize_title
from sandbox import SandboxWeb, generate

SEEDS = (7, 1234)


@dataclass
class ExtractedWeb:
    """A sandbox web, its truth, and the facts extracted from every page a crawler may read."""

    seed: int
    web: SandboxWeb
    truth: dict[str, Any]
    facts: dict[str, PageFacts]

    def own_pages(self, company: dict[str, Any]) -> list[PageFacts]:
        """The company's own pages (alias hosts included) that were extracted."""
        return [self.facts[url] for url in company["pages"] if url in self.facts]

    def pages_about(self, company: dict[str, Any]) -> list[PageFacts]:
        """Third-party pages (news, directories) whose subject is the company."""
        domains = set(company["domains"])
        return [
            facts
            for facts in self.facts.values()
            if facts.kind in {"news", "directory"} and facts.company.domain in domains
        ]


def readable(web: SandboxWeb) -> Iterable[tuple[str, str]]:
    """(url, html) of every page a polite crawler reads; JS-only pages as a browser renders them."""
    for url, page in web.pages.items():
        if page.status != 200 or not page.is_html or page.kind == "private":
            continue
        if web.is_disallowed(url):
            continue
        yield url, page.rendered_html if page.js_only and page.rendered_html else page.html


@cache
def extract_web(seed: int) -> ExtractedWeb:
    """The extracted sandbox web of a seed (built once per test session)."""
    web = generate(seed)
    facts = {url: extract_page(url, html) for url, html in readable(web)}
    return ExtractedWeb(seed, web, web.truth(), facts)


def visible_on(pages: Iterable[PageFacts], name: str) -> bool:
    """Whether a name is printed on any of the pages."""
    folded = fold(name)
    return any(folded in fold(page.text) for page in pages)


def same_role(found: str | None, person: dict[str, Any]) -> bool:
    """Whether a title found for a person names their true role (or their founding)."""
    if not found:
        return False
    if found.lower() == person["title"].lower():
        return True
    if person["founder"] and found.lower().replace("-", "") in {"founder", "cofounder"}:
        return True
    mine, theirs = normalize_title(found), normalize_title(person["title"])
    return bool(mine and theirs and mine.column_prefix == theirs.column_prefix)


@dataclass
class PeopleScore:
    """Current people with titles, scored per company and summed."""

    expected: int = 0
    found: int = 0
    claimed: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of the current people printed on the company's pages that were found."""
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Share of people claimed current (with a title) who are current, with that title."""
        return self.correct / self.claimed if self.claimed else 1.0


def score_people(extracted: ExtractedWeb) -> PeopleScore:
    """Current people with titles found on each company's own pages."""
    score = PeopleScore()
    for company in extracted.truth["companies"]:
        pages = extracted.own_pages(company)
        team = {name_key(p.full_name): p for p in current_team(pages) if p.current}
        people = {name_key(p["full_name"]): p for p in company["people"]}
        for key, person in people.items():
            if not person["current"] or not visible_on(pages, person["full_name"]):
                continue
            score.expected += 1
            claim = team.get(key)
            if claim is not None and same_role(claim.title, person):
                score.found += 1
            else:
                found = claim.title if claim else None
                score.misses.append(f"{company['name']}: {person['full_name']} ({found})")
        for key, claim in team.items():
            score.claimed += 1
            truth = people.get(key)
            if truth is not None and truth["current"] and same_role(claim.title, truth):
                score.correct += 1
            else:
                score.wrong.append(f"{company['name']}: {claim.full_name} / {claim.title}")
    return score


@dataclass
class FactScore:
    """Company facts a site states, found or not."""

    checked: dict[str, int] = field(default_factory=dict)
    right: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def accuracy(self, fact: str) -> float:
        """Share of companies stating the fact for which it was extracted right."""
        checked = self.checked.get(fact, 0)
        return self.right.get(fact, 0) / checked if checked else 1.0


def _fact_values(company: dict[str, Any], pages: list[PageFacts]) -> dict[str, tuple[Any, Any]]:
    """fact -> (extracted, true) for every fact the truth describes."""
    combined = combine_claims(pages)
    latest = latest_round(combined.funding)
    return {
        "employees": (combined.employees, company["employees"]),
        "engineers": (combined.engineers, company["engineers"]),
        "city": (combined.hq_city, company["city"]),
        "country": (combined.hq_country, company["country"]),
        "founded_year": (combined.founded_year, company["founded_year"]),
        "stage": (latest.stage if latest else None, company["stage"]),
        "funding_amount": (latest.amount_text if latest else None, company["funding_amount_text"]),
        "linkedin": (combined.linkedin, company["linkedin"]),
        "phone": (combined.phone, company["phone_e164"]),
        "tech_stack": (set(combined.tech_stack) >= set(company["tech_stack"]), True),
        "open_roles": (set(combined.open_roles) >= set(company["open_roles"]), True),
    }


def score_facts(extracted: ExtractedWeb) -> FactScore:
    """Facts each company's own site states, extracted from its own pages."""
    score = FactScore()
    for company in extracted.truth["companies"]:
        pages = [
            p
            for p in extracted.own_pages(company)
            if p.url.startswith(f"http://{company['primary_domain']}/")
        ]
        stated = set(company["site_facts"])
        for fact, (found, true) in _fact_values(company, pages).items():
            if fact not in stated:
                continue
            score.checked[fact] = score.checked.get(fact, 0) + 1
            if found == true:
                score.right[fact] = score.right.get(fact, 0) + 1
            else:
                score.misses.append(f"{company['name']} {fact}: {found!r} != {true!r}")
    return score


@dataclass
class EmailScore:
    """Addresses found on pages, against who publishes what."""

    published: int = 0
    found: int = 0
    claimed: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of published addresses found on the owner's company pages, with the owner."""
        return self.found / self.published if self.published else 1.0

    @property
    def precision(self) -> float:
        """Share of addresses claimed (with their owner, if any) that are right."""
        return self.correct / self.claimed if self.claimed else 1.0


def score_emails(extracted: ExtractedWeb) -> EmailScore:
    """Published addresses are found with their owner; nothing else is ever produced."""
    score = EmailScore()
    people = {p["email"]: p for company in extracted.truth["companies"] for p in company["people"]}
    company_domains = {d for c in extracted.truth["companies"] for d in c["domains"]}
    for company in extracted.truth["companies"]:
        pages = extracted.own_pages(company)
        for person in company["people"]:
            if person["email_published"] == "none":
                continue
            score.published += 1
            obfuscated = person["email_published"] == "obfuscated"
            if any(
                e.address == person["email"]
                and e.owner == person["full_name"]
                and e.obfuscated == obfuscated
                for page in pages
                for e in page.emails
            ):
                score.found += 1
            else:
                score.misses.append(f"{company['name']}: {person['email']}")
    for page in extracted.facts.values():
        claims = [(e.address, e.owner) for e in page.emails]
        claims += [(p.email, p.full_name) for p in page.people if p.email]
        for address, owner in claims:
            score.claimed += 1
            person = people.get(address)
            if person is not None and person["email_published"] == "none":
                score.leaked.append(f"{page.url}: {address}")
                continue
            if person is not None:
                ok = owner is None or name_key(owner) == name_key(person["full_name"])
            else:
                domain = address.partition("@")[2]
                ok = owner is None and domain in company_domains and is_role_mailbox(address)
            if ok:
                score.correct += 1
            else:
                score.wrong.append(f"{page.url}: {address} ({owner})")
    return score


DEPARTURE_HEADLINE = ("departs", "steps down", "has left", "thank you")


@dataclass
class FormerScore:
    """Former employees, as the pages that mention them tell it."""

    mentioned: int = 0
    flagged: int = 0
    misses: list[str] = field(default_factory=list)
    departure_claims: int = 0
    departure_flagged: int = 0


def score_former(extracted: ExtractedWeb) -> FormerScore:
    """Former people are not current, on departure pages and across each company's pages."""
    score = FormerScore()
    for company in extracted.truth["companies"]:
        pages = extracted.own_pages(company) + extracted.pages_about(company)
        team = {name_key(p.full_name): p for p in current_team(pages)}
        for person in company["people"]:
            if person["current"] or not visible_on(pages, person["full_name"]):
                continue
            score.mentioned += 1
            claim = team.get(name_key(person["full_name"]))
            if claim is None or not claim.current:
                score.flagged += 1
            else:
                score.misses.append(f"{company['name']}: {person['full_name']}")
            for page in pages:
                headline = (page.title or "").lower()
                if not any(word in headline for word in DEPARTURE_HEADLINE):
                    continue
                for claim in page.people:
                    if name_key(claim.full_name) == name_key(person["full_name"]):
                        score.departure_claims += 1
                        score.departure_flagged += not claim.current
    return score
