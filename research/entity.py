"""Entity resolution: one record per company and per person, however often they were found.

Companies merge when they share a registrable domain, when evidence ties two domains together
(a redirect, a page on one naming the other as itself, a record's known aliases), and when
their names are the same company's name: equal once legal suffixes, case, accents and
spacing are set aside ("Acme Forge" = "AcmeForge Inc."), or a near spelling ("Quilreach")
for a record that has no domain of its own. A shared common word ("Acme Pay" and "Nova Pay")
is never enough, and two same-named records that disagree on where they are stay apart.

People merge within a company by name, tolerant of nicknames and initials ("Bob Smith" =
"Robert Smith" = "R. Smith" when only one Smith fits), and anywhere by identical address.

A merged record keeps every source with the fields each supports, and per field the value
supported by the most sources, then by the strongest (the company's own site over news over
directories), then by the newest. Its confidence combines source strength with how much the
sources agree.

Everything is blocked (by domain, name key, surname) so resolution stays near-linear.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from research.domains import domain_label, registrable_domain
from research.emails import INFERRED_FIELD
from research.extract.names import PARTICLES, fold, name_words
from research.extract.types import PageFacts
from research.model import (
    Candidate,
    CandidateStatus,
    CompanyFacts,
    PersonFacts,
    Source,
    SourceKind,
)

# -- names ----------------------------------------------------------------------------------

LEGAL_SUFFIXES = frozenset(
    {"inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "gmbh", "ag", "sa", "sas"}
    | {"sarl", "bv", "nv", "ab", "oy", "as", "aps", "spa", "srl", "co", "corp", "corporation"}
    | {"company", "the", "kg", "ug", "se", "pte", "pty"}
)
# Words many companies share: a match on these alone says nothing.
COMMON_NAME_WORDS = frozenset(
    {"labs", "lab", "tech", "technologies", "technology", "software", "systems", "solutions"}
    | {"group", "holdings", "digital", "global", "international", "data", "cloud", "ai", "io"}
    | {"app", "apps", "hq", "hub", "health", "pay", "payments", "bank", "finance", "capital"}
    | {"ventures", "partners", "studio", "works", "network", "media", "energy", "health"}
    | {"bio", "care", "analytics", "security", "consulting", "services", "agency", "store"}
)
# Extra words that do not make a different company: "Acme Forge" = "Acme Forge Labs".
NOISE_NAME_WORDS = frozenset({"labs", "lab", "hq", "app", "io", "ai", "technologies", "tech"})
FUZZY_NAME_SCORE = 90.0
MAX_BLOCK = 64  # a block key shared by more names is too common to say anything
MIN_FUZZY_KEY = 6  # shorter keys are one typo away from too many others
MIN_DISTINCTIVE_KEY = 5  # shorter names ("Acme", "Nova") are too common to join two domains


def company_name_key(name: str | None) -> str:
    """Letters and digits of a company name without legal suffixes: 'AcmeForge, Inc.' ->
    'acmeforge'."""
    return "".join(company_name_words(name))


@lru_cache(maxsize=65_536)
def company_name_words(name: str | None) -> tuple[str, ...]:
    """A company name's folded words, without legal suffixes."""
    words = re.findall(r"[a-z0-9]+", fold(name or ""))
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return tuple(words)


def same_company_name(a: str, b: str) -> bool:
    """Whether two names spell one company's name (not merely share a common word)."""
    key_a, key_b = company_name_key(a), company_name_key(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    words_a, words_b = set(company_name_words(a)), set(company_name_words(b))
    shared = words_a & words_b
    extra = words_a ^ words_b
    if shared and extra <= NOISE_NAME_WORDS and shared - COMMON_NAME_WORDS:
        return True  # "Acme Forge" and "Acme Forge Labs"
    # A misspelling of a distinctive name: close as strings, and not just a common word.
    if min(len(key_a), len(key_b)) < 6 or words_a <= COMMON_NAME_WORDS:
        return False
    return (
        fuzz.ratio(key_a, key_b) >= FUZZY_NAME_SCORE
        and fuzz.token_set_ratio(" ".join(words_a), " ".join(words_b)) >= FUZZY_NAME_SCORE - 10
        and key_a[:2] == key_b[:2]
    )


# Full first names and their nicknames and short forms.
NICKNAME_TABLE: dict[str, str] = {
    "robert": "bob bobby rob robbie bert",
    "william": "bill billy will willy liam",
    "richard": "rick ricky dick rich",
    "elizabeth": "liz lizzy beth betty eliza libby",
    "margaret": "maggie meg peggy greta",
    "katherine": "kate katie kathy cathy kat catherine kathryn",
    "james": "jim jimmy jamie",
    "john": "jack johnny jon",
    "michael": "mike mikey mick",
    "thomas": "tom tommy",
    "anthony": "tony",
    "joseph": "joe joey",
    "edward": "ed eddie ted ned",
    "alexander": "alex sasha sandy",
    "alexandra": "alex sandra sasha",
    "christopher": "chris kit",
    "christine": "chris tina",
    "daniel": "dan danny",
    "david": "dave davy",
    "samuel": "sam sammy",
    "samantha": "sam",
    "benjamin": "ben benny",
    "nicholas": "nick nicky",
    "jonathan": "jon jonny",
    "matthew": "matt",
    "andrew": "andy drew",
    "steven": "steve stephen",
    "jennifer": "jen jenny",
    "patricia": "pat patty trish",
    "susan": "sue susie",
    "victoria": "vicky tori",
    "rebecca": "becky becca",
    "deborah": "debbie deb",
    "charles": "charlie chuck",
    "frederick": "fred freddie",
    "gregory": "greg",
    "timothy": "tim timmy",
    "kenneth": "ken kenny",
    "lawrence": "larry",
    "leonard": "leo len",
    "theodore": "ted teddy theo",
    "francis": "frank",
    "francesco": "franco",
    "giuseppe": "beppe",
    "johannes": "hans jan",
    "wolfgang": "wolf",
    "alejandro": "alex",
    "francisco": "paco pancho",
    "jose": "pepe",
}


def _nickname_forms() -> dict[str, frozenset[str]]:
    forms: dict[str, set[str]] = defaultdict(set)
    for full, nicks in NICKNAME_TABLE.items():
        forms[full].add(full)
        for nick in nicks.split():
            forms[nick].update({nick, full})  # "chris" is Christopher or Christine
    return {name: frozenset(found) for name, found in forms.items()}


NICKNAMES: dict[str, frozenset[str]] = _nickname_forms()


def same_first_name(a: str, b: str) -> bool:
    """'Bob' = 'Robert', 'J.' = 'John', 'Chris' = 'Christopher'; 'Jane' != 'Janet'."""
    a, b = a.strip(".").lower(), b.strip(".").lower()
    if not a or not b:
        return False
    if a == b or NICKNAMES.get(a, frozenset({a})) & NICKNAMES.get(b, frozenset({b})):
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return False


def person_name_parts(full_name: str) -> tuple[str, str]:
    """(first name, surname key) folded: 'Ayla da Paz' -> ('ayla', 'paz')."""
    words = [w.strip("'-") for w in name_words(full_name)]
    words = [w for w in words if w]
    if not words:
        return "", ""
    surname = [w for w in words[1:] if w not in PARTICLES] or words[1:] or words
    return words[0], re.sub(r"[^a-z]", "", surname[-1])


def same_person_name(a: str, b: str) -> bool:
    """Whether two spellings name one person of one company (nickname- and initial-tolerant)."""
    first_a, last_a = person_name_parts(a)
    first_b, last_b = person_name_parts(b)
    return bool(last_a) and last_a == last_b and same_first_name(first_a, first_b)


# -- alias evidence -------------------------------------------------------------------------


def alias_pairs(
    pages: Iterable[PageFacts], redirects: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Domain pairs that are one company: redirects across domains, and a company's own page
    linking a domain that spells its name ('Acme Forge has a new home: acmeforge.test')."""
    pairs: list[tuple[str, str]] = []
    for source, target in (redirects or {}).items():
        a, b = registrable_domain(source), registrable_domain(target)
        if a and b and a != b:
            pairs.append((a, b))
    for page in pages:
        # A landing page may carry its name only as its title ("Acme Forge").
        own, name = registrable_domain(page.url), page.company.name or page.title
        if page.kind in {"news", "directory"} or not own or not name:
            continue
        key = company_name_key(name)
        for domain in page.external_domains:
            label = re.sub(r"[^a-z0-9]", "", domain_label(domain) or "")
            if domain != own and label and label == key:
                pairs.append((own, domain))
    return list(dict.fromkeys(pairs))


# -- sources --------------------------------------------------------------------------------

# How much one source of each kind is worth; own site > news > directory.
SOURCE_STRENGTH: dict[str, float] = {
    "own_site": 1.0,
    "news": 0.8,
    "attachment": 0.7,
    "web": 0.65,
    "directory": 0.5,
    "synthetic": 0.5,
}
_NEWS_PATH = re.compile(
    r"/(?:19|20)\d{2}/\d{2}/|/(?:news|press|article|articles|story|stories)/", re.IGNORECASE
)
_DIRECTORY_PATH = re.compile(
    r"/(?:organization|organisation|companies|company|startups?|profiles?|directory|org)/",
    re.IGNORECASE,
)
SOURCE_WEIGHT = 0.6  # one own-site page alone: 0.6 before agreement
INFERRED_PENALTY = 0.85


def source_kind(source: Source, own_domains: Collection[str]) -> str:
    """own_site, news, directory, web, attachment or synthetic."""
    if source.kind is SourceKind.SYNTHETIC:
        return "synthetic"
    if source.kind is SourceKind.ATTACHMENT:
        return "attachment"
    host = _host(source.url)
    if any(host == d or host.endswith(f".{d}") for d in own_domains):
        return "own_site"
    if _NEWS_PATH.search(source.url):
        return "news"
    if _DIRECTORY_PATH.search(source.url):
        return "directory"
    return "web"


_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)", re.IGNORECASE)


def _host(url: str) -> str:
    match = _HOST.match(url)
    return match.group(1).lower() if match else ""


# -- union-find -----------------------------------------------------------------------------


class _Clusters:
    """Union-find over integer nodes, with path halving."""

    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, node: int) -> int:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


# -- resolution -----------------------------------------------------------------------------


@dataclass
class Resolution:
    """Merged records: companies, people, and each person's company (an index, or None).

    ``company_members`` and ``person_members`` list the input positions each merged record
    was made from.
    """

    companies: list[Candidate] = field(default_factory=list)
    people: list[Candidate] = field(default_factory=list)
    employer: list[int | None] = field(default_factory=list)
    company_members: list[list[int]] = field(default_factory=list)
    person_members: list[list[int]] = field(default_factory=list)


@dataclass(slots=True)
class _Mention:
    index: int
    domain: str | None
    name_key: str
    words: tuple[str, ...]
    city: str | None
    country: str | None


def resolve_entities(
    candidates: Sequence[Candidate], *, aliases: Iterable[tuple[str, str]] = ()
) -> Resolution:
    """Merge duplicate companies and people; ``aliases`` are domain pairs known to be one."""
    mentions = [_mention(i, c) for i, c in enumerate(candidates)]
    clusters = _Clusters()
    for _ in candidates:
        clusters.add()
    domains = _link_domains(candidates, mentions, clusters, aliases)
    _link_names(mentions, clusters)
    groups: dict[int, list[int]] = defaultdict(list)
    for mention in mentions:
        groups[clusters.find(mention.index)].append(mention.index)
    resolution = Resolution()
    for members in groups.values():
        own = {d for i in members for d in domains.get(i, ())}
        companies = [i for i in members if candidates[i].person is None]
        company_index = None
        if companies:
            company_index = len(resolution.companies)
            resolution.companies.append(merge_records([candidates[i] for i in companies], own))
            resolution.company_members.append(companies)
        people = [i for i in members if candidates[i].person is not None]
        for group in _people_clusters(people, candidates):
            resolution.people.append(merge_records([candidates[i] for i in group], own))
            resolution.employer.append(company_index)
            resolution.person_members.append(group)
    return _merge_people_by_email(resolution)


def _mention(index: int, candidate: Candidate) -> _Mention:
    company = candidate.company
    where = company.domain or company.website
    return _Mention(
        index=index,
        domain=registrable_domain(where) if where else None,
        name_key=company_name_key(company.name),
        words=company_name_words(company.name),
        city=fold(company.hq_city).strip() if company.hq_city else None,
        country=str(candidate.fields.get("hq_country") or "").upper() or None,
    )


def _link_domains(
    candidates: Sequence[Candidate],
    mentions: list[_Mention],
    clusters: _Clusters,
    aliases: Iterable[tuple[str, str]],
) -> dict[int, tuple[str, ...]]:
    """Union records by domain and domain aliases; returns each record's known domains."""
    nodes: dict[str, int] = {}

    def node(domain: str) -> int:
        if domain not in nodes:
            nodes[domain] = clusters.add()
        return nodes[domain]

    known: dict[int, tuple[str, ...]] = {}
    for mention, candidate in zip(mentions, candidates, strict=True):
        company = candidate.company
        seen = [mention.domain, *(registrable_domain(a) for a in company.aliases)]
        if company.website:
            seen.append(registrable_domain(company.website))
        domains = tuple(dict.fromkeys(d for d in seen if d))
        known[mention.index] = domains
        for domain in domains:
            clusters.union(mention.index, node(domain))
    for a, b in aliases:
        first, second = registrable_domain(a), registrable_domain(b)
        if first and second:
            clusters.union(node(first), node(second))
    return known


def _link_names(mentions: list[_Mention], clusters: _Clusters) -> None:
    """Union records whose names spell one company, unless they disagree on where it is."""
    by_key: dict[str, list[_Mention]] = defaultdict(list)
    for mention in mentions:
        if mention.name_key:
            by_key[mention.name_key].append(mention)
    for key, group in by_key.items():
        # "Acme" on two unrelated domains may be two companies; a distinctive name is one.
        distinctive = len(key) >= MIN_DISTINCTIVE_KEY and not set(group[0].words) <= (
            COMMON_NAME_WORDS
        )
        for other in group[1:]:
            if _conflict(group[0], other):
                continue
            if distinctive or not (group[0].domain and other.domain):
                clusters.union(group[0].index, other.index)
    _link_near_names(by_key, clusters)


def _conflict(a: _Mention, b: _Mention) -> bool:
    """Two records in different places are different companies, whatever their names."""
    if a.country and b.country and a.country != b.country:
        return True
    return bool(a.city and b.city and a.city != b.city)


def _link_near_names(by_key: dict[str, list[_Mention]], clusters: _Clusters) -> None:
    """Join records on look-alike domains, and a misspelled name without a domain to the
    one company it can mean."""
    _link_lookalike_domains(by_key, clusters)
    anchored = {k: g for k, g in by_key.items() if any(m.domain for m in g)}
    index: dict[str, list[str]] = defaultdict(list)
    for key, group in anchored.items():
        for block in _blocks(key, group[0].words):
            index[block].append(key)
    for key, group in by_key.items():
        if key in anchored:
            continue  # a company with a site of its own is not someone else's misspelling
        near = {
            other
            for block in _blocks(key, group[0].words)
            if len(index.get(block, ())) <= MAX_BLOCK
            for other in index.get(block, ())
        }
        fits = {
            clusters.find(anchored[other][0].index)
            for other in near
            if not _conflict(group[0], anchored[other][0])
            and same_company_name(" ".join(group[0].words), " ".join(anchored[other][0].words))
        }
        if len(fits) == 1:  # two companies could be meant: join neither
            clusters.union(group[0].index, fits.pop())


def _link_lookalike_domains(by_key: dict[str, list[_Mention]], clusters: _Clusters) -> None:
    """'acme-forge.test' and 'acmeforge.test' under one company name are one company."""
    by_label: dict[str, list[_Mention]] = defaultdict(list)
    for group in by_key.values():
        for mention in group:
            if mention.domain:
                by_label[_label_key(mention.domain)].append(mention)
    for mentions in by_label.values():
        first = mentions[0]
        for other in mentions[1:]:
            if other.domain == first.domain or _conflict(first, other):
                continue
            if same_company_name(" ".join(first.words), " ".join(other.words)):
                clusters.union(first.index, other.index)


def _blocks(key: str, words: tuple[str, ...]) -> set[str]:
    """Block keys: the name key and its one-letter deletions (keys one typo apart share
    one), and the name's distinctive words."""
    found = {f"d:{key}"}
    if len(key) >= MIN_FUZZY_KEY:
        found.update(f"d:{key[:i]}{key[i + 1 :]}" for i in range(len(key)))
    found.update(f"w:{w}" for w in words if len(w) >= 4 and w not in COMMON_NAME_WORDS)
    return found


# Marketing affixes of a company's extra domains: getacme.com, tryacme.io, acmehq.com, acme-fr.
DOMAIN_PREFIXES: tuple[str, ...] = ("get", "try", "use", "join", "go", "hello", "meet")
DOMAIN_SUFFIXES: tuple[str, ...] = ("hq", "app", "inc")
_COUNTRY_SUFFIX = re.compile(r"-[a-z]{2}$")


@lru_cache(maxsize=65_536)
def _label_key(domain: str | None) -> str:
    """The core of a domain's label: 'get-acme-forge.test' and 'acmeforge-fr.test' ->
    'acmeforge'."""
    label = _COUNTRY_SUFFIX.sub("", domain_label(domain or "") or "")
    core = re.sub(r"[^a-z0-9]", "", label)
    for prefix in DOMAIN_PREFIXES:
        if core.startswith(prefix) and len(core) - len(prefix) >= 4:
            core = core[len(prefix) :]
            break
    for suffix in DOMAIN_SUFFIXES:
        if core.endswith(suffix) and len(core) - len(suffix) >= 4:
            core = core[: -len(suffix)]
            break
    return core


# -- people ---------------------------------------------------------------------------------


def _people_clusters(people: list[int], candidates: Sequence[Candidate]) -> list[list[int]]:
    """People of one company (input positions), grouped: one surname, compatible first names."""
    by_surname: dict[str, list[int]] = defaultdict(list)
    parts = [person_name_parts(_full_name(candidates[i])) for i in people]
    for index, (_, surname) in enumerate(parts):
        by_surname[surname].append(index)
    clusters = _Clusters()
    for _ in people:
        clusters.add()
    for members in by_surname.values():
        matches = {
            i: [j for j in members if j != i and same_first_name(parts[i][0], parts[j][0])]
            for i in members
        }
        # "J. Smith" beside both "John" and "Jane Smith" could be either: leave it alone.
        ambiguous = {
            i
            for i in members
            if len(parts[i][0].strip(".")) <= 1 and len({parts[j][0] for j in matches[i]}) > 1
        }
        for i in members:
            for j in matches[i]:
                if i not in ambiguous and j not in ambiguous:
                    clusters.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, position in enumerate(people):
        groups[clusters.find(index)].append(position)
    return list(groups.values())


def _full_name(candidate: Candidate) -> str:
    return candidate.person.full_name if candidate.person is not None else ""


def _merge_people_by_email(resolution: Resolution) -> Resolution:
    """One person per published address, even across company records."""
    by_email: dict[str, int] = {}
    keep: list[int] = []
    people, members = resolution.people, resolution.person_members
    for index, person in enumerate(people):
        email = (person.person.email or "").lower() if person.person else ""
        inferred = INFERRED_FIELD in person.fields
        if email and not inferred and email in by_email:
            first = by_email[email]
            people[first] = merge_records([people[first], person], _own_domains(people[first]))
            members[first] = members[first] + members[index]
            continue
        if email and not inferred:
            by_email[email] = index
        keep.append(index)
    return Resolution(
        companies=resolution.companies,
        people=[people[i] for i in keep],
        employer=[resolution.employer[i] for i in keep],
        company_members=resolution.company_members,
        person_members=[members[i] for i in keep],
    )


def _own_domains(candidate: Candidate) -> set[str]:
    company = candidate.company
    found = {registrable_domain(d) for d in (company.domain, *company.aliases) if d}
    return {d for d in found if d}


# -- merging --------------------------------------------------------------------------------

COMPANY_ATTRIBUTES: tuple[str, ...] = ("name", "domain", "linkedin", "hq_city", "website")
PERSON_ATTRIBUTES: tuple[str, ...] = ("full_name", "title", "email")


@dataclass(slots=True)
class _Support:
    """One value of a field and what backs it."""

    value: Any
    urls: set[str] = field(default_factory=set)
    strength: float = 0.0
    newest: datetime | None = None
    first: int = 0

    def rank(self) -> tuple[int, float, float, int]:
        stamp = self.newest.timestamp() if self.newest else 0.0
        return (len(self.urls), self.strength, stamp, -self.first)


def merge_records(records: Sequence[Candidate], own_domains: Iterable[str] = ()) -> Candidate:
    """One record from several records of one entity (see the module docstring)."""
    own = set(own_domains)
    strengths = {s.url: SOURCE_STRENGTH[source_kind(s, own)] for r in records for s in r.sources}
    if len(records) == 1:
        return _alone(records[0], strengths)
    company = {a: _best(records, f"company.{a}", strengths) for a in COMPANY_ATTRIBUTES}
    values = {f"company.{a}": support for a, support in company.items()}
    person: PersonFacts | None = None
    if any(r.person for r in records):
        chosen = {a: _best(records, f"person.{a}", strengths) for a in PERSON_ATTRIBUTES}
        values.update({f"person.{a}": s for a, s in chosen.items()})
        base = next(r.person for r in records if r.person is not None)
        person = base.model_copy(update={a: _value(chosen[a]) for a in PERSON_ATTRIBUTES})
    fields = _merged_fields(records, strengths, values)
    sources = merge_sources(s for r in records for s in r.sources)
    # Copies of the first record keep any attribute this module does not know about.
    merged = records[0].model_copy(
        update={
            "company": _merged_company(records, company),
            "person": person,
            "role": next((r.role for r in records if r.role), None),
            "fields": fields,
            "sources": sources,
            "status": _status(records),
            "evidence": list(dict.fromkeys(e for r in records for e in r.evidence)),
        }
    )
    merged.confidence = _confidence(records, sources, strengths, values)
    return merged


def _alone(record: Candidate, strengths: dict[str, float]) -> Candidate:
    """A record nothing merged into: its sources, one per URL, and its confidence."""
    sources = merge_sources(record.sources)
    merged = record.model_copy(update={"sources": sources})
    merged.confidence = _confidence([record], sources, strengths, {})
    return merged


def _supporting_urls(record: Candidate, path: str) -> list[Source]:
    """The record's sources that back a field; sources that list no fields back all of them."""
    listed = [s for s in record.sources if path in s.fields]
    if listed:
        return listed
    return [s for s in record.sources if not s.fields]


def _best(records: Sequence[Candidate], path: str, strengths: dict[str, float]) -> list[_Support]:
    """The candidate values of a field, best first."""
    options: dict[str, _Support] = {}
    for position, record in enumerate(records):
        value = _read(record, path)
        if value in (None, "", []):
            continue
        key = _value_key(value)
        support = options.setdefault(key, _Support(value, first=position))
        for source in _supporting_urls(record, path):
            support.urls.add(source.url)
            support.strength = max(support.strength, strengths.get(source.url, 0.0))
            if support.newest is None or source.retrieved_at > support.newest:
                support.newest = source.retrieved_at
    return sorted(options.values(), key=_Support.rank, reverse=True)


def _read(record: Candidate, path: str) -> Any:
    part, _, name = path.partition(".")
    if part == "company":
        return getattr(record.company, name)
    if part == "person":
        return getattr(record.person, name) if record.person else None
    return record.fields.get(name)


def _value_key(value: Any) -> str:
    if isinstance(value, str):
        return _text_key(value)
    return repr(value)


@lru_cache(maxsize=65_536)
def _text_key(value: str) -> str:
    """Spelling-proof identity of a text value: 'Head of Data' = 'head-of-data'."""
    return re.sub(r"[^a-z0-9@.]+", "", fold(value))


def _value(options: list[_Support]) -> Any:
    return options[0].value if options else None


def _merged_fields(
    records: Sequence[Candidate], strengths: dict[str, float], values: dict[str, list[_Support]]
) -> dict[str, Any]:
    keys = list(dict.fromkeys(k for r in records for k in r.fields))
    fields: dict[str, Any] = {}
    for key in keys:
        options = _best(records, f"fields.{key}", strengths)
        if not options:
            continue
        values[f"fields.{key}"] = options
        if isinstance(options[0].value, list):
            # Items are separate facts: keep every one, best-supported list first.
            fields[key] = list(dict.fromkeys(i for o in options for i in o.value))
        else:
            fields[key] = options[0].value
    return fields


def _merged_company(
    records: Sequence[Candidate], supports: dict[str, list[_Support]]
) -> CompanyFacts:
    """The best value per attribute; list attributes (aliases, mentions) united."""
    base = records[0].company
    update: dict[str, Any] = {a: _value(supports[a]) for a in COMPANY_ATTRIBUTES}
    for name, value in base:
        if isinstance(value, list):
            update[name] = list(dict.fromkeys(i for r in records for i in getattr(r.company, name)))
    update["aliases"] = _aliases(records, update["domain"])
    return base.model_copy(update=update)


def _aliases(records: Sequence[Candidate], domain: str | None) -> list[str]:
    found = [
        d
        for r in records
        for d in (r.company.domain, *r.company.aliases)
        if d and registrable_domain(d) != registrable_domain(domain or "")
    ]
    return list(dict.fromkeys(found))


def merge_sources(sources: Iterable[Source]) -> list[Source]:
    """One source per URL, in first-seen order: the union of the fields it supports, its
    newest retrieval."""
    by_url: dict[str, Source] = {}
    for source in sources:
        known = by_url.get(source.url)
        if known is None:
            by_url[source.url] = source.model_copy(update={"fields": list(source.fields)})
            continue
        known.fields = list(dict.fromkeys([*known.fields, *source.fields]))
        known.retrieved_at = max(known.retrieved_at, source.retrieved_at)
    return list(by_url.values())


def _status(records: Sequence[Candidate]) -> CandidateStatus:
    if any(r.status is CandidateStatus.VERIFIED for r in records):
        return CandidateStatus.VERIFIED
    return records[0].status


def _confidence(
    records: Sequence[Candidate],
    sources: list[Source],
    strengths: dict[str, float],
    values: dict[str, list[_Support]],
) -> float:
    """Source strength (noisy-or over distinct pages) times agreement between them."""
    if sources and all(s.kind is SourceKind.SYNTHETIC for s in sources):
        # Test-mode sources are not retrieved documents: keep the records' own scores.
        return max((r.confidence for r in records), default=0.0)
    if not sources:
        return 0.0
    doubt = math.prod(1 - SOURCE_WEIGHT * strengths.get(s.url, 0.0) for s in sources)
    agreement = _agreement(values)
    score = (1 - doubt) * (0.5 + 0.5 * agreement)
    if any(INFERRED_FIELD in r.fields for r in records):
        score *= INFERRED_PENALTY
    return round(min(1.0, max(0.0, score)), 4)


def _agreement(values: dict[str, list[_Support]]) -> float:
    """Per field, the winning value's share of the sources that back any value; averaged."""
    shares = []
    for options in values.values():
        total = sum(len(o.urls) for o in options)
        if total:
            shares.append(len(options[0].urls) / total)
    return sum(shares) / len(shares) if shares else 1.0
