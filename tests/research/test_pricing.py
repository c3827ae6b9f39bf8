"""Credit estimates against the spec's "Credit cost by workload" table."""

from __future__ import annotations

import pytest

from research.planner.types import Criteria
from research.pricing import (
    COMPANY_ONLY_PER_ROW,
    DEEP_ENRICH_PER_DIMENSION,
    EMAIL_VERIFICATION_PER_EMAIL,
    delivered_credits,
    estimate_credits,
    priced_dimensions,
    row_cost,
    rows_within,
)
from research.roles import role_target


def _criteria(
    roles: int = 0, dimensions: tuple[str, ...] = (), want_email: bool = False
) -> Criteria:
    labels = ["VP Eng", "Head of Growth", "CTO", "CFO", "CMO"][:roles]
    return Criteria(
        roles=[role_target(label) for label in labels],
        enrich_dimensions=list(dimensions),
        want_email=want_email,
    )


@pytest.mark.parametrize(
    ("roles", "expected"),
    [(0, 0.5), (1, 1.0), (2, 1.5), (3, 2.0), (4, 2.5), (5, 3.0)],
)
def test_people_per_row(roles: int, expected: float) -> None:
    assert row_cost(_criteria(roles=roles)) == expected


def test_company_discovery_sits_inside_the_tables_range() -> None:
    assert 0.3 <= float(COMPANY_ONLY_PER_ROW) <= 0.6


@pytest.mark.parametrize(
    ("dimensions", "expected"),
    [
        (("hiring",), 1.5),
        (("tech_stack", "funding"), 2.0),
        (("hiring", "tech_stack", "funding", "news"), 3.0),
        (("funding", "funding"), 1.5),  # a dimension is charged once
        (("headcount",), 1.0),  # not a priced dimension
    ],
)
def test_deep_enrich_dimensions(dimensions: tuple[str, ...], expected: float) -> None:
    assert row_cost(_criteria(roles=1, dimensions=dimensions)) == expected
    assert float(DEEP_ENRICH_PER_DIMENSION) == 0.5


def test_email_verification_is_per_requested_person() -> None:
    assert row_cost(_criteria(roles=2, want_email=True)) == pytest.approx(1.7)
    assert row_cost(_criteria(roles=0, want_email=True)) == 0.5  # no person, no email
    assert float(EMAIL_VERIFICATION_PER_EMAIL) == 0.1


def test_quickstart_estimate_counts_companies_not_leads() -> None:
    # "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."
    # 30 leads are 15 companies with two people each, at 1.5 credits a company.
    assert estimate_credits(_criteria(roles=2), 30) == 23
    assert estimate_credits(_criteria(roles=2), 60) == 45
    assert estimate_credits(_criteria(roles=2), 31) == 24  # a 16th company


@pytest.mark.parametrize(
    ("criteria", "rows", "expected"),
    [
        (_criteria(roles=1, want_email=True), 7, 8),  # 7.7 rounds up
        (_criteria(), 3, 2),  # 1.5 rounds up
        (_criteria(roles=1, want_email=True), 10, 11),  # exactly 11: no float drift upwards
        (_criteria(roles=3, want_email=True), 10, 10),  # 4 companies at 2.3
        (_criteria(roles=2), 0, 0),
    ],
)
def test_estimates_round_up_to_whole_credits(criteria: Criteria, rows: int, expected: int) -> None:
    assert estimate_credits(criteria, rows) == expected


def test_negative_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        estimate_credits(_criteria(), -1)


def test_priced_dimensions_keep_order_and_drop_unknowns() -> None:
    criteria = Criteria(enrich_dimensions=["news", "headcount", "funding", "news"])
    assert priced_dimensions(criteria) == ["news", "funding"]


@pytest.mark.parametrize(("credits", "rows"), [(45, 60), (44, 58), (99, 132), (1, 2), (0, 2)])
def test_rows_within_a_budget(credits: int, rows: int) -> None:
    criteria = _criteria(roles=2)  # 1.5 credits per company, two leads each
    assert rows_within(criteria, credits) == rows
    if credits >= 2:
        assert estimate_credits(criteria, rows) <= credits


def test_a_job_is_charged_the_table_price_of_what_it_delivered() -> None:
    two_roles = _criteria(roles=2, dimensions=("funding",), want_email=True)
    # Three companies fully delivered cost exactly the estimate for their six rows.
    full = {"a.example": 2, "b.example": 2, "c.example": 2}
    assert delivered_credits(two_roles, full, emails=0) == estimate_credits(
        _criteria(roles=2, dimensions=("funding",)), 6
    )
    # One person found at a company costs "company + 1 person" (1.0), plus the dimension.
    assert delivered_credits(two_roles, {"a.example": 1}, emails=0) == 2  # 1.0 + 0.5 -> 2
    # A company-only lead pays discovery and the dimension; emails add 0.1 each, rounded up.
    assert delivered_credits(two_roles, {"a.example": 0}, emails=0) == 1
    assert delivered_credits(two_roles, {"a.example": 2, "b.example": 2}, emails=4) == 5  # 4.4
    # Nothing delivered, nothing charged; emails are free when the plan did not ask for them.
    assert delivered_credits(two_roles, {}, emails=0) == 0
    assert delivered_credits(_criteria(roles=1), {"a.example": 1}, emails=1) == 1
