"""Whole pages: visible text, links, page kinds, dates, emails; and registrable domains."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from research.domains import domain_of, registrable_domain, same_site
from research.extract import extract_page

PAGE = """<!DOCTYPE html><html><head><title>Leadership | Acme Forge</title>
<meta charset="utf-8"><style>.x{color:red}</style><script>var hidden = "secret";</script>
<link rel="canonical" href="http://acmeforge.test/company/leadership"></head>
<body><nav><a href="/">Acme Forge</a><a href="/about">About</a></nav>
<h1>Leadership</h1>
<table><tr><th>Name</th><th>Role</th></tr><tr><td>Jane Doe</td><td>CTO</td></tr></table>
<ul><li>First item</li><li>Second <b>item</b></li></ul>
<p>Reach Jane at <a href="mailto:jane@acmeforge.test">Email</a> or
<a href="https://www.linkedin.com/in/jane-doe">LinkedIn</a>.</p>
<noscript>Enable JavaScript</noscript>
<p><a href="http://startupwire.test/story">Press</a> <a href="careers#open">Jobs</a>
<a href="http://acmeforge.test/about">About again</a></p>
<footer><p>© 2026 Acme Forge. All rights reserved.</p></footer></body></html>"""


def test_visible_text_keeps_what_a_reader_sees() -> None:
    facts = extract_page("http://acmeforge.test/company/leadership", PAGE)
    lines = facts.text.splitlines()
    assert "Leadership" in lines
    assert "Jane Doe | CTO" in lines  # table cells, one row per line
    assert "First item" in lines and "Second item" in lines
    assert "Acme Forge About" in lines  # adjacent links read apart
    assert "© 2026 Acme Forge. All rights reserved." in lines
    # Link targets a reader can follow are written out, so they can be grounded.
    assert "Email (jane@acmeforge.test)" in facts.text
    assert "LinkedIn (https://www.linkedin.com/in/jane-doe)" in facts.text
    assert "secret" not in facts.text and "color" not in facts.text
    assert "Enable JavaScript" not in facts.text


def test_links_are_absolute_in_page_order() -> None:
    facts = extract_page("http://acmeforge.test/company/leadership", PAGE)
    assert facts.links == [
        "http://acmeforge.test/",
        "http://acmeforge.test/about",
        "https://www.linkedin.com/in/jane-doe",
        "http://startupwire.test/story",
        "http://acmeforge.test/company/careers",
    ]
    assert facts.external_domains == ["linkedin.com", "startupwire.test"]
    assert facts.title == "Leadership | Acme Forge"
    assert facts.company.name == "Acme Forge"
    # "Reach Jane at Email": the sentence gives Jane Doe the address, which spells her name.
    assert [(e.address, e.owner) for e in facts.emails] == [("jane@acmeforge.test", "Jane Doe")]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://acme.test/", "home"),
        ("http://acme.test/about-us", "about"),
        ("http://acme.test/company", "about"),
        ("http://acme.test/about-us/team", "team"),
        ("http://acme.test/people.html", "team"),
        ("http://acme.test/company/leadership", "team"),
        ("http://acme.test/careers", "careers"),
        ("http://acme.test/join-us.html", "careers"),
        ("http://acme.test/careers/openings/data-engineer", "job"),
        ("http://acme.test/jobs/data-engineer.html", "job"),
        ("http://acme.test/press/acme-raises-5m.html", "press"),
        ("http://dealbase.test/organization/acme", "directory"),
        ("http://acme.test/about-us/contact", "other"),
    ],
)
def test_kind_from_url(url: str, kind: str) -> None:
    html = "<html><head><title>Acme</title></head><body><p>Hello</p></body></html>"
    assert extract_page(url, html).kind == kind


def article(headline: str, site: str) -> str:
    return (
        f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>"
        '<p><time datetime="2024-05-25">May 25, 2024</time></p><p>Body.</p></article>'
        f"<footer>© {site}</footer></body></html>"
    )


def test_a_story_is_press_when_the_site_tells_it_about_itself() -> None:
    own = extract_page("http://acme.test/blog/acme-hires", article("Acme hires a CTO", "Acme"))
    wire = extract_page(
        "http://startupwire.test/2024/05/25/acme-hires", article("Acme hires a CTO", "StartupWire")
    )
    ours = extract_page("http://acme.test/2024/05/25/x", article("We raised $5M", "Acme"))
    assert (own.kind, wire.kind, ours.kind) == ("press", "news", "press")
    assert own.published == wire.published == "2024-05-25"


def test_a_publication_date_after_the_fetch_is_ignored() -> None:
    fetched = datetime(2024, 1, 1, tzinfo=UTC)
    facts = extract_page("http://acme.test/blog/x", article("Hi", "Acme"), fetched_at=fetched)
    assert facts.published is None


def test_broken_and_empty_markup() -> None:
    assert extract_page("http://acme.test/", "").text == ""
    facts = extract_page("http://acme.test/", "<p>Unclosed <b>bold<div>text")
    assert "Unclosed bold" in facts.text
    assert extract_page("http://acme.test/", '<?xml version="1.0"?><html><p>x</p></html>').text


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("http://www.acme.test/x", "acme.test"),
        ("acme.test", "acme.test"),
        ("https://news.bbc.co.uk/a", "bbc.co.uk"),
        ("HTTP://Foo.Example:80/", "foo.example"),
        ("http://127.0.0.1:9000/", None),
        ("localhost", None),
        ("", None),
    ],
)
def test_registrable_domain(value: str, domain: str | None) -> None:
    assert registrable_domain(value) == domain


def test_same_site() -> None:
    assert same_site("http://blog.acme.test/post", "https://acme.test/")
    assert not same_site("http://acme.test/", "http://acme-forge.test/")
    assert not same_site("localhost", "localhost")
    assert domain_of("https://www.linkedin.com/in/jane") == "linkedin.com"
