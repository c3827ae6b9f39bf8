"""Roles a sentence gives by what someone does: leading the business or an area, taking over a
post, founding it, in each language, and the phrases that only look like it."""

from __future__ import annotations

import pytest

from research.extract.duties import duty_title
from research.extract.records import _title_after


def _duty(sentence: str, name: str, companies: tuple[str, ...] = ()) -> str | None:
    start = sentence.index(name)
    return duty_title(sentence, start, start + len(name), companies)


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        ("Seine Frau Marion Lindner führt den Hofladen.", "Marion Lindner", "Hofladen"),
        (
            "Die Produktion leitet Sven Ott, den Vertrieb verantwortet Jana Kruse.",
            "Jana Kruse",
            "Vertrieb",
        ),
        (
            "Seit 2018 leitet Dr. Anna Keller das Familienunternehmen.",
            "Anna Keller",
            None,
        ),
        (
            "Dr. Stefanie Kuhn übernimmt zum 1. Oktober 2024 den Vorsitz der Geschäftsführung.",
            "Stefanie Kuhn",
            "Vorsitz der Geschäftsführung",
        ),
        (
            "La gerencia está a cargo de Alicia Moreno desde 2015.",
            "Alicia Moreno",
            "gerencia",
        ),
        (
            "Le service export est dirigé aujourd'hui par sa fille, Claire Roux.",
            "Claire Roux",
            "service export",
        ),
        ("La maison est dirigée par Claire Roux.", "Claire Roux", None),
        ("The practice is run by Tom Hale.", "Tom Hale", None),
        ("Priya Nair leads our support team.", "Priya Nair", "support team"),
        ("De afdeling export wordt geleid door Jan de Vries.", "Jan de Vries", "Afdeling export"),
        ("The studio was started by Karin Ek.", "Karin Ek", "Founder"),
        ("Die Kanzlei wurde von Eva Brandt gegründet.", "Eva Brandt", None),
    ],
)
def test_a_verb_of_duty_gives_a_role(sentence: str, name: str, title: str | None) -> None:
    assert _duty(sentence, name) == title


def test_leading_the_business_prints_no_title_and_gives_none() -> None:
    sentence = "Anna Roth leitet Holzbau Eder seit 2009."
    assert _duty(sentence, "Anna Roth", ("Holzbau Eder",)) is None
    assert _duty("Anna Roth leitet den Betrieb.", "Anna Roth") is None


def test_every_title_is_printed_in_its_sentence() -> None:
    sentence = "Die Produktion leitet Sven Ott, den Vertrieb verantwortet Jana Kruse."
    title = _duty(sentence, "Jana Kruse")
    assert title is not None and title in sentence


def test_a_founding_in_the_history_names_no_one_on_the_staff() -> None:
    assert _duty("Fondée en 1954 par Henri Verdier, la maison …", "Henri Verdier") is None
    assert _duty("Transportes Ebro fue fundada en 1987 por Luis Gracia.", "Luis Gracia") is None


def test_a_clause_between_agent_and_name_breaks_the_tie() -> None:
    sentence = "The shop was founded by Ann Lee, who hired Mark Dunn."
    assert _duty(sentence, "Mark Dunn") is None


def test_a_fronted_object_is_not_a_title() -> None:
    assert _title_after(", den Vertrieb verantwortet Jana Kruse.") == (None, False)
