#!/usr/bin/env python3
"""Planner accuracy on a prompt set written independently of the planner's vocabulary.

Each prompt in ``prompts.yaml`` carries the plan a careful reader would draw from it. A plan
is correct when every structured facet equals the expected one (a facet the prompt does not
name must stay empty), every free constraint is kept as a keyword or requirement, every
exclusion is an exclusion, and rejections happen for the right reason. Also counted:

* inversions: something the prompt rules out became something the plan asks for;
* dropped constraints: a free constraint or exclusion that is neither in the plan's
  criteria nor in its notes.

    .venv/bin/python -m bench.planner [--split dev|test|all] [--planner rules|claude] [-v]

Tune on dev; report test. With ``ANTHROPIC_API_KEY`` set, ``--planner claude`` measures the
Claude planner on the same prompts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from research import roles
from research.extract.names import fold
from research.planner import lexicon
from research.planner.base import Planner
from research.planner.types import (
    Criteria,
    DraftPlan,
    NumericRange,
    PlanningRequest,
    PlanningTurn,
    PlanRejection,
)

PROMPTS = Path(__file__).with_name("prompts.yaml")
LEADERSHIP = frozenset({"c_level", "vp", "head"})
STRUCTURED = ("industries", "countries", "regions", "subdivisions", "cities", "stages")
POLICY_WORDS = ("acceptable", "protected", "blocklist", "not allowed", "cannot", "refuse")


@dataclass
class Outcome:
    """One prompt's verdict."""

    id: str
    prompt: str
    problems: list[str] = field(default_factory=list)
    inversions: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def correct(self) -> bool:
        return not (self.problems or self.inversions or self.dropped)


def load(split: str) -> list[dict[str, Any]]:
    """The prompts of one split (or all)."""
    items: list[dict[str, Any]] = yaml.safe_load(PROMPTS.read_text())
    return [item for item in items if split == "all" or item["split"] == split]


def content_words(text: str) -> set[str]:
    """The words that carry a phrase's meaning, folded and singular."""
    stop = {"a", "an", "the", "of", "to", "with", "that", "are", "is", "in", "on", "and", "or"}
    stop |= {"company", "companie", "startup", "firm", "business", "businesse"}  # no meaning
    stop |= {"organization", "organisation"}
    words = re.findall(r"[a-z0-9$]+", fold(text).replace("-", ""))
    singular = {word.removesuffix("s") for word in words if word not in stop}
    return singular - stop


def phrase_kept(phrase: str, texts: list[str]) -> bool:
    """Whether some text holds most of the phrase's content words."""
    wanted = content_words(phrase)
    if not wanted:  # a phrase of generic words only ("not startups")
        return any(fold(phrase) in fold(text) for text in texts)
    return any(len(wanted & content_words(text)) * 2 >= len(wanted) + 1 for text in texts) or any(
        wanted and wanted <= content_words(text) for text in texts
    )


def parse_range(text: str) -> tuple[str, str, float]:
    metric, op, number = re.fullmatch(r"(\w+)(>=|<=)([\d.]+)", text).groups()  # type: ignore[union-attr]
    return metric, op, float(number)


def range_bounds(ranges: list[NumericRange]) -> set[tuple[str, str, float]]:
    found = set()
    for item in ranges:
        if item.min is not None:
            found.add((item.metric, ">=", float(item.min)))
        if item.max is not None:
            found.add((item.metric, "<=", float(item.max)))
    return found


def role_key(title: str) -> tuple[str, str] | None:
    if title.lower() in ("owner", "owners"):
        return ("c_level", "executive")  # a small business's owner is its founder
    normalized = roles.normalize_title(title)
    return (normalized.seniority, normalized.function) if normalized else None


def roles_match(expected: list[str], criteria: Criteria) -> bool:
    got = [(role.seniority, role.function) for role in criteria.roles]
    if len(got) != len(expected):
        return False
    for title in expected:
        want = role_key(title)
        if want is None:
            return False
        if not any(_same_role(want, have) for have in got):
            return False
    return True


def _same_role(want: tuple[str, str], have: tuple[str, str]) -> bool:
    if want[1] != have[1] and not {want[1], have[1]} <= {"executive", "general"}:
        return False
    if want[0] == have[0]:
        return True
    return want[0] in LEADERSHIP and have[0] in LEADERSHIP


def judge(item: dict[str, Any], plan: DraftPlan | None, rejection: str | None) -> Outcome:
    """Compare one plan (or rejection) with the expected reading."""
    expect = item["expect"]
    outcome = Outcome(item["id"], item["prompt"])
    wanted_rejection = expect.get("reject")
    if plan is None:
        outcome.summary = f"rejected: {rejection}"
        if not wanted_rejection:
            outcome.problems.append("rejected a valid prompt")
        elif wanted_rejection == "policy" and not any(
            word in (rejection or "").lower() for word in POLICY_WORDS
        ):
            outcome.problems.append("rejected, but not for acceptable use")
        elif wanted_rejection == "vague" and any(
            word in (rejection or "").lower() for word in ("protected", "blocklist")
        ):
            outcome.problems.append("rejected as a policy breach, but it is only vague")
        return outcome
    criteria = plan.criteria
    outcome.summary = summarize(plan)
    if wanted_rejection:
        outcome.problems.append(f"planned; expected a {wanted_rejection} rejection")
        return outcome
    for name in STRUCTURED:
        want = sorted(expect.get(name, []))
        have = sorted(getattr(criteria, name))
        if want != have:
            outcome.problems.append(f"{name}: {have} != {want}")
    if ("roles" in expect or criteria.roles) and not roles_match(expect.get("roles", []), criteria):
        got = [role.title for role in criteria.roles]
        outcome.problems.append(f"roles: {got} != {expect.get('roles', [])}")
    if sorted(expect.get("technologies", [])) != sorted(criteria.technologies):
        outcome.problems.append(f"technologies: {criteria.technologies}")
    if bool(expect.get("hiring")) != bool(criteria.hiring):
        outcome.problems.append(f"hiring: {criteria.hiring}")
    if "window_months" in expect and criteria.funded_within_months != expect["window_months"]:
        outcome.problems.append(f"window: {criteria.funded_within_months} months")
    want_ranges = {parse_range(text) for text in expect.get("thresholds", [])}
    if want_ranges != range_bounds(criteria.thresholds):
        outcome.problems.append(f"thresholds: {range_bounds(criteria.thresholds)}")
    _judge_free(expect, criteria, outcome)
    _judge_exclusions(expect, criteria, outcome)
    return outcome


def _judge_free(expect: dict[str, Any], criteria: Criteria, outcome: Outcome) -> None:
    kept = [*criteria.keywords, *(r.text for r in criteria.requirements)]
    # An industry the plan structured carries its own words ("veterinary software" is SaaS
    # plus the keyword "veterinary").
    industry_words = " ".join(
        " ".join([lexicon.INDUSTRIES[s].display, *lexicon.INDUSTRIES[s].synonyms])
        for s in criteria.industries
    )
    kept = [*kept, *(f"{k} {industry_words}" for k in criteria.keywords)]
    phrases = [*expect.get("free", []), *expect.get("require", [])]
    for phrase in phrases:
        if not phrase_kept(phrase, kept):
            target = outcome.problems if phrase_kept(phrase, criteria.notes) else outcome.dropped
            target.append(f"free constraint '{phrase}' not kept")
    excluded = [fold(k) for k in expect.get("exclude", {}).get("keywords", [])]
    for requirement in criteria.requirements:
        if any(phrase_kept(requirement.text, [e]) for e in excluded):
            outcome.inversions.append(f"requirement '{requirement.text}' was an exclusion")
        elif not phrase_kept(requirement.text, phrases) and not any(
            content_words(requirement.text) & content_words(p) for p in phrases
        ):
            outcome.problems.append(f"spurious requirement '{requirement.text}'")
    for keyword in criteria.keywords:
        if any(phrase_kept(keyword, [e]) for e in excluded):
            outcome.inversions.append(f"keyword '{keyword}' was an exclusion")


def _judge_exclusions(expect: dict[str, Any], criteria: Criteria, outcome: Outcome) -> None:
    excluded = expect.get("exclude", {})
    have = criteria.exclusions
    for name in ("industries", "countries", "subdivisions", "cities", "stages"):
        want = sorted(excluded.get(name, []))
        got = sorted(getattr(have, name))
        included = set(getattr(criteria, name, []))
        for value in want:
            if value in included:
                outcome.inversions.append(f"{name}: excluded {value} became a filter")
        if want != got:
            missing = [v for v in want if v not in got]
            if missing and not any(phrase_kept(str(v), criteria.notes) for v in missing):
                outcome.dropped.append(f"exclusion {name} {missing} dropped")
            outcome.problems.append(f"exclusions.{name}: {got} != {want}")
    for phrase in excluded.get("keywords", []):
        if not phrase_kept(phrase, have.keywords):
            outcome.dropped.append(f"exclusion '{phrase}' dropped")
    for phrase in have.keywords:
        if not phrase_kept(phrase, excluded.get("keywords", [])):
            outcome.problems.append(f"spurious exclusion '{phrase}'")
    want_ranges = {parse_range(text) for text in excluded.get("thresholds", [])}
    if want_ranges != range_bounds(have.thresholds):
        if want_ranges & range_bounds(criteria.thresholds):
            outcome.inversions.append("an excluded size became a size filter")
        elif want_ranges:
            outcome.dropped.append(f"excluded size {sorted(want_ranges)} dropped")
        else:
            outcome.problems.append(f"exclusions.thresholds: {range_bounds(have.thresholds)}")


def summarize(plan: DraftPlan) -> str:
    """A one-line view of what a plan holds."""
    c = plan.criteria
    parts = [f"title={plan.title!r}"]
    for name in (*STRUCTURED, "keywords", "technologies", "hiring"):
        if getattr(c, name):
            parts.append(f"{name}={getattr(c, name)}")
    if c.thresholds:
        parts.append(f"thresholds={sorted(range_bounds(c.thresholds))}")
    if c.roles:
        parts.append(f"roles={[r.title for r in c.roles]}")
    if c.requirements:
        parts.append(f"requirements={[r.text for r in c.requirements]}")
    if not c.exclusions.is_empty():
        parts.append(f"exclusions={c.exclusions.model_dump(exclude_defaults=True)}")
    return " ".join(parts)


def planner_named(name: str) -> Planner:
    """The planner to measure."""
    if name == "claude":
        from core.config import Settings
        from research.planner import planner_for

        if not os.environ.get("ANTHROPIC_API_KEY"):
            sys.exit("--planner claude needs ANTHROPIC_API_KEY")
        return planner_for(Settings())
    from research.planner import default_planner

    return default_planner()


async def run(items: list[dict[str, Any]], planner: Planner) -> list[Outcome]:
    """Plan every prompt and judge it."""
    outcomes = []
    for item in items:
        request = PlanningRequest(turns=[PlanningTurn(role="user", content=item["prompt"])])
        try:
            plan: DraftPlan | None = await planner.plan(request)
            rejection = None
        except PlanRejection as error:
            plan, rejection = None, error.message
        outcomes.append(judge(item, plan, rejection))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    """Print accuracy, inversions and dropped constraints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--planner", choices=("rules", "claude"), default="rules")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every wrong plan")
    args = parser.parse_args(argv)
    items = load(args.split)
    outcomes = asyncio.run(run(items, planner_named(args.planner)))
    correct = sum(outcome.correct for outcome in outcomes)
    inversions = sum(len(outcome.inversions) for outcome in outcomes)
    dropped = sum(len(outcome.dropped) for outcome in outcomes)
    if args.verbose:
        for outcome in outcomes:
            if not outcome.correct:
                print(f"✗ {outcome.id} {outcome.prompt}")
                print(f"    {outcome.summary}")
                for line in (*outcome.inversions, *outcome.dropped, *outcome.problems):
                    print(f"    - {line}")
    print(
        f"planner={args.planner} split={args.split} prompts={len(outcomes)} "
        f"correct={correct / max(1, len(outcomes)):.3f} ({correct}/{len(outcomes)}) "
        f"inversions={inversions} dropped_without_note={dropped}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
