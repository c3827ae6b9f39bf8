"""Test-mode data: deterministic, plausible, shaped by the plan, marked synthetic."""

from __future__ import annotations

from datetime import UTC, datetime

from research.engine import StepRequest, batch_size_for, companies_needed
from research.model import Candidate, CandidateStatus
from research.planner.rules import RulesPlanner
from research.planner.types import DraftPlan, PlanningRequest, PlanningTurn
from research.resolve import assemble_leads
from research.synthetic import SyntheticEngine
from store.exports import artifact_columns

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def _plan(prompt: str) -> DraftPlan:
    return await RulesPlanner().plan(
        PlanningRequest(turns=[PlanningTurn(role="user", content=prompt)])
    )


async def _run(plan: DraftPlan, seed: str) -> list[Candidate]:
    """Drive the engine the way the job activities do, with an in-memory working set."""
    engine = SyntheticEngine()
    working: dict[str, Candidate] = {}
    size = batch_size_for(companies_needed(plan.criteria, plan.target_rows))
    for index, step in enumerate(plan.steps):
        if step.intent == "dedupe":
            continue
        batch_no = 0
        while True:
            if index == 0:
                page: list[Candidate] = []
            else:
                scope = sorted(working.values(), key=lambda c: c.key)
                if step.intent != "verify":
                    scope = [c for c in scope if c.person is None]
                page = scope[batch_no * size : (batch_no + 1) * size]
            batch = await engine.run_step(
                StepRequest(
                    job_id="job_1",
                    step=step,
                    step_index=index,
                    criteria=plan.criteria,
                    target_rows=plan.target_rows,
                    batch_no=batch_no,
                    batch_size=size,
                    seed=seed,
                    now=NOW,
                    candidates=[c.model_copy(deep=True) for c in page],
                ),
                lambda: None,
            )
            working.update({c.key: c for c in batch.upserts})
            if (index == 0 and batch.done) or (index and len(page) < size):
                break
            batch_no += 1
    return assemble_leads(
        list(working.values()),
        columns=artifact_columns([s.model_dump() for s in plan.steps]),
        roles=[role.column_prefix for role in plan.criteria.roles],
        target_rows=plan.target_rows,
    )


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
        assert lead.status is CandidateStatus.VERIFIED
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


async def test_fields_are_only_the_plans_columns() -> None:
    plan = await _plan("Seed climate startups in Germany")
    columns = set(artifact_columns([s.model_dump() for s in plan.steps]))
    leads = await _run(plan, "pln_c")
    assert leads and all(lead.person is None for lead in leads)
    for lead in leads:
        assert set(lead.fields) <= columns
        assert lead.fields.get("funding_stage", "seed") == "seed"
