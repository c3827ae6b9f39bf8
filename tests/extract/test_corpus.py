"""The independent page corpus: its answer keys are well formed, and a representative slice
of its dev half reads at the product's targets."""

from __future__ import annotations

import html
from collections import Counter

import pytest

from bench.extract.corpus import Page, Tally, load, score_page

LANGUAGES = {"en", "de", "fr", "es"}
# One dev page of each layout, and every dev page of the layouts where mistakes cost most.
SLICE_LAYOUTS = {"imprint", "press", "prose", "traps", "table", "script"}
# Real public pages imported with their annotations: measured by the bench, not held to targets.
REAL_LAYOUTS = {"webstruct"}


@pytest.fixture(scope="module")
def corpus() -> list[Page]:
    """Every page with its key."""
    return load()


def _slice(pages: list[Page]) -> list[Page]:
    seen: set[str] = set()
    chosen = []
    for page in pages:
        if page.split != "dev" or page.layout in REAL_LAYOUTS:
            continue
        if page.layout in SLICE_LAYOUTS or page.layout not in seen:
            chosen.append(page)
            seen.add(page.layout)
    return chosen


def test_the_corpus_has_two_halves_in_every_language(corpus: list[Page]) -> None:
    assert len(corpus) >= 200
    splits = Counter(page.split for page in corpus)
    assert set(splits) == {"dev", "test"}
    assert abs(splits["dev"] - splits["test"]) <= len(corpus) // 10
    for split in ("dev", "test"):
        languages = {page.lang for page in corpus if page.split == split}
        assert languages >= LANGUAGES
    people = sum(len(page.people) for page in corpus)
    assert people >= 500
    assert any(not person.current for page in corpus for person in page.people)
    assert any(person.email for page in corpus for person in page.people)


def test_every_key_names_people_printed_on_its_page(corpus: list[Page]) -> None:
    for page in corpus:
        text = html.unescape(page.html)  # real pages print "d'Hont" as "d&#39;Hont"
        for person in page.people:
            surname = person.name.split()[-1]
            assert surname in text, f"{page.id}: {person.name} is not on the page"
            if person.email:
                assert person.email in text, f"{page.id}: {person.email} is not on the page"


def test_a_slice_of_the_dev_half_reads_at_the_targets(corpus: list[Page]) -> None:
    pages = _slice(corpus)
    assert len(pages) >= 30
    total = Tally()
    for page in pages:
        total.add(score_page(page))
    figures = total.figures()
    assert figures["company_name"] is not None and figures["company_name"] >= 0.95, total.errors
    assert figures["person_recall"] is not None and figures["person_recall"] >= 0.9, total.errors
    assert figures["person_precision"] is not None, total.errors
    assert figures["person_precision"] >= 0.95, total.errors
    assert figures["email_precision"] == 1.0, total.errors
    assert figures["email_attachment"] is not None and figures["email_attachment"] >= 0.9
    assert figures["former_as_current"] == 0, total.errors
