"""Across one company's pages: its current facts and its current team.

A page states facts as of when it was written. Undated pages (about, team, careers) state what
holds now; dated posts state what held on their date. So undated pages come first, then the
newest post, and a person is current unless a statement at least as new says otherwise: a
departure, or another person named to the same one-holder role later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from research.extract.company import STAGE_ORDER, dedupe_rounds
from research.extract.names import name_key
from research.extract.types import CompanyClaims, FundingClaim, PageFacts, PersonClaim
from research.roles import GENERAL, NormalizedTitle, normalize_title, role_matches

# Undated pages state what holds now; among them the company's main pages come first.
KIND_ORDER: tuple[str, ...] = (
    "about", "home", "team", "careers", "job", "directory", "other", "press", "news",
)  # fmt: skip
SCALAR_FIELDS: tuple[str, ...] = (
    "name", "domain", "hq_city", "hq_country", "industry", "founded_year", "employees",
    "engineers", "linkedin", "phone",
)  # fmt: skip
# Roles one person holds at a time: a later appointment ends the earlier holder's tenure.
SINGLE_HOLDER_SENIORITIES = frozenset({"c_level", "vp", "head"})
# A small company's "Growth Lead" is its head of growth; tech and design leads come in teams.
MANY_LEADS_FUNCTIONS = frozenset({"engineering", "design", "product"})
FOUNDER_ROLES = frozenset({"founder", "cofounder"})
PRESENT_KINDS = frozenset({"team", "about"})
NOW = "9999-99-99"  # sorts after every date: what an undated page says holds today


def by_recency(pages: Sequence[PageFacts]) -> list[PageFacts]:
    """Undated pages first (the company's main pages first), then dated pages, newest first."""

    def order(page: PageFacts) -> int:
        return KIND_ORDER.index(page.kind) if page.kind in KIND_ORDER else len(KIND_ORDER)

    undated = sorted((p for p in pages if not p.published), key=order)
    dated = sorted((p for p in pages if p.published), key=lambda p: p.published or "", reverse=True)
    return undated + dated


def combine_claims(pages: Sequence[PageFacts]) -> CompanyClaims:
    """One company's facts from several of its pages: what holds now, else the newest."""
    ordered = by_recency(pages)
    combined = CompanyClaims()
    for field in SCALAR_FIELDS:
        values = (getattr(page.company, field) for page in ordered)
        setattr(combined, field, next((value for value in values if value), None))
    combined.funding = dedupe_rounds([r for p in ordered for r in p.company.funding])
    combined.tech_stack = list(dict.fromkeys(t for p in ordered for t in p.company.tech_stack))
    combined.open_roles = list(dict.fromkeys(r for p in ordered for r in p.company.open_roles))
    return combined


def latest_round(rounds: Sequence[FundingClaim]) -> FundingClaim | None:
    """The most advanced round (rounds only move up the ladder), newest on ties."""
    staged = [r for r in rounds if r.stage in STAGE_ORDER]
    if not staged:
        return None
    return max(staged, key=lambda r: (STAGE_ORDER.index(r.stage or ""), r.date or ""))


@dataclass(frozen=True, slots=True)
class _Statement:
    claim: PersonClaim
    day: str  # NOW on an undated team or about page; "" when the page's date is unknown
    on_team_page: bool


def current_team(pages: Sequence[PageFacts]) -> list[PersonClaim]:
    """Everyone one company's pages name, once each, with ``current`` decided across pages."""
    by_person: dict[str, list[_Statement]] = {}
    for page in pages:
        for claim in page.people:
            statement = _Statement(
                claim, _day(page), page.published is None and page.kind == "team"
            )
            by_person.setdefault(name_key(claim.full_name), []).append(statement)
    return _end_superseded([_settle(statements) for statements in by_person.values()])


def _day(page: PageFacts) -> str:
    """When a page's statements hold: its date; now for an undated team or about page.

    An undated home page or news index only relays dated posts, so its date is unknown.
    """
    if page.published:
        return page.published
    return NOW if page.kind in PRESENT_KINDS else ""


def _settle(statements: list[_Statement]) -> tuple[PersonClaim, str]:
    """The person's newest status, with the best title: the team page's, else the newest."""
    newest = max(statements, key=lambda s: (s.day, not s.claim.current))
    best = next((s for s in statements if s.on_team_page), newest)
    email = next((s.claim.email for s in statements if s.claim.email), None)
    linkedin = next((s.claim.linkedin for s in statements if s.claim.linkedin), None)
    claim = best.claim.model_copy(
        update={"current": newest.claim.current, "email": email, "linkedin": linkedin}
    )
    return claim, newest.day


def _end_superseded(people: list[tuple[PersonClaim, str]]) -> list[PersonClaim]:
    """A dated holder of a one-person role is former once someone else is named to it later."""
    roles = [(claim, day, normalize_title(claim.title or "")) for claim, day in people]
    team: list[PersonClaim] = []
    for claim, day, role in roles:
        if claim.current and day != NOW and role and _succeeded(claim, day, role, roles):
            claim = claim.model_copy(update={"current": False})
        team.append(claim)
    return team


def _succeeded(
    claim: PersonClaim,
    day: str,
    role: NormalizedTitle,
    roles: list[tuple[PersonClaim, str, NormalizedTitle | None]],
) -> bool:
    """Whether someone else holds the same job, named later ('Growth Lead' -> 'Head of Growth')."""
    for other, other_day, other_role in roles:
        if other_role is None or not other.current or other_day <= day:
            continue
        if name_key(other.full_name) == name_key(claim.full_name):
            continue
        if not (_one_holder(role) or _one_holder(other_role)) or _shared(role, other_role):
            continue
        if role_matches(other_role, claim.title or ""):
            return True
    return False


def _one_holder(role: NormalizedTitle) -> bool:
    if role.seniority == "lead":
        return role.function not in MANY_LEADS_FUNCTIONS
    return role.seniority in SINGLE_HOLDER_SENIORITIES


def _shared(*roles: NormalizedTitle) -> bool:
    """Founders are many, and a bare 'Director' names no job of its own."""
    return any(r.column_prefix in FOUNDER_ROLES or r.function == GENERAL for r in roles)
