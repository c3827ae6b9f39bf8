"""Progress lines: running totals in plain English."""

from __future__ import annotations

from research.progress import count, discovery, matching, paging, people_found, rendering


def test_counts_agree_in_number() -> None:
    assert count(1, "person") == "1 person"
    assert count(2, "person") == "2 people"
    assert count(1, "company") == "1 company"
    assert count(1_200, "company site") == "1,200 company sites"
    assert count(0, "lead") == "0 leads"


def test_lines_give_totals_and_what_remains() -> None:
    assert discovery(2, 12, 40) == (
        "Search round 2: 12 candidate companies so far; looking for 28 more."
    )
    assert discovery(1, 1, 1) == "Search round 1: 1 candidate company, enough for the plan."
    assert rendering(1) == "1 page needs a browser; rendering first."
    assert rendering(3) == "3 pages need a browser; rendering first."
    assert (
        paging("Find VP Eng", done=12, total=40, noun="company", outcome=people_found(9))
        == "Find VP Eng: 12 of 40 companies done; 9 people found so far."
    )
    assert (
        paging("Verify criteria", done=40, total=40, noun="company", outcome=matching(1))
        == "Verify criteria: all 40 companies done; 1 matches so far."
    )
    assert people_found(0) == "no requested people found yet"
    assert paging("Enrich", done=1, total=1, noun="company") == "Enrich: 1 of 1 company done."


def test_a_degraded_job_says_what_it_went_without() -> None:
    from research.progress import (
        RULES_ONLY_PAGES,
        SKIPPED_RENDERS,
        SKIPPED_SEARCHES,
        UNRESOLVED_SEEDS,
        degraded,
        render_skipped,
    )

    assert degraded({}) == ""
    assert degraded({SKIPPED_RENDERS: 3, UNRESOLVED_SEEDS: 1}) == (
        " Degraded: pages needing a browser skipped: 3; seeds not resolved: 1."
    )
    assert degraded({SKIPPED_SEARCHES: 20, RULES_ONLY_PAGES: 1}) == (
        " Degraded: pages read without Claude (rules only): 1;"
        " searches skipped (search backend unavailable): 20."
    )
    line = render_skipped("Verify", 1, "the browser is unavailable (no chromium)")
    assert (
        line
        == "Verify: skipped 1 page that needs a browser: the browser is unavailable (no chromium)."
    )
