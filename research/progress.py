"""Progress lines a person reads while a job runs: running totals with what remains, in
plain English with correct counts ("Verify: 12 of 40 companies done; 7 match so far")."""

from __future__ import annotations

from functools import cache

import inflect


@cache
def _english() -> inflect.engine:
    return inflect.engine()


def count(number: int, noun: str) -> str:
    """``number`` and ``noun``, the noun in singular or plural as the number needs."""
    return f"{number:,} {_english().plural_noun(noun, number)}"


def discovery(round_no: int, found: int, wanted: int) -> str:
    """A discovery batch (the ``round_no``-th, from 1): companies found so far against what
    the plan needs."""
    so_far = f"Search round {round_no}: {count(found, 'candidate company')}"
    if found >= wanted:
        return f"{so_far}, enough for the plan."
    return f"{so_far} so far; looking for {wanted - found:,} more."


def paging(
    title: str,
    *,
    done: int,
    total: int,
    noun: str,
    outcome: str | None = None,
    more_coming: bool = False,
) -> str:
    """A batch of a step that works through the companies: how far it is, what it found.
    With ``more_coming``, discovery is still finding companies, so there is no total yet."""
    line = f"{title}: {done:,} of {count(total, noun)} done"
    if more_coming:
        line = f"{title}: {count(done, noun)} done so far"
    elif done >= total > 1:
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


def rendering(pages: int) -> str:
    """Pages of a batch that only a browser can read."""
    return f"{count(pages, 'page')} need{'s' if pages == 1 else ''} a browser; rendering first."


def delivery(new: int, delivered: int, updated: int = 0, *, final: bool = False) -> str:
    """A delivery: what it added, what it changed, and the running total."""
    parts = [f"Delivered {count(new, 'new lead')}"] if new else []
    if updated:
        parts.append(f"updated {count(updated, 'lead')} delivered earlier")
    total = f"{count(delivered, 'lead')} in all" if final else f"{count(delivered, 'lead')} so far"
    if not parts:
        return f"Resolved duplicates; {total}."
    line = "; ".join(parts)
    return f"{line[0].upper()}{line[1:]} ({total})."


SKIPPED_RENDERS = "pages needing a browser skipped"
UNRESOLVED_SEEDS = "seeds not resolved"
SKIPPED_SEARCHES = "searches skipped (search backend unavailable)"
RULES_ONLY_PAGES = "pages read without Claude (rules only)"
# Engine log lines that start so say why the job went without something: the job log shows
# them, each under its step's title.
SAYS_WHY = ("Seed ", "Search backend ", "Claude ")


def render_skipped(title: str, pages: int, why: str | None) -> str:
    """Pages a batch read without the browser they needed, and why."""
    reason = why or "the browser could not render them"
    need = "needs" if pages == 1 else "need"
    return f"{title}: skipped {count(pages, 'page')} that {need} a browser: {reason}."


def seed_unresolved(value: str, why: str) -> str:
    """A seed row the job could not resolve, and why."""
    return f"Seed {value} not resolved: {why}"


def searches_skipped(searches: int, why: str) -> str:
    """Searches a batch went without because the search backend failed, and why."""
    return (
        f"Search backend unavailable ({why}): skipped {count(searches, 'search')}; "
        "the job goes on without them."
    )


def rules_only(pages: int, why: str) -> str:
    """Pages a batch read by the rules alone because Claude failed, and why."""
    return f"Claude failed on {count(pages, 'page')} ({why}); read by the rules alone."


def degraded(skipped: dict[str, int]) -> str:
    """What a job went without, for its summary ('' when nothing)."""
    parts = [f"{reason}: {number:,}" for reason, number in sorted(skipped.items()) if number]
    return f" Degraded: {'; '.join(parts)}." if parts else ""
