"""Run a whole plan in memory: the job workflow's batching without Temporal or a database.

For tests, benchmarks and debugging the engine; the production path is JobWorkflow, whose
activities page the same way over the store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from research.engine import (
    ResearchEngine,
    StepRequest,
    StepScope,
    batch_size_for,
    companies_needed,
    step_scope,
)
from research.model import Candidate
from research.planner.types import DraftPlan, Intent
from research.resolve import assemble_leads

Renderer = Callable[[list[str]], Awaitable[None]]
MAX_BATCHES_PER_STEP = 10_000


async def run_plan(
    engine: ResearchEngine,
    plan: DraftPlan,
    *,
    seed: str,
    now: datetime,
    render: Renderer | None = None,
    columns: list[str] | None = None,
) -> tuple[list[Candidate], dict[str, Candidate]]:
    """The plan's leads, and every working record by key."""
    working: dict[str, Candidate] = {}
    size = batch_size_for(companies_needed(plan.criteria, plan.target_rows))
    for index, step in enumerate(plan.steps):
        if step.intent == Intent.DEDUPE:
            continue
        scope = step_scope(step, index)
        for batch_no in range(MAX_BATCHES_PER_STEP):
            companies = sorted(
                (c for c in working.values() if c.person is None), key=lambda c: c.key
            )
            start = batch_no * size
            page = [] if scope is StepScope.NONE else companies[start : start + size]
            request = StepRequest(
                job_id="job_memory",
                step=step,
                step_index=index,
                criteria=plan.criteria,
                target_rows=plan.target_rows,
                batch_no=batch_no,
                batch_size=size,
                seed=seed,
                now=now,
                candidates=[c.model_copy(deep=True) for c in page],
                known=list(working),
            )
            batch = await engine.run_step(request, lambda: None)
            if batch.renders and render is not None:
                await render(batch.renders)
                request = request.model_copy(update={"after_render": True})
                batch = await engine.run_step(request, lambda: None)
            working.update({c.key: c for c in batch.upserts})
            paged_out = start + size >= len(companies)
            done = batch.done if scope is StepScope.NONE else paged_out
            if done:
                break
    wanted = columns or list(dict.fromkeys(c for step in plan.steps for c in step.expected_columns))
    leads = assemble_leads(
        list(working.values()),
        columns=wanted,
        roles=[role.column_prefix for role in plan.criteria.roles],
        target_rows=plan.target_rows,
    )
    return leads, working
