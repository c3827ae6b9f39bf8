"""The company's name: several signals on the page that must agree with each other and the domain.

Signals, each a candidate: the site's schema.org Organization (name, legalName), og:site_name,
the parts of the title, the logo's alt text and the header's brand, the copyright holder
(without "Copyright", years and "All rights reserved"), legal names with their legal form
("Ashford Marine Services Limited", "Lichtwerk Software GmbH"), and any printed phrase whose
letters spell the domain ("Peace Arch Business Center" on peacearchbusinesscenter.com). A
candidate that is a page's name ("About Us", "Impressum"), a sentence, a tagline, a person, a
year, a place ("Houston, TX") or a third party ("Website by …", a map provider) is dropped.
Each remaining candidate scores by the signals that name it too and by how well it spells the
domain (a shortening that spells only part of it, "CBG" on cbgaanhangwagens.nl, less); the
best is the company's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from research.domains import registrable_domain
from research.extract.html import Document, element_text, first_text, squash, types_of, walk_items
from research.extract.lexicon import fold_word, looks_like_title, words_in
from research.extract.names import fold, towns
from research.planner import gazetteer

ORGANIZATION_TYPES = frozenset(
    {"Organization", "Corporation", "LocalBusiness", "Company", "NGO", "EducationalOrganization"}
    | {"Dentist", "MedicalBusiness", "LegalService", "Attorney", "ProfessionalService"}
    | {"Restaurant", "Store", "Hotel", "GovernmentOrganization", "MedicalOrganization"}
)
# Weights: how much each source says "this is the company's name".
WEIGHTS = {
    "structured": 3.0,
    "og": 3.0,
    "logo": 2.0,
    "legal": 2.0,
    "copyright": 2.0,
    "spelled": 2.0,
    "title": 1.0,
    "heading": 0.5,
}
PRIORITY = ("structured", "og", "logo", "legal", "copyright", "spelled", "title", "heading")
DOMAIN_WEIGHT = 3.0
MAX_NAME_WORDS = 7

LEGAL_FORMS = (
    r"GmbH\s*&\s*Co\.?\s*KG|GmbH|gGmbH|mbH|AG|KG|OHG|GbR|e\.\s?V\.?|eG|e\.K\.|PartG(?:\s*mbB)?|PartGmbB|UG"
    r"|S\.?A\.?R\.?L\.?|SARL|SAS|S\.A\.S\.|S\.A\.|SA|SCI|EURL|SNC"
    r"|S\.L\.U?\.?|S\.L|SL|S\.L\.L\.|S\.Coop\."
    r"|B\.V\.|BV|N\.V\.|NV|V\.O\.F\.|VOF"
    r"|AB|HB|Oy|A/S|ApS|AS|ASA"
    r"|Ltd\.?|Limited|LLC|L\.L\.C\.|LLP|LP|Inc\.?|Incorporated|Corp\.?|Corporation|PLC|plc|Co\.?"
    r"|P\.C\.?|PC|P\.A\.?|PLLC|S\.L\.P\.?|SLP|SCP|SELARL|EARL|SCOP|SA\s+de\s+CV"
    r"|Pty\.?\s+Ltd\.?|S\.p\.A\.|S\.r\.l\.|SRL"
)
_LEGAL_TAIL = re.compile(rf"(?:,?\s+(?:{LEGAL_FORMS}))+\.?\s*$")
_LEGAL_NAME = re.compile(
    r"(?P<name>[A-ZÀ-Ý][\w&'’.\-]*(?:\s+(?:(?:&|und|and|et|y|de|des|du)\s+)?"
    r"[A-ZÀ-Ý0-9][\w&'’.\-]*){0,5}?),?\s+"
    rf"(?P<form>{LEGAL_FORMS})(?![\w])"
)
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b|&copy;", re.IGNORECASE)
_YEARS = re.compile(r"\b(?:19|20)\d{2}(?:\s*[-–—]\s*(?:19|20)?\d{2,4})?\b")
# Years a page prints without a space between them: "20142009".
_GLUED_YEARS = r"(?:(?:19|20)\d{2}){2,}"
_RIGHTS = re.compile(
    r"all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten|tous\s+droits\s+r[ée]serv[ée]s"
    r"|todos\s+los\s+derechos\s+reservados|alle\s+rechten\s+voorbehouden"
    r"|alla\s+r[äa]ttigheter\s+f[öo]rbeh[åa]llna|\ball rights\b",
    re.IGNORECASE,
)
_TITLE_SPLIT = re.compile(r"\s+[|–—·•:»«/]\s+|\s+-\s+|\s*\|\s*")
_PIECE_SPLIT = re.compile(r"\s+[|–—·•]\s+|\s+-\s+|\s*\|\s*|(?<=[a-z]{3})\.\s+")
_PAGE_PREFIX = re.compile(
    r"^(?:careers?|jobs|work|karriere|jobs|carri[èe]res?|empleo|trabaja)\s+"
    r"(?:at|with|bei|chez|en|con|hos|bij)\s+",
    re.IGNORECASE,
)
_AT = re.compile(r"\s+(?:at|bei|chez|en|hos|bij)\s+(?=[A-ZÀ-Ý])")
_ARTICLE = re.compile(r"^(?:Die|Der|Das|The|La|Le|Les|El|Los|Las|Het|De)\s+(?=[A-ZÀ-Ý])")
_LOGO_WORDS = re.compile(r"\b(?:logo|logotype|logotipo|home|startseite|accueil|inicio)\b", re.I)
_THIRD_PARTY = re.compile(
    r"website\s+by|site\s+by|designed\s+by|powered\s+by|r[ée]alis[ée]\s+par|conception|"
    r"h[ée]bergement|hosting|hosted\s+by|webdesign|bildnachweis|photo|fotos?\b|"
    r"gestaltung|dise[ñn]o\s+web|desarrollado\s+por|theme\s+by|map\s+data",
    re.IGNORECASE,
)
THIRD_PARTIES = frozenset(
    {"google maps", "ovh sas"}
    | set(
        words_in(
            "google openstreetmap mapbox wordpress wix squarespace shopify ovh unsplash "
            "shutterstock facebook instagram linkedin twitter youtube apple microsoft cloudflare "
            "godaddy ionos strato hetzner jimdo webflow hubspot mailchimp"
        )
    )
)


def _pipe_list(text: str) -> list[str]:
    return text.split("|")


PAGE_NAMES = frozenset(
    fold_word(p)
    for p in _pipe_list(
        "home|homepage|welcome|about|about us|our story|our history|history|who we are|team|"
        "our team|the team|meet the team|people|our people|leadership|our leadership|"
        "management|board|staff|staff directory|directory|contact|contact us|get in touch|"
        "careers|jobs|join us|news|press|blog|events|services|products|pricing|faq|"
        "legal|legal notice|imprint|impressum|privacy|privacy policy|terms|cookies|sitemap|"
        "startseite|über uns|ueber uns|unser team|das team|kontakt|karriere|jobs|presse|"
        "datenschutz|ansprechpartner|unternehmen|leistungen|geschäftsführung|praxisteam|"
        "accueil|à propos|qui sommes-nous|notre équipe|l'équipe|équipe|contact|"
        "contactez-nous|nous contacter|mentions légales|carrières|recrutement|actualités|"
        "inicio|quiénes somos|sobre nosotros|equipo|nuestro equipo|contacto|aviso legal|"
        "empleo|trabaja con nosotros|noticias|prensa|equipo directivo|"
        "over ons|ons team|het team|medewerkers|vacatures|nieuws|"
        "om oss|medarbetare|kontakta oss|kontakt|jobb|nyheter|personal|"
        "our leadership|leadership team|board of directors|board of trustees|the studio|studio|"
        "vorstand|aufsichtsrat|direction|comité de direction|annuaire|socios|abogados|"
        "login|log in|logout|log out|sign in|sign out|sign up|register|my account|account|"
        "cart|shopping cart|checkout|search|menu|skip to content|inloggen|anmelden|connexion"
    )
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name one signal gives the company."""

    text: str
    source: str


def company_name(doc: Document) -> str | None:
    """The company's name as the page's signals agree on it, or None."""
    label = _domain_label(doc.url)
    candidates = [Candidate(_without_page_words(c.text, label), c.source) for c in _candidates(doc)]
    candidates = [
        c for c in candidates if _acceptable(c.text) or (c.source == "spelled" and _plain(c.text))
    ]
    if not candidates:
        return None
    distinct = {(c.source, _key(c.text)): c for c in candidates}.values()
    scored = []
    for index, candidate in enumerate(candidates):
        key = _key(candidate.text)
        support = sum(WEIGHTS[o.source] for o in distinct if _agree(key, _key(o.text)))
        scored.append((support + DOMAIN_WEIGHT * _spells_domain(key, label), index, candidate))
    top = max(score for score, _, _ in scored)
    # Among the names about as well supported, the most explicit source and the shortest.
    near = [(PRIORITY.index(c.source), len(c.text), i, c) for s, i, c in scored if s >= top - 1.0]
    best = min(near)[3]
    if best.source == "spelled":
        best = _agreed_longer(best, list(distinct)) or best
    return _display(best.text)


def _agreed_longer(spelled: Candidate, candidates: list[Candidate]) -> Candidate | None:
    """The domain often shortens the name: 'Balise Collision Repair', printed alike by the
    title and the main heading, on balisecollision.com; 'Weingut Steinhauser', whose one
    distinctive word is the domain, on steinhauser.at."""
    key = _key(spelled.text)
    one_word = len(spelled.text.split()) == 1
    longer = []
    for candidate in candidates:
        other = _key(candidate.text)
        if candidate.source == "spelled" or other == key or key not in other:
            continue
        agreeing = sum(1 for o in candidates if _key(o.text) == other)
        extends = other.startswith(key) and agreeing >= MIN_AGREEING
        holds = one_word and spelled.text in candidate.text.split() and _short(candidate.text)
        if extends or holds:
            longer.append(candidate)
    return min(longer, key=lambda c: len(c.text)) if longer else None


MIN_AGREEING = 2
MAX_LONGER_WORDS = 3


def _short(text: str) -> bool:
    return len(text.split()) <= MAX_LONGER_WORDS


def strip_legal_form(name: str) -> str:
    """'Hillcrest Engineering Ltd' -> 'Hillcrest Engineering'."""
    stripped = _LEGAL_TAIL.sub("", name).strip(" ,")
    return stripped or name


def _display(name: str) -> str:
    name = squash(name).strip(" ,;:-–—|·")
    return strip_legal_form(name).strip(" ,.;:-–—|·")


def _candidates(doc: Document) -> list[Candidate]:
    own = registrable_domain(doc.url)
    found: list[Candidate] = []
    for item, _ in walk_items(doc.structured):
        if not types_of(item) & ORGANIZATION_TYPES:
            continue
        url = first_text(item.get("url"))
        if url and registrable_domain(url) != own:
            continue
        for key in ("name", "legalName", "alternateName"):
            value = first_text(item.get(key))
            if value:
                found.append(Candidate(value, "structured"))
    og = doc.meta("og:site_name") or doc.meta("application-name")
    if og:
        found.append(Candidate(og, "og"))
    for piece in _TITLE_SPLIT.split(doc.title or ""):
        piece = _PAGE_PREFIX.sub("", piece.strip())
        # "Site Reliability Engineer at Echo Well": the company is after "at".
        piece = _AT.split(piece)[-1]
        if piece:
            found.append(Candidate(piece, "title"))
    found += [Candidate(text, "logo") for text in _logo_texts(doc)]
    for line in doc.lines:
        if _THIRD_PARTY.search(line):
            continue
        if _COPYRIGHT.search(line):
            found += [Candidate(text, "copyright") for text in _copyright_holders(line)]
        for match in _LEGAL_NAME.finditer(_COPYRIGHT.sub(" ", line)):
            name = _edge_years(match.group("name").strip(), trailing=False)
            if name:
                name = _ARTICLE.sub("", name)
                found.append(Candidate(f"{name} {match.group('form')}", "legal"))
    for heading in doc.root.iter("h1"):
        text = squash(element_text(heading))
        if text:
            found.append(Candidate(text, "heading"))
            break
    spelled = spelled_name([doc.title or "", *doc.lines], _domain_label(doc.url))
    if spelled:
        found.append(Candidate(spelled, "spelled"))
    return found


# Capitalized words, joined by single spaces or an "&"/"and" between them: a printed name.
_PRINTED_NAME = re.compile(
    r"[A-ZÀ-Ý][\w&'’-]*(?:\s(?:(?:&|and|und|et|en|y)\s)?[A-ZÀ-Ý][\w&'’-]*){0,5}"
)


def spelled_name(texts: list[str], label: str) -> str | None:
    """The first printed phrase whose letters spell the domain's label: 'Acme Forge' for
    acme-forge.test, 'H&S Solicitors' for handssolicitors.co.uk. Where the page always prints
    it followed by the same words ('Balise Collision Repair' on balisecollision.com), the
    domain shortens the name and those words belong to it."""
    if len(label) < MIN_SPELLED_LABEL:
        return None
    found = [found for text in texts for found in _spellings(text, label)]
    if not found:
        return None
    phrase = found[0][0]
    tails = [tail for spelled, tail in found if spelled == phrase]
    common = tails[0]
    for tail in tails[1:]:
        common = _common_start(common, tail)
    if common and is_place(common[0]):
        common = ()  # "Verhoef Optiek Zwolle": the town it is in, after the name
    while common and common[-1].lower() in _CONNECTORS:
        common = common[:-1]
    return " ".join([phrase, *common[:MAX_TAIL_WORDS]])


MAX_TAIL_WORDS = 2


def _common_start(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]


def _spellings(text: str, label: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each phrase of the text that spells the label, with the words printed after it."""
    for match in _PRINTED_NAME.finditer(text):
        words = match.group(0).split()
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                chosen = words[start : start + size]
                if {chosen[0].lower(), chosen[-1].lower()} & _CONNECTORS:
                    continue
                phrase = re.sub(r"['’]s$", "", " ".join(chosen))
                if _SLUG.search(phrase):
                    continue  # "Applause-tickets": the address itself, not the name
                if _letters(phrase) != label and _letters(phrase, keep_and=False) != label:
                    continue
                if start and words[start - 1] in _ARTICLES:
                    phrase = f"{words[start - 1]} {phrase}"  # "Les Jardins Partagés"
                tail = () if phrase != " ".join(chosen) else tuple(words[start + size :])
                yield phrase, tail
                return


MIN_SPELLED_LABEL = 3
_CONNECTORS = frozenset({"&", "and", "und", "et", "en", "y"})
_ARTICLES = frozenset(words_in("The Die Der Das La Le Les L' El Los Las Het De"))
_SLUG = re.compile(r"-[a-z]|\w-\w+-\w")


def _letters(phrase: str, *, keep_and: bool = True) -> str:
    text = fold_word(phrase).replace("&", " and " if keep_and else " ")
    if not keep_and:
        text = re.sub(r"\band\b", " ", text)
    return re.sub(r"[^a-z0-9]", "", text)


def _logo_texts(doc: Document) -> list[str]:
    texts = []
    for element in doc.root.iter():
        if not isinstance(element.tag, str):
            continue
        marks = " ".join(
            element.get(a) or "" for a in ("class", "id", "src", "alt", "itemprop")
        ).lower()
        if "logo" not in marks and "brand" not in marks and "site-title" not in marks:
            continue
        if element.tag == "img":
            alt = _LOGO_WORDS.sub(" ", element.get("alt") or "")
            alt = _TITLE_SPLIT.split(squash(alt))[0] if squash(alt) else ""
            if alt:
                texts.append(alt)  # "Maison Verdier – Chocolatier depuis 1954": the first part
        elif element.tag in {"a", "div", "span", "p", "h1", "strong"}:
            text = squash(element_text(element))
            if text and len(text) < 60:
                texts.append(text)
    return texts


def _copyright_holders(line: str) -> list[str]:
    holders = []
    text = _RIGHTS.sub(" | ", line)
    pieces = [p for p in _PIECE_SPLIT.split(text) if p.strip()]
    for index, piece in enumerate(pieces):
        if not _COPYRIGHT.search(piece):
            continue
        holder = _edge_years(squash(_COPYRIGHT.sub(" ", piece)))
        holder = squash(holder).strip(" ,.;:-–—")
        if holder and re.search(r"[A-Za-zÀ-ÿ]", holder):
            holders.append(holder)
        elif index > 0:
            # "Bufete Iglesias & Paredes · © 2023": the holder printed before the sign.
            holders.append(squash(pieces[index - 1]).strip(" ,.;:-–—"))
    return holders


def _edge_years(text: str, *, trailing: bool = True) -> str:
    """'2013 BetterBuilders', 'Acme, 2019' without the years; a legal name before its form
    keeps a year that is part of it ('TSV Grünwald 1908 e.V.')."""
    text = re.sub(rf"^(?:{_YEARS.pattern}[\s,.]*)+", "", text.strip())
    if trailing:
        text = re.sub(rf"(?:[\s,]+{_YEARS.pattern})+$", "", text)
        text = re.sub(rf"\s+{_GLUED_YEARS}$", "", text)  # "Harris Dermatology 20142009"
    return text.strip()


def _plain(text: str) -> bool:
    """Whether a text can be a name at all: letters, few words, no address or sentence."""
    text = squash(text).strip(" ,.;:-–—|·")
    if not text or len(text) > 80 or not re.search(r"[A-Za-zÀ-ÿ]", text):
        return False
    words = text.split()
    if len(words) > MAX_NAME_WORDS or "@" in text or re.search(r"https?:|www\.", text):
        return False
    # "Moonen Optiek is lid van ANVC": a sentence about the company, not its name.
    return not any(word.islower() and fold_word(word) in COPULAS for word in words)


# Verbs that make a phrase a sentence, in the languages pages are read in.
COPULAS = frozenset(
    words_in("is are was were has have ist sind war hat haben est sont es son está están är har")
    + words_in("zijn heeft hebben wordt")
)


def _acceptable(text: str) -> bool:
    if not _plain(text):
        return False
    text = squash(text).strip(" ,.;:-–—|·")
    words = text.split()
    if _COPYRIGHT.search(text) or _THIRD_PARTY.search(text):
        return False
    if is_place(text):
        return False  # "Houston, TX", "Bellingham & Whatcom County": where, not who
    folded = fold_word(text).strip()
    if folded in PAGE_NAMES or folded in THIRD_PARTIES:
        return False
    if fold_word(strip_legal_form(text)) in THIRD_PARTIES:
        return False
    if text[0].islower() or sum(1 for w in words if w[:1].isupper()) < max(1, len(words) // 2):
        return False  # "garden design and maintenance": a tagline or category, not a name
    if text.endswith((".", "!", "?")) and len(words) > 3:
        return False
    # "Managing Director", "Our Team"
    return not (len(words) <= 2 and looks_like_title(text) and not _LEGAL_TAIL.search(text))


_MARKS = re.compile(r"\s*(?:\b(?:SM|TM)\b|[®™℠])\s*$")
TRAILING_PAGE_WORDS = frozenset(words_in("page homepage website site"))
MAX_PAGE_PREFIX = 3


def _without_page_words(text: str, label: str) -> str:
    """'Contact Balise Collision Repair' -> 'Balise Collision Repair', 'Darling Homes page' ->
    'Darling Homes', 'Tropical Web Works SM' -> 'Tropical Web Works': the words of the page
    or a service mark around the name. A page word the domain spells stays ('Home Depot' on
    homedepot.com)."""
    text = _MARKS.sub("", squash(text))
    words = text.split()
    if fold_word(text) in PAGE_NAMES:
        return text  # "Contact Us" is a page's name as a whole
    for size in range(min(MAX_PAGE_PREFIX, len(words) - 1), 0, -1):
        prefix = " ".join(words[:size])
        if fold_word(prefix) in PAGE_NAMES and not _in_label(prefix, label):
            words = words[size:]
            break
    while len(words) > 1 and fold_word(words[-1]) in TRAILING_PAGE_WORDS:
        if _in_label(words[-1], label):
            break
        words = words[:-1]
    return _without_place(_WEB_SUFFIX.sub("", " ".join(words)))


# "Canakwindows.com": a name printed as its web address.
_WEB_SUFFIX = re.compile(r"(?<=[a-z])\.(?:com|net|org|co\.uk|[a-z]{2})$")


def _without_place(text: str) -> str:
    """'City of Roseville, California' -> 'City of Roseville': where the company is, after
    its name."""
    name, comma, place = text.rpartition(", ")
    if comma and name and is_place(place) and not is_place(name):
        return name
    return text


def _in_label(words: str, label: str) -> bool:
    key = re.sub(r"[^a-z0-9]+", "", fold_word(words))
    return bool(key) and key in label


def _key(text: str) -> str:
    text = fold_word(strip_legal_form(squash(text)))
    text = text.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "", text)


def _agree(a: str, b: str) -> bool:
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))


@lru_cache(maxsize=4096)
def _domain_label(url: str) -> str:
    domain = registrable_domain(url) or ""
    label = domain.split(".")[0] if domain else ""
    return re.sub(r"[^a-z0-9]", "", label.lower())


def _spells_domain(key: str, label: str) -> float:
    """How well a name spells the domain label ('Brightwater Dental', brightwaterdental: 1.0)."""
    if not key or not label:
        return 0.0
    if key == label or (min(len(label), len(key)) >= 4 and label in key):
        return 1.0
    if len(key) >= 4 and key in label:
        return _part_of_label(key, label)
    keyand = key.replace("and", "")
    if min(len(label), len(keyand)) >= 4 and (label in keyand or keyand in label):
        return 1.0
    score = fuzz.partial_ratio(key, label) / 100
    if len(key) < len(label):
        score *= _part_of_label(key, label)
    return score if score >= 0.6 else 0.0


def _part_of_label(key: str, label: str) -> float:
    """A name that spells only part of the domain ('CBG' on cbgaanhangwagens) is a shortening:
    the more of the label it leaves out, the less it says."""
    return 0.5 + 0.5 * min(1.0, len(key) / len(label))


def is_place(text: str) -> bool:
    """Whether a text only says where: a town, a region, or a town and its state or country
    ('Miami Beach', 'Houston, TX', 'Bellingham, Washington')."""
    parts = [p.strip() for p in text.split(",")]
    if not parts or not _is_town_or_region(parts[0]):
        return False
    return all(_is_region(p) or _STATE_CODE.fullmatch(p) for p in parts[1:])


_STATE_CODE = re.compile(r"[A-Z]{2}")


def _is_town_or_region(text: str) -> bool:
    return _is_region(text) or fold(text) in towns(multiword=False)


def _is_region(text: str) -> bool:
    return any(m.start == 0 and m.end == len(text) for m in gazetteer.find_places(text))
