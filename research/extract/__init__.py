"""Extraction: from one retrieved page to the claims it states (``PageFacts``).

``extract_page`` is deterministic and offline. Every value it returns is printed on the page:
in the visible text, or in the page's structured data, which ``PageFacts.text`` carries after
the visible text so that grounding can check both.
"""

from __future__ import annotations

from datetime import datetime

from lxml.html import HtmlElement

from research.domains import registrable_domain
from research.extract.classify import LISTING_ARTICLES, classify_page
from research.extract.combine import combine_claims, current_team, latest_round
from research.extract.company import extract_company, site_name
from research.extract.contacts import find_emails, normalize_email
from research.extract.html import Document, as_list, first_text, types_of, walk_items
from research.extract.lexicon import has_given_name, is_everyday_word
from research.extract.names import is_person_name
from research.extract.people import extract_people
from research.extract.types import (
    CompanyClaims,
    EmailClaim,
    FundingClaim,
    PageFacts,
    PageKind,
    PersonClaim,
)

__all__ = [
    "CompanyClaims",
    "EmailClaim",
    "FundingClaim",
    "PageFacts",
    "PageKind",
    "PersonClaim",
    "combine_claims",
    "current_team",
    "extract_page",
    "latest_round",
]


def extract_page(url: str, html: str, *, fetched_at: datetime | None = None) -> PageFacts:
    """Everything one page states: its kind, the company, people, emails and links."""
    doc = Document(url, html)
    name = site_name(doc)
    # Stories in a listing carry a date or a link to themselves; cards in <article> do not.
    articles = sum(1 for article in doc.root.iter("article") if _is_story(article))
    kind = classify_page(
        url,
        title=doc.title,
        headline=_headline(doc),
        structured_types={t for item, _ in walk_items(doc.structured) for t in types_of(item)},
        site_name=name,
        article_count=articles,
    )
    listing = articles >= LISTING_ARTICLES
    company = extract_company(doc, kind=kind, name=name, listing=listing)
    # A practice named after its owner ("Kaye Barr", a psychologist) names a person too.
    not_people = [
        n for n in (name, company.name, *_organization_names(doc)) if n and not _personal(n)
    ]
    # A listing of other sites' stories names people of many companies; only a site's own
    # news index speaks about its own people.
    people = [] if listing and kind != "press" else extract_people(doc, not_people=not_people)
    own = registrable_domain(url)
    external = [d for d in (registrable_domain(link) for link in doc.links) if d and d != own]
    return PageFacts(
        url=url,
        kind=kind,
        title=doc.title,
        text=doc.grounding_text,
        published=_published(doc, fetched_at),
        company=company,
        people=people,
        emails=_emails(doc, people),
        links=doc.links,
        external_domains=list(dict.fromkeys(external)),
    )


def _personal(name: str) -> bool:
    """Whether a company's name is only a person's name: a known given name and a surname,
    no everyday word ('Harlow Upholstery Supplies' is a business)."""
    words = name.split()
    return (
        has_given_name(name)
        and is_person_name(name)
        and not any(is_everyday_word(w) for w in words)
    )


def _is_story(article: HtmlElement) -> bool:
    if any(True for _ in article.iter("time")):
        return True
    return any(
        not (anchor.get("href") or "").startswith("mailto:")
        for heading in article.iter("h1", "h2", "h3", "h4")
        for anchor in heading.iter("a")
    )


def _headline(doc: Document) -> str | None:
    for heading in doc.root.iter("h1"):
        text = heading.text_content().strip()
        if text:
            return " ".join(text.split())
    return None


def _organization_names(doc: Document) -> list[str]:
    names = []
    for item, _ in walk_items(doc.structured):
        if "Person" not in types_of(item):
            name = first_text(item.get("name"))
            if name:
                names.append(name)
    return names


def _published(doc: Document, fetched_at: datetime | None) -> str | None:
    day = doc.published
    # A page cannot have been published after it was fetched: such a date is something else.
    if day and fetched_at is not None and day > fetched_at.date().isoformat():
        return None
    return day


def _emails(doc: Document, people: list[PersonClaim]) -> list[EmailClaim]:
    """Every address on the page; obfuscated only when it is never written plainly."""
    found: dict[str, bool] = {}
    for target, _ in doc.hrefs("mailto"):
        address = normalize_email(target)
        if address:
            found[address] = False
    for email in find_emails(doc.text):
        found[email.address] = found.get(email.address, True) and email.obfuscated
    for item, _ in walk_items(doc.structured):
        for value in as_list(item.get("email")):
            address = normalize_email(str(value).removeprefix("mailto:"))
            if address:
                found.setdefault(address, False)
    owners = {p.email: p.full_name for p in people if p.email}
    return [
        EmailClaim(address=address, obfuscated=obfuscated, owner=owners.get(address))
        for address, obfuscated in found.items()
    ]
