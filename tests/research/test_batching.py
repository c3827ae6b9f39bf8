"""The batching loop: bounded batches whatever the job's size, bounded publishes, one loop for
the workflow and the in-memory pipeline."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from research.batching import (
    BATCH_COMPANIES,
    MAX_WAVES,
    Action,
    Batch,
    BatchLoop,
    LoopState,
    LoopStep,
    Publish,
    delivers_in_waves,
    wave_size_for,
)
from research.engine import Heartbeat, StepBatch, StepRequest, companies_needed
from research.pipeline import run_plan
from research.planner.rules import RulesPlanner
from research.planner.types import DraftPlan, PlanningRequest, PlanningTurn
from research.synthetic import SyntheticEngine

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
STEPS = [
    LoopStep(id="discover", discovers=True),
    LoopStep(id="enrich"),
    LoopStep(id="people"),
    LoopStep(id="dedupe", publishes=True),
]


class Trace:
    """Drives a loop over a simulated job that discovers ``companies`` companies."""

    def __init__(self, companies: int, *, wave_size: int | None) -> None:
        self.companies = companies
        self.state = LoopState(waves=True, wave_size=wave_size)
        self.loop = BatchLoop(STEPS, self.state, size=BATCH_COMPANIES)
        self.actions: list[Action] = []
        self.found = 0
        self.read: Counter[tuple[str, str]] = Counter()

    def run(self) -> Trace:
        for _ in range(100_000):
            action = self.loop.next()
            self.actions.append(action)
            if isinstance(action, Publish):
                self.loop.published()
            elif isinstance(action, Batch):
                self._batch(action)
            else:
                return self
        raise AssertionError("the loop never finished")

    def _batch(self, batch: Batch) -> None:
        step = STEPS[batch.step_index].id
        if batch.keys is None:
            start = self.found
            self.found = min(self.companies, start + BATCH_COMPANIES)
            keys = [f"co:{n}" for n in range(start, self.found)]
            done = self.found >= self.companies
            self.loop.ran(batch, done=done, new_keys=keys, found_upto=self.found)
            return
        self.read.update((step, key) for key in batch.keys)
        self.loop.ran(batch, done=batch.last, new_keys=[], found_upto=self.found)

    def batches(self, step: str) -> list[Batch]:
        return [a for a in self.actions if isinstance(a, Batch) and STEPS[a.step_index].id == step]

    @property
    def publishes(self) -> int:
        return sum(isinstance(action, Publish) for action in self.actions)


def test_batches_stay_bounded_and_publishes_stay_few_in_a_large_job() -> None:
    companies = 10_000
    trace = Trace(companies, wave_size=wave_size_for(companies)).run()
    assert wave_size_for(companies) == 250
    assert len(trace.batches("discover")) == companies // BATCH_COMPANIES
    for step in ("enrich", "people"):
        batches = trace.batches(step)
        assert all(batch.keys is not None for batch in batches)
        assert max(len(batch.keys or ()) for batch in batches) == BATCH_COMPANIES
        # Every company goes through every later step exactly once.
        read = {key: n for (s, key), n in trace.read.items() if s == step}
        assert sorted(read) == sorted(f"co:{n}" for n in range(companies))
        assert set(read.values()) == {1}
        assert batches[-1].last
    assert trace.publishes == MAX_WAVES


def test_a_wave_gathers_several_discovery_batches_before_its_later_steps() -> None:
    trace = Trace(1000, wave_size=wave_size_for(1000)).run()
    kinds = [
        "publish" if isinstance(a, Publish) else STEPS[a.step_index].id
        for a in trace.actions
        if isinstance(a, Batch | Publish)
    ]
    per_wave = wave_size_for(1000) // BATCH_COMPANIES
    assert kinds[: per_wave + 1] == ["discover"] * per_wave + ["enrich"]
    assert kinds.index("publish") == 3 * per_wave
    assert trace.publishes == -(-1000 // wave_size_for(1000))


def test_runs_started_before_bounded_waves_take_one_discovery_batch_per_wave() -> None:
    trace = Trace(23, wave_size=None).run()
    kinds = [
        "publish" if isinstance(a, Publish) else STEPS[a.step_index].id
        for a in trace.actions
        if isinstance(a, Batch | Publish)
    ]
    assert kinds[:8] == ["discover", "enrich", "people", "publish"] * 2
    assert trace.publishes == 5


def test_the_first_work_on_a_discovered_wave_follows_without_a_checkpoint() -> None:
    trace = Trace(12, wave_size=10).run()
    checkpoints = [
        (STEPS[a.step_index].id if isinstance(a, Batch) else type(a).__name__, a.checkpoint)
        for a in trace.actions
    ]
    assert checkpoints == [
        ("discover", True),
        ("discover", True),
        ("enrich", False),  # straight after the batch that closed the wave
        ("enrich", True),
        ("people", True),
        ("people", True),
        ("Publish", True),
        ("discover", True),
        ("enrich", False),
        ("people", True),
        ("Publish", True),
        ("Finished", True),
    ]


def test_an_empty_last_wave_still_closes_every_later_step() -> None:
    state = LoopState(waves=True, wave_size=5)
    loop = BatchLoop(STEPS, state, size=BATCH_COMPANIES)
    discovery = loop.next()
    assert isinstance(discovery, Batch) and discovery.keys is None
    loop.ran(discovery, done=True, new_keys=[], found_upto=0)
    closing = loop.next()
    assert isinstance(closing, Batch) and closing.keys == () and closing.last
    assert not closing.checkpoint
    loop.ran(closing, done=True, new_keys=[], found_upto=0)
    people = loop.next()
    assert isinstance(people, Batch) and STEPS[people.step_index].id == "people"
    assert people.keys == () and people.last and people.checkpoint
    loop.ran(people, done=True, new_keys=[], found_upto=0)
    assert not isinstance(loop.next(), Batch | Publish)  # nothing found, nothing published


def test_plans_with_a_second_discovery_step_run_step_by_step_in_pages() -> None:
    steps = [LoopStep(id="a", discovers=True), LoopStep(id="b", discovers=True), STEPS[1]]
    assert not delivers_in_waves(steps)
    state = LoopState(waves=False)
    loop = BatchLoop(steps, state, size=BATCH_COMPANIES)
    offsets = []
    for done in (False, True, True, False, False, True):
        batch = loop.next()
        assert isinstance(batch, Batch) and batch.keys is None
        offsets.append((steps[batch.step_index].id, batch.offset))
        loop.ran(batch, done=done, new_keys=[], found_upto=0)
    assert offsets == [("a", 0), ("a", 5), ("b", 0), ("enrich", 0), ("enrich", 5), ("enrich", 10)]
    assert not isinstance(loop.next(), Batch | Publish)


class Recording(SyntheticEngine):
    """The test-mode engine, noting how many companies each batch was handed and returned."""

    def __init__(self) -> None:
        self.read: Counter[tuple[str, int]] = Counter()
        self.returned: Counter[tuple[str, int]] = Counter()

    async def run_step(self, request: StepRequest, heartbeat: Heartbeat) -> StepBatch:
        batch = await super().run_step(request, heartbeat)
        at = (request.step.id, request.batch_no)
        self.read[at] += len(request.candidates)
        self.returned[at] += len([c for c in batch.upserts if c.person is None])
        return batch


async def _plan(prompt: str, rows: int) -> DraftPlan:
    plan = await RulesPlanner().plan(
        PlanningRequest(turns=[PlanningTurn(role="user", content=prompt)])
    )
    return plan.model_copy(update={"target_rows": rows})


async def test_the_pipeline_reads_at_most_a_batch_of_companies_in_a_large_job() -> None:
    plan = await _plan("CTOs of Series A fintechs in France", 1200)
    engine = Recording()
    leads, working = await run_plan(engine, plan, seed="pln_large", now=NOW)
    companies = companies_needed(plan.criteria, plan.target_rows)
    assert wave_size_for(companies) > BATCH_COMPANIES
    assert len(leads) == plan.target_rows
    assert max(engine.read.values()) == BATCH_COMPANIES
    discovery = plan.steps[0].id
    found = {at: n for at, n in engine.returned.items() if at[0] == discovery}
    assert max(found.values()) == BATCH_COMPANIES
    assert sum(found.values()) == companies == len([c for c in working.values() if not c.person])
