"""Company facts a page states: identity, headquarters, age, funding, size, hiring, stack.

Each fact has a reader over three views of the page, most explicit first: structured data,
labelled values ("Founded: 2019", a <dl> entry, a two-cell row) and sentences. A company's
own pages describe the company itself; a directory profile or a news story describes the
one company it links to (its *subject*); a listing of many stories describes nobody beyond
the site's own name and contacts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry

from research.domains import domain_label, registrable_domain
from research.extract.contacts import find_phones, phone_e164, social_link
from research.extract.dates import find_dates
from research.extract.html import Document, as_list, first_text, squash, types_of, walk_items
from research.extract.naming import company_name, spelled_name
from research.extract.people import sentences
from research.extract.quantities import founded_year, read_counts
from research.extract.records import names_in
from research.extract.titles import EXTRA_TITLE_NOUNS, title_spans
from research.extract.types import CompanyClaims, FundingClaim, PageKind
from research.planner.lexicon import (
    COUNTRY_ALIASES,
    STAGE_LADDER,
    find_industries,
    find_places,
    find_stages,
    parse_number,
)

THIRD_PARTY_KINDS: frozenset[str] = frozenset({"news", "directory"})
ORGANIZATION_TYPES = frozenset(
    {"Organization", "Corporation", "LocalBusiness", "Company", "NGO", "OnlineBusiness"}
)
STAGE_ORDER: tuple[str, ...] = (*STAGE_LADDER, "public")

# -- identity -------------------------------------------------------------------------------

_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\s+)?"
    r"(?P<name>[^\n.|©]{2,60}?)\s*(?:,?\s*(?:19|20)\d{2})?\s*(?:[.|]|all rights|$)",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·:-]\s+")
_LEGAL_TAIL = re.compile(r",?\s+(?:inc|ltd|llc|gmbh|sas|bv|ag|plc|corp)\.?$", re.IGNORECASE)


def site_name(doc: Document) -> str | None:
    """The name the site gives itself, as its signals agree on it (see ``naming``)."""
    agreed = company_name(doc)
    if agreed:
        return agreed
    for item, _ in walk_items(doc.structured):
        if types_of(item) & ORGANIZATION_TYPES and _same_site(doc.url, item.get("url")):
            name = first_text(item.get("name"))
            if name:
                return name
    og = doc.meta("og:site_name")
    if og:
        return og
    for line in reversed(doc.lines):
        match = _COPYRIGHT.search(line)
        if match:
            return _LEGAL_TAIL.sub("", match.group("name").strip(" ,"))
    return _name_from_title(doc.title)


def _same_site(page_url: str, url: Any) -> bool:
    if not url:
        return True
    return registrable_domain(str(url)) == registrable_domain(page_url)


def _name_from_title(title: str | None) -> str | None:
    parts = [p for p in _TITLE_SEPARATORS.split(title or "") if p]
    return parts[-1] if len(parts) > 1 else None


@dataclass(frozen=True, slots=True)
class Subject:
    """The company a third-party page is about."""

    name: str | None
    domain: str


def subject_of(doc: Document, own_domain: str | None, *, profile: bool) -> Subject | None:
    """The one outside company a profile or story links to, with its printed name.

    A story names its subject in words that spell its domain ('Acme Forge', acmeforge.test);
    a ``profile`` page is titled by its subject's name whatever the domain.
    """
    website = next(
        (value for label, value in doc.labelled if label in WEBSITE_LABELS and "." in value),
        None,
    )
    domains = [website] if website else _outside_domains(doc, own_domain)
    domain = registrable_domain(domains[0]) if len(domains) == 1 and domains[0] else None
    if domain is None:
        return None
    name = _name_for_domain(doc, domain) or (_first_heading(doc) if profile else None)
    return Subject(name, domain)


def _outside_domains(doc: Document, own_domain: str | None) -> list[str]:
    found = []
    for url in doc.links:
        domain = registrable_domain(url)
        if domain and domain != own_domain and social_link(url) is None:
            found.append(domain)
    return list(dict.fromkeys(found))


def _name_for_domain(doc: Document, domain: str) -> str | None:
    """The printed name whose letters spell the domain ('Acme Forge' for acme-forge.test)."""
    label = re.sub(r"[^a-z0-9]", "", (domain_label(domain) or "").lower())
    candidates = [h for h in (_first_heading(doc), doc.title) if h]
    return spelled_name([*candidates, *doc.lines[:40]], label)


def _first_heading(doc: Document) -> str | None:
    for heading in doc.root.iter("h1"):
        text = squash(heading.text_content())
        if text:
            return text
    return None


# -- places ---------------------------------------------------------------------------------

_PLACE = (
    r"(?P<city>(?:The\s+)?[A-Z][\w'’.\-]+(?:[\s\-][A-Z][\w'’.\-]+){0,2})"
    r"(?:,\s*(?P<country>(?:the\s+)?[A-Z]\w*(?:\s+[A-Z]\w*){0,3}))?"
)
HQ_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b(?:[Hh]eadquartered|[Bb]ased|[Ll]ocated)\s+in\s+{_PLACE}",
        rf"\b(?:[Hh]eadquarters|[Hh]ead\s+office|HQ)\s+(?:is\s+|are\s+)?in\s+{_PLACE}",
        rf"\bHQ\s*[:|]\s*{_PLACE}",
        r"\b(?P<city>[A-Z][\w'’.]+(?:\s[A-Z][\w'’.]+){0,2})-based\b",
    )
)
HQ_LABELS = frozenset({"headquarters", "hq", "location", "based in", "head office", "city"})
_POSTCODE_CITY = re.compile(r"^(?:[A-Z]{1,2}-?)?\d{4,5}\s+(?P<city>[^\d,]{2,40})$")


def country_code(text: str) -> str | None:
    """ISO alpha-2 for a country as printed: 'France', 'the Netherlands', 'UK', 'NL'."""
    text = text.strip().rstrip(".")
    if text in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[text]
    places = [m for m in find_places(text) if m.key.kind == "country"]
    if places and places[0].start == 0 and places[0].end == len(text):
        return places[0].key.value
    if re.fullmatch(r"[A-Z]{2}", text):
        country = pycountry.countries.get(alpha_2=text)
        return country.alpha_2 if country else None
    return None


def _place(city: str | None, country: str | None) -> tuple[str | None, str | None]:
    city = city.strip().rstrip(".") if city else None
    code = _longest_country(country) if country else None
    if city and country_code(city):
        return None, country_code(city)  # "Based in France": a country, no city
    return city, code  # a country the page does not print is not claimed, even for Paris


def _longest_country(text: str) -> str | None:
    """The country a text starts with: 'Czech Republic Founded' -> 'CZ'."""
    words = text.split()
    for size in range(len(words), 0, -1):
        code = country_code(" ".join(words[:size]))
        if code:
            return code
    return None


def _hq_from_text(lines: Sequence[str]) -> tuple[str | None, str | None]:
    for sentence in (s for line in lines for s in sentences(line)):
        for pattern in HQ_PATTERNS:
            match = pattern.search(sentence)
            if match:
                groups = match.groupdict()
                city, code = _place(groups.get("city"), groups.get("country"))
                if city or code:
                    return city, code
    return None, None


def _hq_from_value(value: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts:
        return None, None
    if len(parts) == 1:
        return _place(parts[0], None)
    city = parts[-2]
    postcode = _POSTCODE_CITY.match(city)
    return _place(postcode.group("city") if postcode else city, parts[-1])


# -- industry -------------------------------------------------------------------------------

_INDUSTRY_AFTER = re.compile(
    r"^\s+(?:company|companies|startup|start-up|firm|business|platform|provider|scale-?up"
    r"|space|sector|industry|player)\b",
    re.IGNORECASE,
)
_INDUSTRY_BEFORE = re.compile(
    r"(?:years\s+in|work(?:ing)?\s+in|operat\w*\s+in|filed\s+under|leader\s+in)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
INDUSTRY_LABELS = frozenset({"industry", "sector", "category", "market", "vertical"})


def _industry(lines: Sequence[str], labelled: Sequence[tuple[str, str]]) -> str | None:
    for label, value in labelled:
        if label in INDUSTRY_LABELS:
            found = find_industries(value)
            if found:
                return found[0].key
    votes: Counter[str] = Counter()
    for line in lines:
        for match in find_industries(line):
            # Only an industry the company is in counts: "the martech company", not
            # "for e-commerce brands".
            if _INDUSTRY_AFTER.match(line[match.end :]) or _INDUSTRY_BEFORE.search(
                line[: match.start]
            ):
                votes[match.key] += 1
    return votes.most_common(1)[0][0] if votes else None


# -- founding year --------------------------------------------------------------------------

_Y = r"(?P<year>(?:19|20)\d{2})"
FOUNDED_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b(?i:founded|established|incorporated)\s+(?:in\s+)?{_Y}\b",
        rf"\b(?i:founded)\s+by\s+[^.;]{{2,80}}?\s+in\s+{_Y}\b",
        rf"\b(?i:est)\.?\s+{_Y}\b",
        # Capitalized, "Since 2019" opens a statement; "a long way since 2019" is prose.
        rf"\bSince\s+{_Y}\b",
        rf"\b(?i:co-?founded|started)\s+[A-Z][\w'’&.\- ]{{0,40}}?\s+in\s+{_Y}\b",
    )
)
FOUNDED_LABELS = frozenset({"founded", "year founded", "established", "founded in", "since"})


def _founded(lines: Sequence[str], labelled: Sequence[tuple[str, str]]) -> int | None:
    for label, value in labelled:
        if label in FOUNDED_LABELS and (match := re.search(_Y, value)):
            return int(match.group("year"))
    for line in lines:
        for sentence in sentences(line):
            for pattern in FOUNDED_PATTERNS:
                match = pattern.search(sentence)
                if match:
                    return int(match.group("year"))
    return None


# -- headcount ------------------------------------------------------------------------------

_N = r"(?P<n>\d{1,3}(?:[,\s]\d{3})+|\d+)"
# Not "20+", not "11-50", and not the "1" of "1,001".
_EXACT = r"(?![\d+–-]|[.,]\d)"
_NOT_EXACT_BEFORE = re.compile(
    r"(?:over|more\s+than|almost|nearly|about|around|approximately|~|\+|[-–]|hiring|hire"
    r"|looking\s+for|seeking|need)\s*$",
    re.IGNORECASE,
)
EMPLOYEE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b(?:team\s+size|headcount|employees|company\s+size|staff)\s*[:|]\s*{_N}{_EXACT}",
        rf"\b(?<!engineering\s)team\s+of\s+{_N}\b(?!\s*engineers){_EXACT}",
        rf"\b(?:team|headcount)\s+to\s+{_N}\b{_EXACT}",
        rf"\b{_N}\s+(?:people|employees|staff|team\s+members|full-time\s+employees|FTEs?)\b",
    )
)
ENGINEER_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b{_N}\s+(?:of\s+them\s+|of\s+whom\s+are\s+)?(?:software\s+)?engineers\b",
        rf"\b{_N}\s+in\s+engineering\b",
        rf"\b{_N}-(?:person|people|strong)\s+engineering\s+team\b",
        rf"\bengineering\s+team\s+(?:is|of)\s+{_N}\b{_EXACT}",
        rf"\bengineers\s*[:|]\s*{_N}\b{_EXACT}",
    )
)


def _count(lines: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> int | None:
    for sentence in (s for line in lines for s in sentences(line)):
        for pattern in patterns:
            for match in pattern.finditer(sentence):
                before = sentence[max(0, match.start() - 20) : match.start()]
                after = sentence[match.end() : match.end() + 1]
                if _NOT_EXACT_BEFORE.search(before) or after in {"+", "–", "-"}:
                    continue
                return int(parse_number(re.sub(r"[,\s]", "", match.group("n"))))
    return None


# -- funding --------------------------------------------------------------------------------

CURRENCY_CODES: dict[str, str] = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
# Rough USD value of one unit, to compare rounds across currencies.
USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.27,
    "CHF": 1.12,
    "SEK": 0.095,
    "NOK": 0.095,
    "DKK": 0.145,
    "CAD": 0.73,
    "AUD": 0.66,
    "JPY": 0.0067,
    "INR": 0.012,
}
_CODES = "|".join(USD_PER_UNIT)
_MULT = r"(?:K|M|B|bn|mn|k|m|million|billion|thousand)"
MONEY = re.compile(
    rf"(?:(?P<sym>[$€£¥₹])\s?|(?P<code>\b(?:{_CODES}))\s)(?P<num>\d+(?:[.,]\d+)?)\s?"
    rf"(?P<mult>{_MULT})?(?![\w])"
)
# Stage phrases the planner's vocabulary does not cover.
EXTRA_STAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), stage)
    for pattern, stage in (
        (r"\bgrowth\s+(?:round|funding|equity)\b", "growth"),
        (r"\binitial\s+public\s+offering\b|\bwent\s+public\b|\bgoes\s+public\b", "public"),
        (r"\blisted\s+company\b|\bpublicly\s+(?:traded|listed)\b", "public"),
    )
)
FUNDING_CUE = re.compile(
    r"\b(?:rais\w*|closed?|closes|land(?:s|ed)?|secur\w*|announc\w*|round|funding|led\s+by"
    r"|backed|invest\w*|ipo|public|listed|financing)\b",
    re.IGNORECASE,
)
STAGE_LABELS = frozenset({"stage", "funding stage", "last round", "round"})
FUNDING_LABELS = frozenset({"last funding", "latest funding", "funding", "total funding"})


def money(text: str) -> tuple[str, int] | None:
    """The first amount of money in text: as printed, and roughly in USD."""
    match = MONEY.search(text)
    if not match:
        return None
    code = CURRENCY_CODES.get(match.group("sym") or "", match.group("code") or "USD")
    value = parse_number(match.group("num").replace(",", "."), match.group("mult"))
    return match.group(0).strip(), round(value * USD_PER_UNIT.get(code, 1.0))


def stage_of(text: str) -> str | None:
    """The single funding stage a text names ('Series A', 'seed round', 'IPO')."""
    found = [m.key[0] for m in find_stages(text) if len(m.key) == 1]
    found += [stage for pattern, stage in EXTRA_STAGES if pattern.search(text)]
    return found[0] if found else None


def _funding(
    lines: Sequence[str], labelled: Sequence[tuple[str, str]], published: str | None
) -> list[FundingClaim]:
    claims: list[FundingClaim] = []
    for label, value in labelled:
        if label in STAGE_LABELS and (stage := stage_of(value)):
            claims.append(FundingClaim(stage=stage))
        elif label in FUNDING_LABELS and (amount := money(value)):
            claims.append(_claim(None, amount, _date_in(value)))
    for line in lines:
        for sentence in sentences(line):
            stage, amount = stage_of(sentence), money(sentence)
            table_row = " | " in sentence and stage and amount
            if (stage or amount) and (FUNDING_CUE.search(sentence) or table_row):
                claims.append(_claim(stage, amount, _date_in(sentence) or published))
    return dedupe_rounds(claims)


def _claim(stage: str | None, amount: tuple[str, int] | None, day: str | None) -> FundingClaim:
    return FundingClaim(
        stage=stage,
        amount_text=amount[0] if amount else None,
        amount_usd=amount[1] if amount else None,
        date=day,
    )


def _date_in(text: str) -> str | None:
    found = find_dates(text)
    return max(found, key=lambda d: len(d.iso)).iso if found else None


def dedupe_rounds(claims: list[FundingClaim]) -> list[FundingClaim]:
    """One claim per round: a stage-only mention folds into the same stage's full claim."""
    merged = _fold_rounds(claims)
    while len(folded := _fold_rounds(merged)) < len(merged):
        merged = folded  # a merge can make two earlier claims into twins
    return merged


def _fold_rounds(claims: list[FundingClaim]) -> list[FundingClaim]:
    merged: list[FundingClaim] = []
    for claim in claims:
        twin = next((m for m in merged if _same_round(m, claim)), None)
        if twin is None:
            merged.append(claim)
            continue
        index = merged.index(twin)
        merged[index] = FundingClaim(
            stage=twin.stage or claim.stage,
            amount_text=twin.amount_text or claim.amount_text,
            amount_usd=twin.amount_usd or claim.amount_usd,
            date=_finer(twin.date, claim.date),
        )
    return merged


def _same_round(a: FundingClaim, b: FundingClaim) -> bool:
    if a.stage and b.stage and a.stage != b.stage:
        return False
    if a.amount_text and b.amount_text and a.amount_text != b.amount_text:
        return False
    return bool(
        (a.stage and a.stage == b.stage) or (a.amount_text and a.amount_text == b.amount_text)
    )


def _finer(a: str | None, b: str | None) -> str | None:
    if a and b and b.startswith(a):
        return b
    return a or b


# -- hiring and stack -----------------------------------------------------------------------

_ITEM_SPLIT = re.compile(r"\s+[—–·|]\s+|\s+-\s+")
JOB_HEADINGS = re.compile(
    r"\b(?:open\s+(?:positions|roles|jobs)|openings|vacancies|current\s+jobs|we're\s+hiring)\b",
    re.IGNORECASE,
)


def job_title(text: str) -> str | None:
    """The text when it reads as an opening's title ('Mobile Engineer (iOS)')."""
    text = squash(text)
    if not text or len(text) > 80 or len(text.split()) > 10 or not text[0].isupper():
        return None
    if re.search(r"[.!?:;@]|\d{3,}", text):
        return None
    if title_spans(text):
        return text
    last = re.split(r"[\s,(]+", text.lower().rstrip(")"))[-1]
    return text if last in EXTRA_TITLE_NOUNS else None


def _open_roles(doc: Document, kind: PageKind) -> list[str]:
    if kind == "job":
        heading = _first_heading(doc)
        title = job_title(heading) if heading else None
        return [title] if title else []
    if kind != "careers":
        return []
    found: list[str] = []
    body = doc.root.find("body")
    scope = body if body is not None else doc.root
    for element in scope.iter("li", "tr", "h3", "h4"):
        if element.getparent() is not None and element.getparent().tag in {"nav"}:
            continue
        first = _first_cell(element)
        title = job_title(first) if first else None
        if title:
            found.append(title)
    return list(dict.fromkeys(found))


def _first_cell(element: Any) -> str | None:
    if element.tag == "tr":
        cells = [c for c in element if c.tag == "td"]
        return squash(cells[0].text_content()) if cells else None
    anchors = list(element.iter("a"))
    if element.tag == "li" and anchors:
        return squash(anchors[0].text_content())
    return _ITEM_SPLIT.split(squash(element.text_content()))[0]


STACK_CUE = re.compile(
    r"(?:our\s+(?:tech\s+)?stack(?:\s+includes)?|we\s+(?:work|build)\s+with"
    r"|tech(?:nologies|nology)?\s+we\s+use(?:\s+every\s+day)?|tools\s+we\s+use"
    r"|(?:built|running|runs)\s+(?:on|with)|what\s+you'll\s+work\s+with|tech\s+stack)"
    r"\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


def _tech_stack(lines: Sequence[str]) -> list[str]:
    found: list[str] = []
    for index, line in enumerate(lines):
        match = STACK_CUE.search(line)
        if not match:
            continue
        rest = line[match.end() :].strip()
        if not rest and index + 1 < len(lines):
            rest = lines[index + 1]  # a heading over the list ("What you'll work with")
        found += [t for t in (_tech_item(i) for i in _LIST_SPLIT.split(rest.rstrip("."))) if t]
    return list(dict.fromkeys(found))


def _tech_item(item: str) -> str | None:
    item = item.strip(" .")
    words = item.split()
    if not words or len(words) > 4 or not (item[0].isupper() or item[0] in ".#" or item.islower()):
        return None
    return item if not item.islower() or len(item) <= 12 else None


# -- contacts -------------------------------------------------------------------------------


def _company_linkedin(doc: Document) -> str | None:
    for url in doc.links:
        link = social_link(url)
        if link and link.network == "linkedin" and link.kind == "company":
            return link.url
    return None


def _phone(doc: Document, region: str | None) -> str | None:
    for target, _ in doc.hrefs("tel"):
        number = phone_e164(target, region, strict=False)
        if number:
            return number
    phones = find_phones(doc.text, region)
    return phones[0] if phones else None


def _region_of(domain: str | None) -> str | None:
    suffix = (domain or "").rsplit(".", 1)[-1].upper()
    return suffix if len(suffix) == 2 and pycountry.countries.get(alpha_2=suffix) else None


# -- structured data ------------------------------------------------------------------------


def _organization_facts(doc: Document, site_url: str) -> dict[str, Any]:
    """Facts of the page's own Organization item."""
    for item, _ in walk_items(doc.structured):
        if not (types_of(item) & ORGANIZATION_TYPES) or not _same_site(site_url, item.get("url")):
            continue
        address = next(iter(as_list(item.get("address"))), None)
        facts: dict[str, Any] = {"name": first_text(item.get("name"))}
        if isinstance(address, dict):
            facts["hq_city"] = first_text(address.get("addressLocality"))
            country = first_text(address.get("addressCountry"))
            facts["hq_country"] = country_code(country) if country else None
        founding = first_text(item.get("foundingDate"))
        if founding and (year := re.match(_Y, founding)):
            facts["founded_year"] = int(year.group("year"))
        employees = item.get("numberOfEmployees")
        count = first_text(employees) if not isinstance(employees, dict) else employees.get("value")
        if count is not None and str(count).isdigit():
            facts["employees"] = int(count)
        same_as = [str(u) for u in as_list(item.get("sameAs"))]
        linkedin = next((u for u in same_as if (s := social_link(u)) and s.kind == "company"), None)
        facts["linkedin"] = linkedin
        return {key: value for key, value in facts.items() if value is not None}
    return {}


# -- the page's claims ----------------------------------------------------------------------

WEBSITE_LABELS = frozenset({"website", "web", "homepage", "url", "site"})


def extract_company(
    doc: Document, *, kind: PageKind, name: str | None, listing: bool = False
) -> CompanyClaims:
    """What the page says about the company it describes: the site's own, or its subject.

    A ``listing`` (many stories or entries) only names the site: its sentences are about
    many companies.
    """
    own_domain = registrable_domain(doc.url)
    if kind in THIRD_PARTY_KINDS:
        subject = None if listing else subject_of(doc, own_domain, profile=kind == "directory")
        if subject is None:
            return CompanyClaims()
        return _facts(doc, kind, CompanyClaims(name=subject.name, domain=subject.domain))
    claims = CompanyClaims(name=name, domain=own_domain)
    structured = _organization_facts(doc, doc.url)
    if name or re.match(r"https?:|www\.", structured.get("name", "")):
        structured.pop("name", None)  # the name the signals agree on; never an address
    claims = claims.model_copy(update=structured)
    claims.linkedin = claims.linkedin or _company_linkedin(doc)
    if not listing:
        claims = _facts(doc, kind, claims)
    claims.phone = _phone(doc, claims.hq_country or _region_of(own_domain))
    return claims


def _facts(doc: Document, kind: PageKind, claims: CompanyClaims) -> CompanyClaims:
    lines, labelled = doc.lines, doc.labelled
    readers: dict[str, Callable[[], Any]] = {
        "industry": lambda: _industry(lines, labelled),
        "founded_year": lambda: _founded(lines, labelled),
        "employees": lambda: _count(doc.undated_lines, EMPLOYEE_PATTERNS),
        "engineers": lambda: _count(doc.undated_lines, ENGINEER_PATTERNS),
    }
    update: dict[str, Any] = {}
    for field, read in readers.items():
        if getattr(claims, field) is None:
            update[field] = read()
    # Counts and founding years in ordinary sentences, in the page's language.
    language = doc.root.get("lang")
    stated = read_counts(doc.undated_lines, language)
    for field in ("employees", "engineers", "customers", "locations"):
        if getattr(claims, field) is None and update.get(field) is None:
            update[field] = stated.get(field)
    if claims.founded_year is None and update.get("founded_year") is None:
        update["founded_year"] = founded_year(lines, has_person=_names_someone)
    if claims.hq_city is None and claims.hq_country is None:
        city, country = _hq(lines, labelled)
        update["hq_city"], update["hq_country"] = city, country
    update["funding"] = _funding(lines, labelled, doc.published if kind in POST_KINDS else None)
    update["open_roles"] = _open_roles(doc, kind)
    update["tech_stack"] = _tech_stack(lines) if kind not in THIRD_PARTY_KINDS else []
    return claims.model_copy(update={k: v for k, v in update.items() if v is not None})


POST_KINDS = frozenset({"press", "news"})


def _names_someone(sentence: str) -> bool:
    return bool(names_in(sentence, ()))


def _hq(lines: Sequence[str], labelled: Sequence[tuple[str, str]]) -> tuple[str | None, str | None]:
    for label, value in labelled:
        if label in HQ_LABELS:
            city, code = _hq_from_value(value)
            if city or code:
                return city, code
    return _hq_from_text(lines)
