"""Planners: rule-based by default; an Anthropic-backed planner implements the same protocol."""

from __future__ import annotations

from research.planner.base import Planner


def default_planner() -> Planner:
    """The deterministic rule-based planner."""
    from research.planner.rules import RulesPlanner

    return RulesPlanner()
