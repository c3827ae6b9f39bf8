"""Test-mode data: deterministic, plausible, shaped by the plan, marked synthetic."""

from __future__ import annotations

from datetime import UTC, datetime

from research.model import Candidate
from research.pipeline import run_plan
from research.planner.rules import RulesPlanner
from research.planner.types import DraftPlan, PlanningRequest, PlanningTurn
from research.synthetic import SyntheticEngine
from store.exports import artifact_columns

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def _plan(prompt: str) -> DraftPlan:
    return await RulesPlanner().plan(
        PlanningRequest(turns=[PlanningTurn(role="user", content=prompt)])
    )


async def _run(plan: DraftPlan, seed: str) -> list[Candidate]:
    """Drive the engine the way the job activities do, with an in-memory working set."""
    leads, _ = await run_plan(SyntheticEngine(), plan, seed=seed, now=NOW)
    return leads


async def test_same_plan_same_leads_and_another_seed_differs() -> None:
    plan = await _plan(
        "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."
    )
    first = await _run(plan, "pln_a")
    again = await _run(plan, "pln_a")
    other = await _run(plan, "pln_b")
    assert [c.model_dump() for c in first] == [c.model_dump() for c in again]
    assert {c.company.domain for c in first} != {c.company.domain for c in other}


async def test_leads_follow_the_criteria_and_are_marked_synthetic() -> None:
    plan = await _plan(
        "Heads of Data at US healthtech companies, 500–5000 employees, using Snowflake"
    )
    leads = await _run(plan, "pln_x")
    assert len(leads) == plan.target_rows
    for lead in leads:
        assert lead.confidence > 0
        assert lead.company.domain and lead.company.domain.endswith(".example")
        assert all(source.kind == "synthetic" for source in lead.sources)
        assert lead.person is not None and lead.person.title == "Head of Data"
        assert lead.person.email and lead.person.email.endswith("@" + lead.company.domain)
        employees = lead.fields.get("employee_count")
        if employees is not None:
            assert 500 <= employees <= 5000
        if "tech_stack" in lead.fields:
            assert "Snowflake" in lead.fields["tech_stack"]
        grounded = {field for source in lead.sources for field in source.fields}
        assert {f"fields.{key}" for key in lead.fields} <= grounded
        assert "person.email" in grounded


async def test_fields_are_only_the_plans_columns_and_the_country() -> None:
    plan = await _plan("Seed climate startups in Germany")
    columns = set(artifact_columns([s.model_dump() for s in plan.steps]))
    leads = await _run(plan, "pln_c")
    assert leads and all(lead.person is None for lead in leads)
    for lead in leads:
        assert set(lead.fields) <= columns | {"hq_country"}
        assert lead.fields["hq_country"] == "DE"
        assert lead.fields.get("funding_stage", "seed") == "seed"
