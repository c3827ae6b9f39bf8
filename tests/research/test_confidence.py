"""Confidence comes from the evidence, and ranking puts the requested people first."""

from __future__ import annotations

from datetime import UTC, datetime

from research.confidence import lead_confidence, person_confidence
from research.emails import INFERRED_FIELD
from research.model import (
    Candidate,
    CandidateStatus,
    CompanyFacts,
    PersonFacts,
    Source,
    SourceKind,
)
from research.resolve import assemble_leads, rank_leads

NOW = datetime(2026, 11, 1, tzinfo=UTC)
PERSON_FIELDS = ["person.full_name", "person.title"]


def _person(*urls: str, title: str | None = "CTO", inferred: bool = False) -> Candidate:
    return Candidate(
        key="pe:acme.test:janedoe",
        company=CompanyFacts(name="Acme", domain="acme.test"),
        person=PersonFacts(full_name="Jane Doe", title=title, email="jane@acme.test"),
        role="cto",
        fields={INFERRED_FIELD: {"pattern": "first", "evidence": []}} if inferred else {},
        sources=[
            Source(kind=SourceKind.WEB, url=url, retrieved_at=NOW, fields=PERSON_FIELDS)
            for url in urls
        ],
        status=CandidateStatus.VERIFIED,
    )


def test_more_and_stronger_witnesses_mean_more_confidence() -> None:
    one = person_confidence(_person("https://acme.test/team"))
    two = person_confidence(_person("https://acme.test/team", "https://acme.test/about"))
    elsewhere = person_confidence(_person("https://directory.test/acme"))
    assert elsewhere < one < two <= 1.0


def test_an_inferred_address_or_a_missing_title_lowers_it() -> None:
    published = person_confidence(_person("https://acme.test/team"))
    assert person_confidence(_person("https://acme.test/team", inferred=True)) < published
    assert person_confidence(_person("https://acme.test/team", title=None)) < published


def test_no_witness_means_no_confidence() -> None:
    assert person_confidence(_person()) == 0.0


def test_a_lead_is_as_sure_as_its_company_and_its_person() -> None:
    person = _person("https://acme.test/team")
    company = Candidate(key="co:acme.test", company=person.company, confidence=0.5)
    assert lead_confidence(person, company) == round(0.5 * person_confidence(person), 4)


def _company(domain: str, confidence: float) -> Candidate:
    return Candidate(
        key=f"co:{domain}",
        company=CompanyFacts(name=domain.split(".")[0].title(), domain=domain),
        confidence=confidence,
        status=CandidateStatus.VERIFIED,
        sources=[
            Source(
                kind=SourceKind.WEB,
                url=f"https://{domain}/",
                retrieved_at=NOW,
                fields=["company.domain", "company.name"],
            )
        ],
    )


def test_a_row_without_the_requested_people_never_outranks_one_with_them() -> None:
    staffed = _person("https://acme.test/team").model_copy(update={"confidence": 0.3})
    bare = _company("zeta.test", 0.99)
    ranked = rank_leads([bare, staffed], ["cto"])
    assert [lead.key for lead in ranked] == [staffed.key, bare.key]


def test_assembled_people_get_evidence_based_confidence() -> None:
    records = [_company("acme.test", 0.0), _person("https://acme.test/team")]
    leads = assemble_leads(records, columns=[], roles=["cto"], target_rows=10)
    person = next(lead for lead in leads if lead.person is not None)
    assert 0 < person.confidence < 1
    assert person.confidence != 0.85  # no longer the extraction path's constant


def test_a_stopped_job_delivers_only_verified_leads() -> None:
    unchecked = _company("beta.test", 0.9).model_copy(update={"status": CandidateStatus.CANDIDATE})
    records = [_company("acme.test", 0.9), unchecked]
    every = assemble_leads(records, columns=[], roles=[], target_rows=10)
    verified = assemble_leads(records, columns=[], roles=[], target_rows=10, verified_only=True)
    assert {lead.company.domain for lead in every} == {"acme.test", "beta.test"}
    assert {lead.company.domain for lead in verified} == {"acme.test"}
