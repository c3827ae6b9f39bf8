"""Credits per unit of work, so a job is charged as it works and a ceiling can be checked
before each batch.

The spec's table prices a company row; a job meters the same prices step by step: the first
step that reads a company pays the company part, each people step pays per person, the first
step that fills a deep-enrich dimension pays for it, and each email found pays its
verification. Summed over a plan, the per-company costs equal ``research.pricing.row_cost``.
"""

from __future__ import annotations

from research.engine import StepScope, step_roles, step_scope
from research.planner.types import Criteria, Intent, PlanStep
from research.pricing import (
    COMPANY_ONLY_PER_ROW,
    DEEP_ENRICH_PER_DIMENSION,
    EMAIL_VERIFICATION_PER_EMAIL,
    EXTRA_PERSON_PER_ROW,
    FIRST_PERSON_PER_ROW,
    priced_dimensions,
)

# Company + 1 person is 1.0, so the person's share is what it adds over discovery (0.5);
# each further person adds EXTRA_PERSON_PER_ROW (also 0.5).
PERSON_UNIT = float(FIRST_PERSON_PER_ROW - COMPANY_ONLY_PER_ROW)
assert float(EXTRA_PERSON_PER_ROW) == PERSON_UNIT, "the table's person prices changed"

DIMENSION_COLUMNS = {
    "hiring": {"open_roles"},
    "tech_stack": {"tech_stack"},
    "funding": {"funding_stage", "funding_amount", "funded_at"},
    "news": {"news"},
}


def _dimension_owner(steps: list[PlanStep], dimension: str) -> int | None:
    wanted = DIMENSION_COLUMNS.get(dimension, set())
    for index, step in enumerate(steps):
        if step.intent == Intent.ENRICH and wanted & set(step.expected_columns):
            return index
    return None


def unit_costs(steps: list[PlanStep], criteria: Criteria) -> list[float]:
    """Credits per company processed, for each step (emails are metered separately).

    Finding candidates is free; a company is charged its discovery share when a step first
    reads it (so candidates the search turns up but nobody reads cost nothing).
    """
    costs = [0.0] * len(steps)
    readers = [i for i, step in enumerate(steps) if step_scope(step, i) is StepScope.COMPANIES]
    costs[readers[0] if readers else 0] += float(COMPANY_ONLY_PER_ROW)
    for index, step in enumerate(steps):
        if step.intent == Intent.ENRICH:
            costs[index] += PERSON_UNIT * len(step_roles(step, criteria))
    for dimension in priced_dimensions(criteria):
        owner = _dimension_owner(steps, dimension)
        if owner is not None:
            costs[owner] += float(DEEP_ENRICH_PER_DIMENSION)
    return costs


def email_cost(criteria: Criteria) -> float:
    """Credits per email found, when the plan asks for emails."""
    return float(EMAIL_VERIFICATION_PER_EMAIL) if criteria.want_email else 0.0
