"""Addresses (plain and obfuscated), phone numbers and social links."""

from __future__ import annotations

import pytest

from research.extract.contacts import (
    find_emails,
    find_phones,
    is_role_mailbox,
    phone_e164,
    social_link,
)


@pytest.mark.parametrize(
    "written",
    [
        "jane.doe [at] acme [dot] test",
        "jane.doe[at]acme[dot]test",
        "jane.doe (at) acme (dot) test",
        "jane.doe {at} acme {dot} test",
        "jane.doe(at)acme.test",
        "jane.doe [at] acme.test",
        "jane.doe at acme dot test",
        "JANE.DOE AT ACME DOT TEST",
        "jane.doe @ acme . test",
        "jane.doe @acme.test",
    ],
)
def test_obfuscated_addresses_are_read(written: str) -> None:
    found = find_emails(f"Write to {written} · LinkedIn")
    assert [(e.address, e.obfuscated) for e in found] == [("jane.doe@acme.test", True)]


def test_plain_and_obfuscated_addresses_in_one_text() -> None:
    text = "Mail bob@acme.co.uk or ann [at] acme [dot] co [dot] uk."
    assert [(e.address, e.obfuscated) for e in find_emails(text)] == [
        ("bob@acme.co.uk", False),
        ("ann@acme.co.uk", True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Meet us at acme.test for the demo.",  # an invitation, not an address
        "We look at data dot science trends.",  # .science is a TLD, but this is prose
        "Reach us at acme dot com any time.",
        "Our office is at 5 Main St.",
        "version 2.0 at build dot 7",
        "user@localhost",
        "noreply@example",  # no registrable domain
    ],
)
def test_prose_is_not_an_address(text: str) -> None:
    assert find_emails(text) == []


def test_role_mailboxes() -> None:
    assert is_role_mailbox("hello@acme.test")
    assert is_role_mailbox("jobs+eng@acme.test")
    assert not is_role_mailbox("jane@acme.test")


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+1 415-555-0123", None, "+14155550123"),
        ("(415) 555-0123", "US", "+14155550123"),
        ("+44 20 7946 0123", None, "+442079460123"),
        ("020 7946 0123", "GB", "+442079460123"),
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("91 702 80 26", "ES", "+34917028026"),
        ("+49 30 1234567", None, "+49301234567"),
    ],
)
def test_phone_formats(raw: str, region: str | None, e164: str) -> None:
    assert phone_e164(raw, region) == e164
    assert find_phones(f"Call us: {raw}.", region) == [e164]


def test_dates_and_counts_are_not_phones() -> None:
    assert find_phones("Posted 15.12.2024 · 1,200 customers · since 2019", "AT") == []


def test_a_phone_needs_a_region_unless_international() -> None:
    assert find_phones("Phone: 91 702 80 26") == []
    assert phone_e164("12", "US") is None


@pytest.mark.parametrize(
    ("url", "network", "kind", "clean"),
    [
        (
            "https://www.linkedin.com/in/jane-doe-1a2b3c/?trk=x",
            "linkedin",
            "person",
            "https://www.linkedin.com/in/jane-doe-1a2b3c",
        ),
        (
            "https://linkedin.com/company/acme/",
            "linkedin",
            "company",
            "https://linkedin.com/company/acme",
        ),
        ("https://x.com/acme", "x", "profile", "https://x.com/acme"),
        ("https://twitter.com/acme#top", "x", "profile", "https://twitter.com/acme"),
        ("https://github.com/acme", "github", "profile", "https://github.com/acme"),
    ],
)
def test_social_links(url: str, network: str, kind: str, clean: str) -> None:
    link = social_link(url)
    assert link is not None
    assert (link.network, link.kind, link.url) == (network, kind, clean)


def test_other_links_are_not_social() -> None:
    assert social_link("https://acme.test/team") is None
    assert social_link("https://www.linkedin.com/feed/") is None
    assert social_link("https://x.com/") is None
