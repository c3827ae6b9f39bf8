"""Grounding: a value stays on a lead only if a retrieved page states it.

``is_grounded`` decides whether a text states a value, forgiving how it is written (case,
accents, spacing, punctuation around names, '1,200' / '1 200' / '1.2k', obfuscated
addresses, 'France' for FR) but not what it says (18 engineers never grounds 20).
``ground`` applies it to a candidate: each source keeps the fields its page supports, a value
no source supports is dropped, and a person's facts must stand next to that person's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import pycountry
from babel import Locale

from research.domains import registrable_domain
from research.emails import INFERRED_FIELD, explains, verify_inference
from research.extract.company import (
    COUNTRY_ALIASES,
    CURRENCY_CODES,
    FOUNDED_PATTERNS,
    MONEY,
    money,
    stage_of,
)
from research.extract.contacts import find_emails, normalize_email, phone_e164
from research.extract.dates import find_dates
from research.extract.names import find_names, fold
from research.extract.people import sentences
from research.extract.quantities import founded_year
from research.model import Candidate, CandidateStatus, Source
from research.planner.lexicon import find_industries
from research.text import folded_words

Matcher = Callable[[Any, str], bool]

# -- text normalization ---------------------------------------------------------------------


def _states_phrase(value: Any, text: str) -> bool:
    phrase = folded_words(str(value))
    return bool(phrase) and f" {phrase} " in f" {folded_words(text)} "


# -- numbers --------------------------------------------------------------------------------

_MULTIPLIERS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
_NUMBER = re.compile(
    r"(?<![\w.,/:\-–+])(?P<num>\d{1,3}(?:(?P<sep>[,\u00a0\u202f ]|\.)\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)"
    r"(?:\s?(?P<mult>k|thousand|mn|m|million|bn|b|billion)\b)?"
    r"(?![\w+–/:]|-\d|[.,]\d)",
    re.IGNORECASE,
)


def find_numbers(text: str) -> list[tuple[int, float]]:
    """(position, value) of numbers stated exactly: not '20+', not '11–50', not in dates."""
    found: list[tuple[int, float]] = []
    for match in _NUMBER.finditer(text):
        for value in _readings(match):
            found.append((match.start(), value))
    return found


def _readings(match: re.Match[str]) -> list[float]:
    digits, separator = match.group("num"), match.group("sep")
    multiplier = _MULTIPLIERS.get((match.group("mult") or "").lower(), 1.0)
    if separator == ".":
        # '1.200' is 1200 in much of Europe and 1.2 elsewhere: both readings count.
        readings = [float(digits.replace(".", "")), float(digits)]
    elif separator:
        readings = [float(re.sub(r"[,\u00a0\u202f ]", "", digits))]
    else:
        readings = [float(digits.replace(",", "."))]
    return [value * multiplier for value in readings]


def _states_number(value: Any, text: str) -> bool:
    target = float(value)
    return any(
        abs(found - target) < 1e-6 * max(1.0, abs(target)) for _, found in find_numbers(text)
    )


def _states_count(context: re.Pattern[str]) -> Matcher:
    """A count stated next to words that say what is counted ('85 people', 'Team size: 85')."""

    def matcher(value: Any, text: str) -> bool:
        target = float(value)
        for line in text.splitlines():
            for position, found in find_numbers(line):
                if abs(found - target) < 1e-6 and context.search(
                    line[max(0, position - 40) : position + 60]
                ):
                    return True
        return False

    return matcher


# Not anchored at a word start, so that 'numberOfEmployees: 85' counts too.
HEADCOUNT_WORDS = re.compile(
    r"(?:people|employees|employs|staff|team|headcount|members|fte)", re.IGNORECASE
)
ENGINEER_WORDS = re.compile(r"\bengineer", re.IGNORECASE)

# -- other kinds of values ------------------------------------------------------------------


def _states_email(value: Any, text: str) -> bool:
    address = normalize_email(str(value))
    return address is not None and any(e.address == address for e in find_emails(text))


def _states_date(value: Any, text: str) -> bool:
    day = str(value)
    return any(d.iso == day or (len(day) == 7 and d.iso.startswith(day)) for d in find_dates(text))


def _states_money(value: Any, text: str) -> bool:
    wanted = money(str(value))
    if wanted is None:
        return _states_phrase(value, text)
    currency = _currency(wanted[0])
    for match in MONEY.finditer(text):
        found = money(match.group(0))
        if (
            found
            and _currency(found[0]) == currency
            and abs(found[1] - wanted[1]) <= max(1, wanted[1] // 1000)
        ):
            return True
    return False


def _currency(amount_text: str) -> str:
    """'€' and 'EUR' alike: the currency code of an amount as printed."""
    sign = re.sub(r"[\d.,\s]|(?:K|M|B|bn|mn|k|m|million|billion|thousand)$", "", amount_text)
    return CURRENCY_CODES.get(sign, sign)


def _states_url(value: Any, text: str) -> bool:
    wanted = _bare_url(str(value))
    return any(_bare_url(url) == wanted for url in re.findall(r"https?://[^\s)\]>\"']+", text))


def _bare_url(url: str) -> str:
    url = re.sub(r"^https?://(?:www\.)?", "", url.strip().lower())
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/")


def _states_domain(value: Any, text: str) -> bool:
    domain = registrable_domain(str(value))
    if domain is None:
        return False
    pattern = rf"(?<![\w.-])(?:[\w-]+\.)*{re.escape(domain)}(?![\w-])"
    return bool(re.search(pattern, text, re.IGNORECASE))


# A country counts only where the page says where the company is: an HQ or address statement
# ("Headquartered in Paris, France", "Sitz: Berlin", "HQ: London, UK"), an address block
# ("75001 Paris" over "France"), or a country label ("Country: France"). "Customers in France"
# or "IT services" say nothing about where it is.
_HQ_CUE = re.compile(
    r"(?<!\w)(?:headquarter(?:s|ed)?|head[\s-]*(?:office|quarters)|hq|main\s+office"
    r"|registered\s+(?:office|address)|based|located|offices?\s+address|address"
    r"|(?:haupt|firmen|gesellschafts)?sitz|ans[äa]ssig|anschrift|adresse|hauptverwaltung"
    r"|si[èe]ge(?:\s+social)?|bas[ée]e?s?|situ[ée]e?s?|implant[ée]e?s?|domicili[ée]e?s?"
    r"|sede(?:\s+(?:central|social))?|con\s+sede|ubicad[ao]s?|radicad[ao]s?|domicilio"
    r"|hoofdkantoor|gevestigd|huvudkontor|s[äa]te)(?!\w)",
    re.IGNORECASE,
)
# A label that says where the company is, whose value follows: "Location: Galway, Ireland".
_HQ_LABEL = re.compile(
    r"(?:location|headquarters|hq|head\s+office|based\s+in|address|country|standort|sitz"
    r"|adresse|si[èe]ge(?:\s+social)?|localisation|pays|sede|ubicaci[óo]n|pa[íi]s|domicilio"
    r"|vestiging|hoofdkantoor|land)\s*:?",
    re.IGNORECASE,
)
_COUNTRY_LABEL = re.compile(
    r"^\s*(?:country|pays|pa[íi]s|land|staat|location|standort|localisation|ubicaci[óo]n)"
    r"\s*[:|]\s*|(?<!\w)addressCountry\s*:\s*",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"(?<![\w-])(?:[A-Z]{1,2}-)?\d{4,5}(?:-\d{3,4})?(?!\w)|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b"
)
_CLAUSE_END = re.compile(r"[.;!?|()\[\]\n·•]|\s[-–—]\s")
# Lowercase words a place may contain ("Frankfurt am Main", "Saint-Denis-de-la-Réunion",
# "Sitz der Gesellschaft: Berlin"); any other lowercase word ends the place.
_PLACE_PARTICLES = frozenset(
    [
        "the",
        "of",
        "in",
        "at",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "der",
        "die",
        "das",
        "dem",
        "den",
        "am",
        "an",
        "im",
        "a",
        "au",
        "aux",
        "en",
        "el",
        "los",
        "las",
        "del",
        "van",
        "von",
        "te",
        "ter",
        "sur",
        "upon",
        "on",
        "is",
        "are",
        "i",
        "és",
        "är",
        "ist",
        "est",
        "es",
    ]
)
PLACE_WINDOW = 80


def _place_after(text: str, start: int) -> str:
    """The place a statement names from ``start``: up to the clause's end or a plain word."""
    # A label's separator ("Headquarters | Seattle", "HQ – Berlin") opens the place.
    window = text[start : start + PLACE_WINDOW].lstrip(" \t:|·•-–—\u00a0")
    end = _CLAUSE_END.search(window)
    window = window[: end.start()] if end else window
    kept: list[str] = []
    for token in re.split(r"(\s+)", window):
        word = token.strip(" ,:'’\"")
        if word and word[0].islower() and fold(word) not in _PLACE_PARTICLES:
            break
        kept.append(token)
    return "".join(kept)


@lru_cache(maxsize=1)
def _country_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """Country names in the languages pages are written in, folded, to their ISO codes."""
    names: dict[str, str] = {}
    for language in COUNTRY_NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                names.setdefault(folded_words(name), code)
    for name, code in COUNTRY_ALIASES.items():
        names.setdefault(folded_words(name), code)
    ordered = sorted((n for n in names if n), key=len, reverse=True)
    return re.compile(
        r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, ordered)) + r")(?![a-z0-9])"
    ), names


COUNTRY_NAME_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb", "pl")


def countries_in_place(place: str) -> set[str]:
    """The countries a place names: 'Paris, France', 'Berlin, Deutschland', 'Milan, IT'."""
    pattern, names = _country_names()
    found = {names[m.group(0)] for m in pattern.finditer(folded_words(place))}
    # Two-letter codes only as written in capitals, as the last part of a place ('Milan, IT').
    for code in re.findall(r"(?:^|,)\s*([A-Z]{2})(?=\s*$|\s*,|\s+[A-Z\d])", place):
        if pycountry.countries.get(alpha_2=code):
            found.add(code)
    return found


def hq_countries(text: str) -> set[str]:
    """The countries a text gives as where its subject is (HQ, address or country label)."""
    found: set[str] = set()
    lines = text.splitlines()
    for index, line in enumerate(lines):
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _HQ_LABEL.fullmatch(line.strip()) and following:
            # A label over its value: "Location" / "Galway, Ireland" (<dt>/<dd>, table cells).
            found |= countries_in_place(_place_after(following, 0))
        for label in _COUNTRY_LABEL.finditer(line):
            found |= countries_in_place(_place_after(line, label.end()))
        for cue in _HQ_CUE.finditer(line):
            found |= countries_in_place(_place_after(line, cue.end()))
        for code in _POSTCODE.finditer(line):
            # An address: the country after the postcode, on its line or alone on the next.
            found |= countries_in_place(_place_after(line, code.end()))
            if following and len(following) <= 40:
                found |= countries_in_place(_place_after(following, 0))
    return found


def _states_country(value: Any, text: str) -> bool:
    return str(value).upper() in hq_countries(text)


def _states_industry(value: Any, text: str) -> bool:
    return any(m.key == value for m in find_industries(text)) or _states_phrase(value, text)


def _states_stage(value: Any, text: str) -> bool:
    return any(
        stage_of(sentence) == value for line in text.splitlines() for sentence in sentences(line)
    )


_FOUNDED_LABEL = re.compile(
    r"(?<!\w)(?:foundingDate|founded|year\s+founded|founding\s+year|established|est\.?|since"
    r"|gr[üu]ndung(?:sjahr)?|gegr[üu]ndet|fondation|fond[ée]e?|cr[ée]ation|ann[ée]e\s+de\s+cr[ée]ation"
    r"|fundaci[óo]n|a[ñn]o\s+de\s+fundaci[óo]n|fundad[ao]|opgericht|oprichting|grundad|grundat)"
    r"\s*[:|]\s*(?P<year>(?:18|19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)


def founding_years(text: str) -> set[int]:
    """The years a text states as its subject's founding ('Founded in 2019', 'Gegründet
    2012', 'Since 2006.'), not any year it prints ('© 2019', 'in 2019 we moved')."""
    years: set[int] = set()
    lines = text.splitlines()
    for index, line in enumerate(lines):
        years |= {int(m.group("year")) for m in _FOUNDED_LABEL.finditer(line)}
        if index + 1 < len(lines) and _FOUNDED_LABEL.fullmatch(
            f"{line.strip()}: {lines[index + 1].strip()}"
        ):
            # A label over its value: "Founded" / "2022".
            years.add(int(lines[index + 1].strip()))
        for sentence in sentences(line):
            for pattern in FOUNDED_PATTERNS:
                years |= {int(m.group("year")) for m in pattern.finditer(sentence)}
            stated = founded_year([sentence])
            if stated is not None:
                years.add(stated)
    return years


def _states_year(value: Any, text: str) -> bool:
    return bool(re.search(rf"(?<![\d\-./]){int(value)}(?![\d\-/]|\.\d)", text))


def _states_founding(value: Any, text: str) -> bool:
    return int(value) in founding_years(text)


_FOUNDING = re.compile(r"\b(?:co-?)?found(?:ed|er|ers|ing)\b", re.IGNORECASE)


def _states_title(value: Any, text: str) -> bool:
    """A title as printed; 'Founder' also where the page says the person founded it."""
    if _states_phrase(value, text):
        return True
    words = folded_words(str(value)).split()
    return words in (["founder"], ["co", "founder"], ["cofounder"]) and bool(_FOUNDING.search(text))


def _states_phone(value: Any, text: str) -> bool:
    wanted = phone_e164(str(value), strict=False)
    if wanted is None:
        return False
    digits = wanted.lstrip("+")
    # Each number as printed, its separators dropped; a phone is never part of a longer one.
    printed = [re.sub(r"\D", "", m) for m in _PHONE_RUN.findall(text)]
    # National formats drop the country code: '+33 1 23 45 67 89' may read '01 23 45 67 89'.
    return any(
        number == digits or (len(number) >= 8 and digits.endswith(number.lstrip("0")))
        for number in printed
    )


_PHONE_RUN = re.compile(r"(?<![\w.])\+?\d[\d\s().\-\u00a0]{5,}\d(?![\w])")


# How each kind of value is stated. Field names pick the kind; a value of unknown field
# picks it by its shape.
MATCHERS: dict[str, Matcher] = {
    "phrase": _states_phrase,
    "number": _states_number,
    "headcount": _states_count(HEADCOUNT_WORDS),
    "engineers": _states_count(ENGINEER_WORDS),
    "email": _states_email,
    "date": _states_date,
    "money": _states_money,
    "url": _states_url,
    "domain": _states_domain,
    "country": _states_country,
    "industry": _states_industry,
    "stage": _states_stage,
    "year": _states_year,
    "founded": _states_founding,
    "phone": _states_phone,
    "title": _states_title,
}
FIELD_KINDS: dict[str, str] = {
    "hq_country": "country",
    "country": "country",
    "industry": "industry",
    "founded_year": "founded",
    "funding_stage": "stage",
    "stage": "stage",
    "funding_amount": "money",
    "funded_at": "date",
    "employee_count": "headcount",
    "employees": "headcount",
    "engineering_headcount": "engineers",
    "engineers": "engineers",
    "linkedin": "url",
    "person_linkedin": "url",
    "domain": "domain",
    "website": "domain",
    "email": "email",
    "person_email": "email",
    "phone": "phone",
    "title": "title",
}
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)),
    ("date", re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")),
    ("url", re.compile(r"^https?://", re.IGNORECASE)),
    ("money", re.compile(r"^(?:[$€£¥₹]|[A-Z]{3}\s)\s?\d")),
    ("domain", re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)),
)


def _kind_of(value: Any, field: str | None) -> str:
    if field is not None:
        bare = field.rsplit(".", 1)[-1]
        if bare in FIELD_KINDS:
            return FIELD_KINDS[bare]
    if isinstance(value, bool):
        return "phrase"
    if isinstance(value, int | float):
        return "number"
    text = str(value).strip()
    return next((kind for kind, shape in _SHAPES if shape.match(text)), "phrase")


def is_grounded(value: Any, text: str, *, field: str | None = None) -> bool:
    """Whether ``text`` states ``value`` (every item, for a list); ``field`` names its kind."""
    if value is None or value == "" or value == []:
        return False
    if isinstance(value, list | tuple | set):
        return all(is_grounded(item, text, field=field) for item in value)
    if isinstance(value, bool):
        return False  # a yes/no is a judgment about a page, not something it prints
    return MATCHERS[_kind_of(value, field)](value, text)


# -- people ---------------------------------------------------------------------------------

MAX_RECORD_LINES = 4


def person_scope(name: str, text: str) -> list[str]:
    """The passages where a page speaks of a person: the sentences naming them, and after a
    line that only names them (a card, a row), the lines up to the next person."""
    wanted = fold(name)
    lines = text.splitlines()
    scope: list[str] = []
    for index, line in enumerate(lines):
        if wanted not in fold(line):
            continue
        named = [s for s in sentences(line) if wanted in fold(s)]
        scope += named
        if index and _is_label(lines[index - 1]) and _is_value(line):
            scope.append(lines[index - 1])  # "Founders" over "Jane Doe and Ann Roe": <dt>, <dd>
        if _opens_record(line, wanted):
            for following in lines[index + 1 : index + MAX_RECORD_LINES]:
                if _names_someone(following):
                    break
                scope.append(following)
    return scope


def _opens_record(line: str, wanted: str) -> bool:
    return fold(line).startswith(wanted) and len(line) <= len(wanted) + 160


def _is_value(line: str) -> bool:
    return len(line) <= 120 and not re.search(r"[.!?]\s", line)


def _is_label(line: str) -> bool:
    words = line.rstrip(":").split()
    return 0 < len(words) <= 3 and not any(c.isdigit() for c in line) and not find_names(line)


def _names_someone(line: str) -> bool:
    names = find_names(line)
    return bool(names) and names[0].start == 0


def _about_person(name: str, value: Any, text: str, field: str) -> bool:
    if _kind_of(value, field) == "title":
        return any(_title_about(name, value, passage) for passage in person_scope(name, text))
    return any(is_grounded(value, passage, field=field) for passage in person_scope(name, text))


# What someone is quoted as saying is not about them: "“Acme's CTO was great.” — Jane Doe".
_QUOTED = re.compile(r"[“«„\"][^”»“\"\n]{3,400}[”»“\"]")


def _title_about(name: str, title: Any, passage: str) -> bool:
    """Whether a passage gives this person the title: outside quotes, and nearer to their
    name than to anyone else's ("Our CTO John Roe hired Jane Doe" is not Jane's title)."""
    passage = _QUOTED.sub(lambda quoted: " " * len(quoted.group(0)), passage)
    if not _states_title(title, passage):
        return False
    wanted = fold(name)
    names = find_names(passage)
    own = [(n.start, n.end) for n in names if wanted in fold(n.text)]
    others = [(n.start, n.end) for n in names if wanted not in fold(n.text)]
    if not others:
        return True
    if not own:
        at = fold(passage).find(wanted)
        own = [(at, at + len(wanted))] if at >= 0 else []
    spans = _title_spans(str(title), passage)
    if not own or not spans:
        return False

    def distance(span: tuple[int, int], other: tuple[int, int]) -> int:
        return max(0, other[0] - span[1], span[0] - other[1])

    return any(
        min(distance(span, n) for n in own) <= min(distance(span, n) for n in others)
        for span in spans
    )


def _title_spans(title: str, passage: str) -> list[tuple[int, int]]:
    words = re.findall(r"\w+", title)
    if not words:
        return []
    pattern = r"(?<!\w)" + r"[\W_]+".join(map(re.escape, words)) + r"(?!\w)"
    spans = [m.span() for m in re.finditer(pattern, passage, re.IGNORECASE)]
    if not spans and folded_words(title) in ("founder", "co founder", "cofounder"):
        spans = [m.span() for m in _FOUNDING.finditer(passage)]
    return spans


# -- candidates -----------------------------------------------------------------------------

COMPANY_PATHS: tuple[str, ...] = (
    "company.name",
    "company.domain",
    "company.linkedin",
    "company.hq_city",
)
PERSON_PATHS: tuple[str, ...] = ("person.full_name", "person.title", "person.email")
PATH_KINDS: dict[str, str] = {
    "company.domain": "domain",
    "company.linkedin": "url",
    "person.email": "email",
}


def candidate_values(candidate: Candidate) -> dict[str, Any]:
    """Every value on a candidate, by field path ('company.name', 'fields.employee_count')."""
    values: dict[str, Any] = {}
    for path in COMPANY_PATHS:
        values[path] = getattr(candidate.company, path.split(".", 1)[1])
    if candidate.person is not None:
        for path in PERSON_PATHS:
            values[path] = getattr(candidate.person, path.split(".", 1)[1])
    for key, value in candidate.fields.items():
        if key != INFERRED_FIELD:
            values[f"fields.{key}"] = value
    return {path: value for path, value in values.items() if value not in (None, "", [])}


def supports(path: str, value: Any, text: str, *, url: str, person: str | None) -> bool:
    """Whether one page, at ``url`` with ``text``, states the value of a candidate field."""
    field = PATH_KINDS.get(path, path.rsplit(".", 1)[-1])
    if path == "company.domain" and registrable_domain(url) == registrable_domain(str(value)):
        return True
    if path == "person.full_name":
        return _states_phrase(value, text)
    if person is not None and path.startswith(("person.", "fields.person_")):
        if path == "person.email":
            return _states_email(value, text) and (
                _states_phrase(person, text) or explains(person, str(value))
            )
        return _about_person(person, value, text, field)
    return is_grounded(value, text, field=field)


def ground(candidate: Candidate, pages: Mapping[str, str]) -> Candidate:
    """The candidate with only the values its retrieved sources state.

    Each source's ``fields`` become the fields its page supports; sources that support
    nothing (or were never retrieved) are dropped. A person whose name no source prints is
    removed and the record rejected. An address no page prints survives only as a marked
    inference whose evidence addresses are printed on the pages.
    """
    grounded = candidate.model_copy(deep=True)
    person = candidate.person.full_name if candidate.person else None
    texts = {s.url: pages[s.url] for s in candidate.sources if s.url in pages}
    support: dict[str, set[str]] = {}
    kept: dict[str, Any] = {}
    for path, value in candidate_values(candidate).items():
        urls, value = _supporting(path, value, texts, person)
        if urls:
            support[path], kept[path] = urls, value
    _apply(grounded, candidate, kept, pages)
    grounded.sources = _rewritten_sources(candidate.sources, support)
    return grounded


def _supporting(
    path: str, value: Any, texts: Mapping[str, str], person: str | None
) -> tuple[set[str], Any]:
    """The sources that state a value; a list keeps the items some source states."""
    if isinstance(value, list):
        items, urls = [], set()
        for item in value:
            found = {u for u, t in texts.items() if supports(path, item, t, url=u, person=person)}
            if found:
                items.append(item)
                urls |= found
        return urls, items
    return {u for u, t in texts.items() if supports(path, value, t, url=u, person=person)}, value


def _apply(
    grounded: Candidate,
    original: Candidate,
    kept: dict[str, Any],
    pages: Mapping[str, str],
) -> None:
    for path in COMPANY_PATHS:
        setattr(grounded.company, path.split(".", 1)[1], kept.get(path))
    grounded.fields = {
        key: kept[f"fields.{key}"] for key in original.fields if f"fields.{key}" in kept
    }
    if grounded.person is None or original.person is None:
        return
    if "person.full_name" not in kept:
        grounded.person = None
        grounded.status = CandidateStatus.REJECTED
        return
    grounded.person.title = kept.get("person.title")
    grounded.person.email = kept.get("person.email")
    address, marker = original.person.email, original.fields.get(INFERRED_FIELD)
    if grounded.person.email is None and address and marker:
        published = {e.address for text in pages.values() for e in find_emails(text)}
        if verify_inference(original.person.full_name, address, marker, published):
            grounded.person.email = address
            grounded.fields[INFERRED_FIELD] = marker


def _rewritten_sources(sources: Sequence[Source], support: dict[str, set[str]]) -> list[Source]:
    rewritten = []
    for source in sources:
        fields = [path for path, urls in support.items() if source.url in urls]
        if fields:
            rewritten.append(source.model_copy(update={"fields": fields}))
    return rewritten
