"""The extractor over whole sandbox webs (seeds 7 and 1234), scored against the ground truth."""

from __future__ import annotations

from collections import Counter

from research.extract.names import name_key
from research.grounding import is_grounded, person_scope
from tests.extract.scoring import (
    ExtractedWeb,
    score_emails,
    score_facts,
    score_former,
    score_people,
)

# How the sandbox names its pages, and the kind the extractor should give them.
SANDBOX_KINDS = {
    "home": "home",
    "about": "about",
    "team": "team",
    "careers": "careers",
    "job": "job",
    "post": "press",
    "article": "news",
    "profile": "directory",
}
FACT_FLOORS = {
    "employees": 0.97,
    "engineers": 0.97,
    "city": 0.97,
    "country": 0.97,
    "founded_year": 0.97,
    "stage": 0.97,
    "funding_amount": 0.95,
    "linkedin": 0.95,
    "phone": 0.95,
    "tech_stack": 0.95,
    "open_roles": 0.95,
}


def test_current_people_are_found_with_their_titles(extracted: ExtractedWeb) -> None:
    score = score_people(extracted)
    assert score.expected > 300
    assert score.recall >= 0.95, score.misses[:20]
    assert score.precision >= 0.97, score.wrong[:20]


def test_former_people_are_not_current(extracted: ExtractedWeb) -> None:
    score = score_former(extracted)
    assert score.mentioned >= 5
    assert score.flagged == score.mentioned, score.misses
    assert score.departure_claims >= 5
    assert score.departure_flagged == score.departure_claims


def test_published_emails_are_found_with_their_owner(extracted: ExtractedWeb) -> None:
    score = score_emails(extracted)
    kinds = Counter(p["email_published"] for c in extracted.truth["companies"] for p in c["people"])
    assert kinds["plain"] > 50 and kinds["obfuscated"] > 10
    assert score.recall >= 0.98, score.misses[:20]
    assert score.precision == 1.0, score.wrong[:20]


def test_unpublished_emails_are_never_produced(extracted: ExtractedWeb) -> None:
    score = score_emails(extracted)
    assert score.leaked == []


def test_company_facts_are_read_from_the_company_site(extracted: ExtractedWeb) -> None:
    score = score_facts(extracted)
    for fact, floor in FACT_FLOORS.items():
        assert score.checked.get(fact, 0) >= 10, fact
        assert score.accuracy(fact) >= floor, [m for m in score.misses if f" {fact}:" in m]


def test_page_kinds(extracted: ExtractedWeb) -> None:
    pages = extracted.web.pages
    judged = [
        (SANDBOX_KINDS[pages[url].kind], facts.kind)
        for url, facts in extracted.facts.items()
        if pages[url].kind in SANDBOX_KINDS
    ]
    right = sum(expected == found for expected, found in judged)
    assert len(judged) > 900
    assert right / len(judged) >= 0.97, Counter(pair for pair in judged if pair[0] != pair[1])


def test_js_only_team_pages_are_read_as_rendered(extracted: ExtractedWeb) -> None:
    js_teams = [c for c in extracted.truth["companies"] if "js_team" in c["noise"]]
    assert js_teams
    for company in js_teams:
        team = {
            name_key(p.full_name)
            for page in extracted.own_pages(company)
            if page.kind == "team"
            for p in page.people
        }
        shown = [p for p in company["people"] if p["current"] and p["on_team_page"]]
        assert {name_key(p["full_name"]) for p in shown} <= team, company["name"]


def test_every_claim_is_grounded_on_its_own_page(extracted: ExtractedWeb) -> None:
    """What the extractor reads off a page passes grounding against that page's text."""
    failures: list[tuple[object, ...]] = []
    for facts in extracted.facts.values():
        for person in facts.people:
            if not is_grounded(person.full_name, facts.text):
                failures.append((facts.url, person.full_name))
            scope = "\n".join(person_scope(person.full_name, facts.text))
            if person.title and not is_grounded(person.title, scope, field="title"):
                failures.append((facts.url, person.full_name, person.title))
        for email in facts.emails:
            if not is_grounded(email.address, facts.text):
                failures.append((facts.url, email.address))
        company = facts.company
        for field, value in (
            ("employee_count", company.employees),
            ("engineering_headcount", company.engineers),
            ("founded_year", company.founded_year),
            ("industry", company.industry),
            ("hq_country", company.hq_country),
        ):
            if value is not None and not is_grounded(value, facts.text, field=field):
                failures.append((facts.url, field, value))
    assert failures == []
