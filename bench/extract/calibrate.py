#!/usr/bin/env python3
"""Calibrate lead confidence on the dev half of the page corpus.

A lead's confidence (``research/confidence.py``) treats each page that names a person as a
witness, as reliable as the reader is on pages of that kind. This measures that reliability on
the corpus's dev half: of the people with a title the reader took from a company's own pages,
the share that is right (the key names them, they are current, and their title agrees with the
key's wherever the key gives one). The reader takes no one without a title from a page, so that
path has no figure here; the page kinds the corpus does not hold (third-party pages) keep a
stated discount in ``research/confidence.py``. The figure is the rule of
succession, (right + 1) / (taken + 2), so a path seen on few people is not taken for certain.

``research/calibration.json`` holds the figures the engine uses; a test recomputes them, so a
change to the reader that moves them fails until they are written again:

    .venv/bin/python -m bench.extract.calibrate [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.extract.corpus import KeyPerson, Page, load, same_person, source_of, title_agrees
from research.extract import PersonClaim, extract_page

CALIBRATION = Path(__file__).resolve().parents[2] / "research" / "calibration.json"


def _right(claim: PersonClaim, key: tuple[KeyPerson, ...]) -> bool:
    person = next((p for p in key if same_person(p.name, claim.full_name)), None)
    if person is None or person.current != claim.current:
        return False
    return person.title is None or claim.title is None or title_agrees(person.title, claim.title)


def calibrate(pages: list[Page]) -> dict[str, Any]:
    """The reader's reliability on titled people over ``pages``, overall and per source."""
    taken: dict[str, int] = {}
    right: dict[str, int] = {}
    for page in pages:
        for claim in extract_page(page.url, page.html).people:
            if not claim.title:
                continue
            for group in ("all", source_of(page)):
                taken[group] = taken.get(group, 0) + 1
                right[group] = right.get(group, 0) + _right(claim, page.people)
    return {
        "measured_on": f"tests/corpus, dev half, {len(pages)} pages",
        **{
            group: {
                "people": taken[group],
                "right": right[group],
                "reliability": round((right[group] + 1) / (taken[group] + 2), 3),
            }
            for group in sorted(taken)
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {CALIBRATION.name}")
    args = parser.parse_args(argv)
    figures = calibrate(load("dev"))
    text = json.dumps(figures, indent=2) + "\n"
    print(text, end="")
    if args.write:
        CALIBRATION.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
