"""Run a whole plan in memory: the job workflow's batching loop without Temporal or a database.

For tests, benchmarks and debugging the engine; the production path is JobWorkflow. Both drive
``research.batching``'s loop, and this module reads and writes working records the way the job
activities do over the store, so the same plan and seed give the same leads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from research.batching import (
    BATCH_COMPANIES,
    Batch,
    BatchLoop,
    LoopState,
    LoopStep,
    Publish,
    batch_ends_step,
    delivers_in_waves,
    wave_size_for,
)
from research.engine import (
    ResearchEngine,
    StepRequest,
    StepScope,
    companies_needed,
    step_scope,
)
from research.model import Candidate
from research.planner.types import DraftPlan, Intent
from research.resolve import assemble_leads

Renderer = Callable[[list[str]], Awaitable[None]]
JOB_ID = "job_memory"


class WorkingSet:
    """A job's working records in memory, each with the number of the write that first found
    it (as the store keeps them)."""

    def __init__(self) -> None:
        self.records: dict[str, Candidate] = {}
        self.found_by: dict[str, int] = {}
        self.writes = 0

    def write(self, candidates: Sequence[Candidate]) -> None:
        """Upsert records: the same key replaces its record and keeps its write number."""
        if not candidates:
            return
        self.writes += 1
        for candidate in candidates:
            self.records[candidate.key] = candidate
            self.found_by.setdefault(candidate.key, self.writes)

    def companies(self) -> list[Candidate]:
        """The company records, in key order (the order a step pages them in)."""
        return sorted((c for c in self.records.values() if c.person is None), key=lambda c: c.key)

    def by_keys(self, keys: Sequence[str]) -> list[Candidate]:
        """The company records with these keys, in the order given."""
        found = [self.records.get(key) for key in keys]
        return [c for c in found if c is not None and c.person is None]

    def found_since(self, after: int) -> tuple[list[str], int]:
        """The company records first written after write number ``after``, in the order they
        were found, and the number the writes have reached."""
        found = sorted(
            (number, key)
            for key, number in self.found_by.items()
            if number > after and self.records[key].person is None
        )
        return [key for _, key in found], max(after, self.writes)


def loop_steps(plan: DraftPlan) -> list[LoopStep]:
    """The plan's steps as the batching loop sees them (the last dedupe step publishes)."""
    dedupes = [index for index, step in enumerate(plan.steps) if step.intent == Intent.DEDUPE]
    return [
        LoopStep(
            id=step.id,
            discovers=step.intent == Intent.DISCOVER,
            publishes=bool(dedupes) and index == dedupes[-1],
        )
        for index, step in enumerate(plan.steps)
    ]


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
    working = WorkingSet()
    steps = loop_steps(plan)
    waves = delivers_in_waves(steps)
    size = wave_size_for(companies_needed(plan.criteria, plan.target_rows)) if waves else None
    loop = BatchLoop(steps, LoopState(waves=waves, wave_size=size), size=BATCH_COMPANIES)
    while True:
        action = loop.next()
        if isinstance(action, Publish):
            loop.published()  # leads are assembled once, at the end
            continue
        if not isinstance(action, Batch):
            break
        done, new_keys, found_upto = await _run_batch(
            engine, plan, working, action, seed=seed, now=now, render=render
        )
        loop.ran(action, done=done, new_keys=new_keys, found_upto=found_upto)
    wanted = columns or list(dict.fromkeys(c for step in plan.steps for c in step.expected_columns))
    leads = assemble_leads(
        [working.records[key] for key in sorted(working.records)],  # as the store lists them
        columns=wanted,
        roles=[role.column_prefix for role in plan.criteria.roles],
        target_rows=plan.target_rows,
    )
    return leads, working.records


async def _run_batch(
    engine: ResearchEngine,
    plan: DraftPlan,
    working: WorkingSet,
    batch: Batch,
    *,
    seed: str,
    now: datetime,
    render: Renderer | None,
) -> tuple[bool, list[str], int]:
    """One of the loop's batches, as the batch activity runs it: whether it ended its step,
    and (in waves) the companies found since the loop last looked."""
    step = plan.steps[batch.step_index]
    scope = step_scope(step, batch.step_index)

    def request(after_render: bool) -> StepRequest:
        if scope is StepScope.NONE:
            candidates: list[Candidate] = []
        elif batch.keys is not None:
            candidates = working.by_keys(batch.keys)
        else:
            candidates = working.companies()[batch.offset : batch.offset + BATCH_COMPANIES]
        return StepRequest(
            job_id=JOB_ID,
            step=step,
            step_index=batch.step_index,
            criteria=plan.criteria,
            target_rows=plan.target_rows,
            batch_no=batch.batch_no,
            batch_size=BATCH_COMPANIES,
            seed=seed,
            now=now,
            candidates=[c.model_copy(deep=True) for c in candidates],
            known=list(working.records) if scope is StepScope.NONE else [],
            after_render=after_render,
        )

    creates = scope is StepScope.NONE
    companies = len(working.companies())
    engine_done = True  # a wave's closing call reads nothing: the step ends
    if batch.keys != ():
        engine_done, renders = await _engine_calls(engine, working, request(False), creates)
        if renders:
            # Render the pages only a browser can read, then run the batch again over the
            # stored records (pages read as served when there is no browser).
            if render is not None:
                await render(renders)
            companies = len(working.companies())
            engine_done, _ = await _engine_calls(engine, working, request(True), creates)
    done = batch_ends_step(
        keys=batch.keys,
        last=batch.last,
        creates=creates,
        engine_done=engine_done,
        offset=batch.offset,
        size=BATCH_COMPANIES,
        companies=companies,
    )
    if batch.found_after is None:
        return done, [], 0
    new_keys, found_upto = working.found_since(batch.found_after)
    return done, new_keys, found_upto


async def _engine_calls(
    engine: ResearchEngine, working: WorkingSet, request: StepRequest, creates: bool
) -> tuple[bool, list[str]]:
    """The batch's engine calls, as the batch activity makes them: one for a step that creates
    companies, one per company for a step that reads them, each call's records written as it
    ends. Whether the engine says the step is done, and the pages left to render."""
    if creates:
        batch = await engine.run_step(request, _idle)
        working.write(batch.upserts)
        return batch.done, batch.renders
    renders: list[str] = []
    for candidate in request.candidates:
        one = await engine.run_step(request.model_copy(update={"candidates": [candidate]}), _idle)
        working.write(one.upserts)
        if not request.after_render:
            renders += one.renders
    return False, list(dict.fromkeys(renders))


def _idle() -> None:
    """No heartbeat to send in memory."""
