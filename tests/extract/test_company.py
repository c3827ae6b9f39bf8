"""Company facts: funding, headcount, headquarters, founding, stack, openings, identity."""

from __future__ import annotations

import pytest

from research.extract import CompanyClaims, FundingClaim, PageFacts, PageKind, extract_page
from research.extract.combine import combine_claims, latest_round
from research.extract.company import money, stage_of


def company(body: str, url: str = "http://acme.test/about", head: str = "") -> CompanyClaims:
    html = (
        f"<html><head><title>About Acme</title>{head}</head><body><main>{body}</main>"
        "<footer>© 2026 Acme. All rights reserved.</footer></body></html>"
    )
    return extract_page(url, html).company


FUNDING = [
    (
        "In June 2026 we raised a $9.5M Series A led by Kestrel Ventures.",
        FundingClaim(stage="series_a", amount_text="$9.5M", amount_usd=9_500_000, date="2026-06"),
    ),
    (
        "Series B (€40M) led by Granite Capital.",
        FundingClaim(stage="series_b", amount_text="€40M", amount_usd=43_200_000),
    ),
    (
        "We closed our £750K pre-seed round in 2024, led by Oakline.",
        FundingClaim(stage="pre_seed", amount_text="£750K", amount_usd=952_500),
    ),
    (
        "Acme raises SEK 1.4B in a growth round",
        FundingClaim(stage="growth", amount_text="SEK 1.4B", amount_usd=133_000_000),
    ),
    (
        "We went public in 2021, raising $300M in our IPO.",
        FundingClaim(stage="public", amount_text="$300M", amount_usd=300_000_000),
    ),
    ("Our seed round is closed.", FundingClaim(stage="seed")),
    (
        "Acme has raised €11M in its Series A, led by Polaris.",
        FundingClaim(stage="series_a", amount_text="€11M", amount_usd=11_880_000),
    ),
    (
        "2024-12-15 | Seed round | $3M | Brightline Capital",
        FundingClaim(stage="seed", amount_text="$3M", amount_usd=3_000_000, date="2024-12-15"),
    ),
    ("Acme has been a listed company since 2019.", FundingClaim(stage="public")),
]


@pytest.mark.parametrize(("sentence", "expected"), FUNDING)
def test_funding_phrasings(sentence: str, expected: FundingClaim) -> None:
    assert company(f"<p>{sentence}</p>").funding == [expected]


def test_no_round_without_a_stage_or_an_amount() -> None:
    assert company("<p>We are backed by Kestrel Ventures and Oakline Partners.</p>").funding == []
    assert company("<p>Series A startups love our product.</p>").funding == []


def test_a_post_dates_its_round() -> None:
    html = (
        "<html><head><title>News</title></head><body><article><h1>Acme raises €5M</h1>"
        '<p><time datetime="2025-03-02">March 2, 2025</time></p>'
        "<p>Acme has raised €5M in its seed round.</p></article></body></html>"
    )
    facts = extract_page("http://acme.test/blog/acme-raises-5m", html)
    assert facts.published == "2025-03-02"
    assert facts.company.funding[0].date == "2025-03-02"


def test_money_and_stages() -> None:
    assert money("raised $2.5M") == ("$2.5M", 2_500_000)
    assert money("CHF 12M round") == ("CHF 12M", 13_440_000)
    assert money("no money here") is None
    assert stage_of("our Series C") == "series_c"
    assert stage_of("a seed list of domains") is None


@pytest.mark.parametrize(
    ("sentence", "employees", "engineers"),
    [
        ("We are 85 people, 32 of them engineers.", 85, 32),
        ("Team size: 85", 85, None),
        ("1,200 employees", 1200, None),
        ("Today we're a team of 85, including 32 engineers.", 85, 32),
        ("Headcount: 85 (32 in engineering)", 85, 32),
        ("85 people work at Acme today.", 85, None),
        ("Join our 32-person engineering team.", None, 32),
        ("Our engineering team is 32 strong.", None, 32),
        ("We have an engineering team of 32.", None, 32),
        ("We have 20+ engineers and over 100 employees.", None, None),
        ("Team size: 11–50 employees", None, None),
        ("We're hiring 3 engineers.", None, None),
    ],
)
def test_headcount_phrasings(sentence: str, employees: int | None, engineers: int | None) -> None:
    claims = company(f"<p>{sentence}</p>")
    assert (claims.employees, claims.engineers) == (employees, engineers)


def test_a_dated_entry_is_not_todays_headcount() -> None:
    body = (
        "<ul><li><a href='/blog/x'>16 people and counting</a> "
        "<time datetime='2023-09-14'>14.09.2023</time></li></ul>"
    )
    assert company(body, url="http://acme.test/").employees is None


@pytest.mark.parametrize(
    ("sentence", "city", "country"),
    [
        ("Headquartered in Paris, France.", "Paris", "FR"),
        ("Based in The Hague.", "The Hague", None),
        ("HQ: Utrecht, NL Founded in 2018.", "Utrecht", "NL"),
        ("Our headquarters are in Malmö, Sweden.", "Malmö", "SE"),
        ("Acme is a Bilbao-based company.", "Bilbao", None),
        ("HQ: London, UK", "London", "GB"),
        ("Based in Germany.", None, "DE"),
    ],
)
def test_headquarters_phrasings(sentence: str, city: str | None, country: str | None) -> None:
    claims = company(f"<p>{sentence}</p>")
    assert (claims.hq_city, claims.hq_country) == (city, country)


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("Founded in 2019.", 2019),
        ("Est. 2019", 2019),
        ("Since 2019.", 2019),
        ("We started Acme in 2019.", 2019),
        ("Acme was founded by Jane Doe and John Smith in 2019.", 2019),
        ("With 16 employees, we've come a long way since 2019.", None),
        ("Acme has been a listed company since 2019.", None),
    ],
)
def test_founding_year(sentence: str, year: int | None) -> None:
    assert company(f"<p>{sentence}</p>").founded_year == year


def test_industry_only_where_the_company_is_in_it() -> None:
    assert company("<p>Acme is the martech company behind a CDP.</p>").industry == "martech"
    assert company("<p>Email automation for e-commerce brands.</p>").industry is None


def test_structured_organization() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "Organization", "name": "Acme Forge", "url": "http://acme.test/", '
        '"foundingDate": "2019", "address": {"@type": "PostalAddress", '
        '"addressLocality": "Lyon", "addressCountry": "FR"}, '
        '"numberOfEmployees": {"@type": "QuantitativeValue", "value": 85}, '
        '"sameAs": ["https://www.linkedin.com/company/acme-forge"]}</script>'
    )
    claims = company("<p>Hello.</p>", url="http://acme.test/", head=head)
    assert claims.name == "Acme Forge"
    assert (claims.hq_city, claims.hq_country, claims.founded_year) == ("Lyon", "FR", 2019)
    assert claims.employees == 85
    assert claims.linkedin == "https://www.linkedin.com/company/acme-forge"


def test_identity_contacts_stack_and_openings() -> None:
    body = (
        "<h1>Careers</h1><p>Tech we use every day: Go, Spring Boot, Kafka and BigQuery.</p>"
        "<h2>Open positions</h2><ul><li><a href='/careers/sre'>Site Reliability Engineer</a>"
        " — Remote (EU)</li><li>Talent Partner — Berlin</li><li>Mobile Engineer (iOS) — "
        "Berlin</li></ul><p><a href='tel:+493012345678'>+49 30 12345678</a> · "
        "<a href='https://www.linkedin.com/company/acme'>LinkedIn</a></p>"
    )
    claims = company(body, url="http://acme.test/careers")
    assert claims.name == "Acme"
    assert claims.domain == "acme.test"
    assert claims.tech_stack == ["Go", "Spring Boot", "Kafka", "BigQuery"]
    assert claims.open_roles == [
        "Site Reliability Engineer",
        "Talent Partner",
        "Mobile Engineer (iOS)",
    ]
    assert claims.phone == "+493012345678"
    assert claims.linkedin == "https://www.linkedin.com/company/acme"


def test_a_directory_profile_describes_the_company_it_links_to() -> None:
    html = (
        "<html><head><title>Acme — Dealbase</title></head><body><main><h1>Acme</h1>"
        "<table><tr><th>Website</th><td><a href='http://getacme.test/'>getacme.test</a></td></tr>"
        "<tr><th>Headquarters</th><td>Graz, Austria</td></tr>"
        "<tr><th>Employees</th><td>38</td></tr><tr><th>Stage</th><td>Series A</td></tr>"
        "</table></main><footer>© Dealbase</footer></body></html>"
    )
    facts = extract_page("http://dealbase.test/organization/acme", html)
    assert facts.kind == "directory"
    claims = facts.company
    assert (claims.name, claims.domain) == ("Acme", "getacme.test")
    assert (claims.hq_city, claims.hq_country, claims.employees) == ("Graz", "AT", 38)
    assert latest_round(claims.funding) == FundingClaim(stage="series_a")


def page_facts(kind: PageKind, published: str | None, **company: object) -> PageFacts:
    return PageFacts(
        url=f"http://acme.test/{kind}/{published}",
        kind=kind,
        text="",
        published=published,
        company=CompanyClaims.model_validate(company),
    )


def test_combined_facts_prefer_what_holds_now() -> None:
    pages = [
        page_facts("press", "2023-09-14", employees=16),
        page_facts("about", None, employees=38, hq_city="Graz"),
        page_facts("press", "2026-06-08", funding=[FundingClaim(stage="series_a")]),
        page_facts("press", "2024-12-15", funding=[FundingClaim(stage="seed")]),
    ]
    combined = combine_claims(pages)
    assert (combined.employees, combined.hq_city) == (38, "Graz")
    assert latest_round(combined.funding) == FundingClaim(stage="series_a")
    older = combine_claims([pages[0], page_facts("press", "2021-01-01", employees=9)])
    assert older.employees == 16  # the newest dated statement
