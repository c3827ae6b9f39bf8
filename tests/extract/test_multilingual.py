"""Reading ordinary pages in several languages: names, titles, former staff, emails, facts."""

from __future__ import annotations

import pytest

from research.extract import extract_page
from research.extract.lexicon import is_shared_inbox, looks_like_title
from research.extract.quantities import founded_year, read_counts
from research.extract.records import spells_name
from research.roles import normalize_title


def page(body: str, *, url: str = "https://www.example-firm.de/team", head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def people(body: str, **kwargs: str) -> dict[str, tuple[str | None, bool, str | None]]:
    url = kwargs.pop("url", "https://www.example-firm.de/team")
    facts = extract_page(url, page(body, **kwargs))
    return {p.full_name: (p.title, p.current, p.email) for p in facts.people}


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Directeur technique", "cto"),
        ("Technischer Leiter", "cto"),
        ("Directora de tecnología", "cto"),
        ("Consejera delegada", "ceo"),
        ("VD", "ceo"),
        ("Directrice financière", "cfo"),
        ("Vertriebsleiter", "head_of_sales"),
    ],
)
def test_titles_in_other_languages_name_the_same_roles(title: str, role: str) -> None:
    normalized = normalize_title(title)
    assert normalized is not None and normalized.column_prefix == role


@pytest.mark.parametrize(
    "text", ["Geschäftsführerin", "Cheffe de projet", "Lönekonsult", "Praxisinhaberin"]
)
def test_titles_are_recognized_in_their_own_words(text: str) -> None:
    assert looks_like_title(text)


@pytest.mark.parametrize("text", ["Öffnungszeiten", "Our story", "Kontakt", "Contact us"])
def test_headings_are_not_titles(text: str) -> None:
    assert not looks_like_title(text)


def test_cards_tables_and_title_first_directories() -> None:
    found = people(
        "<h2>Team</h2>"
        "<div><h3>Dr. Anna Vogt</h3><p>Geschäftsführerin</p></div>"
        "<div><h3>Jonas Brandt</h3><p>Projektleiter</p></div>"
        "<table><tr><td>Buchhaltung</td><td>Petra Lang</td>"
        "<td>p.lang@example-firm.de</td></tr></table>"
        "<p><strong>Vertrieb</strong><br>Tim Roth<br>vertrieb@example-firm.de</p>"
    )
    assert found["Anna Vogt"][0] == "Geschäftsführerin"
    assert found["Jonas Brandt"][0] == "Projektleiter"
    assert found["Petra Lang"] == ("Buchhaltung", True, "p.lang@example-firm.de")
    # A shared inbox beside a person is never their address.
    assert "Tim Roth" not in found or found["Tim Roth"][2] is None


def test_group_headings_give_everyone_under_them_a_title() -> None:
    found = people(
        "<h2>Associés</h2><p>Maître Jean Dupont<br>Maître Claire Martin</p>"
        "<h2>Collaborateurs</h2><ul><li>Hugo Bernard</li></ul>",
        url="https://www.dupont-martin-avocats.fr/equipe",
    )
    assert found["Jean Dupont"][0] == "Associé"
    assert found["Claire Martin"][0] == "Associé"
    assert found["Hugo Bernard"][0] == "Collaborateur"


@pytest.mark.parametrize(
    ("sentence", "name", "title", "current"),
    [
        ("Andrés Soler es nuestro consejero delegado.", "Andrés Soler", "Consejero delegado", True),
        ("Unser ehemaliger Vertriebsleiter Thomas Krüger ist im Ruhestand.", "Thomas Krüger",
         "Vertriebsleiter", False),
        ("Kelvo nomme Antoine Mercier au poste de directeur technique.", "Antoine Mercier",
         "Directeur technique", True),
        ("Anders Berg är VD.", "Anders Berg", "VD", True),
        ("You will report to Anna Kowalski, our VP of Engineering.", "Anna Kowalski",
         "VP of Engineering", True),
    ],
)  # fmt: skip
def test_sentences_tie_names_to_titles(sentence: str, name: str, title: str, current: bool) -> None:
    found = people(f"<p>{sentence}</p>", url="https://www.kelvo.fr/presse")
    assert found[name][:2] == (title, current)


def test_a_successor_ends_the_predecessors_role_unless_they_stay() -> None:
    found = people(
        "<p>Acme has named Maria Gonzalez its Chief Financial Officer. Gonzalez succeeds "
        "Peter Lang, who is stepping down.</p>"
        "<p>Albright replaces co-founder Nina Petrov, who will remain with the company as "
        "Chief Scientist.</p>",
        url="https://acme-example.com/news",
    )
    assert found["Peter Lang"][1] is False
    assert found["Nina Petrov"][1] is True


def test_alumni_and_year_spans_are_former() -> None:
    found = people(
        "<h2>Team</h2><ul><li><b>Ana Ruiz</b> — Partner</li>"
        "<li><b>Bo Lind</b> — Principal</li></ul>"
        "<h2>Alumni</h2><ul><li><b>Eva Stone</b> — Partner</li></ul>"
        "<p><b>Tom Field</b><br>Founding Engineer (2019–2022)</p>",
        url="https://ridge-example.vc/people",
    )
    assert found["Ana Ruiz"][1] is True
    assert found["Eva Stone"][1] is False
    assert found["Tom Field"][1] is False


def test_testimonials_and_customers_are_not_staff() -> None:
    found = people(
        "<h2>What our clients say</h2><p>“Great work.” — Jennifer Walsh, Homeowner</p>"
        "<div><p>“They cut our costs in half.”</p><p><strong>Karen Holt</strong></p>"
        "<p>VP Finance, Summit Foods</p></div>"
        "<h2>Meet the owner</h2><p>Hi, I'm Carlos Ruiz, owner of Greenleaf.</p>",
        url="https://greenleaf-example.com/",
    )
    assert set(found) == {"Carlos Ruiz"}


def test_an_email_belongs_to_a_person_only_when_it_spells_their_name() -> None:
    assert spells_name("g.pollard@hillcrest.co.uk", "Graham Pollard")
    assert spells_name("jlherrero@colegio.es", "José Luis Herrero")
    assert spells_name("deboer@notaris.nl", "Hans de Boer")
    assert not spells_name("paula.simmons@trust.org", "Ben Adeyemi")
    assert is_shared_inbox("buchhaltung@example.de") and is_shared_inbox("citas@clinica.es")


@pytest.mark.parametrize(
    ("html", "name"),
    [
        ("<title>About Us</title><footer>Copyright 2013 BetterBuilders LLC</footer>",
         "BetterBuilders"),
        ("<title>Contact Us | Summit Roofing</title><p>Map data ©2024 Google</p>",
         "Summit Roofing"),
        ("<title>Team – Atelier Duval</title><footer>© 2024 Atelier Duval SARL – Mentions "
         "légales</footer>", "Atelier Duval"),
        ("<title>Impressum</title><p>Müller &amp; Söhne GmbH<br>Industriestraße 12</p>",
         "Müller & Söhne"),
    ],
)  # fmt: skip
def test_the_company_name_agrees_with_the_domain(html: str, name: str) -> None:
    domain = {
        "BetterBuilders": "https://betterbuilders.com/about",
        "Summit Roofing": "https://summitroofing.com/contact",
        "Atelier Duval": "https://atelier-duval.fr/equipe",
        "Müller & Söhne": "https://mueller-soehne.de/impressum",
    }[name]
    assert extract_page(domain, f"<html><body>{html}</body></html>").company.name == name


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Our engineering team of 15 ships every day.", "en", {"engineers": 15}),
        ("We now employ twenty-eight people.", "en", {"employees": 28}),
        ("Heute beschäftigen wir rund 85 Mitarbeiter, davon 20 Ingenieure, an drei Standorten.",
         "de", {"employees": 85, "engineers": 20, "locations": 3}),
        ("La société emploie 64 personnes, dont 22 ingénieurs.", "fr",
         {"employees": 64, "engineers": 22}),
        ("Somos 28 personas y damos servicio a 60 clientes.", "es",
         {"employees": 28, "customers": 60}),
        ("We're hiring 3 engineers.", "en", {}),
        ("Team size: 11–50 employees", "en", {}),
    ],
)  # fmt: skip
def test_counts_are_bound_to_what_they_count(
    text: str, lang: str, expected: dict[str, int]
) -> None:
    assert read_counts([text], lang) == expected


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Die Nordlicht Energie GmbH wurde 2012 in Hamburg gegründet.", 2012),
        ("Fondé en 2008, le cabinet accompagne les PME.", 2008),
        ("Family-owned since 2006.", 2006),
        ("With 16 employees, we've come a long way since 2019.", None),
    ],
)
def test_founding_years_in_several_languages(text: str, year: int | None) -> None:
    assert founded_year([text]) == year
