"""Vocabulary tables for the rule-based planner, and the finders that look them up in prose.

Every table maps a canonical value to the phrases that name it. Finders return ``Match``
objects with character spans so the planner can resolve overlaps ("Mexico City" is a city, not
Mexico) and read the words around a mention ("skip Crunchbase", "hiring ML engineers").

Canonical values:

* industries: lowercase slugs (``fintech``, ``devtools``, ``ai_infra``, ...), see ``INDUSTRIES``;
* countries: ISO 3166-1 alpha-2 codes, from pycountry plus common aliases and demonyms;
* regions: lowercase slugs (``eu``, ``europe``, ``dach``, ``nordics``, ``us_west``, ...);
* cities: their English display name ("Berlin", "San Francisco");
* funding stages: ``STAGE_LADDER`` slugs plus ``public``;
* technologies, keywords: display names ("Snowflake", "B2B");
* sources: lowercase slugs (``crunchbase``, ``linkedin``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Generic, Literal, NamedTuple, TypeVar

import pycountry
from rapidfuzz import fuzz, process

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Match(Generic[K]):
    """A vocabulary entry found in text."""

    start: int
    end: int
    key: K
    text: str


class PhraseTable(Generic[K]):
    """Finds a table's phrases in free text: whole words, longest phrase first.

    Spaces and hyphens between the words of a phrase are interchangeable and optional, so
    "dev tools" also finds "dev-tools" and "devtools". Phrases listed in ``case_sensitive``
    match only as written ("US" the country, not "us" the pronoun).
    """

    def __init__(
        self,
        entries: Iterable[tuple[K, str]],
        *,
        plural: bool = False,
        case_sensitive: Iterable[str] = (),
    ) -> None:
        pairs = list(entries)
        exact = frozenset(case_sensitive)
        self._plural = plural
        self._lookups: list[tuple[re.Pattern[str], dict[str, K], bool]] = []
        for fold in (True, False):
            group = [(key, phrase) for key, phrase in pairs if (phrase in exact) != fold]
            if not group:
                continue
            keys: dict[str, K] = {}
            for key, phrase in group:
                keys.setdefault(_squash(phrase, fold=fold), key)
            pattern = _compile([phrase for _, phrase in group], plural=plural, fold=fold)
            self._lookups.append((pattern, keys, fold))

    def find(self, text: str) -> list[Match[K]]:
        """Every non-overlapping mention of a table entry in ``text``."""
        found: list[Match[K]] = []
        for pattern, keys, fold in self._lookups:
            for match in pattern.finditer(text):
                key = self._lookup(_squash(match.group(0), fold=fold), keys)
                if key is not None:
                    found.append(Match(match.start(), match.end(), key, match.group(0)))
        return resolve_overlaps(found)

    def _lookup(self, squashed: str, keys: Mapping[str, K]) -> K | None:
        if squashed in keys:
            return keys[squashed]
        if self._plural:
            for ending in ("es", "s", "ES", "S"):
                stem = squashed.removesuffix(ending)
                if stem != squashed and stem in keys:
                    return keys[stem]
        return None


def _squash(phrase: str, *, fold: bool) -> str:
    return re.sub(r"[\s\-]+", "", phrase.lower() if fold else phrase)


def _compile(phrases: list[str], *, plural: bool, fold: bool) -> re.Pattern[str]:
    # Longest first, because alternation takes the first branch that matches; the text breaks
    # ties so the pattern never depends on set iteration order.
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    words = [re.split(r"[\s\-]+", phrase) for phrase in ordered]
    body = "|".join(r"[\s\-]*".join(map(re.escape, parts)) for parts in words)
    suffix = "(?:e?s)?" if plural else ""
    return re.compile(rf"(?<![\w])(?:{body}){suffix}(?![\w])", re.IGNORECASE if fold else 0)


def resolve_overlaps(matches: Iterable[Match[K]]) -> list[Match[K]]:
    """Keep the longest of overlapping matches (earliest on ties), in text order."""
    taken: list[Match[K]] = []
    for match in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if all(match.end <= t.start or match.start >= t.end for t in taken):
            taken.append(match)
    return sorted(taken, key=lambda m: m.start)


# ---------------------------------------------------------------------------------------------
# Industries


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry slug with its display name, plural noun and synonyms."""

    slug: str
    display: str
    noun: str
    synonyms: tuple[str, ...]


INDUSTRIES: dict[str, Industry] = {
    industry.slug: industry
    for industry in (
        Industry(
            "fintech",
            "FinTech",
            "fintechs",
            (
                "fintech",
                "fin tech",
                "financial technology",
                "financial technologies",
                "financial services software",
                "payments",
                "neobank",
                "digital banking",
                "open banking",
                "embedded finance",
                "wealthtech",
                "lending platforms",
            ),
        ),
        Industry(
            "healthtech",
            "HealthTech",
            "healthtech companies",
            (
                "healthtech",
                "health tech",
                "digital health",
                "health technology",
                "healthcare technology",
                "healthcare IT",
                "health IT",
                "medtech",
                "femtech",
            ),
        ),
        Industry(
            "healthcare",
            "Healthcare",
            "healthcare companies",
            ("healthcare", "health care", "care providers"),
        ),
        Industry(
            "edtech",
            "EdTech",
            "edtech companies",
            ("edtech", "ed tech", "education technology", "e-learning", "online education"),
        ),
        Industry(
            "insurtech",
            "InsurTech",
            "insurtechs",
            (
                "insurtech",
                "insurance technology",
                "insurance tech",
                "digital insurance",
                "insurance",
                "insurer",
            ),
        ),
        Industry(
            "proptech",
            "PropTech",
            "proptechs",
            ("proptech", "prop tech", "property technology", "real estate tech", "contech"),
        ),
        Industry(
            "legaltech",
            "LegalTech",
            "legaltech companies",
            ("legaltech", "legal tech", "legal technology", "law tech"),
        ),
        Industry(
            "regtech",
            "RegTech",
            "regtech companies",
            ("regtech", "reg tech", "compliance software", "compliance tech"),
        ),
        Industry(
            "devtools",
            "Dev Tools",
            "dev-tools companies",
            (
                "dev tools",
                "devtool",
                "developer tools",
                "developer tooling",
                "developer platforms",
                "developer productivity",
            ),
        ),
        Industry(
            "ai_infra",
            "AI Infra",
            "AI-infra companies",
            (
                "ai infra",
                "ai infrastructure",
                "ml infra",
                "ml infrastructure",
                "mlops",
                "llmops",
                "gpu cloud",
                "model serving",
                "ai tooling",
            ),
        ),
        Industry(
            "ai",
            "AI",
            "AI companies",
            (
                "ai",
                "artificial intelligence",
                "machine learning",
                "generative ai",
                "genai",
                "llm",
                "ai native",
                "ai first",
            ),
        ),
        Industry(
            "data_infra",
            "Data Infrastructure",
            "data-infrastructure companies",
            ("data infrastructure", "data infra", "data tooling", "modern data stack"),
        ),
        Industry(
            "cybersecurity",
            "Cybersecurity",
            "cybersecurity companies",
            ("cybersecurity", "cyber security", "infosec", "information security", "security"),
        ),
        Industry(
            "saas",
            "SaaS",
            "SaaS companies",
            ("saas", "software as a service", "cloud software", "software"),
        ),
        Industry(
            "ecommerce",
            "E-commerce",
            "e-commerce companies",
            ("e-commerce", "ecom", "online retail", "online stores", "dtc brands", "d2c brands"),
        ),
        Industry(
            "marketplaces",
            "Marketplaces",
            "marketplaces",
            ("marketplace", "two sided marketplace", "online marketplace"),
        ),
        Industry(
            "climate",
            "Climate Tech",
            "climate-tech companies",
            (
                "climate tech",
                "climate",
                "cleantech",
                "clean tech",
                "clean energy",
                "renewable energy",
                "renewables",
                "solar",
                "solar energy",
                "greentech",
                "green tech",
                "carbon removal",
                "energy transition",
                "sustainability",
            ),
        ),
        Industry(
            "logistics",
            "Logistics",
            "logistics companies",
            (
                "logistics",
                "supply chain",
                "freight",
                "freight tech",
                "shipping",
                "fleet management",
                "last mile delivery",
            ),
        ),
        Industry(
            "hrtech",
            "HR Tech",
            "HR-tech companies",
            (
                "hr tech",
                "hrtech",
                "hr software",
                "people tech",
                "recruiting software",
                "recruitment tech",
                "payroll software",
                "workforce management",
                "hris",
            ),
        ),
        Industry(
            "martech",
            "MarTech",
            "martech companies",
            (
                "martech",
                "mar tech",
                "marketing technology",
                "marketing tech",
                "marketing software",
                "adtech",
                "ad tech",
                "advertising technology",
            ),
        ),
        Industry(
            "biotech",
            "Biotech",
            "biotechs",
            (
                "biotech",
                "biotechnology",
                "life sciences",
                "pharma",
                "pharmaceutical",
                "drug discovery",
                "genomics",
            ),
        ),
        Industry(
            "gaming",
            "Gaming",
            "gaming companies",
            ("gaming", "video games", "game studio", "game developers", "esports"),
        ),
        Industry(
            "crypto",
            "Crypto/Web3",
            "crypto companies",
            ("crypto", "cryptocurrency", "web3", "web 3", "blockchain", "defi", "nft"),
        ),
        Industry(
            "foodtech",
            "FoodTech",
            "foodtech companies",
            ("foodtech", "food tech", "food delivery", "restaurant tech"),
        ),
        Industry(
            "agtech",
            "AgTech",
            "agtech companies",
            ("agtech", "agritech", "agri tech", "agriculture technology", "farming tech"),
        ),
        Industry(
            "mobility",
            "Mobility",
            "mobility companies",
            ("mobility", "micromobility", "autonomous vehicles", "electric vehicles", "automotive"),
        ),
        Industry(
            "traveltech",
            "TravelTech",
            "travel-tech companies",
            ("traveltech", "travel tech", "travel technology", "online travel"),
        ),
        Industry(
            "govtech",
            "GovTech",
            "govtech companies",
            ("govtech", "gov tech", "civic tech", "public sector software"),
        ),
        Industry(
            "robotics",
            "Robotics",
            "robotics companies",
            ("robotics", "robots", "industrial automation"),
        ),
        Industry(
            "spacetech",
            "SpaceTech",
            "space-tech companies",
            ("spacetech", "space tech", "aerospace", "satellites"),
        ),
        Industry(
            "semiconductors",
            "Semiconductors",
            "semiconductor companies",
            ("semiconductors", "semiconductor", "chip design", "chipmakers"),
        ),
        Industry(
            "media",
            "Media",
            "media companies",
            ("media", "publishing", "streaming", "creator economy"),
        ),
    )
}


@cache
def _industry_table() -> PhraseTable[str]:
    entries = [(slug, phrase) for slug, item in INDUSTRIES.items() for phrase in item.synonyms]
    entries += [(slug, slug) for slug in INDUSTRIES if "_" not in slug]
    entries += [
        (slug, f"{base} {noun}")
        for slug, base in _sector_bases()
        for noun in ("startup", "start-up", "scaleup", "scale-up")
    ]
    return PhraseTable(entries, plural=True)


_TECH_SUFFIX = re.compile(r"^(?P<base>.+?)\s+(?:tech|technology|technologies)$", re.I)


def _sector_bases() -> list[tuple[str, str]]:
    """(slug, sector) for each industry named "<sector> tech": a startup in that sector is
    that industry ("food startups" are foodtech, "legal startups" legaltech). A sector that
    is an industry word of its own ("healthcare") keeps its own reading."""
    own = {phrase.lower() for item in INDUSTRIES.values() for phrase in item.synonyms}
    bases = []
    for slug, item in INDUSTRIES.items():
        for phrase in item.synonyms:
            match = _TECH_SUFFIX.match(phrase)
            if match and match["base"].lower() not in own:
                bases.append((slug, match["base"]))
    return bases


def find_industries(text: str) -> list[Match[str]]:
    """Industry mentions, as slugs."""
    return _industry_table().find(text)


# ---------------------------------------------------------------------------------------------
# Geography


class Place(NamedTuple):
    """A geographic target: an ISO country code, a region slug, or a city name."""

    kind: Literal["country", "region", "subdivision", "city", "area", "anywhere"]
    value: str


@dataclass(frozen=True, slots=True)
class Region:
    """A named group of countries, or a sub-national area."""

    slug: str
    display: str
    names: tuple[str, ...]
    countries: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    """Space-separated words or codes, so long lists stay readable."""
    return tuple(text.split())


_EU = _words("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE")
_EUROPE_EXTRA = _words("GB NO CH IS LI MC AD SM VA UA RS BA ME MK AL MD")

REGIONS: dict[str, Region] = {
    region.slug: region
    for region in (
        Region("eu", "EU", ("EU", "European Union"), _EU),
        Region("europe", "Europe", ("Europe", "European"), _EU + _EUROPE_EXTRA),
        Region("emea", "EMEA", ("EMEA",), ()),
        Region("dach", "DACH", ("DACH",), ("DE", "AT", "CH")),
        Region(
            "nordics",
            "Nordics",
            ("Nordics", "Nordic", "Nordic countries", "Scandinavia", "Scandinavian"),
            ("SE", "NO", "DK", "FI", "IS"),
        ),
        Region("benelux", "Benelux", ("Benelux",), ("BE", "NL", "LU")),
        Region("iberia", "Iberia", ("Iberia", "Iberian Peninsula", "Iberian"), ("ES", "PT")),
        Region("baltics", "Baltics", ("Baltics", "Baltic states", "Baltic"), ("EE", "LV", "LT")),
        Region(
            "cee",
            "CEE",
            ("CEE", "Central and Eastern Europe", "Eastern Europe", "Central Europe"),
            ("PL", "CZ", "SK", "HU", "RO", "BG", "HR", "SI", "EE", "LV", "LT"),
        ),
        Region(
            "uk_ireland", "UK & Ireland", ("UK and Ireland", "UK & Ireland", "UKI"), ("GB", "IE")
        ),
        Region(
            "latam",
            "LATAM",
            ("LATAM", "Latin America", "Latin American", "South America", "Central America"),
            _words("MX GT HN SV NI CR PA CU DO CO VE EC PE BO BR PY UY AR CL"),
        ),
        Region(
            "apac",
            "APAC",
            ("APAC", "Asia Pacific", "Asia-Pacific", "Asia", "Asian"),
            _words("AU NZ CN HK TW JP KR SG MY ID TH VN PH IN"),
        ),
        Region(
            "mena",
            "MENA",
            ("MENA", "Middle East", "Middle Eastern"),
            _words("AE SA QA KW BH OM IL JO LB EG MA TN"),
        ),
        Region(
            "gcc",
            "GCC",
            ("GCC", "Gulf states", "Gulf countries", "Gulf region", "Gulf Cooperation Council"),
            _words("AE SA QA KW BH OM"),
        ),
        Region(
            "sea",
            "Southeast Asia",
            (
                "Southeast Asia",
                "South-East Asia",
                "South East Asia",
                "Southeast Asian",
                "South-East Asian",
                "SEA",
                "ASEAN",
            ),
            _words("BN KH ID LA MY MM PH SG TH TL VN"),
        ),
        Region("anz", "ANZ", ("ANZ", "Australasia", "Australasian"), ("AU", "NZ")),
        Region("africa", "Africa", ("Africa", "African"), ()),
        Region("north_america", "North America", ("North America", "North American"), ("US", "CA")),
        Region("us_west", "US West", ("US West", "US West Coast", "West Coast"), ("US",)),
        Region("us_east", "US East", ("US East", "US East Coast", "East Coast"), ("US",)),
        Region(
            "bay_area",
            "Bay Area",
            ("Bay Area", "SF Bay Area", "San Francisco Bay Area", "Silicon Valley"),
            ("US",),
        ),
    )
}


@dataclass(frozen=True, slots=True)
class City:
    """A major city and its country."""

    name: str
    country: str
    aliases: tuple[str, ...] = ()


CITIES: tuple[City, ...] = (
    City("San Francisco", "US", ("SF",)),
    City("New York", "US", ("NYC", "New York City")),
    City("Boston", "US"),
    City("Seattle", "US"),
    City("Austin", "US"),
    City("Los Angeles", "US", ("LA",)),
    City("Chicago", "US"),
    City("Denver", "US"),
    City("Miami", "US"),
    City("Atlanta", "US"),
    City("Washington DC", "US", ("Washington D.C.",)),
    City("San Diego", "US"),
    City("Palo Alto", "US"),
    City("Toronto", "CA"),
    City("Vancouver", "CA"),
    City("Montreal", "CA", ("Montréal",)),
    City("Mexico City", "MX", ("CDMX",)),
    City("São Paulo", "BR", ("Sao Paulo",)),
    City("Buenos Aires", "AR"),
    City("Bogotá", "CO", ("Bogota",)),
    City("Santiago", "CL"),
    City("London", "GB"),
    City("Manchester", "GB"),
    City("Edinburgh", "GB"),
    City("Cambridge", "GB"),
    City("Dublin", "IE"),
    City("Paris", "FR"),
    City("Lyon", "FR"),
    City("Berlin", "DE"),
    City("Munich", "DE", ("München",)),
    City("Hamburg", "DE"),
    City("Frankfurt", "DE"),
    City("Cologne", "DE", ("Köln",)),
    City("Amsterdam", "NL"),
    City("Rotterdam", "NL"),
    City("Brussels", "BE"),
    City("Zurich", "CH", ("Zürich",)),
    City("Geneva", "CH"),
    City("Vienna", "AT"),
    City("Stockholm", "SE"),
    City("Copenhagen", "DK"),
    City("Oslo", "NO"),
    City("Helsinki", "FI"),
    City("Tallinn", "EE"),
    City("Riga", "LV"),
    City("Vilnius", "LT"),
    City("Warsaw", "PL"),
    City("Kraków", "PL", ("Krakow",)),
    City("Prague", "CZ"),
    City("Budapest", "HU"),
    City("Bucharest", "RO"),
    City("Madrid", "ES"),
    City("Barcelona", "ES"),
    City("Lisbon", "PT"),
    City("Porto", "PT"),
    City("Milan", "IT"),
    City("Rome", "IT"),
    City("Athens", "GR"),
    City("Istanbul", "TR"),
    City("Tel Aviv", "IL"),
    City("Dubai", "AE"),
    City("Abu Dhabi", "AE"),
    City("Riyadh", "SA"),
    City("Cairo", "EG"),
    City("Lagos", "NG"),
    City("Nairobi", "KE"),
    City("Cape Town", "ZA"),
    City("Johannesburg", "ZA"),
    City("Bangalore", "IN", ("Bengaluru",)),
    City("Mumbai", "IN"),
    City("Delhi", "IN", ("New Delhi",)),
    City("Hyderabad", "IN"),
    City("Shanghai", "CN"),
    City("Beijing", "CN"),
    City("Shenzhen", "CN"),
    City("Tokyo", "JP"),
    City("Seoul", "KR"),
    City("Taipei", "TW"),
    City("Jakarta", "ID"),
    City("Bangkok", "TH"),
    City("Ho Chi Minh City", "VN", ("Saigon",)),
    City("Manila", "PH"),
    City("Kuala Lumpur", "MY"),
    City("Sydney", "AU"),
    City("Melbourne", "AU"),
    City("Auckland", "NZ"),
)
CITY_COUNTRY: dict[str, str] = {city.name: city.country for city in CITIES}

# Names pycountry does not carry, or spells differently from everyday English.
COUNTRY_ALIASES: dict[str, str] = {
    "USA": "US",
    "United States": "US",
    "America": "US",
    "the States": "US",
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "Holland": "NL",
    "the Netherlands": "NL",
    "Russia": "RU",
    "Korea": "KR",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Turkiye": "TR",
    "UAE": "AE",
    "Emirates": "AE",
    "Ivory Coast": "CI",
    "DRC": "CD",
    "DR Congo": "CD",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Cape Verde": "CV",
    "Burma": "MM",
    "Palestine": "PS",
    "Vatican": "VA",
    "Micronesia": "FM",
    "Hong Kong": "HK",
}
UK_NATIONS: dict[str, str] = {
    "England": "GB-ENG",
    "Scotland": "GB-SCT",
    "Wales": "GB-WLS",
    "Northern Ireland": "GB-NIR",
}
"""The UK on a page ("Edinburgh, Scotland"); a place to plan for is the ISO 3166-2
subdivision it is (GB-SCT)."""
COUNTRY_ALIASES.update(dict.fromkeys(UK_NATIONS, "GB"))

# Adjectives of nationality: "French fintechs", "German SaaS companies".
DEMONYMS: dict[str, str] = {
    "American": "US",
    "British": "GB",
    "Scottish": "GB",
    "Welsh": "GB",
    "Irish": "IE",
    "French": "FR",
    "German": "DE",
    "Spanish": "ES",
    "Italian": "IT",
    "Portuguese": "PT",
    "Dutch": "NL",
    "Belgian": "BE",
    "Swiss": "CH",
    "Austrian": "AT",
    "Swedish": "SE",
    "Norwegian": "NO",
    "Danish": "DK",
    "Finnish": "FI",
    "Icelandic": "IS",
    "Estonian": "EE",
    "Latvian": "LV",
    "Lithuanian": "LT",
    "Polish": "PL",
    "Czech": "CZ",
    "Slovak": "SK",
    "Hungarian": "HU",
    "Romanian": "RO",
    "Bulgarian": "BG",
    "Greek": "GR",
    "Croatian": "HR",
    "Slovenian": "SI",
    "Serbian": "RS",
    "Ukrainian": "UA",
    "Turkish": "TR",
    "Israeli": "IL",
    "Emirati": "AE",
    "Saudi": "SA",
    "Egyptian": "EG",
    "Moroccan": "MA",
    "Nigerian": "NG",
    "Kenyan": "KE",
    "South African": "ZA",
    "Ghanaian": "GH",
    "Indian": "IN",
    "Pakistani": "PK",
    "Chinese": "CN",
    "Japanese": "JP",
    "Korean": "KR",
    "South Korean": "KR",
    "Taiwanese": "TW",
    "Singaporean": "SG",
    "Malaysian": "MY",
    "Indonesian": "ID",
    "Vietnamese": "VN",
    "Thai": "TH",
    "Filipino": "PH",
    "Australian": "AU",
    "Canadian": "CA",
    "Mexican": "MX",
    "Brazilian": "BR",
    "Argentine": "AR",
    "Argentinian": "AR",
    "Chilean": "CL",
    "Colombian": "CO",
    "Peruvian": "PE",
    "Luxembourgish": "LU",
    "Maltese": "MT",
    "Cypriot": "CY",
    "Russian": "RU",
}

# Names that are also everyday words or first names; they count only when capitalized.
_CAPITALIZED_ONLY = frozenset(
    {"US", "Chad", "Jordan", "Turkey", "Georgia", "Guinea", "Niger", "Togo", "Polish", "LA", "SF"}
)
_ANYWHERE = ("worldwide", "globally", "global", "anywhere", "any country", "any location")

# pycountry names that in prospecting prose almost always mean something else ("New Jersey").
_NOT_PLACES = frozenset({"Jersey"})

# Short display names for countries whose pycountry names are long or formal.
_COUNTRY_DISPLAY: dict[str, str] = {
    "US": "US",
    "GB": "UK",
    "AE": "UAE",
    "KR": "South Korea",
    "RU": "Russia",
    "CD": "DR Congo",
}


def _country_names() -> list[tuple[str, str]]:
    """(alpha-2, name) pairs from pycountry: short, official and common names."""
    pairs: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                pairs.append((country.alpha_2, re.sub(r"\s*\(.*\)", "", name)))
    # "Korea, Republic of" reads "Korea" in prose, but only a unique prefix is safe to use.
    prefixes = [(code, name.split(",")[0]) for code, name in pairs if "," in name]
    counts: dict[str, set[str]] = {}
    for code, prefix in prefixes:
        counts.setdefault(prefix, set()).add(code)
    pairs = [(code, name) for code, name in pairs if "," not in name and name not in _NOT_PLACES]
    pairs += [(code, prefix) for code, prefix in prefixes if len(counts[prefix]) == 1]
    return pairs


@cache
def _place_table() -> PhraseTable[Place]:
    entries: list[tuple[Place, str]] = []
    entries += [(Place("country", code), name) for code, name in _country_names()]
    entries += [
        (Place("country", code), name)
        for name, code in COUNTRY_ALIASES.items()
        if name not in UK_NATIONS
    ]
    entries += [(Place("subdivision", code), name) for name, code in UK_NATIONS.items()]
    entries += [(Place("country", "US"), "US")]
    entries += [(Place("country", code), name) for name, code in DEMONYMS.items()]
    for region in REGIONS.values():
        entries += [(Place("region", region.slug), name) for name in region.names]
    for city in CITIES:
        entries += [(Place("city", city.name), name) for name in (city.name, *city.aliases)]
    entries += [(Place("anywhere", ""), phrase) for phrase in _ANYWHERE]
    return PhraseTable(entries, case_sensitive=_CAPITALIZED_ONLY)


def find_places(text: str) -> list[Match[Place]]:
    """Countries, regions and cities mentioned in ``text``."""
    return _place_table().find(text)


def country_name(code: str) -> str:
    """A short English name for an ISO alpha-2 code ("FR" -> "France", "US" -> "US")."""
    if code in _COUNTRY_DISPLAY:
        return _COUNTRY_DISPLAY[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def place_name(place: Place) -> str:
    """How a place reads in a title."""
    if place.kind == "country":
        return country_name(place.value)
    if place.kind == "region":
        return REGIONS[place.value].display
    return place.value


# ---------------------------------------------------------------------------------------------
# Funding stages

STAGE_LADDER: tuple[str, ...] = (
    "pre_seed",
    "seed",
    "series_a",
    "series_b",
    "series_c",
    "series_d",
    "series_e",
    "series_f",
    "growth",
)
"""Private funding stages in order; "Series B or later" runs up this ladder to ``growth``."""

PUBLIC = "public"
STAGE_DISPLAY: dict[str, str] = {
    "pre_seed": "Pre-seed",
    "seed": "Seed",
    **{f"series_{letter}": f"Series {letter.upper()}" for letter in "abcdef"},
    "growth": "Growth-stage",
    PUBLIC: "Public",
}

# Named stages and stage bands. An empty tuple means "any stage" and clears the filter.
_STAGE_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("pre_seed",): ("pre-seed", "preseed"),
    ("seed",): ("seed", "seed-stage", "seed round", "seed-funded"),
    ("pre_seed", "seed", "series_a"): ("early-stage", "early stage startups"),
    ("series_b", "series_c"): ("mid-stage",),
    ("series_c", "series_d", "series_e", "series_f", "growth"): ("late-stage",),
    ("growth",): ("growth-stage", "growth equity", "pre-IPO", "scale-ups", "scaleups"),
    (PUBLIC,): (
        "public companies",
        "publicly traded",
        "publicly listed",
        "listed companies",
        "post-IPO",
        "IPO",
        "IPO'd",
        "went public",
    ),
    (): ("any stage", "all stages", "any funding stage", "regardless of stage", "stage agnostic"),
}
# "seed list", "seed file" name an attachment, not a stage.
_NOT_A_STAGE = re.compile(r"\s*(?:list|file|csv|data|set|urls?|domains)\b", re.I)
# After "Series A", a bare letter continues the list only if it cannot be an English word:
# capitalized ("Series A or B"), or lowercase right after a slash or hyphen ("series a/b").
_LETTER = r"(?:series[\s-]*(?P<letter>[a-f])|(?P<bare>(?-i:[A-F]))|(?<=[/\-–—])(?P<glued>[a-f]))"
_SERIES = re.compile(
    r"(?<![\w])(?:(?P<qual>post|pre|(?<!['’]m\s)(?<!['’]re\s)(?<!\sam\s)(?<!\sare\s)after|"
    r"before|beyond|past|at\s+least|up\s+to|at\s+most)"
    r"[\s-]+)?series[\s-]*(?P<first>[a-f])(?![\w])",
    re.I,
)
_SERIES_RANGE = re.compile(rf"\s*(?:-|–|—|to|through|thru)\s*{_LETTER}(?![\w])", re.I)
_SERIES_MORE = re.compile(
    rf"\s*(?:/|&|,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+)\s*{_LETTER}(?![\w])", re.I
)
_SERIES_UP = re.compile(
    r"\s*(?:\+|(?:or|and)\s+(?:later|beyond|above|higher|up|after|onwards?)(?![\w])|"
    r"onwards?(?![\w])|and\s+on(?![\w])|plus(?![\w]))",
    re.I,
)
_SERIES_DOWN = re.compile(r"\s*(?:or|and)\s+(?:earlier|below|lower|before|under)(?![\w])", re.I)
_SEED_TO_SERIES = re.compile(
    r"(?<![\w])(?P<from>pre[\s-]?seed|seed)\s*(?:-|–|—|to|through|thru)\s*"
    r"series[\s-]*(?P<to>[a-f])(?![\w])",
    re.I,
)


@cache
def _stage_table() -> PhraseTable[tuple[str, ...]]:
    entries = [(stages, phrase) for stages, phrases in _STAGE_PHRASES.items() for phrase in phrases]
    return PhraseTable(entries, case_sensitive=("IPO", "IPO'd"))


def find_stages(text: str) -> list[Match[tuple[str, ...]]]:
    """Funding-stage mentions, each as the tuple of stage slugs it allows."""
    found = [m for m in _stage_table().find(text) if not _is_seed_list(text, m)]
    found += [_series_match(text, m) for m in _SERIES.finditer(text)]
    for match in _SEED_TO_SERIES.finditer(text):
        start = STAGE_LADDER.index("pre_seed" if "pre" in match["from"].lower() else "seed")
        end = STAGE_LADDER.index(f"series_{match['to'].lower()}")
        found.append(Match(match.start(), match.end(), STAGE_LADDER[start : end + 1], match[0]))
    for match in _LETTER_ROUND.finditer(text):
        stage = (f"series_{match['letter'].lower()}",)
        found.append(Match(match.start(), match.end(), stage, match[0]))
    return resolve_overlaps(found)


_LETTER_ROUND = re.compile(r"(?<![\w])(?:an?\s+)?(?P<letter>[A-F])[\s-]+rounds?(?![\w])")
"""A round named by its letter alone, in capitals: "raised an A round", "a B-round"."""


def _is_seed_list(text: str, match: Match[tuple[str, ...]]) -> bool:
    return match.key == ("seed",) and bool(_NOT_A_STAGE.match(text, match.end))


def _series_match(text: str, match: re.Match[str]) -> Match[tuple[str, ...]]:
    first = STAGE_LADDER.index(f"series_{match['first'].lower()}")
    indexes = [first]
    end = match.end()
    while more := _SERIES_RANGE.match(text, end) or _SERIES_MORE.match(text, end):
        letter = more["letter"] or more["bare"] or more["glued"]
        index = STAGE_LADDER.index(f"series_{letter.lower()}")
        if more.re is _SERIES_RANGE:
            indexes += range(indexes[-1] + 1, index + 1)
        else:
            indexes.append(index)
        end = more.end()
    if up := _SERIES_UP.match(text, end):
        indexes += range(max(indexes) + 1, len(STAGE_LADDER))
        end = up.end()
    elif down := _SERIES_DOWN.match(text, end):
        indexes += range(min(indexes))
        end = down.end()
    indexes = _qualified(match["qual"], first, indexes)
    stages = tuple(STAGE_LADDER[i] for i in sorted(set(indexes)))
    return Match(match.start(), end, stages, text[match.start() : end])


def _qualified(qualifier: str | None, first: int, indexes: list[int]) -> list[int]:
    """Apply "post-", "pre-", "at least", "up to" to a single-stage mention."""
    words = " ".join((qualifier or "").lower().split())
    if words in ("post", "after", "beyond", "past"):
        return list(range(first + 1, len(STAGE_LADDER)))
    if words == "at least":
        return list(range(first, len(STAGE_LADDER)))
    if words in ("pre", "before"):
        return list(range(first))
    if words in ("up to", "at most"):
        return list(range(first + 1))
    return indexes


# ---------------------------------------------------------------------------------------------
# Technologies, keywords, sources and enrichment dimensions

# Display name -> other spellings. The display name itself always matches.
TECHNOLOGIES: dict[str, tuple[str, ...]] = {
    "Snowflake": (),
    "Databricks": (),
    "BigQuery": ("Google BigQuery",),
    "Redshift": ("Amazon Redshift",),
    "dbt": ("data build tool",),
    "Airflow": ("Apache Airflow",),
    "Kafka": ("Apache Kafka",),
    "Spark": ("Apache Spark",),
    "Fivetran": (),
    "Looker": (),
    "Tableau": (),
    "Power BI": (),
    "ClickHouse": (),
    "PostgreSQL": ("Postgres",),
    "MySQL": (),
    "MongoDB": ("Mongo",),
    "Redis": (),
    "Elasticsearch": ("Elastic",),
    "Python": (),
    "Java": (),
    "Scala": (),
    "Kotlin": (),
    "Swift": (),
    "Go": ("Golang",),
    "Rust": (),
    "Ruby": (),
    "Ruby on Rails": ("Rails", "RoR"),
    "PHP": (),
    "Laravel": (),
    "Elixir": (),
    "TypeScript": (),
    "JavaScript": (),
    "Node.js": ("NodeJS", "Node"),
    "React": ("ReactJS", "React.js"),
    "Next.js": ("NextJS",),
    "Vue": ("Vue.js", "VueJS"),
    "Angular": (),
    "Django": (),
    "Flutter": (),
    ".NET": ("dotnet",),
    "GraphQL": (),
    "Kubernetes": ("k8s",),
    "Docker": (),
    "Terraform": (),
    "AWS": ("Amazon Web Services",),
    "GCP": ("Google Cloud", "Google Cloud Platform"),
    "Azure": ("Microsoft Azure",),
    "Cloudflare": (),
    "Vercel": (),
    "Heroku": (),
    "Supabase": (),
    "Firebase": (),
    "Datadog": (),
    "Sentry": (),
    "PyTorch": (),
    "TensorFlow": (),
    "OpenAI": (),
    "Salesforce": ("SFDC",),
    "HubSpot": (),
    "Pipedrive": (),
    "Marketo": (),
    "Segment": (),
    "Mixpanel": (),
    "Amplitude": (),
    "Intercom": (),
    "Zendesk": (),
    "Twilio": (),
    "Stripe": (),
    "Adyen": (),
    "Plaid": (),
    "Shopify": (),
    "Magento": (),
    "WordPress": (),
    "Webflow": (),
    "Okta": (),
    "Workday": (),
    "NetSuite": (),
    "SAP": (),
    "Jira": (),
    "Figma": (),
    "Slack": (),
    "Notion": (),
    "Retool": (),
    "Zapier": (),
}
# Technology names that are also ordinary English words count only when capitalized.
_TECH_CAPITALIZED_ONLY = frozenset(
    {"Rust", "Swift", "Spark", "Segment", "Looker", "Sentry", "Slack", "Notion"}
    | {"Amplitude", "React", "Ruby", "Java", "Angular", "Plaid"}
    | {"Airflow", "Redshift", "Snowflake", "Stripe", "Scala", "SAP", "Vue", "Intercom", "Okta"}
)


# Names too common to trust anywhere ("Go find ..."): they count only after a stack cue.
_TECH_CUED_ONLY = frozenset({"Go", "Node", "Rails", "Elastic", "Mongo"})


def _technology_spellings() -> list[tuple[str, str]]:
    entries = [(name, name) for name in TECHNOLOGIES]
    return entries + [(name, alias) for name, aliases in TECHNOLOGIES.items() for alias in aliases]


@cache
def _technology_table() -> PhraseTable[str]:
    entries = [
        (name, text) for name, text in _technology_spellings() if text not in _TECH_CUED_ONLY
    ]
    return PhraseTable(entries, case_sensitive=_TECH_CAPITALIZED_ONLY)


@cache
def _cued_technology_table() -> PhraseTable[str]:
    # After "using", "on", "built with" any spelling counts, in any case ("using snowflake").
    return PhraseTable(_technology_spellings())


_STACK_CUE = re.compile(r"(?:using|uses|use|on|runs?\s+on|built\s+(?:on|with)|stack)\s+$", re.I)


def find_technologies(text: str) -> list[Match[str]]:
    """Technology mentions, as display names."""
    found = _technology_table().find(text)
    for match in _cued_technology_table().find(text):
        if _STACK_CUE.search(text[max(0, match.start - 20) : match.start]):
            found.append(match)
    return resolve_overlaps(found)


# Audience descriptors that are not industries. Display -> spellings.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "B2B": ("B2B",),
    "B2C": ("B2C",),
    "D2C": ("D2C", "DTC", "direct to consumer"),
    "open source": ("open source", "OSS"),
    "Y Combinator": ("Y Combinator", "YC", "YC-backed", "YC backed"),
    "VC-backed": ("VC-backed", "venture-backed", "venture backed"),
    "bootstrapped": ("bootstrapped",),
    "remote-first": ("remote-first", "fully remote", "remote first"),
    "product-led": ("product-led", "PLG", "product led growth"),
    "unicorn": ("unicorn",),
    "enterprise": ("enterprise software", "enterprise-focused"),
    "SMB": ("SMB", "small business", "SME"),
    "mid-market": ("mid-market", "midmarket"),
    "Fortune 500": ("Fortune 500",),
    "family-owned": ("family-owned", "family owned"),
    "nonprofit": ("nonprofit", "non-profit", "NGO"),
    "API-first": ("API-first", "API first"),
}


@cache
def _keyword_table() -> PhraseTable[str]:
    entries = [(name, spelling) for name, spellings in KEYWORDS.items() for spelling in spellings]
    return PhraseTable(entries, plural=True, case_sensitive=("YC", "OSS", "SME", "NGO", "PLG"))


def find_keywords(text: str) -> list[Match[str]]:
    """Audience keywords ("B2B", "open source", "YC-backed")."""
    return _keyword_table().find(text)


# Data sources a user may prefer or exclude. Slug -> spellings.
SOURCES: dict[str, tuple[str, ...]] = {
    "crunchbase": ("Crunchbase", "Crunch base"),
    "linkedin": ("LinkedIn", "Linked In", "Sales Navigator"),
    "pitchbook": ("PitchBook",),
    "dealroom": ("Dealroom",),
    "wellfound": ("Wellfound", "AngelList", "Angel List"),
    "apollo": ("Apollo", "Apollo.io"),
    "zoominfo": ("ZoomInfo",),
    "clearbit": ("Clearbit",),
    "g2": ("G2",),
    "capterra": ("Capterra",),
    "product_hunt": ("Product Hunt", "ProductHunt"),
    "github": ("GitHub",),
    "glassdoor": ("Glassdoor",),
    "indeed": ("Indeed",),
    "techcrunch": ("TechCrunch",),
    "hacker_news": ("Hacker News", "HackerNews"),
    "builtwith": ("BuiltWith",),
    "owler": ("Owler",),
    "tracxn": ("Tracxn",),
    "cb_insights": ("CB Insights", "CBInsights"),
    "companies_house": ("Companies House",),
    "sec_edgar": ("EDGAR", "SEC filings"),
    "twitter": ("Twitter", "X.com"),
    "google_news": ("Google News",),
}


@cache
def _source_table() -> PhraseTable[str]:
    entries = [(slug, spelling) for slug, spellings in SOURCES.items() for spelling in spellings]
    return PhraseTable(entries, case_sensitive=("Apollo", "Indeed", "Owler", "EDGAR", "G2"))


def find_sources(text: str) -> list[Match[str]]:
    """Data-source mentions, as slugs."""
    return _source_table().find(text)


def canonical_source(name: str) -> str:
    """The slug for a source named in an API hint, tolerant of spelling ("crunch base")."""
    spellings = {spelling.lower(): slug for slug, items in SOURCES.items() for spelling in items}
    spellings |= {slug: slug for slug in SOURCES}
    key = name.strip().lower()
    if key in spellings:
        return spellings[key]
    best = process.extractOne(key, list(spellings), scorer=fuzz.ratio, score_cutoff=85)
    if best is not None:
        return spellings[best[0]]
    return re.sub(r"[^a-z0-9]+", "_", key).strip("_")


DEEP_ENRICH_DIMENSIONS: tuple[str, ...] = ("hiring", "tech_stack", "funding", "news")
"""The spec's deep-enrich dimensions, each priced per row."""

# Phrases that ask for a dimension as output columns ("add funding stage and tech stack").
# Bare "hiring" is a hiring *signal* unless it sits in an "add ..." clause; see the planner.
DIMENSION_PHRASES: dict[str, tuple[str, ...]] = {
    "funding": (
        "funding stage",
        "funding details",
        "funding info",
        "funding information",
        "funding data",
        "funding history",
        "funding rounds",
        "funding round",
        "last-raised date",
        "last raised date",
        "last raised",
        "amount raised",
        "total raised",
        "total funding",
        "investors",
        "funding",
    ),
    "tech_stack": ("tech stack", "technology stack", "tech stacks", "stack details"),
    "hiring": (
        "hiring data",
        "hiring activity",
        "hiring signals",
        "hiring info",
        "hiring status",
        "job openings",
        "open positions",
    ),
    "news": ("news", "recent news", "press coverage", "press mentions", "announcements"),
}


@cache
def _dimension_table() -> PhraseTable[str]:
    entries = [(dim, phrase) for dim, phrases in DIMENSION_PHRASES.items() for phrase in phrases]
    return PhraseTable(entries)


def find_dimensions(text: str) -> list[Match[str]]:
    """Requested deep-enrich dimensions."""
    return _dimension_table().find(text)


# ---------------------------------------------------------------------------------------------
# Hiring signals, headcount nouns and other phrase vocabularies

HIRING_TRIGGER = re.compile(
    r"(?<![\w])(?:hiring|hire|recruiting|recruit|"
    r"open\s+(?:jds?|job\s+descriptions?|roles?|positions?|reqs?|vacanc(?:y|ies)|jobs?)|"
    r"job\s+(?:postings?|openings?|ads?|listings?)|openings?|vacanc(?:y|ies))"
    r"\s+(?:for\s+)?(?:an?\s+|the\s+|more\s+|new\s+|several\s+|multiple\s+)?$",
    re.I,
)
"""Words just before a role that make it a role being hired, not a person to pull."""

HIRING_ANY = "any"
"""The ``hiring`` entry for "companies that are hiring" without a named role."""

# Headcount metrics and the nouns that name them.
HEADCOUNT_NOUNS: dict[str, tuple[str, ...]] = {
    "employees": (
        "employees",
        "employee",
        "staff",
        "people",
        "persons",
        "person",
        "FTEs",
        "FTE",
        "full-time employees",
        "team members",
        "workers",
        "headcount",
    ),
    "engineers": (
        "engineers",
        "engineer",
        "developers",
        "devs",
        "software engineers",
        "engineering headcount",
        "engineering staff",
        "people in engineering",
    ),
    "open_roles": (
        "open roles",
        "open positions",
        "open jobs",
        "job openings",
        "openings",
        "vacancies",
    ),
}
# Nouns that, after a number, cap the result size ("100 rows", "top 50 companies").
ROW_NOUNS: tuple[str, ...] = (
    "rows",
    "leads",
    "results",
    "companies",
    "prospects",
    "contacts",
    "records",
    "accounts",
    "entries",
    "names",
    "startups",
    "businesses",
    "firms",
    "organizations",
    "organisations",
    "orgs",
)
# Words that cannot name an audience on their own, for the "<word> companies" fallback.
FALLBACK_STOPWORDS = frozenset(
    _words(
        """a an the some any all more most many few several other these those such which what
        good great best top new big small large cool interesting relevant potential target
        similar random different various local global international tech technology
        startup growing fast promising innovative leading known famous successful profitable
        private me us my our your their find get show list give pull of for with from in at
        and or to by on just only companies startups firms businesses early late mid series
        each every hiring funded based listed backed using that are who where whose"""
    )
)

_NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
}
_MULTIPLIERS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
"""A number as written in prose: 20, 1,000, 1.5."""
MULTIPLIER = r"(?:k|thousand|mm|mn|m|million|bn|b|billion)(?![\w])"
"""A magnitude suffix: 10k, $5M, 1.2 billion."""


def parse_number(digits: str, multiplier: str | None = None) -> float:
    """``"1,500"`` -> 1500.0; ``("10", "M")`` -> 10_000_000.0; ``"two"`` -> 2.0."""
    word = digits.strip().lower()
    value = float(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else float(word.replace(",", ""))
    if multiplier:
        value *= _MULTIPLIERS[multiplier.strip().lower()]
    return value


NUMBER_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
"""Spelled-out numbers accepted in recency phrases ("in the last two years")."""

CURRENCIES: dict[str, str] = {
    "$": "usd",
    "usd": "usd",
    "dollar": "usd",
    "€": "eur",
    "eur": "eur",
    "euro": "eur",
    "£": "gbp",
    "gbp": "gbp",
    "pound": "gbp",
}


def currency(written: str) -> str:
    """The ISO code, lower case, of a currency as written ("$", "euros", "pounds sterling")."""
    word = written.split()[0].lower()
    return CURRENCIES.get(word) or CURRENCIES[word.removesuffix("s")]


"""Currency symbols and codes -> the suffix of a ``funding_amount_<currency>`` metric."""
