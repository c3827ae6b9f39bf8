"""Pages as small sites write them: the company's name and its people among page furniture.

Each case is one way an ordinary site misleads a reader who only looks at capitals and
separators: a title that lists services and the town, a logo that is a sentence, a copyright
line with its years run together, a place or a department where a person would stand.
"""

from __future__ import annotations

import pytest

from research.extract import extract_page


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
