"""People with titles: every team layout, press and news phrasings, and what is not a person."""

from __future__ import annotations

import pytest

from research.extract import PersonClaim, extract_page
from research.extract.names import find_names, is_person_name

URL = "http://acme.test/team"


def page(body: str, *, title: str = "Team | Acme", head: str = "") -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        f"<nav><a href='/'>Acme</a> <a href='/about'>About</a></nav><main>{body}</main>"
        "<footer><p>© 2026 Acme. All rights reserved.</p></footer></body></html>"
    )


def people(body: str, url: str = URL, **kwargs: str) -> dict[str, PersonClaim]:
    facts = extract_page(url, page(body, **kwargs))
    return {p.full_name: p for p in facts.people}


LAYOUTS = {
    "cards": (
        '<div class="grid"><div class="card"><img alt="Jane Doe"><h3>Jane Doe</h3>'
        '<p class="role">VP of Engineering</p><a href="mailto:jane@acme.test">jane@acme.test</a>'
        '</div><div class="card"><h3>John Smith</h3><p>CTO</p>'
        '<a href="https://www.linkedin.com/in/john-smith">LinkedIn</a></div></div>'
    ),
    "figure": (
        "<section><figure><img src='a.jpg'><figcaption><strong>Jane Doe</strong><br>"
        "<span>VP of Engineering</span> <span>jane [at] acme [dot] test</span></figcaption>"
        "</figure><figure><figcaption><strong>John Smith</strong><br><span>CTO</span>"
        "</figcaption></figure></section>"
    ),
    "list": (
        "<ul><li><b>Jane Doe</b> &ndash; <span>VP of Engineering</span> "
        "<a href='mailto:jane@acme.test'>Email</a></li>"
        "<li><b>John Smith</b> &ndash; <span>CTO</span></li></ul>"
    ),
    "table": (
        "<table><tr><th>Name</th><th>Role</th><th>Contact</th></tr>"
        "<tr><td>Jane Doe</td><td>VP of Engineering</td><td>jane@acme.test</td></tr>"
        "<tr><td>John Smith</td><td>CTO</td><td></td></tr></table>"
    ),
    "definitions": (
        "<dl><div><dt>Jane Doe</dt><dd>VP of Engineering</dd><dd>jane@acme.test</dd></div>"
        "<div><dt>John Smith</dt><dd>CTO</dd></div></dl>"
    ),
    "prose": (
        "<p><strong>Jane Doe</strong> leads engineering as our VP of Engineering. "
        "<a href='mailto:jane@acme.test'>Email</a></p>"
        "<p>Our CTO, <strong>John Smith</strong>, joined in 2019.</p>"
    ),
    "plain prose": (
        "<p>Jane Doe leads engineering as our VP of Engineering. Write to jane@acme.test.</p>"
        "<p>As CTO, John Smith looks after technology.</p>"
    ),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_team_layouts(layout: str) -> None:
    found = people(LAYOUTS[layout])
    assert set(found) == {"Jane Doe", "John Smith"}
    assert found["Jane Doe"].title == "VP of Engineering"
    assert found["John Smith"].title == "CTO"
    assert found["Jane Doe"].email == "jane@acme.test"
    assert found["John Smith"].email is None  # Jane's address never leaks to John
    assert all(p.current for p in found.values())


def test_structured_data_people() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "Organization", "name": "Acme", "employee": [{"@type": "Person", '
        '"name": "Jane Doe", "jobTitle": "Head of Data", "email": "jane@acme.test", '
        '"sameAs": ["https://www.linkedin.com/in/jane-doe"]}]}</script>'
    )
    found = people("<p>Jane Doe</p>", head=head)
    assert found["Jane Doe"].title == "Head of Data"
    assert found["Jane Doe"].email == "jane@acme.test"
    assert found["Jane Doe"].linkedin == "https://www.linkedin.com/in/jane-doe"


def test_a_person_stated_only_in_structured_data() -> None:
    """Structured data is stated by the page too: kept, and carried in the grounding text."""
    head = (
        '<script type="application/ld+json">{"@type": "Person", "name": "Grace Hopper", '
        '"jobTitle": "CTO"}</script>'
    )
    facts = extract_page(URL, page("<p>Nobody named here.</p>", head=head))
    assert [(p.full_name, p.title) for p in facts.people] == [("Grace Hopper", "CTO")]
    assert "Person — name: Grace Hopper · jobTitle: CTO" in facts.text


JANE, JOHN = "Jane Doe", "John Smith"
PRESS = [
    ("Acme appoints Jane Doe as VP of Engineering.", JANE, "VP of Engineering", True),
    ("Acme has appointed Jane Doe as CFO.", JANE, "CFO", True),
    ("Jane Doe joins Acme Forge as Head of Growth.", JANE, "Head of Growth", True),
    ("Jane Doe has joined fintech company Acme as CTO.", JANE, "CTO", True),
    ("Welcome Jane Doe, our new Head of People", JANE, "Head of People", True),
    ("We're thrilled to welcome Jane Doe as our COO.", JANE, "COO", True),
    ("John Smith, our former CTO, has left Acme.", JOHN, "CTO", False),
    (
        "John Smith has stepped down as Chief Financial Officer.",
        JOHN,
        "Chief Financial Officer",
        False,
    ),
    ("Acme's VP Sales John Smith steps down", JOHN, "VP Sales", False),
    ("CTO John Smith departs Acme", JOHN, "CTO", False),
    ("John Smith, who served as CMO at Acme, has left.", JOHN, "CMO", False),
    ("Posted by Ana de la Cruz (Head of Data)", "Ana de la Cruz", "Head of Data", True),
    ("By Jan van der Berg, Co-founder & CEO", "Jan van der Berg", "Co-founder & CEO", True),
]


@pytest.mark.parametrize(("sentence", "name", "title", "current"), PRESS)
def test_press_and_news_phrasings(sentence: str, name: str, title: str, current: bool) -> None:
    found = people(f"<article><p>{sentence}</p></article>", url="http://news.test/2024/01/02/x")
    assert set(found) == {name}
    assert found[name].title == title
    assert found[name].current is current


def test_founders_in_prose_and_labels() -> None:
    found = people(
        "<p>Founded in 2019 by Jane Doe and John Smith, Acme builds tools.</p>"
        "<dl><dt>Founders</dt><dd>Ann Lee</dd></dl>"
    )
    assert found["Jane Doe"].title == "Co-founder"
    assert found["John Smith"].title == "Co-founder"
    assert found["Ann Lee"].title == "Founder"


@pytest.mark.parametrize(
    "body",
    [
        "<h2>Open Positions</h2><ul><li>Senior Backend Engineer — Berlin</li></ul>",
        "<h1>Introducing Smart Invoices</h1><p>Built for CFOs who need clarity.</p>",
        "<p>We're hiring: Finance Manager, Site Reliability Engineer and more.</p>",
        "<table><tr><td>Customer Success</td><td>Customer Success Manager</td></tr></table>",
        "<p>Kestrel Ventures led the round, with Saltmarsh Partners.</p>",
        "<p>Headquartered in San Francisco. Meet The Team.</p>",
        "<p>By Morgan Ellery</p>",  # a byline without a title says nothing about a job
    ],
)
def test_no_people_from_products_headings_or_openings(body: str) -> None:
    assert people(body) == {}


@pytest.mark.parametrize(
    ("text", "is_name"),
    [
        ("Jane Doe", True),
        ("James van de Darnau", True),
        ("Ayla da Paz", True),
        ("Mary-Jane O'Neil", True),
        ("Rick West-Francië, van", True),
        ("Head of Data", False),
        ("Kestrel Ventures", False),
        ("San Francisco", False),
        ("Latest news", False),
        ("Hybrid, Denver", False),
        ("Customer Success", False),
        ("CEO", False),
        ("Jane", False),
    ],
)
def test_is_person_name(text: str, is_name: bool) -> None:
    assert is_person_name(text) is is_name


def test_names_in_running_text() -> None:
    found = find_names("Welcome Kevin Nelson, then Dosestack's Ayla da Paz.")
    assert [n.text for n in found] == ["Kevin Nelson", "Ayla da Paz"]
