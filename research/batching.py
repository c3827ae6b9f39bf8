"""The job's batching loop as pure decisions: which step runs next, over which companies, when
a step or a wave ends, and when to publish.

The job workflow drives this loop with activities, and ``research.pipeline`` drives it with the
engine in memory, so the two take the same batches in the same order. It does no I/O and reads
no clock or randomness, so the workflow sandbox can import it and a replay decides as the
recorded run did.

Every batch reads at most ``BATCH_COMPANIES`` companies, whatever the job's size. A plan whose
first step creates the companies and whose later steps read them delivers in waves: discovery
gathers a wave of companies, the later steps carry them through in batches, and the job
publishes the wave's leads. A wave gathers more companies in a larger job, so the number of
publishes (each resolves everything found so far) stays bounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pydantic import BaseModel, Field

BATCH_COMPANIES = 5
"""Companies per batch, whatever the job's size: a batch (and a retry of it) stays short."""
MAX_WAVES = 40
"""About this many waves at most per job: each ends in a publish that resolves everything
found so far, so a large job gathers larger waves rather than publishing ever more often."""


def wave_size_for(companies: int) -> int:
    """How many companies a wave gathers in a job needing ``companies``: one batch's worth in
    a small job, a share of the job in a large one."""
    return max(BATCH_COMPANIES, -(-companies // MAX_WAVES))


@dataclass(frozen=True)
class LoopStep:
    """What the loop needs to know about a plan step."""

    id: str
    discovers: bool = False
    """The step creates companies rather than reading them (a discover step)."""
    publishes: bool = False
    """The dedupe step: it runs as the publish, not as batches."""


def delivers_in_waves(steps: Sequence[LoopStep]) -> bool:
    """Whether a plan can deliver in waves: one step creates the companies, and every later
    step reads them (a second discovery step needs the whole first one first)."""
    return bool(steps) and not steps[0].publishes and not any(step.discovers for step in steps[1:])


class Wave(BaseModel):
    """Companies discovery found, on their way through the later steps.

    A wave's companies go through every later step, then their leads are resolved and
    delivered, before discovery goes on: results stream while the job runs."""

    keys: list[str] = Field(default_factory=list, description="Company record keys.")
    step_pos: int = Field(default=0, description="Which later step the wave is in.")
    offset: int = Field(default=0, description="How many of its keys that step has read.")
    gathering: bool = Field(
        default=False, description="Discovery is still adding companies to the wave."
    )


class LoopState(BaseModel):
    """Where the loop stands; a workflow carries it across continue-as-new."""

    step_index: int = 0
    batch_no: int = 0
    waves: bool | None = Field(
        default=None, description="Whether the run delivers in waves (decided at its start)."
    )
    wave_size: int | None = Field(
        default=None,
        description="Companies a wave gathers; None: one discovery batch per wave (runs "
        "started before waves were decoupled from batches).",
    )
    wave: Wave | None = None
    found_upto: int = Field(default=0, description="The write number the waves have seen.")
    discovered: bool = Field(default=False, description="The discovery step has ended.")
    step_batches: dict[str, int] = Field(
        default_factory=dict, description="Batches run so far, by step id (wave runs)."
    )


@dataclass(frozen=True)
class Batch:
    """Run one batch of a step."""

    step_index: int
    batch_no: int
    offset: int
    """Where the batch starts: a page's first company, or how many a wave's step has read."""
    keys: tuple[str, ...] | None = None
    """Wave runs: the companies to read (empty: the step's closing call). None: discovery, or
    a page of ``size`` companies from ``offset`` in key order."""
    last: bool = False
    """Wave runs: the step's last batch."""
    found_after: int | None = None
    """Wave runs: report the companies found after this write number."""
    checkpoint: bool = True
    """The driver may pause before this action (a workflow continues as new there)."""


@dataclass(frozen=True)
class Publish:
    """Resolve everything found so far and deliver the wave's leads."""

    checkpoint: bool = True


@dataclass(frozen=True)
class Finished:
    """Every step has run; the driver delivers what the job found."""

    checkpoint: bool = True


Action = Batch | Publish | Finished


def batch_ends_step(
    *,
    keys: Sequence[str] | None,
    last: bool,
    creates: bool,
    engine_done: bool,
    offset: int,
    size: int,
    companies: int,
) -> bool:
    """Whether a batch ends its step: a wave's batch when the loop said it is the step's last,
    a creating step's when the engine says so, a page when it reached the last of
    ``companies`` (not one empty page later)."""
    if keys is not None:
        return last
    if creates:
        return engine_done
    return offset + size >= companies


class BatchLoop:
    """The next action over a plan's steps, given where ``state`` stands; ``ran`` and
    ``published`` move the state on."""

    def __init__(self, steps: Sequence[LoopStep], state: LoopState, *, size: int) -> None:
        self.steps = list(steps)
        self.state = state
        self.size = size
        self.later = [index for index, step in enumerate(self.steps[1:], 1) if not step.publishes]
        # The first work on a wave that discovery just closed follows it without a
        # checkpoint, as in the runs recorded before this loop (their histories must replay).
        self._wave_closed = False

    def next(self) -> Action:
        """What to do next."""
        action = self._next_wave() if self.state.waves else self._next_step()
        if self._wave_closed:
            self._wave_closed = False
            if not isinstance(action, Finished):
                return replace(action, checkpoint=False)
        return action

    def ran(self, batch: Batch, *, done: bool, new_keys: Sequence[str], found_upto: int) -> None:
        """Record a batch's outcome: whether it ended its step, and (wave runs) the companies
        found since ``batch.found_after`` and the write number reached."""
        state = self.state
        if not state.waves:
            state.step_index += 1 if done else 0
            state.batch_no = 0 if done else state.batch_no + 1
            return
        step = self.steps[batch.step_index]
        state.found_upto = max(state.found_upto, found_upto)
        state.step_batches[step.id] = batch.batch_no + 1
        read = f"{step.id}:read"
        state.step_batches[read] = state.step_batches.get(read, 0) + len(batch.keys or ())
        wave = state.wave or Wave()
        # A step may find more companies (an alias, a parent): they join the wave.
        wave.keys += [key for key in new_keys if key not in wave.keys]
        if batch.keys is None:
            state.discovered = done
            state.wave = wave
            wave.gathering = (
                not done and state.wave_size is not None and len(wave.keys) < state.wave_size
            )
            self._wave_closed = not wave.gathering
            return
        wave.offset += len(batch.keys)
        if batch.last or wave.offset >= len(wave.keys):
            wave.step_pos += 1
            wave.offset = 0

    def published(self) -> None:
        """The wave's leads are out; discovery goes on."""
        self.state.wave = None

    def _next_step(self) -> Action:
        """Step by step: every step pages through all the companies before the next begins."""
        state = self.state
        while state.step_index < len(self.steps) and self.steps[state.step_index].publishes:
            state.step_index += 1  # the dedupe step runs as the delivery phase
        if state.step_index >= len(self.steps):
            return Finished()
        return Batch(
            step_index=state.step_index,
            batch_no=state.batch_no,
            offset=state.batch_no * self.size,
        )

    def _next_wave(self) -> Action:
        """In waves: discovery gathers a wave, each later step reads it in batches, then it
        publishes."""
        state = self.state
        while True:
            wave = state.wave
            if wave is None or wave.gathering:
                if wave is None and state.discovered:
                    state.step_index = len(self.steps)
                    return Finished()
                return self._wave_batch(0, keys=None, last=False)
            if wave.step_pos < len(self.later):
                chunk = tuple(wave.keys[wave.offset : wave.offset + self.size])
                last = state.discovered and wave.offset + len(chunk) >= len(wave.keys)
                if chunk or last:
                    return self._wave_batch(self.later[wave.step_pos], keys=chunk, last=last)
                # An empty wave while discovery goes on: no step has anything to read.
                wave.step_pos += 1
                self._wave_closed = False
                continue
            if wave.keys:
                return Publish()
            state.wave = None
            self._wave_closed = False

    def _wave_batch(self, step_index: int, *, keys: tuple[str, ...] | None, last: bool) -> Batch:
        state = self.state
        step_id = self.steps[step_index].id
        state.step_index = step_index
        state.batch_no = state.step_batches.get(step_id, 0)
        return Batch(
            step_index=step_index,
            batch_no=state.batch_no,
            offset=state.step_batches.get(f"{step_id}:read", 0),
            keys=keys,
            last=last,
            found_after=state.found_upto,
        )
