"""What one batch went without when an optional part failed (the search backend, Claude).

A failed part degrades the batch instead of failing the job: each search or page it could not
serve is counted by reason for the job's summary, and each cause gets one line in the job's
log. After a few failures in a row, the batch stops asking that part and goes without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from research import progress
from research.extract.types import PageFacts

FAILURES_IN_A_ROW = 3
"""Failures in a row after which a batch stops asking the part that failed."""

LINES: dict[str, Callable[[int, str], str]] = {
    progress.SKIPPED_SEARCHES: progress.searches_skipped,
    progress.RULES_ONLY_PAGES: progress.rules_only,
}
"""The job-log line for each reason a part can be gone without."""


@dataclass
class Outages:
    """One batch's count of what it went without, by reason and cause."""

    causes: Counter[tuple[str, str]] = field(default_factory=Counter)
    in_a_row: Counter[str] = field(default_factory=Counter)
    last_cause: dict[str, str] = field(default_factory=dict)
    rules_only: dict[tuple[str, int, bool], PageFacts] = field(default_factory=dict)
    """Pages this batch read by the rules alone, so one read twice is asked and counted once."""

    def failed(self, reason: str, cause: str) -> None:
        """The part behind ``reason`` failed for ``cause``; the batch goes without it once."""
        self.went_without(reason, cause)
        self.in_a_row[reason] += 1
        self.last_cause[reason] = cause

    def answered(self, reason: str) -> None:
        """The part behind ``reason`` worked: its failures are no longer in a row."""
        self.in_a_row[reason] = 0

    def given_up(self, reason: str) -> str | None:
        """Why the batch stopped asking the part behind ``reason``, or None while it asks."""
        if self.in_a_row[reason] < FAILURES_IN_A_ROW:
            return None
        return self.last_cause[reason]

    def went_without(self, reason: str, cause: str) -> None:
        """Count one thing the batch went without, for ``cause``."""
        self.causes[reason, cause] += 1

    @property
    def skipped(self) -> dict[str, int]:
        """How many things the batch went without, by reason (``StepBatch.skipped``)."""
        totals: Counter[str] = Counter()
        for (reason, _), number in self.causes.items():
            totals[reason] += number
        return dict(totals)

    def logs(self) -> list[str]:
        """One line per reason and cause, for the job's log."""
        return [LINES[reason](number, cause) for (reason, cause), number in self.causes.items()]
