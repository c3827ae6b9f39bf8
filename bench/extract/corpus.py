"""The evaluation corpus under ``tests/corpus``: pages, their answer keys, and the scoring.

Each page ``tests/corpus/pages/<id>.html`` has a key ``<id>.json`` written or corrected by hand
(see the corpus README). A page is scored on what ``extract_page`` returns for it: the company's
name, the people it names (each matched to the key by name), their titles where the key gives
one, their current/former status and the emails attached to them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from research.extract import PageFacts, extract_page
from research.extract.lexicon import words_in

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "pages"
FACTS = ("employees", "engineers", "locations", "customers", "founded")
_HONORIFICS = frozenset(
    words_in(
        "dr dr. prof prof. mr mrs ms miss med dent med. dent. maitre me mme m sr sra dra ir ing "
        "mag dipl dipl.-ing. sir dame"
    )
)
_LEGAL = re.compile(
    r"\b(?:inc|ltd|llc|llp|gmbh|ag|kg|sarl|sas|sa|sl|s\.l|s\.a|bv|b\.v|nv|ab|plc|corp|co|"
    r"limited|partg|mbb|oy|as|aps|eg|e\.v|ev)\b\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class KeyPerson:
    """One person in a page's answer key."""

    name: str
    title: str | None  # None when the page names the person without a title
    email: str | None
    current: bool


@dataclass(frozen=True)
class Page:
    """A corpus page and its answer key."""

    id: str
    split: str
    lang: str
    layout: str
    url: str
    company: str | None
    aliases: tuple[str, ...]
    people: tuple[KeyPerson, ...]
    facts: dict[str, int]
    html: str


def load(split: str | None = None, root: Path = CORPUS) -> list[Page]:
    """Every page of the corpus (of one split when given), in id order."""
    pages = []
    for key_path in sorted(root.glob("*.json")):
        key = json.loads(key_path.read_text(encoding="utf-8"))
        if split and key["split"] != split:
            continue
        people = tuple(
            KeyPerson(p[0], p[1], p[2], not (len(p) > 3 and p[3] == "former"))
            for p in key.get("people", [])
        )
        html = key_path.with_suffix(".html").read_text(encoding="utf-8")
        pages.append(
            Page(
                key_path.stem,
                key["split"],
                key["lang"],
                key["layout"],
                key["url"],
                key.get("company"),
                tuple(key.get("aliases", ())),
                people,
                dict(key.get("facts", {})),
                html,
            )
        )
    return pages


def fold_text(text: str) -> str:
    """Lowercase, accents off, whitespace squashed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().lower()


def company_key(name: str) -> str:
    """A company name without legal form, punctuation or a leading 'the'."""
    text = fold_text(name).replace("&", " and ")
    text = _LEGAL.sub(" ", text)
    text = re.sub(r"[^\w]+", " ", text)
    text = re.sub(r"^the ", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


def person_key(name: str) -> tuple[str, ...]:
    """A person's name as folded words, honorifics dropped."""
    words = re.sub(r"[.,()]", " ", fold_text(name)).split()
    return tuple(w for w in words if w not in _HONORIFICS)


def same_person(key_name: str, found_name: str) -> bool:
    """Whether an extracted name is the key's person (same words, or same first and last)."""
    a, b = person_key(key_name), person_key(found_name)
    if not a or not b:
        return False
    return a == b or (len(a) >= 2 and len(b) >= 2 and a[0] == b[0] and a[-1] == b[-1])


@dataclass
class Tally:
    """Counts behind every figure the bench prints."""

    pages: int = 0
    named_pages: int = 0
    names_right: int = 0
    key_people: int = 0
    found_people: int = 0
    matched: int = 0
    titles_checked: int = 0
    titled_right: int = 0
    former_as_current: int = 0
    key_emails: int = 0
    attached: int = 0
    emails_given: int = 0
    emails_right: int = 0
    key_facts: int = 0
    facts_right: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Fold another tally into this one."""
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
            else:
                getattr(self, name).extend(value)

    def figures(self) -> dict[str, float | int | None]:
        """The headline ratios (None where nothing was measured)."""

        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "pages": self.pages,
            "company_name": ratio(self.names_right, self.named_pages),
            "person_recall": ratio(self.matched, self.key_people),
            "person_precision": ratio(self.matched, self.found_people),
            "title_accuracy": ratio(self.titled_right, self.titles_checked),
            "email_precision": ratio(self.emails_right, self.emails_given),
            "email_attachment": ratio(self.attached, self.key_emails),
            "former_as_current": self.former_as_current,
            "facts": ratio(self.facts_right, self.key_facts),
        }


def title_agrees(key_title: str, found: str | None) -> bool:
    """Titles agree when they share a word (its first five letters: 'Associé'/'Associée')."""
    if not found:
        return False
    a = {w[:5] for w in re.findall(r"\w+", fold_text(key_title)) if len(w) > 2}
    b = {w[:5] for w in re.findall(r"\w+", fold_text(found)) if len(w) > 2}
    return bool(a & b)


def _fact_values(facts: PageFacts) -> dict[str, int | None]:
    company = facts.company
    return {
        "employees": company.employees,
        "engineers": company.engineers,
        "locations": getattr(company, "locations", None),
        "customers": getattr(company, "customers", None),
        "founded": company.founded_year,
    }


def score_page(page: Page, facts: PageFacts | None = None) -> Tally:
    """Score one page's extraction against its key."""
    facts = facts or extract_page(page.url, page.html)
    tally = Tally(pages=1)
    if page.company:
        tally.named_pages = 1
        found = facts.company.name
        accepted = {company_key(n) for n in (page.company, *page.aliases)}
        if found and company_key(found) in accepted:
            tally.names_right = 1
        else:
            tally.errors.append(f"{page.id}: company {found!r}, expected {page.company!r}")
    tally.key_people = len(page.people)
    tally.found_people = len(facts.people)
    owners = {e.owner: e.address for e in facts.emails if e.owner}
    used: set[int] = set()
    for person in page.people:
        match = next(
            (
                i
                for i, claim in enumerate(facts.people)
                if i not in used and same_person(person.name, claim.full_name)
            ),
            None,
        )
        if person.email:
            tally.key_emails += 1
        if match is None:
            tally.errors.append(f"{page.id}: missed {person.name} ({person.title})")
            continue
        used.add(match)
        claim = facts.people[match]
        tally.matched += 1
        if person.title is not None:  # None: the page gives no title to check
            tally.titles_checked += 1
            if title_agrees(person.title, claim.title):
                tally.titled_right += 1
            else:
                tally.errors.append(
                    f"{page.id}: title of {person.name} {claim.title!r}, expected {person.title!r}"
                )
        if not person.current and claim.current:
            tally.former_as_current += 1
            tally.errors.append(f"{page.id}: former {person.name} delivered as current")
        email = claim.email or owners.get(claim.full_name)
        if person.email and email and email.lower() == person.email.lower():
            tally.attached += 1
        elif person.email:
            tally.errors.append(
                f"{page.id}: email of {person.name} {email!r}, expected {person.email}"
            )
    for i, claim in enumerate(facts.people):
        if i not in used:
            tally.errors.append(f"{page.id}: extra person {claim.full_name!r} ({claim.title!r})")
    for claim in facts.people:
        email = claim.email or owners.get(claim.full_name)
        if not email:
            continue
        tally.emails_given += 1
        owner = next((p for p in page.people if same_person(p.name, claim.full_name)), None)
        if owner and owner.email and owner.email.lower() == email.lower():
            tally.emails_right += 1
        else:
            tally.errors.append(f"{page.id}: wrong email {email} for {claim.full_name}")
    values = _fact_values(facts)
    for name, expected in page.facts.items():
        tally.key_facts += 1
        if values.get(name) == expected:
            tally.facts_right += 1
        else:
            tally.errors.append(f"{page.id}: fact {name} {values.get(name)!r}, expected {expected}")
    return tally


def score_pages(pages: Iterable[Page]) -> Iterator[tuple[Page, Tally]]:
    """Each page with its tally."""
    for page in pages:
        yield page, score_page(page)


def group_tallies(scored: Iterable[tuple[Page, Tally]], by: str) -> dict[str, Tally]:
    """Tallies summed per value of a page attribute ('lang', 'layout')."""
    groups: dict[str, Tally] = {}
    for page, tally in scored:
        groups.setdefault(getattr(page, by), Tally()).add(tally)
    return dict(sorted(groups.items()))


REAL_LAYOUT = "webstruct"


def source_of(page: Page) -> str:
    """'real' for pages as their sites served them, 'hand-written' for the rest."""
    return "real" if page.layout == REAL_LAYOUT else "hand-written"


def group_by_source(scored: Iterable[tuple[Page, Tally]]) -> dict[str, Tally]:
    """Tallies of the hand-written pages and of the real ones."""
    groups: dict[str, Tally] = {}
    for page, tally in scored:
        groups.setdefault(source_of(page), Tally()).add(tally)
    return dict(sorted(groups.items()))


def as_json(tallies: dict[str, Tally]) -> dict[str, Any]:
    """Figures per group, for --json."""
    return {name: tally.figures() for name, tally in tallies.items()}
