"""Metering per step adds up to the pricing table, so estimates and charges agree."""

from __future__ import annotations

import pytest

from research.engine import step_roles
from research.metering import email_cost, unit_costs
from research.planner.rules import RulesPlanner
from research.planner.types import PlanningRequest, PlanningTurn
from research.pricing import companies_for, estimate_credits, row_cost

PROMPTS = [
    "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth.",
    "Heads of Data at US healthcare companies, 500–5000 employees, using Snowflake",
    "Series B devtools in the US; add funding stage, tech stack and hiring; CTO with emails",
    "Seed climate startups in Germany or the Netherlands",
    "CTO, VP Eng, Head of Data and Head of Growth at Series A SaaS in Spain, with emails",
]


@pytest.mark.parametrize("prompt", PROMPTS)
async def test_step_costs_add_up_to_the_row_cost(prompt: str) -> None:
    plan = await RulesPlanner().plan(
        PlanningRequest(turns=[PlanningTurn(role="user", content=prompt)])
    )
    costs = unit_costs(plan.steps, plan.criteria)
    emails = sum(email_cost(plan.criteria) * len(step_roles(s, plan.criteria)) for s in plan.steps)
    assert sum(costs) + emails == pytest.approx(row_cost(plan.criteria))
    companies = companies_for(plan.criteria, plan.target_rows)
    assert plan.credits_estimate == estimate_credits(plan.criteria, plan.target_rows)
    assert plan.credits_estimate >= (sum(costs) + emails) * companies - 1e-9
