"""The live engine's rules of evidence: openings, dates, places, queries, founders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from research.extract.types import PageFacts
from research.fetch.types import FetchedPage
from research.live.dossier import Dossier, Fact
from research.live.icp import city_country, contradicts, funding_window, opening_matches, verify
from research.live.queries import discovery_queries
from research.live.reader import Read
from research.planner.types import Criteria, Exclusions, NumericRange, Requirement


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
    assert city_country("Leeds") == "GB"  # from the gazetteer, not a hand-written table
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


def _dossier(pages: dict[str, str], facts: dict[str, object]) -> Dossier:
    """A company read from ``pages`` (url -> visible text) with extracted ``facts``."""
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    reads = [
        Read(
            page=FetchedPage(
                url=url,
                final_url=url,
                status=200,
                content_type="text/html",
                text=text,
                fetched_at=fetched,
            ),
            facts=PageFacts(url=url, text=text),
        )
        for url, text in pages.items()
    ]
    home = next(iter(pages))
    return Dossier(
        domain="acme.test",
        website=home,
        reads=reads,
        facts={name: Fact(value, (home,)) for name, value in facts.items()},
        people=[],
        emails=[],
    )


ABOUT = "https://acme.test/about"
HOME = "https://acme.test/"


def test_a_company_in_an_excluded_city_or_size_is_dropped_with_the_reason() -> None:
    criteria = Criteria(
        countries=["FR"],
        exclusions=Exclusions(
            cities=["Paris"], thresholds=[NumericRange(metric="employees", min=501)]
        ),
    )
    in_paris = _dossier({HOME: "Acme pays."}, {"hq_country": "FR", "hq_city": "Paris"})
    in_lyon = _dossier({HOME: "Acme pays."}, {"hq_country": "FR", "hq_city": "Lyon"})
    too_big = _dossier({HOME: "Acme."}, {"hq_country": "FR", "employees": 900})
    today = date(2026, 11, 1)

    paris = verify(criteria, in_paris, today)
    assert not paris.passed
    assert paris.failures == [f"excluded city Paris ({HOME})"]
    assert verify(criteria, in_lyon, today).passed
    big = verify(criteria, too_big, today)
    assert not big.passed and big.failures[0].startswith("excluded size employees=900")


def test_an_excluded_phrase_drops_a_company_whose_pages_state_it() -> None:
    criteria = Criteria(industries=["crypto"], exclusions=Exclusions(keywords=["crypto exchanges"]))
    exchange = _dossier(
        {HOME: "Welcome.", ABOUT: "Acme runs one of the largest crypto exchanges in Asia."},
        {"industry": "crypto"},
    )
    wallet = _dossier({HOME: "Acme builds a self-custody crypto wallet."}, {"industry": "crypto"})
    today = date(2026, 11, 1)

    dropped = verify(criteria, exchange, today)
    assert not dropped.passed
    assert dropped.failures == [f"excluded: is 'crypto exchanges' ({ABOUT})"]
    assert verify(criteria, wallet, today).passed


def test_a_requirement_passes_only_on_a_page_that_states_it() -> None:
    criteria = Criteria(requirements=[Requirement(text="B Corp certified")])
    certified = _dossier(
        {HOME: "Coffee for everyone.", ABOUT: "We are a certified B Corp since 2021."}, {}
    )
    silent = _dossier({HOME: "Coffee for everyone. Certified organic beans."}, {})
    today = date(2026, 11, 1)

    met = verify(criteria, certified, today)
    assert met.passed and met.met == ["B Corp certified"]
    assert f"meets 'B Corp certified' ({ABOUT})" in met.evidence
    missing = verify(criteria, silent, today)
    assert not missing.passed and missing.met == []
    assert missing.failures == ["no evidence that it meets 'B Corp certified'"]


def test_queries_use_requirements_and_steer_away_from_exclusions() -> None:
    queries = discovery_queries(
        Criteria(
            keywords=["restaurants"],
            subdivisions=["US-OH"],
            countries=["US"],
            requirements=[Requirement(text="more than 3 locations")],
            exclusions=Exclusions(keywords=["fast food chains"], cities=["Columbus"]),
        )
    )
    joined = " | ".join(queries)
    assert "more than 3 locations" in joined
    assert "Ohio" in joined
    assert all(q.endswith('-"fast food chains" -Columbus') for q in queries)
