"""Credit estimates, from the spec's "Credit cost by workload" table.

=================================================  =================================
Workload                                           Typical cost
=================================================  =================================
Company discovery (no person)                      0.3–0.6 credits / row
Company + 1 person enriched                        1 credit / row
Company + 2–3 persons enriched                     1.5–2 credits / row
Deep enrich (hiring, tech stack, funding, news)    +0.5 credits / row per dimension
Email verification                                 +0.1 credits / email
=================================================  =================================

Where the table gives a range we take one point of it: 0.5 for discovery, and for people
1.0 + 0.5 per person after the first (2 persons 1.5, 3 persons 2.0, continuing the slope).
Arithmetic is done in ``Decimal`` so that 30 rows at 1.5 is exactly 45, not 45.000000001.

A row of the table is a company with the requested people. A lead carries one company and at
most one person, so a plan for two roles delivers two leads per company: estimates convert
lead rows to companies first, which keeps the estimate equal to what the job meters.
"""

from __future__ import annotations

import math
from decimal import Decimal

from research.planner.types import Criteria

COMPANY_ONLY_PER_ROW = Decimal("0.5")
"""Company discovery, no person: the table's 0.3–0.6, taken at 0.5."""

FIRST_PERSON_PER_ROW = Decimal("1.0")
"""Company + 1 person enriched: 1 credit per row."""

EXTRA_PERSON_PER_ROW = Decimal("0.5")
"""Each further person: 2 persons 1.5, 3 persons 2.0 (the table's 1.5–2), then +0.5 each."""

DEEP_ENRICH_PER_DIMENSION = Decimal("0.5")
"""Deep enrich: +0.5 credits per row for each of hiring, tech stack, funding, news."""

EMAIL_VERIFICATION_PER_EMAIL = Decimal("0.1")
"""Email verification: +0.1 credits per email, one email per requested person."""

DEEP_ENRICH_DIMENSIONS: tuple[str, ...] = ("hiring", "tech_stack", "funding", "news")
"""The dimensions the table prices; anything else in ``enrich_dimensions`` is free."""


def priced_dimensions(criteria: Criteria) -> list[str]:
    """The requested deep-enrich dimensions that carry a per-row charge, each once."""
    return [
        dim for dim in dict.fromkeys(criteria.enrich_dimensions) if dim in DEEP_ENRICH_DIMENSIONS
    ]


def _row_cost(criteria: Criteria) -> Decimal:
    people = len(criteria.roles)
    if people == 0:
        cost = COMPANY_ONLY_PER_ROW
    else:
        cost = FIRST_PERSON_PER_ROW + EXTRA_PERSON_PER_ROW * (people - 1)
    cost += DEEP_ENRICH_PER_DIMENSION * len(priced_dimensions(criteria))
    if criteria.want_email:
        cost += EMAIL_VERIFICATION_PER_EMAIL * people
    return cost


def row_cost(criteria: Criteria) -> float:
    """Credits one result row costs under these criteria."""
    return float(_row_cost(criteria))


def leads_per_company(criteria: Criteria) -> int:
    """Leads one company yields: one per requested person, or one company-only lead."""
    return max(1, len(criteria.roles))


def companies_for(criteria: Criteria, rows: int) -> int:
    """Companies needed to deliver ``rows`` leads."""
    return -(-rows // leads_per_company(criteria))


def rows_within(criteria: Criteria, credits: int) -> int:
    """The most lead rows whose estimate stays within ``credits`` (at least one company)."""
    companies = max(1, int(credits // _row_cost(criteria)))
    return companies * leads_per_company(criteria)


def estimate_credits(criteria: Criteria, rows: int) -> int:
    """Credits for ``rows`` leads, rounded up to a whole credit as the spec bills."""
    if rows < 0:
        raise ValueError(f"rows must not be negative, got {rows}")
    return math.ceil(_row_cost(criteria) * companies_for(criteria, rows))


def delivered_credits(criteria: Criteria, people_by_company: dict[str, int], emails: int) -> int:
    """What a finished job charges: the table's price of the rows it delivered, rounded up.

    ``people_by_company`` counts the delivered people of each delivered company (0 for a
    company-only lead); ``emails`` counts the delivered emails. A company pays discovery, each
    person adds their share, each requested deep-enrich dimension its +0.5, each email +0.1.
    """
    person = FIRST_PERSON_PER_ROW - COMPANY_ONLY_PER_ROW
    dimensions = DEEP_ENRICH_PER_DIMENSION * len(priced_dimensions(criteria))
    total = sum(
        (
            COMPANY_ONLY_PER_ROW + person * people + dimensions
            for people in people_by_company.values()
        ),
        Decimal(0),
    )
    if criteria.want_email:
        total += EMAIL_VERIFICATION_PER_EMAIL * emails
    return math.ceil(total)
