"""Plans of service: the spec's default limits per tier (Starter / Growth / Scale)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TierName(StrEnum):
    """The tiers an organization can be on."""

    STARTER = "starter"
    GROWTH = "growth"
    SCALE = "scale"


@dataclass(frozen=True, slots=True)
class Tier:
    """Limits per organization; ``None`` means unlimited."""

    name: TierName
    requests_per_minute: int
    concurrent_jobs: int
    plans_per_day: int | None
    sse_connections: int
    included_credits: int


TIERS: dict[TierName, Tier] = {
    TierName.STARTER: Tier(TierName.STARTER, 60, 1, 200, 5, 500),
    TierName.GROWTH: Tier(TierName.GROWTH, 600, 5, 2_000, 25, 5_000),
    TierName.SCALE: Tier(TierName.SCALE, 3_000, 25, None, 250, 25_000),
}


def tier(name: str) -> Tier:
    """The tier called ``name`` (unknown names fall back to Starter)."""
    try:
        return TIERS[TierName(name)]
    except ValueError:
        return TIERS[TierName.STARTER]
