"""Planners: rule-based by default; an Anthropic-backed planner implements the same protocol."""

from __future__ import annotations

from research.planner.base import Planner


def default_planner() -> Planner:
    """The deterministic rule-based planner."""
    from research.planner.rules import RulesPlanner

    return RulesPlanner()


def warm_up() -> None:
    """Load the gazetteer, the spelling vocabulary and the phrase tables now, once, rather
    than inside the first planning call (which runs under a time bound)."""
    from research.planner import gazetteer, language

    gazetteer.find_places("Ohio")
    language.prepare("série A fintechs in Germny")


def planner_for(settings: object) -> Planner:
    """Claude when an Anthropic key is configured (it falls back to rules on failure)."""
    from research.llm import build_llm

    planner, _ = build_llm(settings)  # type: ignore[arg-type]
    return planner or default_planner()
