"""Job-title normalization, shared by the planner (prompts) and the research engine (team pages).

A title is reduced to a *seniority* and a *function*, plus a canonical spelling. Seniorities,
highest first::

    c_level > vp > head > director > manager > lead > ic

"head" ranks above "director" because at the startups Leadex researches a "Head of X" usually
owns the function, while directors report into a VP or a head. Two titles match when their
functions are equal and their seniorities are equal or adjacent in ``COMPATIBLE_SENIORITIES``
(a "Growth Lead" is the "Head of Growth" of a small company; an "Engineering Manager" is not a
"VP of Engineering").

Abbreviations ("Eng", "Mktg", "BD", "RevOps", ...) and vocabulary live in the tables below, so
a new spelling is a one-line data change. Qualifiers such as "former" or "interim" are ignored
here on purpose: deciding whether someone still holds a role is the extractor's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from research.planner.types import RoleTarget

SENIORITIES: tuple[str, ...] = ("c_level", "vp", "head", "director", "manager", "lead", "ic")
"""Every seniority, highest first."""

GENERAL = "general"
"""The function of a title that names a seniority only ("VP", "Director")."""

# Adjacent seniorities that name the same job at companies of different sizes.
_COMPATIBLE_PAIRS: tuple[tuple[str, str], ...] = (
    ("vp", "head"),
    ("head", "director"),
    ("head", "lead"),
    ("manager", "lead"),
)
COMPATIBLE_SENIORITIES: dict[str, frozenset[str]] = {
    level: frozenset(
        {level}
        | {b for a, b in _COMPATIBLE_PAIRS if a == level}
        | {a for a, b in _COMPATIBLE_PAIRS if b == level}
    )
    for level in SENIORITIES
}

# Token-level abbreviations, expanded before any matching ("VP Eng" -> "vice president
# engineering"). Keys are lowercase words as they appear in titles.
ABBREVIATIONS: dict[str, str] = {
    "eng": "engineering",
    "engg": "engineering",
    "engineerings": "engineering",
    "mktg": "marketing",
    "mkt": "marketing",
    "bd": "business development",
    "bizdev": "business development",
    "ops": "operations",
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "hr": "human resources",
    "revops": "revenue operations",
    "salesops": "sales operations",
    "devrel": "developer relations",
    "sre": "site reliability engineering",
    "infra": "infrastructure",
    "qa": "quality assurance",
    "cs": "customer success",
    "cx": "customer experience",
    "ux": "user experience",
    "ui": "user interface",
    "it": "information technology",
    "pr": "public relations",
    "gtm": "go to market",
    "r&d": "research and development",
    "fp&a": "financial planning and analysis",
    "data&analytics": "data and analytics",
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "gm": "general manager",
    "dir": "director",
    "vp": "vice president",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "avp": "assistant vice president",
    "cofounder": "co founder",
    "swe": "software engineer",
    "sde": "software development engineer",
    "pm": "product manager",
    "pmm": "product marketing manager",
    "em": "engineering manager",
    "tpm": "technical program manager",
    "sdr": "sales development representative",
    "bdr": "business development representative",
    "ae": "account executive",
    "csm": "customer success manager",
    "ta": "talent acquisition",
}

# Spellings to display as written in labels ("vp eng" -> "VP Eng").
_DISPLAY_CASE: dict[str, str] = {
    "vp": "VP",
    "svp": "SVP",
    "evp": "EVP",
    "avp": "AVP",
    "ml": "ML",
    "ai": "AI",
    "hr": "HR",
    "bd": "BD",
    "ux": "UX",
    "ui": "UI",
    "qa": "QA",
    "sre": "SRE",
    "it": "IT",
    "pr": "PR",
    "gtm": "GTM",
    "r&d": "R&D",
    "fp&a": "FP&A",
    "devops": "DevOps",
    "revops": "RevOps",
    "devrel": "DevRel",
    "sdr": "SDR",
    "bdr": "BDR",
    "ae": "AE",
    "csm": "CSM",
    "pm": "PM",
    "pmm": "PMM",
    "swe": "SWE",
    "cx": "CX",
    "cs": "CS",
}
_SMALL_WORDS = frozenset({"of", "and", "the", "for", "&", "a", "an", "in"})

# Functional areas, as expanded phrases: phrase -> (function, display name).
FUNCTION_PHRASES: dict[str, tuple[str, str]] = {
    "engineering": ("engineering", "Engineering"),
    "software engineering": ("engineering", "Software Engineering"),
    "software development": ("engineering", "Software Development"),
    "software": ("engineering", "Software"),
    "technology": ("engineering", "Technology"),
    "technical": ("engineering", "Technology"),
    "tech": ("engineering", "Tech"),
    "platform": ("engineering", "Platform"),
    "infrastructure": ("engineering", "Infrastructure"),
    "devops": ("engineering", "DevOps"),
    "site reliability engineering": ("engineering", "Site Reliability Engineering"),
    "backend": ("engineering", "Backend"),
    "back end": ("engineering", "Backend"),
    "frontend": ("engineering", "Frontend"),
    "front end": ("engineering", "Frontend"),
    "full stack": ("engineering", "Full-Stack"),
    "fullstack": ("engineering", "Full-Stack"),
    "mobile": ("engineering", "Mobile"),
    "research and development": ("engineering", "R&D"),
    "quality assurance": ("engineering", "Quality Assurance"),
    "data": ("data", "Data"),
    "data science": ("data", "Data Science"),
    "data engineering": ("data", "Data Engineering"),
    "data and analytics": ("data", "Data & Analytics"),
    "analytics": ("data", "Analytics"),
    "machine learning": ("data", "Machine Learning"),
    "artificial intelligence": ("data", "AI"),
    "business intelligence": ("data", "Business Intelligence"),
    "product": ("product", "Product"),
    "product management": ("product", "Product Management"),
    "growth": ("growth", "Growth"),
    "growth marketing": ("growth", "Growth Marketing"),
    "user acquisition": ("growth", "User Acquisition"),
    "marketing": ("marketing", "Marketing"),
    "product marketing": ("marketing", "Product Marketing"),
    "performance marketing": ("marketing", "Performance Marketing"),
    "demand generation": ("marketing", "Demand Generation"),
    "brand": ("marketing", "Brand"),
    "content": ("marketing", "Content"),
    "communications": ("marketing", "Communications"),
    "public relations": ("marketing", "PR"),
    "developer relations": ("marketing", "Developer Relations"),
    "community": ("marketing", "Community"),
    "sales": ("sales", "Sales"),
    "business development": ("sales", "Business Development"),
    "sales development": ("sales", "Sales Development"),
    "revenue": ("sales", "Revenue"),
    "partnerships": ("sales", "Partnerships"),
    "commercial": ("sales", "Commercial"),
    "go to market": ("sales", "Go-to-Market"),
    "account": ("sales", "Account"),
    "customer success": ("customer_success", "Customer Success"),
    "customer experience": ("customer_success", "Customer Experience"),
    "customer support": ("customer_success", "Customer Support"),
    "support": ("customer_success", "Support"),
    "customer": ("customer_success", "Customer"),
    "design": ("design", "Design"),
    "product design": ("design", "Product Design"),
    "user experience": ("design", "UX"),
    "user interface": ("design", "UI"),
    "creative": ("design", "Creative"),
    "finance": ("finance", "Finance"),
    "financial": ("finance", "Finance"),
    "accounting": ("finance", "Accounting"),
    "financial planning and analysis": ("finance", "FP&A"),
    "operations": ("operations", "Operations"),
    "operating": ("operations", "Operations"),
    "business operations": ("operations", "Business Operations"),
    "revenue operations": ("operations", "Revenue Operations"),
    "sales operations": ("operations", "Sales Operations"),
    "supply chain": ("operations", "Supply Chain"),
    "people": ("people", "People"),
    "people operations": ("people", "People Operations"),
    "human resources": ("people", "HR"),
    "talent": ("people", "Talent"),
    "talent acquisition": ("people", "Talent Acquisition"),
    "recruiting": ("people", "Recruiting"),
    "recruitment": ("people", "Recruiting"),
    "security": ("security", "Security"),
    "information security": ("security", "Information Security"),
    "cybersecurity": ("security", "Cybersecurity"),
    "infosec": ("security", "InfoSec"),
    "legal": ("legal", "Legal"),
    "compliance": ("legal", "Compliance"),
    "information technology": ("it", "IT"),
    "information": ("it", "Information"),
    "executive": ("executive", "Executive"),
}

# C-suite acronyms: acronym -> (function, canonical title).
C_SUITE: dict[str, tuple[str, str]] = {
    "ceo": ("executive", "Chief Executive Officer"),
    "cto": ("engineering", "Chief Technology Officer"),
    "cfo": ("finance", "Chief Financial Officer"),
    "coo": ("operations", "Chief Operating Officer"),
    "cmo": ("marketing", "Chief Marketing Officer"),
    "cpo": ("product", "Chief Product Officer"),
    "cro": ("sales", "Chief Revenue Officer"),
    "cdo": ("data", "Chief Data Officer"),
    "cio": ("it", "Chief Information Officer"),
    "ciso": ("security", "Chief Information Security Officer"),
    "cso": ("security", "Chief Security Officer"),
    "chro": ("people", "Chief Human Resources Officer"),
    "clo": ("legal", "Chief Legal Officer"),
    "cgo": ("growth", "Chief Growth Officer"),
    "caio": ("data", "Chief AI Officer"),
}

# Whole titles that do not follow the "<seniority> of <function>" pattern:
# phrase -> (seniority, function, canonical title, column prefix).
SPECIAL_TITLES: dict[str, tuple[str, str, str, str]] = {
    "founder": ("c_level", "executive", "Founder", "founder"),
    "co founder": ("c_level", "executive", "Co-founder", "cofounder"),
    "president": ("c_level", "executive", "President", "president"),
    "managing director": ("c_level", "executive", "Managing Director", "managing_director"),
    "managing partner": ("c_level", "executive", "Managing Partner", "managing_partner"),
    "general counsel": ("head", "legal", "General Counsel", "general_counsel"),
    "general manager": ("head", "executive", "General Manager", "general_manager"),
    "chief of staff": ("head", "executive", "Chief of Staff", "chief_of_staff"),
}

# Seniority words in precedence order: the first one found in a title decides.
_SENIORITY_WORDS: tuple[tuple[str, str], ...] = (
    ("vice president", "vp"),
    ("head", "head"),
    ("director", "director"),
    ("manager", "manager"),
    ("leader", "lead"),
    ("lead", "lead"),
)

# Individual-contributor nouns -> (default function, whether that function beats a modifier).
# "Product Designer" is design, not product; "Data Engineer" is data, not engineering.
IC_NOUNS: dict[str, tuple[str, bool]] = {
    "engineer": ("engineering", False),
    "developer": ("engineering", False),
    "programmer": ("engineering", False),
    "architect": ("engineering", False),
    "scientist": ("data", False),
    "analyst": ("data", False),
    "researcher": ("data", False),
    "designer": ("design", True),
    "marketer": ("marketing", False),
    "copywriter": ("marketing", False),
    "advocate": ("marketing", False),
    "evangelist": ("marketing", False),
    "recruiter": ("people", True),
    "accountant": ("finance", True),
    "controller": ("finance", True),
    "account executive": ("sales", True),
    "sales development representative": ("sales", True),
    "business development representative": ("sales", True),
    "representative": ("sales", False),
    "salesperson": ("sales", True),
    "consultant": (GENERAL, False),
    "specialist": (GENERAL, False),
    "associate": (GENERAL, False),
    "coordinator": (GENERAL, False),
    "administrator": (GENERAL, False),
    "strategist": (GENERAL, False),
}
_IC_MODIFIERS: tuple[str, ...] = ("senior", "staff", "principal", "lead", "junior", "founding")

# Column stems for common functions, so prefixes stay short and stable ("vp_eng").
_COLUMN_STEMS: dict[str, str] = {
    "engineering": "eng",
    "machine learning": "ml",
    "human resources": "hr",
    "business development": "bd",
    "revenue operations": "revops",
    "developer relations": "devrel",
    "research and development": "rnd",
    "information technology": "it",
}
_PREFIX_TEMPLATES: dict[str, str] = {
    "vp": "vp_{stem}",
    "head": "head_of_{stem}",
    "director": "director_of_{stem}",
    "manager": "{stem}_manager",
    "lead": "{stem}_lead",
}
_TITLE_TEMPLATES: dict[str, str] = {
    "vp": "VP of {display}",
    "head": "Head of {display}",
    "director": "Director of {display}",
    "manager": "{display} Manager",
    "lead": "{display} Lead",
}
_BARE_TITLES: dict[str, str] = {
    "c_level": "Executive",
    "vp": "VP",
    "head": "Head",
    "director": "Director",
    "manager": "Manager",
    "lead": "Lead",
    "ic": "Individual Contributor",
}

# Multi-word phrases that contain a separator word and must survive segment splitting.
_PROTECTED_PHRASES: dict[str, str] = {
    "research and development": "r&d",
    "financial planning and analysis": "fp&a",
    "data and analytics": "data&analytics",
    "vice-president": "vice president",
    "co-founder": "cofounder",
}
_SEGMENT_SPLIT = re.compile(r"\s*(?:,|/|\||;|\+|\s&\s|\band\b|\s[-–—]\s|[()])\s*")
_EMPLOYER_SUFFIX = re.compile(r"\s+(?:at|@)\s+.*$|@.*$")
_WORD = re.compile(r"[a-z0-9&]+")


@dataclass(frozen=True, slots=True)
class NormalizedTitle:
    """A title reduced to seniority and function, with its canonical spelling."""

    title: str
    seniority: str
    function: str
    column_prefix: str


@dataclass(frozen=True, slots=True)
class TitleMention:
    """A job title found in free text, with its character span."""

    start: int
    end: int
    text: str
    title: NormalizedTitle


@dataclass(frozen=True, slots=True)
class _Part:
    """What one segment of a compound title says; either half may be missing."""

    seniority: str | None = None
    function: str | None = None
    display: str | None = None
    fixed: NormalizedTitle | None = None  # c-suite, special and IC titles are complete


# ---------------------------------------------------------------------------------------------
# Normalization


def normalize_title(text: str) -> NormalizedTitle | None:
    """The main role a title names ("Co-founder & CTO" -> CTO), or None if it names none."""
    titles = normalize_titles(text)
    if not titles:
        return None
    return min(titles, key=_precedence)


def normalize_titles(text: str) -> list[NormalizedTitle]:
    """Every role a possibly compound title names, in order ("VP Sales & Marketing" -> two)."""
    parts = [_parse_segment(segment) for segment in _segments(text)]
    return list(dict.fromkeys(_combine(parts)))


def _precedence(title: NormalizedTitle) -> tuple[int, bool, bool]:
    # Highest seniority first; a specific function beats "executive"; a founder title is the
    # least informative way to say c-level.
    return (
        SENIORITIES.index(title.seniority),
        title.function in ("executive", GENERAL),
        title.column_prefix in ("founder", "cofounder"),
    )


# Titles as French, German, Spanish, Dutch and Swedish pages print them, in English words, so
# that "Directeur technique", "Technischer Leiter" and "CTO" name one role. Keys are folded
# (lowercase, no accents); longer phrases are tried first.
FOREIGN_TITLES: dict[str, str] = {
    # French
    "president-directeur general": "ceo",
    "presidente-directrice generale": "ceo",
    "pdg": "ceo",
    "directeur general delegue": "deputy ceo",
    "directrice generale deleguee": "deputy ceo",
    "directeur general": "ceo",
    "directrice generale": "ceo",
    "directeur technique": "cto",
    "directrice technique": "cto",
    "directeur des systemes d'information": "cio",
    "directrice des systemes d'information": "cio",
    "directeur administratif et financier": "cfo",
    "directrice administrative et financiere": "cfo",
    "directeur financier": "cfo",
    "directrice financiere": "cfo",
    "daf": "cfo",
    "dirigeant": "ceo",
    "dirigeante": "ceo",
    "proprietaire": "owner",
    "dsi": "cio",
    "rssi": "ciso",
    "directeur des operations": "coo",
    "directrice des operations": "coo",
    "directeur commercial": "vp sales",
    "directrice commerciale": "vp sales",
    "directeur marketing": "cmo",
    "directrice marketing": "cmo",
    "directeur des ressources humaines": "chief people officer",
    "directrice des ressources humaines": "chief people officer",
    "drh": "chief people officer",
    "directeur de l'ingenierie": "vp engineering",
    "cofondateur": "co-founder",
    "cofondatrice": "co-founder",
    "co-fondateur": "co-founder",
    "co-fondatrice": "co-founder",
    "fondateur": "founder",
    "fondatrice": "founder",
    "gerant": "managing director",
    "gerante": "managing director",
    "ingenieur": "engineer",
    "ingenieure": "engineer",
    "developpeur": "developer",
    "developpeuse": "developer",
    "chef de projet": "project manager",
    "cheffe de projet": "project manager",
    # German
    "vorsitzender des vorstands": "ceo",
    "vorsitzende des vorstands": "ceo",
    "vorstandsvorsitzender": "ceo",
    "vorstandsvorsitzende": "ceo",
    "vorsitzende der geschaftsfuhrung": "ceo",
    "vorsitzender der geschaftsfuhrung": "ceo",
    "technischer geschaftsfuhrer": "cto",
    "technische geschaftsfuhrerin": "cto",
    "kaufmannischer geschaftsfuhrer": "cfo",
    "kaufmannische geschaftsfuhrerin": "cfo",
    "geschaftsfuhrer": "managing director",
    "geschaftsfuhrerin": "managing director",
    "finanzvorstand": "cfo",
    "finanzvorstandin": "cfo",
    "finanzchef": "cfo",
    "finanzchefin": "cfo",
    "technischer leiter": "cto",
    "technische leiterin": "cto",
    "leiter technik": "cto",
    "leiterin technik": "cto",
    "vertriebsleiter": "head of sales",
    "vertriebsleiterin": "head of sales",
    "leiter vertrieb": "head of sales",
    "leiterin vertrieb": "head of sales",
    "personalleiter": "head of people",
    "personalleiterin": "head of people",
    "leiter personal": "head of people",
    "leiterin personal": "head of people",
    "marketingleiter": "head of marketing",
    "marketingleiterin": "head of marketing",
    "leiter marketing": "head of marketing",
    "leiterin marketing": "head of marketing",
    "entwicklungsleiter": "head of engineering",
    "entwicklungsleiterin": "head of engineering",
    "leiter entwicklung": "head of engineering",
    "leiterin entwicklung": "head of engineering",
    "mitgrunder": "co-founder",
    "mitgrunderin": "co-founder",
    "grunder": "founder",
    "grunderin": "founder",
    "inhaber": "owner",
    "inhaberin": "owner",
    "softwareentwickler": "software engineer",
    "softwareentwicklerin": "software engineer",
    "entwickler": "developer",
    "entwicklerin": "developer",
    # Spanish
    "consejero delegado": "ceo",
    "consejera delegada": "ceo",
    "director general": "ceo",
    "directora general": "ceo",
    "director de tecnologia": "cto",
    "directora de tecnologia": "cto",
    "director tecnico": "cto",
    "directora tecnica": "cto",
    "director financiero": "cfo",
    "directora financiera": "cfo",
    "director de operaciones": "coo",
    "directora de operaciones": "coo",
    "director comercial": "vp sales",
    "directora comercial": "vp sales",
    "director de marketing": "cmo",
    "directora de marketing": "cmo",
    "cofundador": "co-founder",
    "cofundadora": "co-founder",
    "fundador": "founder",
    "fundadora": "founder",
    "ingeniero": "engineer",
    "ingeniera": "engineer",
    "desarrollador": "developer",
    "desarrolladora": "developer",
    "gerente": "managing director",
    "dueno": "owner",
    "duena": "owner",
    "propietario": "owner",
    "propietaria": "owner",
    # Dutch
    "algemeen directeur": "ceo",
    "financieel directeur": "cfo",
    "technisch directeur": "cto",
    "medeoprichter": "co-founder",
    "oprichter": "founder",
    "ontwikkelaar": "developer",
    # Swedish
    "verkstallande direktor": "ceo",
    "vd": "ceo",
    "ekonomichef": "cfo",
    "finanschef": "cfo",
    "teknisk chef": "cto",
    "teknikchef": "cto",
    "forsaljningschef": "head of sales",
    "saljchef": "head of sales",
    "medgrundare": "co-founder",
    "grundare": "founder",
    "utvecklare": "developer",
}
_FOREIGN = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(k) for k in sorted(FOREIGN_TITLES, key=len, reverse=True))
    + r")(?![\w-])"
)


def _in_english(text: str) -> str:
    """A title's foreign words replaced by their English role ('directeur technique' -> 'cto')."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    if folded.isascii() and not _FOREIGN.search(folded):
        return text
    return _FOREIGN.sub(lambda m: FOREIGN_TITLES[m.group(0)], folded)


def _segments(text: str) -> list[str]:
    cleaned = unicodedata.normalize("NFKC", _in_english(text)).lower().replace("'s", "")
    cleaned = _EMPLOYER_SUFFIX.sub("", cleaned)
    for phrase, replacement in _PROTECTED_PHRASES.items():
        cleaned = cleaned.replace(phrase, replacement)
    return [segment for segment in _SEGMENT_SPLIT.split(cleaned) if segment.strip()]


def _expand(segment: str) -> str:
    """Lowercase words, singular, with abbreviations spelled out."""
    words = [_singular(word) for word in _WORD.findall(segment.lower().replace("-", " "))]
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def _singular(word: str) -> str:
    if word.endswith("s") and word[:-1] in _singular_vocabulary():
        return word[:-1]
    return word


@cache
def _singular_vocabulary() -> frozenset[str]:
    words = {word for phrase in IC_NOUNS for word in phrase.split()}
    words |= {word for phrase, _ in _SENIORITY_WORDS for word in phrase.split()}
    words |= set(C_SUITE) | {"founder", "cofounder", "officer", "president", "vp", "svp", "evp"}
    words |= {"sdr", "bdr", "ae", "pm", "em", "swe", "csm"}
    return frozenset(words)


def _parse_segment(segment: str) -> _Part:
    words = _expand(segment)
    if not words:
        return _Part()
    for parse in (_parse_c_suite, _parse_special, _parse_ranked, _parse_individual):
        part = parse(words)
        if part is not None:
            return part
    function, display = _function_of(words)
    return _Part(function=function, display=display)


def _parse_c_suite(words: str) -> _Part | None:
    chief = re.search(r"\bchief ((?:\w+ ){0,3}?\w+) officer\b", words)
    if chief:
        spelled = f"chief {chief.group(1)} officer"
        acronym = _chief_acronyms().get(spelled)
        if acronym:
            return _c_suite_part(acronym)
        function, display = _function_of(chief.group(1))
        if function is None:
            function, display = GENERAL, _smart_title(chief.group(1))
        title = f"Chief {display} Officer"
        return _Part(fixed=NormalizedTitle(title, "c_level", function, _snake(title)))
    for word in words.split():
        if word in C_SUITE:
            return _c_suite_part(word)
    return None


def _c_suite_part(acronym: str) -> _Part:
    function, title = C_SUITE[acronym]
    return _Part(fixed=NormalizedTitle(title, "c_level", function, acronym))


@cache
def _chief_acronyms() -> dict[str, str]:
    return {_expand(title): acronym for acronym, (_, title) in C_SUITE.items()}


def _parse_special(words: str) -> _Part | None:
    if "vice president" in words:
        return None
    for phrase in sorted(SPECIAL_TITLES, key=len, reverse=True):  # "co founder" before "founder"
        if re.search(rf"\b{phrase}\b", words):
            seniority, function, title, prefix = SPECIAL_TITLES[phrase]
            return _Part(fixed=NormalizedTitle(title, seniority, function, prefix))
    return None


def _parse_ranked(words: str) -> _Part | None:
    noun = _ic_noun(words)
    for phrase, seniority in _SENIORITY_WORDS:
        match = re.search(rf"\b{phrase}\b", words)
        if not match:
            continue
        # "Lead Engineer" is a senior engineer, not a team lead.
        if seniority == "lead" and noun is not None and noun.start() > match.start():
            continue
        function, display = _function_of(_without(words, match))
        return _Part(seniority=seniority, function=function, display=display)
    return None


def _parse_individual(words: str) -> _Part | None:
    noun = _ic_noun(words)
    if noun is None:
        return None
    default_function, dominant = IC_NOUNS[noun.group(0)]
    head = words[: noun.start()]
    function, display = _function_of(head)
    if function is None or dominant:
        function = default_function
    modifiers = [_smart_title(word) for word in head.split() if word in _IC_MODIFIERS]
    title = " ".join([*modifiers, *([display] if display else []), _smart_title(noun.group(0))])
    return _Part(fixed=NormalizedTitle(title, "ic", function, _snake(title)))


def _ic_noun(words: str) -> re.Match[str] | None:
    matches = list(_ic_noun_pattern().finditer(words))
    return matches[-1] if matches else None  # English titles are head-final


@cache
def _ic_noun_pattern() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternation(IC_NOUNS)})\b")


def _function_of(words: str) -> tuple[str | None, str | None]:
    """The function of the longest functional phrase in ``words`` (earliest on ties)."""
    best: re.Match[str] | None = None
    for match in _function_pattern().finditer(words):
        if best is None or len(match.group(0)) > len(best.group(0)):
            best = match
    if best is None:
        return None, None
    return FUNCTION_PHRASES[best.group(0)]


@cache
def _function_pattern() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternation(FUNCTION_PHRASES)})\b")


def _without(words: str, match: re.Match[str]) -> str:
    return f"{words[: match.start()]} {words[match.end() :]}"


def _combine(parts: list[_Part]) -> list[NormalizedTitle]:
    """Pair seniority-only and function-only segments ("VP, Engineering"); share seniority
    across a list of functions ("Head of Sales & Marketing")."""
    titles: list[NormalizedTitle] = []
    pending: _Part | None = None  # a half that waits for its other half
    last_seniority: str | None = None
    for part in parts:
        if part.fixed is not None:
            titles.append(part.fixed)
            pending, last_seniority = None, None
            continue
        if part.seniority and part.function:
            titles.append(_compose(part.seniority, part.function, part.display))
            pending, last_seniority = None, part.seniority
        elif part.seniority:
            if pending is not None and pending.function:
                titles.append(_compose(part.seniority, pending.function, pending.display))
                pending = None
            else:
                pending = part
            last_seniority = part.seniority
        elif part.function:
            seniority = pending.seniority if pending and pending.seniority else last_seniority
            if seniority:
                titles.append(_compose(seniority, part.function, part.display))
                pending = None
            else:
                pending = part
    if pending is not None and pending.seniority:
        titles.append(_compose(pending.seniority, GENERAL, None))
    return titles


def _compose(seniority: str, function: str, display: str | None) -> NormalizedTitle:
    if display is None:
        title = _BARE_TITLES[seniority]
        return NormalizedTitle(title, seniority, GENERAL, _snake(title))
    title = _TITLE_TEMPLATES[seniority].format(display=display)
    stem = _COLUMN_STEMS.get(_expand(display), _snake(display))
    prefix = _PREFIX_TEMPLATES[seniority].format(stem=stem)
    return NormalizedTitle(title, seniority, function, prefix)


# ---------------------------------------------------------------------------------------------
# Matching and targets


def role_matches(target: RoleTarget | NormalizedTitle, found_title: str) -> bool:
    """Whether a title found on a page is the role the user asked for."""
    return any(_same_role(target, found) for found in normalize_titles(found_title))


def _same_role(target: RoleTarget | NormalizedTitle, found: NormalizedTitle) -> bool:
    if found.seniority not in COMPATIBLE_SENIORITIES.get(target.seniority, frozenset()):
        return False
    # A bare "VP" target accepts any VP; a bare "Director" found on a page proves nothing.
    return target.function in (found.function, GENERAL)


def role_target(label: str) -> RoleTarget:
    """The RoleTarget for a role as the user wrote it ("VP Eng", "Heads of Data")."""
    title = normalize_title(label)
    if title is None:
        raise ValueError(f"{label!r} does not name a job title")
    return RoleTarget(
        label=display_label(label),
        title=title.title,
        seniority=title.seniority,
        function=title.function,
        column_prefix=title.column_prefix,
    )


def display_label(text: str) -> str:
    """A title as the user wrote it, singular and consistently cased ("ctos" -> "CTO")."""
    words = []
    for index, word in enumerate(text.split()):
        lower = word.lower()
        singular = _singular(lower)
        if singular != lower:
            word, lower = word[: len(singular)], singular
        if lower in C_SUITE:
            word = lower.upper()
        elif lower in _DISPLAY_CASE:
            word = _DISPLAY_CASE[lower]
        elif word.islower():
            word = word if index and lower in _SMALL_WORDS else word.capitalize()
        words.append(word)
    return " ".join(words)


# ---------------------------------------------------------------------------------------------
# Finding titles in prose


def find_titles(text: str) -> list[TitleMention]:
    """Job titles mentioned in free text ("Pull VP Eng and Heads of Data"), longest first."""
    candidates: list[TitleMention] = []
    for pattern in _title_patterns():
        for match in pattern.finditer(text):
            title = normalize_title(match.group(0))
            if title is not None:
                candidates.append(TitleMention(match.start(), match.end(), match.group(0), title))
    return _longest_non_overlapping(candidates)


def _longest_non_overlapping(candidates: Iterable[TitleMention]) -> list[TitleMention]:
    taken: list[TitleMention] = []
    for mention in sorted(candidates, key=lambda m: (m.start - m.end, m.start)):
        if all(mention.end <= t.start or mention.start >= t.end for t in taken):
            taken.append(mention)
    return sorted(taken, key=lambda m: m.start)


@cache
def _title_patterns() -> tuple[re.Pattern[str], ...]:
    function = _function_regex()
    sep = r"[\s-]+"
    modifiers = r"(?:(?:senior|sr|staff|principal|lead|junior|jr|founding)" + sep + r")*"
    nouns = _phrase_regex([*IC_NOUNS, *(f"{noun}s" for noun in IC_NOUNS)])
    csuite = "|".join(sorted(C_SUITE, key=len, reverse=True))
    case_insensitive = [
        rf"chief{sep}(?:{function}|\w+){sep}officers?",
        rf"(?:{csuite})(?:'?s)?",
        rf"(?:co{sep}?)?founders?",
        rf"managing{sep}directors?|general{sep}counsel|chiefs?{sep}of{sep}staff",
        rf"(?:(?:senior|executive|assistant|sr){sep})?(?:vice{sep}presidents?|[sea]?vps?)"
        rf"(?:(?:\s*,\s*|{sep})(?:of{sep})?(?:the{sep})?{function})?",
        rf"heads?{sep}of{sep}(?:the{sep})?{function}",
        rf"(?:(?:senior|sr){sep})?directors?(?:{sep}of{sep}|\s*,\s*){function}",
        rf"{function}{sep}directors?",
        rf"{function}{sep}managers?|managers?{sep}of{sep}{function}",
        # Plural "leads" only as a capitalized title: "sales leads" are prospects, not a role.
        rf"{function}{sep}(?:lead|leaders?|(?-i:Leads))",
        rf"{modifiers}(?:{function}{sep}){{0,2}}(?:{nouns})",
    ]
    patterns = [re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.IGNORECASE) for p in case_insensitive]
    # Short abbreviations are only titles when written in capitals ("AEs", not "ae").
    patterns.append(re.compile(r"(?<![\w-])(?:SWE|SDE|PMM|TPM|PM|EM|SDR|BDR|AE|CSM|GM)s?(?![\w-])"))
    return tuple(patterns)


@cache
def _function_regex() -> str:
    phrases = [*FUNCTION_PHRASES]
    phrases += [abbr for abbr, full in ABBREVIATIONS.items() if full in FUNCTION_PHRASES]
    # "it" is a function only as "IT"; in prose it is a pronoun.
    phrases = [phrase for phrase in phrases if phrase not in ("it", "information")]
    return f"(?:{_phrase_regex(phrases)}|(?-i:IT))"


def _phrase_regex(phrases: Iterable[str]) -> str:
    ordered = _longest_first(phrases)
    return "|".join(r"[\s-]+".join(map(re.escape, phrase.split())) for phrase in ordered)


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join(re.escape(phrase) for phrase in _longest_first(phrases))


def _longest_first(phrases: Iterable[str]) -> list[str]:
    # Regex alternation takes the first branch that matches, so longer phrases go first; the
    # text breaks ties so the order never depends on set iteration.
    return sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))


def _smart_title(text: str) -> str:
    return " ".join(
        _DISPLAY_CASE.get(word) or (word if word in _SMALL_WORDS else word.capitalize())
        for word in text.split()
    )


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
