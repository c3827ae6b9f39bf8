"""Progress lines a person reads while a job runs: running totals with what remains, in
plain English with correct counts ("Read 12 of 40 company sites; 7 match so far")."""

from __future__ import annotations

from functools import cache

import inflect


@cache
def _english() -> inflect.engine:
    return inflect.engine()


def count(number: int, noun: str) -> str:
    """``number`` and ``noun``, the noun in singular or plural as the number needs."""
    return f"{number:,} {_english().plural_noun(noun, number)}"


def discovery(found: int, wanted: int) -> str:
    """A discovery batch: companies found so far against what the plan needs."""
    if found >= wanted:
        return f"Found {count(found, 'candidate company')}, enough for the plan."
    return f"Found {count(found, 'candidate company')} so far; looking for {wanted - found:,} more."


def paging(title: str, *, done: int, total: int, noun: str, outcome: str | None = None) -> str:
    """A batch of a step that works through the companies: how far it is, what it found."""
    line = f"{title}: {done:,} of {count(total, noun)} done"
    if done >= total > 1:
        line = f"{title}: all {count(total, noun)} done"
    return f"{line}; {outcome}." if outcome else f"{line}."


def people_found(found: int) -> str:
    """How many requested people were found so far."""
    if not found:
        return "no requested people found yet"
    return f"{count(found, 'person')} found so far"


def matching(matches: int) -> str:
    """How many companies pass every criterion so far."""
    verb = "matches" if matches == 1 else "match"
    return f"{matches:,} {verb} so far"
