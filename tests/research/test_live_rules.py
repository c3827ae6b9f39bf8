"""The live engine's rules of evidence: openings, dates, places, queries, founders."""

from __future__ import annotations

from datetime import date

import pytest

from research.live.icp import city_country, contradicts, funding_window, opening_matches
from research.live.queries import discovery_queries
from research.planner.types import Criteria


@pytest.mark.parametrize(
    ("wanted", "opening", "expected"),
    [
        ("ML Engineer", "ML Engineer, Inference", True),
        ("ML Engineer", "Machine Learning Engineer, Training Infrastructure", True),
        ("ML Engineer", "Analytics Engineer", False),
        ("Staff Engineer", "Staff Engineer, Platform", True),
        ("Staff Engineers", "Senior Staff Engineer", True),
        ("Staff Engineer", "Senior Frontend Engineer", False),
        ("SRE", "Site Reliability Engineer", True),
        ("Head of Marketing", "Content Marketer", False),
    ],
)
def test_openings_match_only_the_kind_asked_for(wanted: str, opening: str, expected: bool) -> None:
    assert opening_matches(wanted, opening) is expected


def test_funding_windows() -> None:
    today = date(2026, 11, 1)
    assert funding_window(Criteria(funded_within_days=7), today) == (date(2026, 10, 25), today)
    assert funding_window(Criteria(funded_since=date(2025, 1, 1)), today) == (
        date(2025, 1, 1),
        today,
    )
    # The planner's default lookback for a stage is not a criterion of its own.
    assert funding_window(Criteria(stages=["series_a"], funded_within_months=36), today) is None
    assert funding_window(Criteria(stages=["series_a"], funded_within_months=12), today) is not None


def test_places_and_contradictions() -> None:
    assert city_country("Atlanta") == "US"
    assert city_country("Paris") == "FR"
    assert city_country("Nowhere-upon-Sea") is None
    wants_france = Criteria(industries=["fintech"], countries=["FR"])
    assert contradicts(wants_france, "DE", None)
    assert contradicts(wants_france, None, "healthtech")
    assert not contradicts(wants_france, "FR", "fintech")
    assert not contradicts(wants_france, None, None)  # silence is not a contradiction
    assert not contradicts(Criteria(regions=["eu"]), "FR", None)


def test_queries_name_every_facet() -> None:
    queries = discovery_queries(
        Criteria(
            industries=["fintech"],
            countries=["FR"],
            stages=["series_a"],
            technologies=["Snowflake"],
            hiring=["ML Engineer"],
        )
    )
    joined = " | ".join(queries).lower()
    for word in ("fintech", "france", "series a", "snowflake", "ml engineer"):
        assert word in joined, word
    assert len(queries) == len(set(queries)) <= 16
    assert discovery_queries(Criteria()) == ["startups"]
