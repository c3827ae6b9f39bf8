"""What a careful reader takes for a person on a real page: not menu links, not capitalized
phrases, only names that open with a given name or stand beside a real title."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from research.extract import extract_page
from research.extract.html import Document, is_navigation
from research.extract.lexicon import has_given_name

URL = "http://balise.test/about"


def names(body: str) -> set[str]:
    markup = f"<html><head><title>About | Balise</title></head><body>{body}</body></html>"
    return {p.full_name for p in extract_page(URL, markup).people}


def element(markup: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(markup)


@pytest.mark.parametrize(
    "markup",
    [
        "<nav><a href='/'>Home</a></nav>",
        "<div role='navigation'><a href='/'>Home</a></div>",
        "<ul class='main-menu'><li>Insurance Tips</li></ul>",
        "<ol id='breadcrumb'><li>Home</li><li>About</li></ol>",
        "<ul><li><a href='/a'>Insurance Tips</a></li><li><a href='/b'>Umbrella Policies</a></li>"
        "<li><a href='/c'>Personal Insurance</a></li></ul>",
        "<td><a href='/'>Home</a> | <a href='/r'>Rates</a> | <a href='/g'>Park Guidelines</a></td>",
    ],
)
def test_menus_breadcrumbs_and_link_bars_are_navigation(markup: str) -> None:
    assert is_navigation(element(markup))


@pytest.mark.parametrize(
    "markup",
    [
        # Two links are a card's links, not a menu.
        "<ul><li><a href='/jane'>Jane Doe</a></li><li><a href='/john'>John Smith</a></li></ul>",
        # Text beside the links: a roster, not a bar of links.
        "<ul><li><a href='/a'>Jane Doe</a>, CTO</li><li><a href='/b'>John Smith</a>, CEO</li>"
        "<li><a href='/c'>Ann Lee</a>, CFO</li></ul>",
        # Addresses are how to reach people, not where to go next.
        "<p><a href='mailto:a@x.test'>Ann</a> <a href='mailto:b@x.test'>Bo</a> "
        "<a href='mailto:c@x.test'>Cy</a></p>",
        # A long link is a story's headline.
        "<div><a href='/1'>Jane Doe joins Balise as our new chief financial officer today</a>"
        "<a href='/2'>B</a><a href='/3'>C</a></div>",
    ],
)
def test_rosters_and_contact_links_are_not_navigation(markup: str) -> None:
    assert not is_navigation(element(markup))


def test_content_lines_leave_navigation_out_but_grounding_keeps_it() -> None:
    doc = Document(
        URL,
        "<html><body><nav><a href='/'>Home</a> <a href='/t'>Image Library</a></nav>"
        "<p>Jane Doe, CTO</p></body></html>",
    )
    assert doc.content_lines == ["Jane Doe, CTO"]
    assert "Image Library" in doc.text


def test_menu_links_beside_menu_labels_are_nobody() -> None:
    menu = (
        "<table><tr><td><a href='/p'>Personal Insurance</a></td></tr>"
        "<tr><td><a href='/t'>Insurance Tips</a></td></tr>"
        "<tr><td><a href='/u'>Umbrella Policies</a></td></tr>"
        "<tr><td><a href='/i'>Image Library</a></td></tr></table>"
    )
    assert names(f"<div class='menu'>{menu}</div>") == set()
    assert names(f"<nav>{menu}</nav><p>Mike Balise, Owner</p>") == {"Mike Balise"}


@pytest.mark.parametrize("name", ["Mike Balise", "Dr. Jean-Luc Roy", "Annegret Zettler"])
def test_given_names_come_from_many_countries(name: str) -> None:
    assert has_given_name(name)


@pytest.mark.parametrize("phrase", ["Insurance Tips", "Whatcom County", "Accounts Receivable"])
def test_capitalized_phrases_open_with_no_given_name(phrase: str) -> None:
    assert not has_given_name(phrase)


def test_a_table_cell_beside_a_phrase_is_no_title() -> None:
    # "Virtual Offices | Office-Meeting Rooms": a cell is paired with a name only when the name
    # opens with a given name.
    rows = (
        "<table><tr><td>Virtual Offices</td><td>Office-Meeting Rooms</td>"
        "<td>U.S. Business Presence for Foreign Companies</td></tr></table>"
    )
    assert names(rows) == set()


def test_an_unknown_given_name_beside_a_real_title_is_a_person() -> None:
    # The structure vouches for the name: alone in its card, a job title alone beside it.
    cards = "<div><h3>Vikramaditya Anand</h3><p>Chief Financial Officer</p></div>"
    assert names(cards) == {"Vikramaditya Anand"}


def test_a_sentence_needs_a_given_name() -> None:
    text = "<p>With more than 16,700 staff members, Sayville Hospital cares for patients.</p>"
    assert names(text) == set()
    assert names("<p>Since 2004, Mike Balise is our general manager.</p>") == {"Mike Balise"}


def site(title: str, url: str, body: str = "") -> str | None:
    markup = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return extract_page(url, markup).company.name


@pytest.mark.parametrize(
    ("title", "url", "name"),
    [
        (
            "Contact Balise Collision Repair",
            "http://balisecollision.test/c",
            "Balise Collision Repair",
        ),
        ("About Florida Hospital", "http://floridahospitaljobs.test/", "Florida Hospital"),
        ("Darling Homes page", "http://darlinghomes.test/", "Darling Homes"),
        ("Tropical Web Works SM", "http://tropicalwebworks.test/", "Tropical Web Works"),
        # The domain spells the page word: it is part of the name.
        ("Home Depot", "http://homedepot.test/", "Home Depot"),
        ("About Town Tours", "http://abouttowntours.test/", "About Town Tours"),
    ],
)
def test_page_words_around_the_company_name(title: str, url: str, name: str) -> None:
    assert site(title, url) == name


def test_account_links_are_no_company_name() -> None:
    body = "<div class='logo'><a href='/logout'>Logout</a></div>"
    assert site("Chocolate Springs Cafe", "", body) == "Chocolate Springs Cafe"


def test_a_signature_under_a_quote_is_a_customer() -> None:
    quote = (
        "<p>AgileZen is the only tool that just works and lets me focus on my product.</p>"
        "<p>— James Avery, Founder</p>"
    )
    assert names(quote) == set()


@pytest.mark.parametrize(
    "row", ["Cherry Avenue Elementary School | KG - 05", "Lincoln Avenue | Principal"]
)
def test_institutions_and_streets_are_nobody(row: str) -> None:
    cells = "".join(f"<td>{cell}</td>" for cell in row.split(" | "))
    assert names(f"<table><tr>{cells}</tr></table>") == set()


def test_a_role_at_another_organization_is_not_staff_here() -> None:
    text = (
        "<p>Stephanie Kluth is Head of Admissions at the European School of Management.</p>"
        "<p>Mike Balise is General Manager at Balise Collision Repair.</p>"
    )
    assert names(text) == {"Mike Balise"}


@pytest.mark.parametrize(
    "row",
    [
        "Park Guidelines | Home",
        "Ace Braces | Portlaoise Road",
        "West Sayville | Cherry Avenue Elementary School",
    ],
)
def test_a_page_a_street_or_a_school_beside_a_name_is_no_title(row: str) -> None:
    cells = "".join(f"<td>{cell}</td>" for cell in row.split(" | "))
    assert names(f"<table><tr>{cells}</tr></table>") == set()


def test_a_title_may_end_on_an_institution_word() -> None:
    assert names("<div><h3>Mike Balise</h3><p>Head of School</p></div>") == {"Mike Balise"}
