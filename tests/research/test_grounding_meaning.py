"""Grounding checks meaning: adversarial co-occurrences never ground a value.

Each case pairs a value with a page that prints it, or something that looks like it, without
stating it about the page's subject; its twin states it, in ordinary phrasing and languages.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from research.grounding import ground, hq_countries, is_grounded
from research.model import Candidate, CompanyFacts, PersonFacts, Source, SourceKind

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("IT", "We provide IT services to small businesses."),
        ("FR", "Most of our customers are in France.\nHQ: Berlin"),
        ("FR", "Headquartered in Berlin, we serve customers in France and Spain."),
        ("US", "We opened a sales office in the US last year."),
        ("DE", "Our team speaks English, French and German."),
        ("ES", "Based in Lisbon. Expanding to Spain in 2026."),
        ("NL", "Trusted by 200 companies across the Netherlands, Belgium and Luxembourg."),
        ("CH", "Swiss-quality engineering, made in Austria.\nSitz: Wien"),
        ("GB", "Our UK partners resell the product."),
        ("IN", "Log in to your account"),
        ("AT", "Meet us AT the conference in Vienna."),
        ("FR", "Fiches de paie conformes au droit français."),
        ("DE", "Wir liefern nach Deutschland und Österreich."),
    ],
)
def test_a_country_mentioned_is_not_an_hq(code: str, text: str) -> None:
    assert not is_grounded(code, text, field="hq_country")


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("FR", "Headquartered in Paris, France."),
        ("GB", "HQ: London, UK"),
        ("DE", "Our headquarters are in Munich, Germany; we sell across Europe."),
        ("NL", "We are based in the Netherlands."),
        ("DE", "Sitz der Gesellschaft: Berlin, Deutschland"),
        ("FR", "Siège social : 12 rue de Rivoli, 75001 Paris, France"),
        ("ES", "Con sede en Madrid, España."),
        ("NL", "Wij zijn gevestigd in Utrecht, Nederland."),
        ("IT", "Sede: Milano, IT"),
        ("FR", "Acme SAS\n12 rue de Rivoli\n75001 Paris\nFrance"),
        ("US", "Address: 500 Market St, San Francisco, CA 94105, USA"),
        ("SE", "Land: Sverige"),
    ],
)
def test_an_hq_or_address_statement_grounds_its_country(code: str, text: str) -> None:
    assert is_grounded(code, text, field="hq_country")
    assert code in hq_countries(text)


@pytest.mark.parametrize(
    ("year", "text"),
    [
        (2019, "© 2019 Acme GmbH. All rights reserved."),
        (2019, "Copyright 2019–2026 Acme"),
        (2019, "In 2019 we moved to a bigger office."),
        (2019, "Our Series A closed in March 2019."),
        (2019, "Founded in 2012. In 2019 we opened Lyon."),
        (2019, "Jane joined in 2019 as our first engineer."),
        (2019, "Last updated 2019-05-01"),
    ],
)
def test_a_year_printed_is_not_a_founding(year: int, text: str) -> None:
    assert not is_grounded(year, text, field="founded_year")


@pytest.mark.parametrize(
    ("year", "text"),
    [
        (2019, "Founded in 2019."),
        (2019, "Acme was founded by two engineers in 2019."),
        (2019, "Founded: 2019"),
        (2012, "Gegründet 2012 in Hamburg."),
        (2005, "Fondée en 2005, Acme accompagne les PME."),
        (2010, "Fundada en 2010 en Sevilla."),
        (2006, "Family-owned since 2006."),
        (2015, "Opgericht in 2015."),
    ],
)
def test_a_founding_statement_grounds_its_year(year: int, text: str) -> None:
    assert is_grounded(year, text, field="founded_year")


@pytest.mark.parametrize(
    ("value", "text", "field"),
    [
        ("CTO", "Our CTOs' roundtable meets monthly.", "title"),
        ("AI", "Send us an EMAIL.", "industry"),
        ("acme.io", "Visit notacme.io for more.", "domain"),
        ("+33123456789", "Order ref 993312345678999", "phone"),
        (12, "Call 0123 456 789", None),
        ("Ann Lee", "Ann Leeds is our CEO.", None),
    ],
)
def test_a_short_token_is_never_grounded_by_part_of_a_word(
    value: object, text: str, field: str | None
) -> None:
    assert not is_grounded(value, text, field=field)


def _person(title: str, text: str) -> Candidate:
    url = "https://acme.test/team"
    candidate = Candidate(
        key="pe:acme.test:janedoe",
        company=CompanyFacts(name="Acme", domain="acme.test"),
        person=PersonFacts(full_name="Jane Doe", title=title),
        sources=[Source(kind=SourceKind.WEB, url=url, retrieved_at=NOW)],
    )
    return ground(candidate, {url: text})


@pytest.mark.parametrize(
    "text",
    [
        "Jane Doe leads our design team.\nJohn Roe, CTO, built the platform.",
        "Our CTO John Roe hired Jane Doe last spring.",
        "Jane Doe\nHead of Design\n\nJohn Roe\nCTO",
        "“Acme's CTO was a great partner.” — Jane Doe, customer",
    ],
)
def test_a_title_grounds_only_from_the_text_naming_that_person(text: str) -> None:
    grounded = _person("CTO", text)
    assert grounded.person is not None and grounded.person.title is None


def test_a_title_stated_with_the_person_is_kept() -> None:
    grounded = _person("CTO", "John Roe\nCEO\n\nJane Doe\nCTO\nBuilds the platform.")
    assert grounded.person is not None and grounded.person.title == "CTO"


def test_ground_drops_a_country_only_mentioned_and_keeps_the_hq() -> None:
    url = "https://acme.test/about"
    candidate = Candidate(
        key="co:acme.test",
        company=CompanyFacts(name="Acme", domain="acme.test"),
        fields={"hq_country": "FR", "founded_year": 2019},
        sources=[Source(kind=SourceKind.WEB, url=url, retrieved_at=NOW)],
    )
    mentioned = ground(candidate, {url: "Customers in France love Acme.\n© 2019 Acme"})
    assert mentioned.fields == {}
    stated = ground(candidate, {url: "Acme is based in Paris, France. Founded in 2019."})
    assert stated.fields == {"hq_country": "FR", "founded_year": 2019}
