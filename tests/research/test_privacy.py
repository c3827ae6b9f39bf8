"""The privacy library: identifiers hashed in a normalized form, people matched by what they
are stored under, the suppression filter and the scrubbing of mentions."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from cryptography.fernet import InvalidToken

from api.privacy.logs import RedactPrivacyQueries
from core.sealing import Sealer
from research.model import Candidate, CompanyFacts, PersonFacts, Source, SourceKind
from research.privacy import (
    ERASED,
    Subject,
    domain_hash,
    email_hash,
    name_hash,
    person_hashes,
    scrub,
    without_suppressed,
)


def _lead(key: str, domain: str, name: str | None = None, email: str | None = None) -> Candidate:
    return Candidate(
        key=key,
        company=CompanyFacts(name=domain.split(".")[0].title(), domain=domain),
        person=PersonFacts(full_name=name, email=email) if name else None,
        sources=[
            Source(
                kind=SourceKind.WEB,
                url=f"https://{domain}/team",
                retrieved_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        ],
    )


def test_identifiers_hash_the_same_however_they_are_written() -> None:
    assert email_hash(" Jane.Doe@ACME.example ") == email_hash("jane.doe@acme.example")
    assert domain_hash("https://www.Acme.example/about") == domain_hash("acme.example")
    assert name_hash("Océane Prévost", "acme.example") == name_hash(
        "oceane  prevost", "ACME.example"
    )
    assert name_hash("Océane Prévost", "acme.example") != name_hash(
        "Océane Prévost", "other.example"
    )
    assert email_hash("jane@acme.example") != domain_hash("jane@acme.example")
    assert len(email_hash("a@b.example")) == 64


def test_a_subject_found_by_email_is_then_known_by_name_at_their_company() -> None:
    subject = Subject(email="oceane@acme.example")
    stored = {"full_name": "Océane Prévost", "email": "Oceane@acme.example"}
    company = {"domain": "acme.example"}
    assert subject.matches(stored, company)
    assert not subject.matches({"full_name": "Océane Prévost"}, company)
    subject.learn(stored, company, {"person_linkedin": "https://www.linkedin.com/in/oprevost"})
    assert subject.matches({"full_name": "Oceane Prevost"}, company)
    assert not subject.matches({"full_name": "Oceane Prevost"}, {"domain": "other.example"})
    assert "https://www.linkedin.com/in/oprevost" in subject.terms()
    assert subject.mentioned_in('{"name": "Oc\\u00e9ane Pr\\u00e9vost"}')
    assert not subject.mentioned_in("nobody here")


def test_the_suppression_filter_drops_people_and_domains_and_keeps_the_rest() -> None:
    leads = [
        _lead("a", "acme.example", "Jane Doe", "jane@acme.example"),
        _lead("b", "acme.example", "John Roe", "john@acme.example"),
        _lead("c", "acme.example"),
        _lead("d", "blocked.example", "Ann Poe", "ann@blocked.example"),
        _lead("e", "blocked.example"),
        _lead("f", "other.example", "Jane Doe"),
    ]
    suppressed = {email_hash("JANE@acme.example"), domain_hash("blocked.example")}
    assert [lead.key for lead in without_suppressed(leads, suppressed)] == ["b", "c", "f"]
    by_name = {name_hash("jane doe", "acme.example")}
    nameless = _lead("g", "acme.example", "Jane Doe")
    assert [lead.key for lead in without_suppressed([*leads, nameless], by_name)] == [
        "b",
        "c",
        "d",
        "e",
        "f",
    ]
    assert without_suppressed(leads, set()) == leads
    assert domain_hash("acme.example") in person_hashes({"email": "x@acme.example"}, None)


def test_scrubbing_replaces_every_mention_in_nested_values() -> None:
    value = {"evidence": ["Led by JANE DOE since 2020"], "n": 3, "fields": {"ceo": "Jane Doe"}}
    assert scrub(value, ["Jane Doe"]) == {
        "evidence": [f"Led by {ERASED} since 2020"],
        "n": 3,
        "fields": {"ceo": ERASED},
    }


def test_a_sealed_subject_opens_only_with_its_key() -> None:
    sealed = Sealer(b"one key").seal('{"email": "jane@acme.example"}')
    assert "jane" not in sealed
    assert Sealer(b"one key").open(sealed) == '{"email": "jane@acme.example"}'
    with pytest.raises(InvalidToken):
        Sealer(b"another key").open(sealed)


def test_access_log_lines_of_privacy_requests_lose_their_query() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/v1/privacy/people?email=jane@acme.example", "1.1", 200),
        None,
    )
    other = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/v1/jobs?status=running", "1.1", 200),
        None,
    )
    assert RedactPrivacyQueries().filter(record) and RedactPrivacyQueries().filter(other)
    assert "jane" not in record.getMessage()
    assert "/v1/privacy/people?[redacted]" in record.getMessage()
    assert "/v1/jobs?status=running" in other.getMessage()
