"""Title normalization: equivalence classes, strict non-matches, targets and prose mentions."""

from __future__ import annotations

import pytest

from research.roles import (
    SENIORITIES,
    NormalizedTitle,
    display_label,
    find_titles,
    normalize_title,
    normalize_titles,
    role_matches,
    role_target,
)


def _shape(title: str) -> tuple[str, str] | None:
    normalized = normalize_title(title)
    return (normalized.seniority, normalized.function) if normalized else None


EQUIVALENCE_CLASSES: list[tuple[tuple[str, str], list[str]]] = [
    (
        ("vp", "engineering"),
        [
            "VP Eng",
            "VP Engg",
            "Vice President of Engineering",
            "VP, Engineering",
            "VP Engineering",
            "SVP Engineering",
            "EVP, Engineering",
            "Vice-President Engineering",
            "VPs of Engineering",
            "VP Engineering at Spendesk",
            "former VP Eng",  # "former" is the extractor's business, not the normalizer's
        ],
    ),
    (("head", "growth"), ["Head of Growth", "Heads of Growth", "head of growth marketing"]),
    (("lead", "growth"), ["Growth Lead", "Growth Leader"]),
    (("c_level", "engineering"), ["CTO", "Chief Technology Officer", "CTOs", "Co-founder & CTO"]),
    (("head", "data"), ["Head of Data", "Heads of Data", "Head of Data Science", "Head of ML"]),
    (("director", "data"), ["Director of Data Science", "Data Science Director", "Dir. Analytics"]),
    (("head", "marketing"), ["Head of Marketing", "Head of Mktg", "Head of Product Marketing"]),
    (("c_level", "marketing"), ["CMO", "Chief Marketing Officer"]),
    (
        ("ic", "engineering"),
        ["Staff Engineer", "Senior Software Engineer", "Sr. Software Engineer", "Lead Engineer"],
    ),
    (("c_level", "executive"), ["Founder", "Co-founder & CEO", "Cofounder", "CEO", "President"]),
    (("manager", "engineering"), ["Engineering Manager", "EM", "Eng Manager"]),
    (("vp", "sales"), ["VP of Sales", "VP Sales", "VP BD", "VP Business Development"]),
    (("head", "operations"), ["Head of Ops", "Head of Operations", "Head of RevOps"]),
    (("head", "people"), ["Head of HR", "Head of People", "Head of Talent Acquisition"]),
    (("head", "marketing"), ["Head of DevRel", "Head of Developer Relations"]),
    (("head", "data"), ["Head of AI", "Head of Machine Learning"]),
    (("ic", "sales"), ["Account Executive", "AEs", "SDR"]),
    (("c_level", "security"), ["CISO", "Chief Information Security Officer"]),
    (("head", "engineering"), ["Head of Engineering", "Head of R&D", "Head of Tech"]),
    (("ic", "design"), ["Product Designer", "UX Designer"]),
]


@pytest.mark.parametrize(
    ("title", "expected"),
    [(title, shape) for shape, titles in EQUIVALENCE_CLASSES for title in titles],
)
def test_titles_normalize_to_their_class(title: str, expected: tuple[str, str]) -> None:
    assert _shape(title) == expected


@pytest.mark.parametrize(
    ("title", "canonical", "prefix"),
    [
        ("VP Eng", "VP of Engineering", "vp_eng"),
        ("Vice President of Engineering", "VP of Engineering", "vp_eng"),
        ("Head of Growth", "Head of Growth", "head_of_growth"),
        ("CTO", "Chief Technology Officer", "cto"),
        ("Chief Technology Officer", "Chief Technology Officer", "cto"),
        ("Heads of Data", "Head of Data", "head_of_data"),
        ("Head of Engineering", "Head of Engineering", "head_of_eng"),
        ("Director of Data Science", "Director of Data Science", "director_of_data_science"),
        ("ML engineers", "Machine Learning Engineer", "machine_learning_engineer"),
        ("Co-founder", "Co-founder", "cofounder"),
        ("Growth Lead", "Growth Lead", "growth_lead"),
        ("Engineering Manager", "Engineering Manager", "eng_manager"),
    ],
)
def test_canonical_title_and_column_prefix(title: str, canonical: str, prefix: str) -> None:
    normalized = normalize_title(title)
    assert normalized is not None
    assert (normalized.title, normalized.column_prefix) == (canonical, prefix)


@pytest.mark.parametrize(
    ("target", "found"),
    [
        ("VP Eng", "Vice President, Engineering"),
        ("VP Eng", "SVP Engineering & Operations"),
        ("VP Eng", "Head of Engineering"),
        ("Head of Growth", "Growth Lead"),
        ("Growth Lead", "Head of Growth"),
        ("Head of Data", "Director of Data Science"),
        ("CTO", "Co-founder & CTO"),
        ("CTO", "Chief Technology Officer"),
        ("CMO", "Chief Marketing Officer"),
        ("Head of Marketing", "Head of Sales & Marketing"),
        ("Founder", "Co-founder & CEO"),
        ("Staff Engineer", "Senior Software Engineer"),
        ("VP", "VP of Sales"),
    ],
)
def test_roles_that_match(target: str, found: str) -> None:
    assert role_matches(role_target(target), found)


@pytest.mark.parametrize(
    ("target", "found"),
    [
        ("VP Eng", "VP of Sales"),
        ("VP Eng", "Engineering Manager"),
        ("VP Eng", "Director of Engineering"),
        ("VP Eng", "Senior Software Engineer"),
        ("VP Eng", "CTO"),
        ("CTO", "Co-founder"),
        ("CTO", "Chief Information Officer"),
        ("Head of Growth", "Head of Sales"),
        ("Head of Data", "Data Engineer"),
        ("Head of Marketing", "Marketing Manager"),
        ("Head of Growth", "Lead Generation Specialist"),
        ("VP Eng", "Product Owner"),
        ("VP Eng", "Director"),
    ],
)
def test_roles_that_do_not_match(target: str, found: str) -> None:
    assert not role_matches(role_target(target), found)


def test_role_matches_accepts_a_normalized_title_as_target() -> None:
    target = normalize_title("VP Engineering")
    assert isinstance(target, NormalizedTitle)
    assert role_matches(target, "VP Eng")
    assert not role_matches(target, "VP Marketing")


def test_compound_titles_name_every_role() -> None:
    titles = normalize_titles("Head of Sales & Marketing")
    assert [t.title for t in titles] == ["Head of Sales", "Head of Marketing"]
    assert [t.column_prefix for t in normalize_titles("Co-founder & CTO")] == ["cofounder", "cto"]
    # The main role is the most specific one.
    assert normalize_title("Co-founder & CTO") == normalize_title("CTO")
    assert normalize_title("Founder/CEO") == normalize_title("Chief Executive Officer")


@pytest.mark.parametrize("text", ["", "Acme Inc.", "Engineering", "Product Owner", "asdf"])
def test_non_titles_normalize_to_none(text: str) -> None:
    assert normalize_title(text) is None


def test_seniorities_are_documented_highest_first() -> None:
    assert SENIORITIES == ("c_level", "vp", "head", "director", "manager", "lead", "ic")


def test_role_target_keeps_the_users_label_singular_and_cased() -> None:
    target = role_target("vp eng")
    assert target.model_dump() == {
        "label": "VP Eng",
        "title": "VP of Engineering",
        "seniority": "vp",
        "function": "engineering",
        "column_prefix": "vp_eng",
    }
    assert role_target("Heads of Data").label == "Head of Data"
    assert role_target("CTOs").label == "CTO"
    assert display_label("staff engineers") == "Staff Engineer"


def test_role_target_rejects_non_titles() -> None:
    with pytest.raises(ValueError, match="job title"):
        role_target("Acme Inc.")


def test_find_titles_in_prose() -> None:
    text = (
        "Pull VP Eng and Head of Growth; CTOs of US companies with open JD for Staff Engineer, "
        "hiring ML engineers. Heads of Data, Director of Data Science and co-founders."
    )
    assert [m.text for m in find_titles(text)] == [
        "VP Eng",
        "Head of Growth",
        "CTOs",
        "Staff Engineer",
        "ML engineers",
        "Heads of Data",
        "Director of Data Science",
        "co-founders",
    ]


@pytest.mark.parametrize(
    "text",
    ["find me some leads", "get me sales leads", "make it work", "send us emails", "IT'S fine"],
)
def test_find_titles_ignores_prose_that_only_looks_like_titles(text: str) -> None:
    assert find_titles(text) == []


def test_find_titles_reports_spans() -> None:
    text = "Get the Head of Growth"
    (mention,) = find_titles(text)
    assert text[mention.start : mention.end] == "Head of Growth"
    assert mention.title.column_prefix == "head_of_growth"
