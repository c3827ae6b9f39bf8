"""Grounding: values stay only where a retrieved page states them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from research.emails import INFERRED_FIELD
from research.grounding import find_numbers, ground, is_grounded
from research.model import Candidate, CandidateStatus, CompanyFacts, PersonFacts, Source, SourceKind

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "text", "field"),
    [
        ("José García", "Meet JOSE  GARCIA, our CTO.", None),
        ("Jane Doe", "(Jane Doe)", None),
        ("Co-founder & CEO", "Jane Doe · co-founder and CEO", None),
        ("Head of Data", "head   of\tdata", None),
        (1200, "We are 1,200 people.", None),
        (1200, "We are 1 200 people.", None),
        (1200, "1.2k people and counting", None),
        (1200, "Wir sind 1.200 Mitarbeiter", None),
        (85, "Headcount: 85 (32 in engineering)", "employee_count"),
        (32, "Join our 32-person engineering team.", "engineering_headcount"),
        (85, "numberOfEmployees: 85", "employee_count"),
        ("jane@acme.test", "Mail: jane [at] acme [dot] test", None),
        ("jane@acme.test", "Email (JANE@ACME.TEST)", None),
        ("€100M", "We raised €100 million.", "funding_amount"),
        ("$9.5M", "a $9.5M Series A", None),
        ("FR", "Headquartered in Paris, France.", "hq_country"),
        ("GB", "HQ: London, UK", "hq_country"),
        ("devtools", "a developer tools company", "industry"),
        ("series_a", "We closed our Series A.", "funding_stage"),
        ("2026-06-08", "Announced on June 8, 2026.", "funded_at"),
        ("2026-06", "In June 2026 we raised.", "funded_at"),
        (2019, "Founded in 2019.", "founded_year"),
        ("acme.test", "Website: www.acme.test", "domain"),
        ("https://www.linkedin.com/in/jane", "LinkedIn (https://linkedin.com/in/jane/)", None),
        ("+33123456789", "Phone: +33 1 23 45 67 89", "phone"),
        (["Go", "Kafka"], "Our stack: Go, Kafka and dbt.", "tech_stack"),
    ],
)
def test_stated_values_are_grounded(value: object, text: str, field: str | None) -> None:
    assert is_grounded(value, text, field=field)


@pytest.mark.parametrize(
    ("value", "text", "field"),
    [
        (20, "We have 18 engineers.", "engineering_headcount"),
        (18, "We have 20+ engineers.", "engineering_headcount"),
        (20, "We have 20+ engineers.", "engineering_headcount"),
        (50, "Team size: 11–50 employees", "employee_count"),
        (85, "85 customers use it", "employee_count"),
        (18, "Founded in 2018.", None),
        (6, "Posted 2026-06-08", None),
        ("Jane Doe", "Jane Doerr is our CTO.", None),
        ("jane@acme.test", "Contact hello@acme.test", None),
        ("€100M", "We raised $100M.", "funding_amount"),
        ("DE", "Headquartered in Paris, France.", "hq_country"),
        ("series_b", "We closed our Series A.", "funding_stage"),
        ("2026-06-08", "Announced in June 2026.", "funded_at"),
        (["Go", "Rust"], "Our stack: Go and Kafka.", "tech_stack"),
        (True, "Yes we are hiring", None),
        (None, "anything", None),
    ],
)
def test_unstated_and_near_miss_values_are_not(value: object, text: str, field: str | None) -> None:
    assert not is_grounded(value, text, field=field)


def test_numbers_as_stated() -> None:
    found = [value for _, value in find_numbers("1,200 staff, 20+ engineers, 11–50, 3.5M, 7")]
    assert found == [1200.0, 3_500_000.0, 7.0]


def source(url: str, *fields: str) -> Source:
    return Source(kind=SourceKind.WEB, url=url, retrieved_at=NOW, fields=list(fields))


TEAM = "http://acme.test/team"
ABOUT = "http://acme.test/about"
PROFILE = "http://dealbase.test/organization/acme"
NEWS = "http://news.test/2026/01/02/acme"
PAGES = {
    TEAM: "Our team\nJane Doe\nCTO\njane [at] acme [dot] test\nJohn Smith\nVP Sales\n"
    "ann.lee@acme.test\nbob.ray@acme.test",
    ABOUT: "Acme is based in Paris, France. We are 85 people, 32 of them engineers.\n"
    "Our stack: Go and Kafka.",
    PROFILE: "Acme\nWebsite | acme.test\nEmployees | 11–50\nIndustry | Fintech",
    NEWS: "Acme hires a new CFO.",
}


def company() -> Candidate:
    return Candidate(
        key="co:acme.test",
        company=CompanyFacts(name="Acme", domain="acme.test", hq_city="Lyon"),
        fields={
            "hq_country": "FR",
            "employee_count": 85,
            "engineering_headcount": 20,
            "tech_stack": ["Go", "Rust", "Kafka"],
            "industry": "fintech",
        },
        sources=[
            source(ABOUT, "fields.employee_count"),
            source(PROFILE, "fields.employee_count"),
            source(NEWS),
            source("http://acme.test/never-fetched", "company.name"),
        ],
    )


def test_ground_keeps_stated_values_and_rewrites_sources() -> None:
    grounded = ground(company(), PAGES)
    assert grounded.company.name == "Acme"
    assert grounded.company.domain == "acme.test"
    assert grounded.company.hq_city is None  # "Lyon" is on no page
    assert grounded.fields == {
        "hq_country": "FR",
        "employee_count": 85,
        "tech_stack": ["Go", "Kafka"],  # Rust is on no page
        "industry": "fintech",
    }  # 20 engineers is a near miss of the 32 the page states
    by_url = {s.url: set(s.fields) for s in grounded.sources}
    assert by_url[ABOUT] == {
        "company.name",
        "company.domain",
        "fields.hq_country",
        "fields.employee_count",
        "fields.tech_stack",
    }
    assert by_url[PROFILE] == {"company.name", "company.domain", "fields.industry"}
    assert by_url[NEWS] == {"company.name"}
    assert "http://acme.test/never-fetched" not in by_url


def person(name: str, title: str | None, email: str | None, **fields: object) -> Candidate:
    return Candidate(
        key=f"pe:acme.test:{name}",
        company=CompanyFacts(name="Acme", domain="acme.test"),
        person=PersonFacts(full_name=name, title=title, email=email),
        fields=dict(fields),
        sources=[source(TEAM, "person.full_name", "person.title", "person.email")],
    )


def test_a_title_counts_only_next_to_its_person() -> None:
    assert ground(person("Jane Doe", "CTO", None), PAGES).person.title == "CTO"  # type: ignore[union-attr]
    grounded = ground(person("John Smith", "CTO", None), PAGES)  # CTO is Jane's
    assert grounded.person is not None and grounded.person.title is None
    prose = {TEAM: "Jane Doe is our CTO. John Smith leads sales as our VP of Sales."}
    assert ground(person("John Smith", "CTO", None), prose).person.title is None  # type: ignore[union-attr]


def test_an_obfuscated_address_grounds_and_an_absent_one_is_dropped() -> None:
    assert ground(person("Jane Doe", "CTO", "jane@acme.test"), PAGES).person.email == (  # type: ignore[union-attr]
        "jane@acme.test"
    )
    guessed = ground(person("John Smith", "VP Sales", "john.smith@acme.test"), PAGES)
    assert guessed.person is not None and guessed.person.email is None


def test_a_marked_inference_survives_with_its_evidence() -> None:
    marker = {"pattern": "first.last", "evidence": ["ann.lee@acme.test", "bob.ray@acme.test"]}
    kept = ground(
        person("John Smith", "VP Sales", "john.smith@acme.test", **{INFERRED_FIELD: marker}), PAGES
    )
    assert kept.person is not None and kept.person.email == "john.smith@acme.test"
    assert kept.fields[INFERRED_FIELD] == marker
    # Evidence no retrieved page prints, or a pattern that does not give this address: gone.
    unseen = {"pattern": "first.last", "evidence": ["x.y@acme.test", "ann.lee@acme.test"]}
    wrong = {"pattern": "flast", "evidence": ["ann.lee@acme.test", "bob.ray@acme.test"]}
    for bad in (unseen, wrong):
        dropped = ground(
            person("John Smith", "VP Sales", "john.smith@acme.test", **{INFERRED_FIELD: bad}),
            PAGES,
        )
        assert dropped.person is not None and dropped.person.email is None
        assert INFERRED_FIELD not in dropped.fields


def test_a_person_no_page_names_is_rejected() -> None:
    grounded = ground(person("Grace Hopper", "CTO", None), PAGES)
    assert grounded.person is None
    assert grounded.status is CandidateStatus.REJECTED
