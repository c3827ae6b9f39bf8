"""The tenant every query is scoped to: an organization in test or live mode."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tenant:
    """An organization seen through a test-mode or live-mode key."""

    org_id: str
    livemode: bool
