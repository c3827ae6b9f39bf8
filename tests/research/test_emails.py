"""Address patterns and inferred addresses: two witnesses, no contradiction, always marked."""

from __future__ import annotations

import pytest

from research.emails import (
    INFERRED_FIELD,
    domain_pattern,
    infer_email,
    patterns_of,
    verify_inference,
)
from tests.extract.scoring import SEEDS, extract_web


@pytest.mark.parametrize(
    ("name", "address", "pattern"),
    [
        ("Jane Doe", "jane.doe@acme.test", "first.last"),
        ("Jane Doe", "jane@acme.test", "first"),
        ("Jane Doe", "jdoe@acme.test", "flast"),
        ("Jane Doe", "janed@acme.test", "firstl"),
        ("Jane Doe", "j.doe@acme.test", "f.last"),
        ("Jane Doe", "jane_doe@acme.test", "first_last"),
        ("Jane Doe", "janedoe@acme.test", "firstlast"),
        ("Jane Doe", "doe.jane@acme.test", "last.first"),
        ("Jane Doe", "doe@acme.test", "last"),
        ("Günter Łukasz", "gunter.lukasz@acme.test", "first.last"),
        ("Bianca Jacobi Jäckel", "biancajacobijackel@acme.test", "firstlast"),
        ("Ayla da Paz", "ayla.paz@acme.test", "first.last"),
    ],
)
def test_patterns_of(name: str, address: str, pattern: str) -> None:
    assert pattern in patterns_of(name, address)


def test_no_pattern_for_an_unrelated_address() -> None:
    assert patterns_of("Jane Doe", "sales@acme.test") == set()


SEEN = [("Ann Lee", "ann.lee@acme.test"), ("Bob Ray", "bob.ray@acme.test")]


def test_two_witnesses_make_an_inference() -> None:
    inferred = infer_email("Jane Doe", "acme.test", SEEN)
    assert inferred is not None
    assert inferred.address == "jane.doe@acme.test"
    assert inferred.pattern == "first.last"
    assert inferred.evidence == ("ann.lee@acme.test", "bob.ray@acme.test")
    assert 0 < inferred.confidence < 0.6
    assert inferred.marker() == {"pattern": "first.last", "evidence": list(inferred.evidence)}


@pytest.mark.parametrize(
    "seen",
    [
        SEEN[:1],  # one witness is not a pattern
        [*SEEN, ("Cy Dow", "cdow@acme.test")],  # a contradicting address
        [("Ann Lee", "ann.lee@acme.test"), ("Bob Ray", "bray@acme.test")],  # two patterns
        [("Ann Lee", "ann.lee@other.test"), ("Bob Ray", "bob.ray@other.test")],  # elsewhere
        [("Ann Lee", "hello@acme.test"), ("Bob Ray", "jobs@acme.test")],  # shared mailboxes
        [*SEEN, ("Jane Doe", "jd@acme.test")],  # her own address is published
        [("Jane Doe", "jane.doe@acme.test"), ("Ann Lee", "ann.lee@acme.test")],  # she is no witness
    ],
)
def test_no_inference_without_two_consistent_other_witnesses(seen: list[tuple[str, str]]) -> None:
    assert infer_email("Jane Doe", "acme.test", seen) is None


def test_an_ambiguous_name_is_not_guessed() -> None:
    # "Maria Fernanda Sá": a middle name or a double first name? The pattern cannot say.
    assert infer_email("Maria Fernanda Sá", "acme.test", SEEN) is None


def test_domain_pattern() -> None:
    assert domain_pattern("acme.test", SEEN) == (
        "first.last",
        ("ann.lee@acme.test", "bob.ray@acme.test"),
    )
    assert domain_pattern("www.acme.test", [*SEEN, ("Cy Dow", "cy@acme.test")]) is None


def test_verify_inference() -> None:
    marker = {"pattern": "first.last", "evidence": ["ann.lee@acme.test", "bob.ray@acme.test"]}
    published = {"ann.lee@acme.test", "bob.ray@acme.test"}
    assert verify_inference("Jane Doe", "jane.doe@acme.test", marker, published)
    assert not verify_inference("Jane Doe", "jdoe@acme.test", marker, published)
    assert not verify_inference("Jane Doe", "jane.doe@acme.test", marker, {"ann.lee@acme.test"})
    assert not verify_inference("Jane Doe", "jane.doe@acme.test", None, published)
    assert INFERRED_FIELD == "person_email_inferred"


@pytest.mark.parametrize("seed", SEEDS)
def test_inferred_addresses_on_the_sandbox_are_right_or_absent(seed: int) -> None:
    """From the addresses each company's pages publish, infer the unpublished ones."""
    extracted = extract_web(seed)
    right = wrong = 0
    for company in extracted.truth["companies"]:
        pages = extracted.own_pages(company)
        seen = [(e.owner, e.address) for page in pages for e in page.emails if e.owner]
        for person in company["people"]:
            if person["email_published"] != "none":
                continue
            inferred = infer_email(person["full_name"], company["primary_domain"], seen)
            if inferred is not None:
                right += inferred.address == person["email"]
                wrong += inferred.address != person["email"]
    assert wrong == 0
    assert right >= 20
