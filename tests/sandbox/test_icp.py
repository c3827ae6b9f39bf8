"""ICP clusters: for common prospecting prompts, several companies match and several nearly do."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import generate
from sandbox.icp import ICPS, icp


@pytest.fixture(scope="module", params=[7, 1234])
def seeded_truth(request: pytest.FixtureRequest, truth: dict[str, Any]) -> dict[str, Any]:
    return truth if request.param == 7 else generate(request.param).truth()


@pytest.mark.parametrize("profile", ICPS, ids=lambda p: p.key)
def test_each_icp_has_matches_and_near_misses(seeded_truth: dict[str, Any], profile: Any) -> None:
    report = next(r for r in seeded_truth["icps"] if r["key"] == profile.key)
    assert 3 <= len(report["matches"]) <= 10, report["matches"]
    assert len(report["near_misses"]) >= 2, report["near_misses"]
    failed_facets = {miss["failed"] for miss in report["near_misses"]}
    assert failed_facets, "near misses are off by one named facet"
    companies = {c["id"]: c for c in seeded_truth["companies"]}
    for company_id in report["matches"]:
        assert profile.matches(companies[company_id])
        assert profile.people(companies[company_id]), "a match has someone to pull"


def test_the_quickstart_icp_is_checked_independently(truth: dict[str, Any]) -> None:
    """Series A fintechs in France with 20+ engineers, VP Eng and Head of Growth."""
    matches = [
        c
        for c in truth["companies"]
        if c["industry"] == "fintech"
        and c["country"] == "FR"
        and c["stage"] == "series_a"
        and c["engineers"] >= 20
    ]
    with_people = [
        c
        for c in matches
        if any(
            p["current"] and p["role"] in {"vp_engineering", "head_of_growth"} for p in c["people"]
        )
    ]
    report = next(r for r in truth["icps"] if r["key"] == "fr_fintech_series_a")
    assert sorted(c["id"] for c in with_people) == sorted(report["matches"])
    titles = {
        p["title"]
        for c in with_people
        for p in c["people"]
        if p["current"] and p["role"] in {"vp_engineering", "head_of_growth"}
    }
    assert len(titles) >= 3, "the people to pull are titled in several ways"
    nearly = [
        c
        for c in truth["companies"]
        if c["industry"] == "fintech" and c["country"] == "FR" and c["stage"] == "series_a"
        and 12 <= c["engineers"] < 20
    ]  # fmt: skip
    near_ids = {m["id"] for m in report["near_misses"]}
    assert {c["id"] for c in nearly} <= near_ids


def test_planted_near_misses_are_labelled(truth: dict[str, Any]) -> None:
    near_ids = {m["id"] for r in truth["icps"] for m in r["near_misses"]}
    labelled = {c["id"] for c in truth["companies"] if "near_miss" in c["noise"]}
    assert labelled
    assert labelled <= near_ids


def test_icp_lookup() -> None:
    assert icp("us_healthtech_data").tech == "Snowflake"
    with pytest.raises(KeyError):
        icp("nope")
