"""Pages as small sites write them: the company's name and its people among page furniture.

Each case is one way an ordinary site misleads a reader who only looks at capitals and
separators: a title that lists services and the town, a logo that is a sentence, a copyright
line with its years run together, a place or a department where a person would stand.
"""

from __future__ import annotations

import pytest

from research.extract import extract_page
from research.extract.names import is_person_name


def page(title: str, body: str, head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def company_of(url: str, html: str) -> str | None:
    return extract_page(url, html).company.name


# -- the company's name ---------------------------------------------------------------------


def test_the_name_that_spells_the_domain_beats_a_title_of_services() -> None:
    html = page(
        "Self Storage Units | Climate Controlled Storage | Lakeside County",
        "<h2>Storage made simple</h2>"
        "<p>Welcome to Harbor View Storage Depot, family run since 1998.</p>",
    )
    assert company_of("http://www.harborviewstoragedepot.test/", html) == (
        "Harbor View Storage Depot"
    )


def test_a_shortening_in_the_logo_gives_way_to_the_full_name() -> None:
    html = page(
        "Contact",
        "<div id='logo'><img src='/logo.png' alt='HVB'></div>"
        "<h1>HVB Bouwmaterialen - Tegels en sanitair</h1><p>Bel ons gerust.</p>",
    )
    assert company_of("http://www.hvbbouwmaterialen.test/contact", html) == "HVB Bouwmaterialen"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Marlow Mattress Outlet | Fresno, CA", "Marlow Mattress Outlet"),
        ("Town of Eastbrook, Vermont - Town Clerk", "Town of Eastbrook"),
    ],
)
def test_where_the_company_is_is_not_its_name(title: str, name: str) -> None:
    assert company_of("", page(title, "<p>Open Monday to Saturday.</p>")) == name


def test_years_run_together_after_the_copyright_holder() -> None:
    html = page(
        "Braces and Invisalign for All Ages",
        "<p>Book a free consultation.</p><footer>Copyright Wendell Orthodontics 20162011</footer>",
    )
    assert company_of("", html) == "Wendell Orthodontics"


def test_a_name_printed_as_its_web_address() -> None:
    html = page("Reviews « Brightlakehomes.com", "<h1>Reviews</h1><p>What owners say.</p>")
    assert company_of("http://www.brightlakehomes.test/reviews", html) == "Brightlakehomes"


def test_a_logo_that_is_a_sentence_or_a_web_agency_credit() -> None:
    member = page(
        "Verhoef Optiek Zwolle",
        "<div class='logo'><img src='l.png' alt='Verhoef Optiek is lid van de NOVB'></div>"
        "<p>Brillen en contactlenzen.</p>",
    )
    assert company_of("http://www.verhoefoptiek.test/", member) == "Verhoef Optiek"
    credited = page(
        "contact hot stone massage",
        "<h1>Contact</h1><p>Zonnehoek Massage, Dorpsstraat 4.</p>"
        "<div class='footer-logo'><img src='dtg.png' alt='Site Powered by Webfabriek'></div>",
    )
    assert company_of("http://www.zonnehoekmassage.test/contact", credited) == ("Zonnehoek Massage")


def test_structured_data_naming_the_site_by_its_address() -> None:
    data = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "Organization", "name": "http://www.fennick.test/"}</script>'
        '<meta property="og:site_name" content="Fennick">'
    )
    html = page("Project boards for small teams | Fennick", "<p>Plan your week.</p>", data)
    assert company_of("http://www.fennick.test/", html) == "Fennick"


# -- people ---------------------------------------------------------------------------------


def people_of(url: str, html: str) -> dict[str, str | None]:
    return {p.full_name: p.title for p in extract_page(url, html).people}


@pytest.mark.parametrize(
    "line",
    [
        "<h2>Accounts Receivable — Key Contacts</h2>",
        "<h2>Other Contact: Focused Giving Program</h2>",
        "<p>Executive Master in Retail Management (EMRM), Part Time, German</p>",
    ],
)
def test_headings_of_everyday_words_are_nobody(line: str) -> None:
    html = page("Contact Us | Northgate College", f"{line}<p>Call 555-0100.</p>")
    assert people_of("http://www.northgatecollege.test/contact", html) == {}


@pytest.mark.parametrize(
    ("text", "is_name"),
    [
        ("Stress Management", False),
        ("Accounts Payable", False),
        ("Featured Vacancies", False),
        ("Online Booking", False),
        ("Kent Kitchen Fitters Ashdown", False),  # a trade and a town around a surname
        ("Laguna Beach", False),
        ("Coral Gables", False),
        # Everyday words that are given or family names too.
        ("Robert Harbor", True),
        ("Holly Baker", True),
        ("Bill Stone", True),
        ("Mark Rich", True),
        ("Daisy Field", True),
    ],
)
def test_everyday_words_and_towns_make_no_name(text: str, is_name: bool) -> None:
    assert is_person_name(text) is is_name


def test_a_role_at_another_organization_is_not_on_this_team() -> None:
    html = page(
        "Compare Master Programs | MBA Finder",
        "<p>Your contact: Lena Hartwig is Senior Associate Director of Admissions at Rhine "
        "Business School in Cologne.</p>"
        "<p>Tomas Berg is responsible for Marketing and Outreach at the Nordic School of "
        "Logistics.</p>"
        "<p>Clara Moss is our Head of Editorial and writes every guide.</p>",
    )
    assert set(people_of("http://www.mbafinder.test/", html)) == {"Clara Moss"}


def test_a_role_at_the_page_s_own_company_stays() -> None:
    html = page(
        "About | Fernhill Bakery",
        "<p>Owen Price is head baker at Fernhill Bakery and has been since 2011.</p>",
    )
    assert "Owen Price" in people_of("http://www.fernhillbakery.test/about", html)


def test_a_person_s_name_inside_a_group_s_name_is_the_group() -> None:
    html = page(
        "About Us | Harlow Upholstery Supplies",
        "<p>Harlow Upholstery Supplies is a member of the international ‘Marta Lindqvist "
        "Group’, headquartered in Sweden.</p>",
    )
    assert people_of("http://www.harlowupholstery.test/about", html) == {}


def test_a_practice_named_after_its_owner_names_the_owner_too() -> None:
    html = page(
        "Dana Whitcombe | Physiotherapist Bristol",
        "<h1>Dana Whitcombe</h1><p>Dana Whitcombe is a chartered physiotherapist offering "
        "sports and back care in two clinics.</p><footer>© 2024 Dana Whitcombe</footer>",
    )
    facts = extract_page("http://www.danawhitcombe.test/", html)
    assert facts.company.name == "Dana Whitcombe"
    assert [(p.full_name, p.title) for p in facts.people] == [
        ("Dana Whitcombe", "Chartered physiotherapist")
    ]


# -- emails ---------------------------------------------------------------------------------


def emails_of(url: str, html: str) -> dict[str, str | None]:
    return {p.full_name: p.email for p in extract_page(url, html).people}


def test_an_address_printed_apart_from_the_person_it_spells() -> None:
    html = page(
        "Contact | Ashdown Roofing",
        "<p>For a free quote please contact Martin Ashdown, Owner, today.</p>"
        "<p>Telephone: 01632 960123</p><p>Email: martin@ashdownroofing.test</p>"
        "<p>Office: info@ashdownroofing.test</p>",
    )
    assert emails_of("http://www.ashdownroofing.test/contact", html) == {
        "Martin Ashdown": "martin@ashdownroofing.test"
    }


def test_an_address_that_spells_two_people_belongs_to_neither() -> None:
    html = page(
        "Team | Ashdown Roofing",
        "<p>Write to ashdown@ashdownroofing.test any time.</p><h2>Who we are</h2>"
        "<p>Martin Ashdown, Owner</p><p>Martina Ashdown, Office Manager</p>",
    )
    assert emails_of("http://www.ashdownroofing.test/team", html) == {
        "Martin Ashdown": None,
        "Martina Ashdown": None,
    }


def test_a_family_firm_s_address_is_not_its_founder_s() -> None:
    html = page(
        "Contact | Harwood Family Dentistry",
        "<p>Dr. Ellen Harwood, Dentist, opened the practice in 1994.</p>"
        "<p>Telephone: 01632 960456</p><p>Email: harwood@harwooddentistry.test</p>",
    )
    assert emails_of("http://www.harwooddentistry.test/contact", html) == {"Ellen Harwood": None}
