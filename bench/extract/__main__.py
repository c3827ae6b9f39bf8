#!/usr/bin/env python3
"""Page-extraction quality on the independent corpus in ``tests/corpus``.

Prints, for one split (the test half by default), the company-name accuracy, person recall and
precision, title agreement, personal-email precision and attachment, the number of former
people delivered as current, and the share of stated facts read, overall, per language and per
layout. With ``--sandbox`` it prints the same person figures on a sandbox web beside them.

    .venv/bin/python -m bench.extract [--split test|dev|all] [-v] [--json out.json]
        [--sandbox SEED]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.extract.corpus import (
    Tally,
    as_json,
    group_by_source,
    group_tallies,
    load,
    score_pages,
)

COLUMNS = (
    ("pages", "pages"),
    ("company_name", "name"),
    ("person_recall", "p.rec"),
    ("person_precision", "p.prec"),
    ("title_accuracy", "title"),
    ("email_precision", "e.prec"),
    ("email_attachment", "e.att"),
    ("former_as_current", "former"),
    ("facts", "facts"),
)


def _row(label: str, tally: Tally) -> str:
    figures = tally.figures()
    cells = []
    for key, _ in COLUMNS:
        value = figures[key]
        cells.append("   -  " if value is None else f"{value:>6}")
    return f"{label:<16}" + " ".join(cells)


def _print_sandbox(seed: int) -> None:
    """The same page-level figures on a generated sandbox web, beside the corpus."""
    from tests.extract.scoring import extract_web, score_emails, score_former, score_people

    extracted = extract_web(seed)
    people = score_people(extracted)
    emails = score_emails(extracted)
    former = score_former(extracted)
    print(f"-- sandbox seed {seed}")
    print(
        f"person recall {people.recall:.3f}  precision {people.precision:.3f}  "
        f"email recall {emails.recall:.3f}  precision {emails.precision:.3f}  "
        f"former flagged {former.flagged}/{former.mentioned}"
    )


def main(argv: list[str] | None = None) -> int:
    """Score the corpus and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("dev", "test", "all"))
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--sandbox", type=int, metavar="SEED", help="also score a sandbox web of this seed"
    )
    args = parser.parse_args(argv)
    pages = load(None if args.split == "all" else args.split)
    scored = list(score_pages(pages))
    total = Tally()
    for _, tally in scored:
        total.add(tally)
    header = f"{'':<16}" + " ".join(f"{label:>6}" for _, label in COLUMNS)
    print(f"corpus split: {args.split}")
    print(header)
    print(_row("all", total))
    by_source = group_by_source(scored)
    print("-- per source")
    for name, tally in by_source.items():
        print(_row(name, tally))
    by_lang = group_tallies(scored, "lang")
    by_layout = group_tallies(scored, "layout")
    print("-- per language")
    for name, tally in by_lang.items():
        print(_row(name, tally))
    print("-- per layout")
    for name, tally in by_layout.items():
        print(_row(name, tally))
    if args.sandbox is not None:
        _print_sandbox(args.sandbox)
    if args.verbose:
        print("-- errors")
        for line in total.errors:
            print(line)
    if args.json:
        report = {
            "all": total.figures(),
            "source": as_json(by_source),
            "lang": as_json(by_lang),
            "layout": as_json(by_layout),
        }
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
