"""The deterministic rule-based planner: vocabulary tables and regular expressions, no model.

How a plan is drafted:

1. Each instruction (the user's turns oldest first, then any replan feedback) is read into
   *mentions*: spans of text naming an industry, a place, a funding stage, a role, a threshold,
   and so on. Overlapping candidates are resolved longest first, so "20+ engineers" is a
   threshold rather than a role and "Mexico City" a city rather than Mexico.
2. The words just before a mention give it a *context*: "skip Crunchbase" excludes a source,
   "hiring ML engineers" makes a role a hiring signal, "drop the Head of Growth" removes one.
   A list inherits the context of its first item ("skip Crunchbase and LinkedIn").
3. Mentions are applied clause by clause. In a follow-up, a facet the clause names replaces
   the earlier value ("only Germany instead"), unless the clause adds ("also Spain") or
   substitutes ("Head of Marketing instead of Head of Growth"); facets it does not name are
   kept. Within one message, later clauses add to earlier ones.
4. API hints and attachments are applied, the audience is checked (a prompt that names no
   audience is rejected), and the steps are rendered.

With ``request.previous`` the planner starts from those criteria and applies only the newest
instruction; without it, it folds every turn. Both give the same criteria, because each turn
is applied by the same pure function and finalization is idempotent. (Hints and attachments
belong to the message they came with, so only ``previous`` remembers older ones.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Any, TypeVar, cast

from research import roles
from research.planner import gazetteer, language, lexicon, policy, reading
from research.planner.lexicon import HIRING_ANY, Place
from research.planner.phrases import (
    FILLER,
    FUNCTION_BOSS,
    GENERIC_NOUNS,
    LOCATIVE,
    MESSAGE_HEADER,
    NEGATION_CUE,
    OWNER,
    RELATION_WORD,
    ROLE_PHRASE,
    SCOPE_FILLER,
    SECTOR_NOUNS,
    SELF_DESCRIPTION,
    TOP_ROLE,
)
from research.planner.plans import (
    DEFAULT_STAGE_LOOKBACK_MONTHS,
    MAX_ROWS,
    SKILL_SUFFIX,
    apply_attachments,
    check_audience,
    draft_plan,
    finalize,
    range_text,
    requirement_terms,
)
from research.planner.types import (
    Criteria,
    DraftPlan,
    Hints,
    NumericRange,
    PlanningRequest,
    Provenance,
    Requirement,
    RoleTarget,
    Span,
)
from research.pricing import rows_within
from research.text import normalize_text
from research.util import unique

T = TypeVar("T")

RECENTLY_FUNDED_MONTHS = 12
"""What "recently funded" means when no window is given."""


class RulesPlanner:
    """Drafts plans with vocabulary tables and patterns; same request, same plan."""

    name = "rules"

    async def plan(self, request: PlanningRequest) -> DraftPlan:
        """Draft a plan for the newest instruction in the context of the whole thread."""
        return draft_plan(build_criteria(request), request, planner=self.name)


# =============================================================================================
# Mentions: what a piece of text names


class Facet(Enum):
    """What a mention names. Declaration order breaks ties between equally long mentions."""

    ROLE = "role"
    THRESHOLD = "threshold"
    RECENCY = "recency"
    STAGE = "stage"
    INDUSTRY = "industry"
    PLACE = "place"
    SKILL = "skill"
    TECHNOLOGY = "technology"
    SOURCE = "source"
    DIMENSION = "dimension"
    KEYWORD = "keyword"
    EMAIL = "email"
    ROWS = "rows"
    CREDITS = "credits"  # a budget: "trim to under 100 credits"
    BARE_DIMENSION = "bare_dimension"  # "hiring" or "funding" on its own; meaning depends


@dataclass(frozen=True, slots=True)
class Recency:
    """A funding-date window; exactly one way of stating it is set."""

    months: int | None = None
    days: int | None = None
    since: date | None = None
    until: date | None = None


Value = (
    str | int | bool | Place | tuple[str, ...] | NumericRange | RoleTarget | Recency | Requirement
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the instruction and what it names."""

    start: int
    end: int
    facet: Facet
    value: Value
    within: str | None = None
    """For a place qualified by its country ("Paris, Texas"): that country."""


def read_mentions(text: str) -> list[Mention]:
    """Everything an instruction names, in text order, overlaps resolved longest first."""
    own = [(m.start(), m.end()) for m in SELF_DESCRIPTION.finditer(text)]
    own += [(m.start(), m.end()) for m in MESSAGE_HEADER.finditer(text)]
    candidates = [
        mention
        for extract in _EXTRACTORS
        for mention in extract(text)
        if not any(start <= mention.start < end for start, end in own)
        and not (mention.facet is Facet.ROLE and _OURS.search(text, 0, mention.start))
        and not (mention.facet is Facet.ROLE and _HAS_A_KIND_OF.search(text, 0, mention.start))
    ]
    mentions = _kinds_of_business(text, _longest_first(candidates))
    mentions = _qualified_places(text, _places_in_context(text, mentions))
    mentions += _counted_rows(text, mentions)
    return sorted(mentions, key=lambda m: m.start)


_TEAM_WORD = re.compile(r"\s+(?:team|function|department|side|org|group|unit)s?(?![\w])", re.I)
_HAS_A_KIND_OF = re.compile(
    r"(?<![\w])(?:with|having|has|have|that\s+have)\s+an?\s+(?!(?:new|current)\s)[\w-]+\s+$",
    re.I,
)
"""A title after "with a <word>" says what the companies have ("with a female founder", "with
a technical co-founder"): part of a claim, not a person to find."""
_OURS = re.compile(r"(?<![\w])(?:our|my)\s+$", re.I)
"""A title after "our" is the user's colleague ("forwarding from our AE"), not a person to find."""

_PREPOSITION = re.compile(
    r"(?:across|into|onto|over|under|about|like|via|per|than|beyond|outside|inside|near|"
    r"between|among|amongst|along|toward|towards|against|within|throughout|versus|vs)$",
    re.I,
)
_NOUN_AFTER = re.compile(r"[ \t-]+([A-Za-z][\w'’&-]*)")
_VERB_OBJECT = re.compile(
    r"\s+(?:the|a|an|to|for|with|in|on|at|from|by|into|their|its|our|them|it)(?![\w])", re.I
)


def _kinds_of_business(text: str, mentions: list[Mention]) -> list[Mention]:
    """A sector word before a noun that names a kind of business ("solar installers",
    "insurance brokers", "crypto exchanges") is that kind of business, written in words no
    table holds: the audience keyword, not the sector ("solar companies" is the sector)."""
    result = []
    for mention in mentions:
        if mention.facet is Facet.INDUSTRY:
            end = _business_noun_end(text, mention.end, mentions)
            if end is not None:
                mention = Mention(mention.start, end, Facet.KEYWORD, text[mention.start : end])
        result.append(mention)
    return result


def _business_noun_end(text: str, position: int, mentions: Sequence[Mention]) -> int | None:
    """Where the run of business nouns after ``position`` ends, or None if there is none."""
    end = None
    while True:
        match = _NOUN_AFTER.match(text, position)
        if match is None or _covered(match.start(1), match.end(1), mentions):
            return end
        word = match.group(1).lower()
        if word in FILLER or word in SECTOR_NOUNS or word in SCOPE_FILLER or word in LOCATIVE:
            return end
        if RELATION_WORD.match(word) or NEGATION_CUE.fullmatch(word) or _PREPOSITION.match(word):
            return end
        if lexicon.find_industries(word):
            return end
        if word.endswith(("ing", "ed")) and (
            _VERB_OBJECT.match(text, match.end()) or not _NOUN_AFTER.match(text, match.end())
        ):
            return end  # "fintechs lending to farmers": a claim about them follows
        end = position = match.end()


_QUALIFIER_GAP = re.compile(r"\s*[,(]?\s*")
_CLOSING = re.compile(r"\s*\)")
_POSTAL_CODE = re.compile(r"\s*,?\s*([A-Z]{2,3})(?![\w])")


def _qualified_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """A place followed by the country or state it lies in ("Georgia, USA", "Cambridge MA",
    "Portland, Oregon") is that one place: the qualifier says which, it is no second place."""
    ordered = sorted(mentions, key=lambda m: m.start)
    result: list[Mention] = []
    index = 0
    while index < len(ordered):
        mention = ordered[index]
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if mention.facet is Facet.PLACE:
            place = cast(Place, mention.value)
            if following is not None and following.facet is Facet.PLACE:
                qualified = _qualify(text, mention, following)
                if qualified is not None:
                    result.append(qualified)
                    index += 2
                    continue
            code = _POSTAL_CODE.match(text, mention.end)
            if code and place.kind == "city" and _leaves_free(following, code.end()):
                state = gazetteer.state_code(place, code.group(1))
                if state is not None:
                    result.append(replace(mention, end=code.end(), within=state.value[:2]))
                    index += 1
                    continue
        result.append(mention)
        index += 1
    return result


def _places_in_context(text: str, mentions: list[Mention]) -> list[Mention]:
    """A country named like a state of the country every other place lies in is that state:
    "Georgia" among "Florida, the Carolinas" is the US state, not the country."""
    places = [m for m in mentions if m.facet is Facet.PLACE]
    inner = {
        gazetteer.country_of(cast(Place, m.value))
        for m in places
        if cast(Place, m.value).kind in ("subdivision", "city")
    }
    if len(inner) != 1 or None in inner:
        return mentions
    (country,) = cast(set[str], inner)
    result = []
    for mention in mentions:
        place = mention.value
        if isinstance(place, Place) and place.kind == "country" and place.value != country:
            state = gazetteer.within(place, text[mention.start : mention.end], country)
            if state is not None:
                mention = replace(mention, value=state)
        result.append(mention)
    return result


def _leaves_free(mention: Mention | None, position: int) -> bool:
    """Whether the next mention leaves ``position`` free."""
    return mention is None or mention.start >= position


def _qualify(text: str, place: Mention, qualifier: Mention) -> Mention | None:
    gap = _QUALIFIER_GAP.fullmatch(text, place.end, qualifier.start)
    outer = cast(Place, qualifier.value)
    if gap is None or outer.kind not in ("country", "subdivision"):
        return None
    inner = cast(Place, place.value)
    country = outer.value[:2]
    if outer.kind == "subdivision" and inner.kind != "city":
        return None  # "Ohio, Michigan": a list of states
    found = gazetteer.within(inner, text[place.start : place.end], country)
    if found is None or (inner.kind == "country" and outer.kind != "country"):
        return None
    closing = _CLOSING.match(text, qualifier.end) if "(" in gap.group(0) else None
    end = closing.end() if closing else qualifier.end  # "Montréal (Québec)"
    return Mention(place.start, end, Facet.PLACE, found, within=country)


def _longest_first(candidates: Iterable[Mention]) -> list[Mention]:
    order = list(Facet)
    taken: list[Mention] = []
    for mention in sorted(
        candidates, key=lambda m: (m.start - m.end, order.index(m.facet), m.start)
    ):
        if all(mention.end <= t.start or mention.start >= t.end for t in taken):
            taken.append(mention)
    return taken


def _from_matches(matches: Iterable[lexicon.Match[Any]], facet: Facet) -> list[Mention]:
    return [Mention(m.start, m.end, facet, m.key) for m in matches]


def _industries(text: str) -> list[Mention]:
    return _with_skills(text, _from_matches(lexicon.find_industries(text), Facet.INDUSTRY))


def _technologies(text: str) -> list[Mention]:
    return _with_skills(text, _from_matches(lexicon.find_technologies(text), Facet.TECHNOLOGY))


_SKILL_SUFFIX = re.compile(
    r"\s+(?:experience|expertise|background|skills?|knowledge|experts?)(?![\w])", re.I
)


def _with_skills(text: str, mentions: list[Mention]) -> list[Mention]:
    """Turn "<technology or industry> experience" into a skill of the people to find."""
    result = []
    for mention in mentions:
        suffix = _SKILL_SUFFIX.match(text, mention.end)
        if suffix:
            skill = f"{_display_value(mention)}{SKILL_SUFFIX}"
            result.append(Mention(mention.start, suffix.end(), Facet.SKILL, skill))
        else:
            result.append(mention)
    return result


def _display_value(mention: Mention) -> str:
    if mention.facet is Facet.INDUSTRY:
        return lexicon.INDUSTRIES[str(mention.value)].display
    return str(mention.value)


def _places(text: str) -> list[Mention]:
    # The lexicon's places first: on an equal span its reading ("New York" the city) wins.
    found = [*lexicon.find_places(text), *gazetteer.find_places(text)]
    found = [m for m in found if not gazetteer.renamed(text, m.start)]  # not "New England"
    found = [m for m in found if not _ORIGIN_SUFFIX.match(text, m.end)]
    return [_state_named(text, m) for m in _from_matches(found, Facet.PLACE)]


_STATE_WORD = re.compile(r"\s+(?:state|province)(?![\w])", re.I)


def _state_named(text: str, mention: Mention) -> Mention:
    """ "New York state", "Washington State": the state, not the city of that name."""
    word = _STATE_WORD.match(text, mention.end)
    place = cast(Place, mention.value)
    if word is None:
        return mention
    if place.kind == "subdivision":
        return replace(mention, end=word.end())
    state = gazetteer.subdivision_called(text[mention.start : mention.end])
    return Mention(mention.start, word.end(), Facet.PLACE, state) if state else mention


_ORIGIN_SUFFIX = re.compile(
    r"-(?:language|speaking|owned|founded|led|born|style|made|origin)(?![\w])", re.I
)
"""A nationality glued to these ("Spanish-language", "Israeli-founded") says what a company
speaks or who founded it, not where it is ("US-based" is where it is)."""


def _stages(text: str) -> list[Mention]:
    return _from_matches(lexicon.find_stages(text), Facet.STAGE)


def _keywords(text: str) -> list[Mention]:
    return _from_matches(lexicon.find_keywords(text), Facet.KEYWORD)


def _sources(text: str) -> list[Mention]:
    return _from_matches(lexicon.find_sources(text), Facet.SOURCE)


def _dimensions(text: str) -> list[Mention]:
    return _from_matches(lexicon.find_dimensions(text), Facet.DIMENSION)


def _roles(text: str) -> list[Mention]:
    found = []
    for title in roles.find_titles(text):
        start, written = title.start, title.text
        trigger = _HIRING_VERB.match(written)
        if trigger and _HIRING_SUBJECT.search(text, 0, start):
            # "actively recruiting engineers": the verb is the hiring cue, not the title's
            start, written = start + trigger.end(), written[trigger.end() :]
            if roles.normalize_title(written) is None:
                continue
        found.append(Mention(start, title.end, Facet.ROLE, roles.role_target(written)))
    return found + _role_phrases(text)


_HIRING_VERB = re.compile(r"(?:recruiting|hiring)\s+", re.I)
_HIRING_SUBJECT = re.compile(
    r"(?<![\w])(?:are|is|actively|currently|now|been|still|that|who|which)\s+$", re.I
)


def _role_phrases(text: str) -> list[Mention]:
    """Roles described rather than titled: "whoever runs engineering", "the owner"."""
    found = []
    described = [*ROLE_PHRASE.finditer(text), *TOP_ROLE.finditer(text)]
    for match in FUNCTION_BOSS.finditer(text):
        two = f"{match['lead'] or ''}{match['function']}".lower()
        if " ".join(two.split()) in _FUNCTIONS:  # "the sales ops boss"
            function = " ".join(two.split())
        elif match["function"].lower() in _FUNCTIONS:  # "the CEO and finance chief"
            function = match["function"]
        else:
            continue
        start = match.start() if function.count(" ") else match.start("function")
        found.append(Mention(start, match.end(), Facet.ROLE, _described(_head_of(function))))
    for match in _CHIEF.finditer(text):
        if match["noun"].lower() in _FUNCTIONS or match["noun"].lower() in roles.IC_NOUNS:
            label = f"Chief {match['noun'].title()}"
            found.append(
                Mention(
                    match.start(),
                    match.end(),
                    Facet.ROLE,
                    _ranked_title(label, "chief", match["noun"]),
                )
            )
    for match in described:
        function = match["function"].strip()
        unit = _TEAM_WORD.match(text, match.end())  # "runs the platform team": the team is theirs
        end = unit.end() if unit else match.end()
        if function.lower() in GENERIC_NOUNS:  # "whoever runs the company"
            found.append(Mention(match.start(), end, Facet.ROLE, _described("CEO")))
            continue
        title = roles.normalize_title(f"Head of {function}")
        if title is not None and title.function != roles.GENERAL:
            found.append(Mention(match.start(), end, Facet.ROLE, _described(title.title)))
        elif _an_area(function):  # "the person in charge of procurement": a head of no table
            label = f"Head of {function.title()}"
            target = _ranked_title(label, "head", function)
            found.append(Mention(match.start(), end, Facet.ROLE, target))
    found += _ranked_titles(text)
    for match in _SPECIAL_TITLE.finditer(text):
        found.append(Mention(match.start(), match.end(), Facet.ROLE, _described(match.group(1))))
    for match in OWNER.finditer(text):
        owner = RoleTarget(
            label="Owner",
            title="Owner",
            seniority="c_level",
            function="executive",
            column_prefix="owner",
        )
        found.append(Mention(match.start(), match.end(), Facet.ROLE, owner))
    return found


_CHIEF = re.compile(r"(?<![\w])chief\s+(?P<noun>[a-z]+)(?!\s+officers?(?![\w]))(?![\w-])")
"""A chief written in lower case ("their chief executive", "the chief scientist")."""


def _head_of(function: str) -> str:
    title = roles.normalize_title(f"Head of {function}")
    return title.title if title is not None else f"Head of {function.title()}"


_FUNCTIONS = frozenset(
    [
        *roles.FUNCTION_PHRASES,
        *(a for a, f in roles.ABBREVIATIONS.items() if f in roles.FUNCTION_PHRASES),
    ]
)
"""Function words as written ("engineering", "eng", "sales"): what a boss can be the boss of."""


_SPECIAL_TITLE = re.compile(
    r"(?<![\w])(?:the\s+)?("
    + "|".join(re.escape(title).replace(r"\ ", r"[\s-]+") for title in roles.SPECIAL_TITLES)
    + r")s?(?![\w])",
    re.I,
)
"""Titles of no function ("the general manager", "managing director") in any case."""


_RANKED_TITLE = re.compile(
    r"(?<![\w])(?:(?P<rank>Head|Director|VP|Vice\s+President|Chief)\s+of\s+(?:the\s+)?"
    r"(?P<area>[A-Z][\w&/-]*(?:\s+[A-Z][\w&/-]*)?)|(?P<chief>Chief|Head)\s+(?P<noun>[A-Z][a-z]+)"
    r"(?!\s+(?:of|Officer)(?![\w])))"
)
"""A title whose area no table names ("Head of Procurement", "Chief Scientist"): kept as
written."""


_THE_RANKED_TITLE = re.compile(
    r"(?<![\w])the\s+(?:(?P<rank>head|director|vp|vice\s+president|chief)\s+of\s+(?:the\s+)?"
    r"(?P<area>[a-z][\w&/-]*(?:\s+(?!(?:and|or|at|in|for|of|from|with|to)\s)[a-z][\w&/-]*s)?)|"
    r"(?P<before>[a-z][\w&/-]*)\s+(?P<after>head|director|manager|lead)|"
    r"(?P<chief>chief|head)\s+(?P<noun>[a-z][\w-]*))(?![\w])",
    re.I,
)
"""The same in lower case after "the": "the head of quality", "the studio head", "the store
manager", "the head chef"."""

_BARE_RANKED_TITLE = re.compile(
    r"(?:^|(?<=[,;:\n])|(?<=[,;:\n]\s)|(?<=\band\s)|(?<=\bplus\s)|(?<=\bneed\s)|"
    r"(?<=\bwant\s)|(?<=\bpull\s)|(?<=\bget\s)|(?<=\bfind\s))"
    r"(?P<rank>head|director|vp|vice\s+president)\s+of\s+(?P<area>[a-z][\w&/-]*)(?![\w])",
    re.I,
)
"""The same without "the" where a list of wanted people runs ("..., head of ecommerce")."""

_RANKS = {"head": "head", "director": "director", "vp": "vp", "chief": "c_level"}
_RANKS |= {"manager": "manager", "lead": "lead", "vice": "vp"}


def _ranked_titles(text: str) -> list[Mention]:
    """Ranked titles the title tables do not parse, unless a known title starts inside."""
    found = []
    for match in _RANKED_TITLE.finditer(text):
        area = match["area"] or match["noun"]
        if (match["area"] and roles.find_titles(area)) or lexicon.find_places(area):
            continue  # "VP of Engineering Berlin": the tables' own reading stands
        if match["noun"] and _not_a_title_word(area):
            continue
        rank = match["rank"] or match["chief"]
        label = " ".join(match.group(0).split())
        found.append(
            Mention(match.start(), match.end(), Facet.ROLE, _ranked_title(label, rank, area))
        )
    bare = [m for m in _BARE_RANKED_TITLE.finditer(text) if not roles.find_titles(m.group(0))]
    for match in [*_THE_RANKED_TITLE.finditer(text), *bare]:
        groups = {name: value or "" for name, value in match.groupdict().items()}
        rank = groups["rank"] or groups.get("after") or groups.get("chief") or ""
        area = groups["area"] or groups.get("before") or groups.get("noun") or ""
        first = area.split()[0].lower()
        if (first in FILLER and " " not in area) or first in _NOT_AN_AREA:
            continue  # "the main head" is none
        if lexicon.find_places(area):
            continue
        if groups.get("before") and lexicon.find_industries(area):
            continue  # "the fintech director" is a role of the tables
        if groups.get("noun") and _not_a_title_word(area):
            continue
        start = match.start("rank") if groups["rank"] else match.start("before")
        start = match.start("chief") if groups.get("chief") else start
        written = " ".join(text[start : match.end()].split())
        label = " ".join(
            w if w.isupper() or w.lower() == "of" else w.title() for w in written.split()
        )
        found.append(Mention(start, match.end(), Facet.ROLE, _ranked_title(label, rank, area)))
    return found


_NOT_AN_AREA = frozenset({"a", "an", "the", "this", "that", "it", "them", "their", "its", "each"})


def _an_area(words: str) -> bool:
    """Whether a described role's words can name an area of work: one or two ordinary words,
    none of them filler, a place or an industry ("procurement", "supply chain")."""
    parts = words.lower().split()
    return (
        0 < len(parts) <= 2
        and not any(_not_a_title_word(part) or part in _NOT_AN_AREA for part in parts)
        and not lexicon.find_places(words)
        and not lexicon.find_industries(words)
    )


def _not_a_title_word(word: str) -> bool:
    """Whether the word after "Head"/"Chief" cannot complete a title ("head office")."""
    lower = word.lower()
    return lower in FILLER or lower in SCOPE_FILLER or lower in _NOT_AFTER_HEAD


_NOT_AFTER_HEAD = frozenset({"office", "offices", "quarters", "quartered", "count", "start"})
"""Words that make "head ..." a thing, not a person: "head office", "head count"."""


def _ranked_title(label: str, rank: str, area: str) -> RoleTarget:
    seniority = _RANKS.get(rank.split()[0].lower(), "vp")
    if area.lower() in GENERIC_NOUNS:  # "the head of the company" runs all of it
        return roles.role_target("CEO")
    known = roles.normalize_title(label)
    if known is not None and known.function != roles.GENERAL and known.seniority == seniority:
        return roles.role_target(label)
    function = known.function if known is not None else roles.GENERAL
    if function == roles.GENERAL:
        function = roles.FUNCTION_PHRASES.get(area.lower(), (function, ""))[0]
    return RoleTarget(
        label=label,
        title=label,
        seniority=seniority,
        function=function,
        column_prefix=re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_"),
    )


def _described(title: str) -> RoleTarget:
    return roles.role_target(title)


_EMAIL = re.compile(
    r"(?<![\w])(?:(?:verified|work|business|professional|personal)\s+)?"
    r"e-?mails?(?:\s+addresses?)?(?![\w])",
    re.I,
)
_BARE_DIMENSION = re.compile(
    r"(?<![\w])(?:(?:actively|currently)\s+)?(hiring|recruiting|funding)(?![\w])"
    r"(?!\s+(?:agenc\w*|firms?|compan\w*|business\w*|startups?|software|platforms?|tech\w*|"
    r"services?|consultanc\w*|shops?|industry|sector|space|partners?|teams?|tools?)(?![\w]))",
    re.I,
)
"""A lone "hiring" or "funding"; "recruiting agencies" and "hiring platforms" are businesses."""


def _emails(text: str) -> list[Mention]:
    return [Mention(m.start(), m.end(), Facet.EMAIL, True) for m in _EMAIL.finditer(text)]


_HIRING_WORDS = {"recruiting": "hiring"}


def _bare_dimensions(text: str) -> list[Mention]:
    return [
        Mention(
            m.start(), m.end(), Facet.BARE_DIMENSION, _HIRING_WORDS.get(m[1].lower(), m[1].lower())
        )
        for m in _BARE_DIMENSION.finditer(text)
    ]


# --- numbers: thresholds, money, founding year, rows --------------------------------------

_NUM = lexicon.NUMBER
_MULT = lexicon.MULTIPLIER
_DASH = r"(?:-|–|—|to)"

# Qualifier -> (which bound, offset for whole counts: "over 50" means at least 51).
_QUALIFIERS: dict[str, tuple[str, int]] = {
    "at least": ("min", 0),
    "minimum of": ("min", 0),
    "minimum": ("min", 0),
    "min": ("min", 0),
    "no fewer than": ("min", 0),
    "no less than": ("min", 0),
    "upwards of": ("min", 0),
    ">=": ("min", 0),
    "≥": ("min", 0),
    "more than": ("min", 1),
    "over": ("min", 1),
    "above": ("min", 1),
    "greater than": ("min", 1),
    "north of": ("min", 1),
    ">": ("min", 1),
    "up to": ("max", 0),
    "at most": ("max", 0),
    "maximum of": ("max", 0),
    "maximum": ("max", 0),
    "max": ("max", 0),
    "no more than": ("max", 0),
    "<=": ("max", 0),
    "≤": ("max", 0),
    "under": ("max", -1),
    "below": ("max", -1),
    "less than": ("max", -1),
    "fewer than": ("max", -1),
    "<": ("max", -1),
    "between": ("range", 0),
    "from": ("range", 0),
}
_QUALS = "|".join(
    re.escape(q).replace(r"\ ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True)
)
_HEADCOUNT_NOUNS: dict[str, str] = {
    re.sub(r"[\s-]+", " ", noun.lower()): metric
    for metric, nouns in lexicon.HEADCOUNT_NOUNS.items()
    for noun in nouns
}
_NOUNS = "|".join(
    re.escape(noun).replace(r"\ ", r"[\s-]+")
    for noun in sorted(_HEADCOUNT_NOUNS, key=len, reverse=True)
)
_COUNT = re.compile(
    rf"(?<![\w.,$€£])(?:(?P<qual>{_QUALS})\s*)?"
    rf"(?P<lo>{_NUM})\s*(?P<lo_mult>{_MULT})?"
    rf"(?:\s*(?:{_DASH}|and)\s*(?P<hi>{_NUM})\s*(?P<hi_mult>{_MULT})?)?"
    r"\s*(?P<plus>\+|plus(?![\w])|or\s+more(?![\w])|and\s+(?:up|above)(?![\w]))?"
    rf"[\s-]*(?P<noun>{_NOUNS})(?![\w])"
    r"(?:\s+or\s+(?P<post>more|less|fewer|above|below)(?![\w]))?",
    re.I,
)
_COUNT_NOUN_FIRST = re.compile(
    r"(?<![\w])(?P<noun>engineering\s+(?:headcount|team\s+size|team)|headcount|"
    r"employee\s+count|company\s+size|team\s+size|team)"
    rf"\s*(?:of|:|=|is|with)?\s*(?:(?P<qual>{_QUALS})\s*)?"
    rf"(?P<lo>{_NUM})\s*(?P<lo_mult>{_MULT})?"
    rf"(?:\s*{_DASH}\s*(?P<hi>{_NUM})\s*(?P<hi_mult>{_MULT})?)?(?P<plus>\+)?(?![\w])",
    re.I,
)
_MONEY = re.compile(
    rf"(?<![\w])(?:(?P<qual>{_QUALS})\s*)?"
    rf"(?P<cur>[$€£]|usd|eur|gbp)\s*(?P<lo>{_NUM})\s*(?P<lo_mult>{_MULT})?"
    rf"(?:\s*(?:{_DASH}|(?<=\S)\s+and)\s*(?:[$€£]\s*)?(?P<hi>{_NUM})\s*(?P<hi_mult>{_MULT})?)?"
    r"(?P<plus>\+)?"
    r"(?P<tail>\s+(?:in\s+)?(?:total\s+)?(?:funding|raised|funded|arr|revenue))?",
    re.I,
)
_MONEY_AFTER = re.compile(
    rf"(?<![\w$€£])(?:(?P<qual>{_QUALS})\s*)?(?P<lo>{_NUM})\s*(?P<lo_mult>{_MULT})?"
    rf"(?:\s*{_DASH}\s*(?P<hi>{_NUM})\s*(?P<hi_mult>{_MULT})?)?"
    r"\s*(?:US\s+)?(?P<cur>[$€£]|usd|eur|gbp|dollars?|euros?|pounds?(?=\s+sterling)|"
    r"pounds?\s+sterling)(?![\w])(?P<plus>\+)?"
    r"(?P<tail>\s+(?:in\s+)?(?:total\s+)?(?:funding|raised|funded|arr|revenue))?",
    re.I,
)
"""An amount with its currency after it: "10 million dollars", "5M€"."""
_YEAR = r"(?:19|20)\d\d"
_FOUNDED = re.compile(
    r"(?<![\w])(?:founded|established|incorporated|launched|started|set\s+up)\s+"
    rf"(?:(?P<rel>in|after|since|before|between|from)\s+)?(?P<y1>{_YEAR})"
    rf"(?:\s*(?:{_DASH}|and)\s*(?P<y2>{_YEAR}))?"
    r"(?P<later>\s+or\s+(?:later|after)|\s+onwards?|\+)?(?![\w+])",
    re.I,
)
_ROW_NOUNS = "|".join(lexicon.ROW_NOUNS)
_ROW_END = r"(?![\w.,%+\-–—])"
_ROWS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?<![\w])(?:top|first)\s+(?P<n>{_NUM})\s*(?P<mult>k)?{_ROW_END}", re.I),
    re.compile(
        rf"(?<![\w.,$€£])(?P<n>{_NUM})\s*(?P<mult>k)?\s+(?:more\s+)?(?:{_ROW_NOUNS})(?![\w])", re.I
    ),
    re.compile(
        r"(?<![\w])(?:limit|cap)(?:\s+(?:it|this|that|the\s+list|the\s+results|results|rows))?"
        rf"\s+(?:to|at)\s+(?P<n>{_NUM})\s*(?P<mult>k)?{_ROW_END}",
        re.I,
    ),
    re.compile(
        r"(?<![\w])(?:make\s+it|give\s+me|get\s+me|find(?:\s+me)?|return|list)\s+"
        rf"(?P<n>{_NUM})\s*(?P<mult>k)?{_ROW_END}",
        re.I,
    ),
)


def _number(match: re.Match[str], group: str, fallback_multiplier: str | None = None) -> float:
    multiplier = match.groupdict().get(f"{group}_mult") or fallback_multiplier
    return lexicon.parse_number(match[group], multiplier)


def _bounds(match: re.Match[str], *, whole: bool) -> tuple[float | None, float | None]:
    """(min, max) from a number pattern with optional qualifier, range, "+" or "or more"."""
    hi = _number(match, "hi") if match["hi"] else None
    lo = _number(match, "lo", match.groupdict().get("hi_mult") if hi is not None else None)
    if hi is not None:
        return lo, hi
    qualifier = " ".join((match["qual"] or "").lower().split())
    bound, offset = _QUALIFIERS.get(qualifier, ("", 0))
    offset = offset if whole else 0
    post = (match.groupdict().get("post") or "").lower()
    if match["plus"] or post in ("more", "above") or bound == "min":
        return lo + offset, None
    if post in ("less", "fewer", "below") or bound == "max":
        return None, lo + offset
    return lo, None  # "with 20 engineers" reads as at least 20


def _thresholds(text: str) -> list[Mention]:
    found = []
    for match in _COUNT.finditer(text):
        metric = _HEADCOUNT_NOUNS[re.sub(r"[\s-]+", " ", match["noun"].lower())]
        found.append(_range_mention(match, metric, whole=True))
    for match in _COUNT_NOUN_FIRST.finditer(text):
        metric = "engineers" if match["noun"].lower().startswith("engineering") else "employees"
        found.append(_range_mention(match, metric, whole=True))
    for match in [*_MONEY.finditer(text), *_MONEY_AFTER.finditer(text)]:
        tail = (match["tail"] or "").lower()
        if "arr" in tail or "revenue" in tail or _REVENUE_BEFORE.search(text, 0, match.start()):
            continue  # revenue is not a facet the engine can check: it stays a requirement
        metric = f"funding_amount_{lexicon.currency(match['cur'])}"
        found.append(_range_mention(match, metric, whole=False))
    found += [_founded_mention(match) for match in _FOUNDED.finditer(text)]
    return found


_REVENUE_BEFORE = re.compile(
    r"(?<![\w])(?:revenues?|arr|mrr|sales|turnover|gmv|income|earnings)\s+(?:of\s+|is\s+)?$", re.I
)


def _range_mention(match: re.Match[str], metric: str, *, whole: bool) -> Mention:
    low, high = _bounds(match, whole=whole)
    value = NumericRange(metric=metric, min=low, max=high)
    return Mention(match.start(), match.end(), Facet.THRESHOLD, value)


def _founded_mention(match: re.Match[str]) -> Mention:
    first = int(match["y1"])
    relation = (match["rel"] or "in").lower()
    low: float | None
    high: float | None
    if match["y2"]:
        low, high = first, int(match["y2"])
    elif relation in ("since", "from") or match["later"]:
        low, high = first, None
    elif relation == "after":
        low, high = first + 1, None
    elif relation == "before":
        low, high = None, first - 1
    else:
        low, high = first, first
    value = NumericRange(metric="founded_year", min=low, max=high)
    return Mention(match.start(), match.end(), Facet.THRESHOLD, value)


_CREDIT_BUDGET = re.compile(
    r"(?<![\w])(?P<qual>under|below|less\s+than|fewer\s+than|at\s+most|no\s+more\s+than|"
    rf"up\s+to|within|max(?:imum)?(?:\s+of)?)\s+(?P<n>{_NUM})\s*(?P<mult>k)?\s+credits?(?![\w])",
    re.I,
)
_STRICT_QUALIFIERS = ("under", "below", "less than", "fewer than")


def _credit_budgets(text: str) -> list[Mention]:
    found = []
    for match in _CREDIT_BUDGET.finditer(text):
        budget = int(_number(match, "n"))
        strict = " ".join(match["qual"].lower().split()) in _STRICT_QUALIFIERS
        found.append(Mention(match.start(), match.end(), Facet.CREDITS, budget - strict))
    return found


def _rows(text: str) -> list[Mention]:
    return [
        Mention(m.start(), m.end(), Facet.ROWS, int(_number(m, "n")))
        for pattern in _ROWS
        for m in pattern.finditer(text)
        if not _ranking(text, m.start("n"))
    ]


def _ranking(text: str, position: int) -> bool:
    name = _RANKING_NAME.search(text, 0, position)
    return name is not None and name.group(1).lower() not in FILLER | _ROW_VERBS


_ROW_VERBS = frozenset({"first", "return", "limit", "cap", "make", "only", "just"})
_RANKING_NAME = re.compile(r"(?<![\w])([A-Z][\w&]*|S&P)\s+$")
"""A capitalized name right before a number makes it a ranking ("Fortune 500 companies",
"FTSE 100 firms"), not a count of rows."""


# --- recency --------------------------------------------------------------------------------

_UNIT = r"(?P<unit>days?|weeks?|months?|quarters?|years?)"
_COUNT_WORD = rf"(?P<n>\d+|{lexicon.NUMBER_WORD})"
_WINDOW = re.compile(
    r"(?<![\w])(?:(?:in|within|over|during)\s+the\s+)?(?:last|past|previous|prior)\s+"
    rf"(?:{_COUNT_WORD}\s+)?{_UNIT}(?![\w])",
    re.I,
)
_WITHIN = re.compile(rf"(?<![\w])within\s+(?:the\s+)?{_COUNT_WORD}\s+{_UNIT}(?![\w])", re.I)
_YEAR_SPAN = re.compile(
    rf"(?<![\w])(?:in|during|between|from)\s+(?P<y1>{_YEAR})\s*(?:{_DASH}|and|or)\s*"
    rf"(?P<y2>{_YEAR})(?![\w])",
    re.I,
)
_IN_YEAR = re.compile(
    rf"(?<![\w])(?:in|during)\s+(?P<y>{_YEAR})"
    r"(?P<later>\s+or\s+(?:later|after)|\s+onwards?|\s+and\s+(?:later|after))?(?![\w])",
    re.I,
)
_RELATIVE_YEAR = re.compile(rf"(?<![\w])(?P<rel>since|after|before)\s+(?P<y>{_YEAR})(?![\w])", re.I)
_RECENTLY = re.compile(
    r"(?<![\w])(?:(?:recently|newly|freshly|just)\s+(?:funded|raised|backed)|"
    r"recent(?:ly)?\s+(?:funding|raises?|rounds?))(?![\w])",
    re.I,
)
_DAYS_PER_UNIT = {"day": 1, "week": 7}
_MONTHS_PER_UNIT = {"month": 1, "quarter": 3, "year": 12}


def _recency(text: str) -> list[Mention]:
    found = [_window(m) for pattern in (_WINDOW, _WITHIN) for m in pattern.finditer(text)]
    for m in _YEAR_SPAN.finditer(text):
        window = Recency(since=date(int(m["y1"]), 1, 1), until=date(int(m["y2"]), 12, 31))
        found.append(Mention(m.start(), m.end(), Facet.RECENCY, window))
    for m in _IN_YEAR.finditer(text):
        year = int(m["y"])
        until = None if m["later"] else date(year, 12, 31)
        window = Recency(since=date(year, 1, 1), until=until)
        found.append(Mention(m.start(), m.end(), Facet.RECENCY, window))
    for m in _RELATIVE_YEAR.finditer(text):
        year, relation = int(m["y"]), m["rel"].lower()
        if relation == "before":
            window = Recency(until=date(year - 1, 12, 31))
        else:
            window = Recency(since=date(year + (relation == "after"), 1, 1))
        found.append(Mention(m.start(), m.end(), Facet.RECENCY, window))
    found += [
        Mention(m.start(), m.end(), Facet.RECENCY, Recency(months=RECENTLY_FUNDED_MONTHS))
        for m in _RECENTLY.finditer(text)
    ]
    return found


def _window(match: re.Match[str]) -> Mention:
    count = int(lexicon.parse_number(match["n"])) if match["n"] else 1
    unit = match["unit"].lower().removesuffix("s")
    if unit in _DAYS_PER_UNIT:
        window = Recency(days=count * _DAYS_PER_UNIT[unit])
    else:
        window = Recency(months=count * _MONTHS_PER_UNIT[unit])
    return Mention(match.start(), match.end(), Facet.RECENCY, window)


# --- fallback: "<unknown word> companies" ----------------------------------------------------

_AUDIENCE_NOUN = re.compile(
    r"(?<![\w-])(?:companies|startups|firms|businesses|agencies|vendors|providers|brands|"
    r"studios|labs|manufacturers|retailers|clinics|consultancies)(?![\w])",
    re.I,
)
_LOOKBACK = 64  # characters searched backwards from a noun; longer than any word
_WORD_BEFORE = re.compile(r"([A-Za-z][\w&'-]*)[ \t]+$")


def _fallback_keywords(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Words before "companies" that no table knows ("drone companies") still define an
    audience; keep them as keywords rather than reject the prompt."""
    found = []
    for noun in _AUDIENCE_NOUN.finditer(text):
        words: list[str] = []
        start = end = noun.start()
        while len(words) < 2:
            word = _WORD_BEFORE.search(text, max(0, end - _LOOKBACK), end)
            if word is None or _covered(word.start(1), word.end(1), mentions):
                break
            if word.group(1).lower() in lexicon.FALLBACK_STOPWORDS:
                break
            words.insert(0, word.group(1))
            start = end = word.start(1)
        if words:
            found.append(Mention(start, noun.start(), Facet.KEYWORD, " ".join(words)))
    return found


_COUNT_BEFORE = re.compile(rf"(?<![\w.,$€£+\-–—])(?P<n>{_NUM})\s*(?P<mult>k)?\s+$", re.I)
_COUNTABLE = frozenset({Facet.STAGE, Facet.INDUSTRY, Facet.KEYWORD, Facet.PLACE})


def _counted_rows(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """A bare count before the audience caps the rows: "100 Series A fintechs"."""
    found = []
    for mention in mentions:
        if mention.facet not in _COUNTABLE:
            continue
        count = _COUNT_BEFORE.search(text, max(0, mention.start - _LOOKBACK), mention.start)
        if count and not _covered(count.start(), count.end(), mentions):
            value = int(_number(count, "n"))
            found.append(Mention(count.start(), count.end("n"), Facet.ROWS, value))
    return found


def _covered(start: int, end: int, mentions: Sequence[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


_EXTRACTORS: tuple[Callable[[str], list[Mention]], ...] = (
    _industries,
    _places,
    _stages,
    _technologies,
    _keywords,
    _sources,
    _dimensions,
    _roles,
    _thresholds,
    _recency,
    _emails,
    _rows,
    _credit_budgets,
    _bare_dimensions,
)


# =============================================================================================
# Clauses, contexts and operations


class Mode(Enum):
    """How a clause's values combine with what came before."""

    DEFAULT = "default"  # replace in a follow-up's first mention of a facet, else add
    ADD = "add"
    REPLACE = "replace"


class Context(Enum):
    """What the words before a mention make of it."""

    NONE = "none"
    REMOVE = "remove"
    EXCLUDE = "exclude"  # inside a negation: "not in Paris", "except the UK"
    HIRING = "hiring"
    PREFER = "prefer"


@dataclass(frozen=True, slots=True)
class Clause:
    """A sentence, or part of one that starts with a cue word ("..., and also Spain")."""

    start: int
    end: int
    mode: Mode


_CUE_WORD = (
    r"(?:also|add|drop|remove|make|switch|change|only|just|skip|exclude|include|pull|get|"
    r"find|limit|cap|plus|keep|replace|swap)\b"
)
_CLAUSE_BREAK = re.compile(
    rf"[.!?;\n]+(?=\s|$)|,?\s+(?:and|but|then)\s+(?={_CUE_WORD})|,\s*(?={_CUE_WORD})", re.I
)
_REPLACE_CUE = re.compile(
    r"\b(?:only|just|instead(?!\s+of)|rather(?!\s+than)|switch(?:\s+it)?\s+to|"
    r"change(?:\s+it)?\s+to|focus\s+on|exclusively|solely)\b",
    re.I,
)
_ADD_CUE = re.compile(
    r"^\W*(?:and|plus)\b|"  # a follow-up that starts "And Germany?" continues the list
    r"\b(?:also|add|adding|plus|too|as\s+well|additionally|include|including|"
    r"expand\s+to|extend\s+to|on\s+top)\b",
    re.I,
)
_RESET_CUE = re.compile(
    r"\b(?:new\s+search|start\s+over|start\s+again|from\s+scratch|"
    r"forget\s+(?:that|this|everything|all\s+that|the\s+previous))\b",
    re.I,
)
_REMOVE_CUE = re.compile(
    r"(?<![\w])(?:drop(?:ping)?|remove|removing|delete|exclude|excluding|without|skip|skipping|"
    r"avoid|ignore|minus|except|but\s+not|not|no|no\s+longer|other\s+than|instead\s+of|"
    r"rather\s+than|leave\s+out|get\s+rid\s+of|forget(?:\s+about)?|replace|swap|"
    r"outside(?:\s+of)?|(?:don[’']?t|do\s+not|never)\s+(?:use|include|want|need|pull))"
    r"(?:\s+(?:in|from|at|on|using|the|any|all|a|an|its|their|companies|firms))*\s+$",
    re.I,
)
_CONDITION = re.compile(r"\b(?:if|when|unless|where)\s+(?:there\s+is\s+|there'?s\s+)?no\s+$", re.I)
_PREFER_CUE = re.compile(
    r"(?<![\w])(?:prefer(?:ably)?|prioriti[sz]e|use|using|from|via|on|through|rely\s+on|"
    r"based\s+on|sourced?\s+from|check|search)(?:\s+(?:only|mostly|mainly|the))*\s+$",
    re.I,
)
_LIST_GAP = re.compile(
    r"\s*(?:,|;|/|&|\band\b|\bor\b|\bplus\b|\bas\s+well\s+as\b)[\s,]*"
    r"(?:(?:and|or)\s+)?(?:(?:the|a|an|also)\s+)?",
    re.I,
)


def _clauses(text: str) -> list[Clause]:
    bounds = [0]
    for match in _CLAUSE_BREAK.finditer(text):
        bounds += [match.start(), match.end()]
    bounds.append(len(text))
    clauses = []
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        words = text[start:end]
        if _REPLACE_CUE.search(words):
            mode = Mode.REPLACE
        elif _ADD_CUE.search(words):
            mode = Mode.ADD
        else:
            mode = Mode.DEFAULT
        clauses.append(Clause(start, end, mode))
    return clauses


def _context(mention: Mention, gap: str, previous: tuple[Mention, Context] | None) -> Context:
    if _CONDITION.search(gap):
        return Context.NONE  # "the VP Eng if there is no CTO" keeps the CTO
    if _REMOVE_CUE.search(gap):
        return Context.REMOVE
    if mention.facet in (Facet.ROLE, Facet.THRESHOLD) and (
        lexicon.HIRING_TRIGGER.search(gap)
        or lexicon.HIRING_TRIGGER.search(_SKILL_WORD.sub("", gap))
    ):
        return Context.HIRING
    if mention.facet is Facet.SOURCE and _PREFER_CUE.search(gap):
        return Context.PREFER
    if previous is not None and _LIST_GAP.fullmatch(gap):
        return _inherited(mention, previous)
    return Context.NONE


_SKILL_WORD = re.compile(r"(?<=\s)[\w+#.-]+\s+$")
"""A capitalized stack word between a hiring cue and the role: "hiring Unity developers"."""

LEADERSHIP = frozenset({"c_level", "vp", "head"})


def _leads(mention: Mention) -> bool:
    return isinstance(mention.value, RoleTarget) and mention.value.seniority in LEADERSHIP


def _inherited(mention: Mention, previous: tuple[Mention, Context]) -> Context:
    """A list item shares its first item's context, where that context applies to it."""
    earlier, context = previous
    if context is Context.EXCLUDE:
        return Context.NONE  # what a negation covers is read from its scope, not a list gap
    if context is Context.HIRING and mention.facet not in (Facet.ROLE, Facet.THRESHOLD):
        return Context.NONE
    if context is Context.HIRING and _leads(mention) and not _leads(earlier):
        # "hiring ML engineers, VP Eng": the leader after the openings is the person to pull.
        return Context.NONE
    if context is Context.PREFER and mention.facet is not Facet.SOURCE:
        return Context.NONE
    return context


class Group(Enum):
    """A facet of Criteria that operations change."""

    INDUSTRIES = "industries"
    PLACES = "places"
    STAGES = "stages"
    TECHNOLOGIES = "technologies"
    ROLES = "roles"
    HIRING = "hiring"
    KEYWORDS = "keywords"
    DIMENSIONS = "enrich_dimensions"
    EXCLUDED_SOURCES = "excluded_sources"
    PREFERRED_SOURCES = "preferred_sources"
    RECENCY = "recency"
    THRESHOLDS = "thresholds"
    EMAIL = "want_email"
    ROWS = "max_rows"
    REQUIREMENTS = "requirements"


# Facets where a follow-up's mention replaces the earlier value unless told to add.
_REPLACEABLE = frozenset(
    {Group.INDUSTRIES, Group.PLACES, Group.STAGES, Group.TECHNOLOGIES, Group.ROLES, Group.HIRING}
)


class Action(Enum):
    """What an operation does to its group."""

    INCLUDE = "include"
    REMOVE = "remove"
    EXCLUDE = "exclude"
    CLEAR = "clear"


@dataclass(frozen=True, slots=True)
class Op:
    """One change to the criteria."""

    group: Group
    value: Value | None = None
    action: Action = Action.INCLUDE
    span: tuple[int, int] | None = None
    """Where in the instruction the value was read."""
    words: str = ""
    """The instruction's words at ``span``: an excluded industry that is also asked for
    ("fintechs, not payments companies") is ruled out by these words, not by its slug."""


def _operations(
    text: str,
    clause: Clause,
    mentions: Sequence[Mention],
    negated: Callable[[Mention], bool] = lambda _: False,
) -> list[Op]:
    """The changes a clause makes, from its mentions and the words around them."""
    classified: list[tuple[Mention, Context]] = []
    cursor = clause.start
    for mention in mentions:
        if mention.facet is Facet.BARE_DIMENSION:
            continue  # decided below, once the mentions around it are known
        previous = classified[-1] if classified else None
        gap = text[cursor : mention.start]
        context = Context.EXCLUDE if negated(mention) else _context(mention, gap, previous)
        classified.append((mention, context))
        cursor = mention.end
    contexts = {id(mention): context for mention, context in classified}
    ops: list[Op] = []
    for mention in mentions:  # in text order, so lists keep the order the user wrote
        if mention.facet is Facet.BARE_DIMENSION:
            ops += _bare_dimension_ops(text, clause, mention, classified)
        else:
            span, words = (mention.start, mention.end), text[mention.start : mention.end]
            ops += [
                replace(op, span=span, words=words)
                for op in _ops_for(mention, contexts[id(mention)])
            ]
    return ops


_EXCLUDABLE = frozenset(
    {Facet.PLACE, Facet.INDUSTRY, Facet.KEYWORD, Facet.STAGE, Facet.THRESHOLD, Facet.TECHNOLOGY}
)
"""Facets a negation rules out; a negated role, source or column is removed instead."""


def _ops_for(mention: Mention, context: Context) -> list[Op]:
    if context is Context.EXCLUDE and mention.facet in _EXCLUDABLE:
        return _exclusion_ops(mention)
    action = Action.REMOVE if context in (Context.REMOVE, Context.EXCLUDE) else Action.INCLUDE
    facet, value = mention.facet, mention.value
    if facet is Facet.PLACE:
        return _place_ops(cast(Place, value), action, mention.within)
    if facet is Facet.STAGE and not value:  # "any stage"
        return [Op(Group.STAGES, None, Action.CLEAR)]
    if facet is Facet.ROLE:
        return _role_ops(cast(RoleTarget, value), context)
    if facet is Facet.THRESHOLD:
        return _threshold_ops(cast(NumericRange, value), context)
    if facet is Facet.SOURCE:
        return _source_ops(str(value), context)
    if facet is Facet.EMAIL:
        return [Op(Group.EMAIL, action is Action.INCLUDE)]
    if facet is Facet.RECENCY:
        return [Op(Group.RECENCY, value, Action.CLEAR if action is Action.REMOVE else action)]
    group = _SIMPLE_GROUPS.get(facet)
    return [Op(group, value, action)] if group else []


_SIMPLE_GROUPS: dict[Facet, Group] = {
    Facet.INDUSTRY: Group.INDUSTRIES,
    Facet.STAGE: Group.STAGES,
    Facet.TECHNOLOGY: Group.TECHNOLOGIES,
    Facet.SKILL: Group.KEYWORDS,
    Facet.KEYWORD: Group.KEYWORDS,
    Facet.DIMENSION: Group.DIMENSIONS,
    Facet.ROWS: Group.ROWS,
}


def _exclusion_ops(mention: Mention) -> list[Op]:
    facet, value = mention.facet, mention.value
    if facet is Facet.PLACE:
        place = cast(Place, value)
        if place.kind in ("anywhere", "area"):
            return [Op(Group.KEYWORDS, mention_text(mention), Action.EXCLUDE)]
        return [Op(Group.PLACES, place, Action.EXCLUDE)]
    if facet is Facet.THRESHOLD:
        return [Op(Group.THRESHOLDS, value, Action.EXCLUDE)]
    if facet is Facet.STAGE and not value:
        return []
    if facet is Facet.TECHNOLOGY:
        return [Op(Group.KEYWORDS, str(value), Action.EXCLUDE)]
    group = _SIMPLE_GROUPS[facet]
    return [Op(group, value, Action.EXCLUDE)]


def mention_text(mention: Mention) -> str:
    """A mention's value as words."""
    if isinstance(mention.value, Place):
        return gazetteer.place_name(mention.value)
    return str(mention.value)


def _place_ops(place: Place, action: Action, within: str | None = None) -> list[Op]:
    if place.kind == "anywhere":
        return [Op(Group.PLACES, None, Action.CLEAR)]
    if place.kind == "area":
        # "northern Italy": the country is a filter, the part of it is checked as written.
        whole = gazetteer.area_whole(place.value)
        if action is not Action.INCLUDE:
            return [Op(Group.PLACES, whole, action)]
        claim = Requirement(text=f"based in {gazetteer.area_name(place.value)}")
        return [*_place_ops(whole, action), Op(Group.REQUIREMENTS, claim)]
    ops = [Op(Group.PLACES, place, action)]
    code = within or gazetteer.country_of(place)
    if code and action is Action.INCLUDE:
        # Cities and states narrow within their country, so it is part of the filter too.
        ops.append(Op(Group.PLACES, Place("country", code)))
    return ops


def _role_ops(role: RoleTarget, context: Context) -> list[Op]:
    if context is Context.HIRING:
        return [Op(Group.HIRING, role.label)]
    if context is Context.REMOVE:
        return [Op(Group.ROLES, role, Action.REMOVE), Op(Group.HIRING, role.label, Action.REMOVE)]
    return [Op(Group.ROLES, role)]


def _threshold_ops(threshold: NumericRange, context: Context) -> list[Op]:
    if context is Context.REMOVE:
        return [Op(Group.THRESHOLDS, threshold, Action.REMOVE)]
    if context is Context.HIRING:
        # "hiring 3+ engineers": a count of open roles, and a hiring signal for the role.
        open_roles = NumericRange(metric="open_roles", min=threshold.min, max=threshold.max)
        role = "Engineer" if threshold.metric == "engineers" else HIRING_ANY
        return [Op(Group.THRESHOLDS, open_roles), Op(Group.HIRING, role)]
    return [Op(Group.THRESHOLDS, threshold)]


def _source_ops(slug: str, context: Context) -> list[Op]:
    if context is Context.REMOVE:
        return [Op(Group.EXCLUDED_SOURCES, slug)]
    if context is Context.PREFER:
        return [Op(Group.PREFERRED_SOURCES, slug)]
    return []  # "with LinkedIn profiles" names a column, not a source preference


def _bare_dimension_ops(
    text: str, clause: Clause, bare: Mention, classified: Sequence[tuple[Mention, Context]]
) -> list[Op]:
    """Decide what a lone "hiring" or "funding" means.

    "hiring" is a trigger before a role ("hiring ML engineers"), a requested column in an
    "add ..." clause ("add funding, hiring and news"), or else a signal ("companies that are
    hiring"). "funding" alone is only ever a requested column.
    """
    before = [item for item in classified if item[0].end <= bare.start]
    after = [item for item in classified if item[0].start >= bare.end]
    gap = text[before[-1][0].end if before else clause.start : bare.start]
    if _REMOVE_CUE.search(gap):
        if bare.value == "hiring":
            return [
                Op(Group.HIRING, None, Action.CLEAR),
                Op(Group.DIMENSIONS, "hiring", Action.REMOVE),
            ]
        return [Op(Group.DIMENSIONS, bare.value, Action.REMOVE)]
    if after and after[0][1] is Context.HIRING:
        return []
    listed = bool(before) and before[-1][0].facet is Facet.DIMENSION and _LIST_GAP.fullmatch(gap)
    if clause.mode is Mode.ADD or listed:
        return [Op(Group.DIMENSIONS, bare.value)]
    if bare.value == "hiring":
        return [Op(Group.HIRING, HIRING_ANY)]
    return []


# =============================================================================================
# Applying operations to criteria


@dataclass(frozen=True, slots=True)
class _ListField:
    """How to read, write and compare the items of a list-valued group."""

    read: Callable[[Criteria], list[Any]]
    write: Callable[[Criteria, list[Any]], None]
    key: Callable[[Any], Hashable] = lambda item: item
    expand: Callable[[Any], list[Any]] = lambda value: [value]


def _attribute(
    name: str,
) -> tuple[Callable[[Criteria], list[Any]], Callable[[Criteria, list[Any]], None]]:
    return (lambda c: list(getattr(c, name))), (lambda c, items: setattr(c, name, items))


_PLACE_FIELDS: dict[str, str] = {
    "country": "countries",
    "region": "regions",
    "subdivision": "subdivisions",
    "city": "cities",
}
"""Place kind -> the Criteria (and Exclusions) field that holds it."""


def _read_places(criteria: Criteria) -> list[Place]:
    return [
        *(Place("country", code) for code in criteria.countries),
        *(Place("region", slug) for slug in criteria.regions),
        *(Place("subdivision", code) for code in criteria.subdivisions),
        *(Place("city", name) for name in criteria.cities),
    ]


def _write_places(criteria: Criteria, places: list[Place]) -> None:
    for kind, name in _PLACE_FIELDS.items():
        setattr(criteria, name, [p.value for p in places if p.kind == kind])


def _exclusion_field(group: Group, item: Any) -> str | None:
    """The Exclusions field an excluded item of ``group`` goes to."""
    if group is Group.PLACES:
        return _PLACE_FIELDS.get(cast(Place, item).kind)
    return {
        Group.INDUSTRIES: "industries",
        Group.STAGES: "stages",
        Group.KEYWORDS: "keywords",
    }.get(group)


def _exclusion_value(group: Group, item: Any) -> str:
    return cast(Place, item).value if group is Group.PLACES else str(item)


def _update_exclusions(
    criteria: Criteria, group: Group, excluded: Sequence[Any], included: Sequence[Any]
) -> None:
    """Add what a clause rules out; what a later instruction asks for again is no longer out."""
    exclusions = criteria.exclusions
    for item in included:
        name = _exclusion_field(group, item)
        if name:
            value = _exclusion_value(group, item).lower()
            kept = [v for v in getattr(exclusions, name) if v.lower() != value]
            setattr(exclusions, name, kept)
    for item in excluded:
        name = _exclusion_field(group, item)
        if name:
            values = [*getattr(exclusions, name), _exclusion_value(group, item)]
            setattr(exclusions, name, unique(values, str.lower))


_STAGE_ORDER = (*lexicon.STAGE_LADDER, lexicon.PUBLIC)


def _write_stages(criteria: Criteria, stages: list[str]) -> None:
    criteria.stages = sorted(set(stages), key=_STAGE_ORDER.index)


def _hiring_key(label: str) -> Hashable:
    title = roles.normalize_title(label)
    return title.column_prefix if title else label.lower()


_LIST_FIELDS: dict[Group, _ListField] = {
    Group.INDUSTRIES: _ListField(*_attribute("industries")),
    Group.PLACES: _ListField(_read_places, _write_places),
    Group.STAGES: _ListField(
        lambda c: list(c.stages), _write_stages, expand=lambda value: list(value)
    ),
    Group.TECHNOLOGIES: _ListField(*_attribute("technologies")),
    Group.ROLES: _ListField(*_attribute("roles"), key=lambda role: role.column_prefix),
    Group.HIRING: _ListField(*_attribute("hiring"), key=_hiring_key),
    Group.KEYWORDS: _ListField(*_attribute("keywords"), key=lambda word: str(word).lower()),
    Group.DIMENSIONS: _ListField(*_attribute("enrich_dimensions")),
}


def _apply_clause(criteria: Criteria, ops: Sequence[Op], mode: Mode, touched: set[Group]) -> None:
    for group, spec in _LIST_FIELDS.items():
        mine = [op for op in ops if op.group is group]
        if mine:
            _apply_list(criteria, group, spec, mine, mode, touched)
    for op in ops:
        if op.group not in _LIST_FIELDS:
            _apply_scalar(criteria, op)


def _apply_list(
    criteria: Criteria,
    group: Group,
    spec: _ListField,
    ops: Sequence[Op],
    mode: Mode,
    touched: set[Group],
) -> None:
    includes = [item for op in ops if op.action is Action.INCLUDE for item in spec.expand(op.value)]
    included = {spec.key(i) for i in spec.read(criteria)} | {
        spec.key(item)
        for op in ops
        if op.action is Action.INCLUDE
        for item in spec.expand(op.value)
    }
    if group is Group.INDUSTRIES:
        # "Fintechs, not payments companies": ruling out the asked-for industry would invert
        # the request, so the narrower words are what is excluded.
        clashing = [op for op in ops if op.action is Action.EXCLUDE and op.value in included]
        ops = [op for op in ops if op not in clashing]
        phrases = [op.words for op in clashing if op.words]
        criteria.exclusions.keywords = unique([*criteria.exclusions.keywords, *phrases], str.lower)
    excludes = [item for op in ops if op.action is Action.EXCLUDE for item in spec.expand(op.value)]
    removes = {
        spec.key(item)
        for op in ops
        if op.action in (Action.REMOVE, Action.EXCLUDE)
        for item in spec.expand(op.value)
    }
    cleared = any(op.action is Action.CLEAR for op in ops)
    current = [] if cleared else spec.read(criteria)
    first_touch = group not in touched and not removes
    replace_all = (
        group in _REPLACEABLE
        and includes
        and (mode is Mode.REPLACE or (mode is Mode.DEFAULT and first_touch))
    )
    items = includes if replace_all else [*current, *includes]
    spec.write(criteria, unique([i for i in items if spec.key(i) not in removes], spec.key))
    _update_exclusions(criteria, group, excludes, includes)
    touched.add(group)
    if group is Group.STAGES:
        _drop_default_lookback(criteria, cleared=cleared)


def _drop_default_lookback(criteria: Criteria, *, cleared: bool) -> None:
    """The default window belongs to the stage filter: a new stage filter recomputes it, and
    "any stage" drops any window."""
    default_only = criteria.funded_within_months == DEFAULT_STAGE_LOOKBACK_MONTHS and not (
        criteria.funded_within_days or criteria.funded_since or criteria.funded_until
    )
    if cleared or default_only:
        _set_recency(criteria, Recency())


def _apply_scalar(criteria: Criteria, op: Op) -> None:
    if op.group is Group.RECENCY:
        _set_recency(criteria, Recency() if op.action is Action.CLEAR else cast(Recency, op.value))
    elif op.group is Group.THRESHOLDS and op.action is Action.EXCLUDE:
        excluded = cast(NumericRange, op.value)
        criteria.exclusions.thresholds = [*criteria.exclusions.thresholds, excluded]
    elif op.group is Group.THRESHOLDS:
        threshold = cast(NumericRange, op.value)
        kept = [t for t in criteria.thresholds if t.metric != threshold.metric]
        criteria.thresholds = kept if op.action is Action.REMOVE else [*kept, threshold]
    elif op.group is Group.REQUIREMENTS:
        claim = cast(Requirement, op.value)
        if op.action is Action.INCLUDE:
            criteria.requirements = unique([*criteria.requirements, claim], _claim_key)
    elif op.group is Group.EMAIL:
        criteria.want_email = bool(op.value)
    elif op.group is Group.ROWS:
        criteria.max_rows = min(int(cast(int, op.value)), MAX_ROWS)
    elif op.group is Group.EXCLUDED_SOURCES:
        _set_source(criteria, str(op.value), excluded=True)
    elif op.group is Group.PREFERRED_SOURCES:
        _set_source(criteria, str(op.value), excluded=False)


def _claim_key(claim: Requirement) -> str:
    return " ".join(claim.text.lower().split())


def _set_recency(criteria: Criteria, window: Recency) -> None:
    criteria.funded_within_months = window.months
    criteria.funded_within_days = window.days
    criteria.funded_since = window.since
    criteria.funded_until = window.until


def _set_source(criteria: Criteria, slug: str, *, excluded: bool) -> None:
    """Excluding a source withdraws a preference for it, and preferring one un-excludes it."""
    if excluded:
        criteria.preferred_sources = [s for s in criteria.preferred_sources if s != slug]
        criteria.excluded_sources = unique([*criteria.excluded_sources, slug], str)
    else:
        criteria.excluded_sources = [s for s in criteria.excluded_sources if s != slug]
        criteria.preferred_sources = unique([*criteria.preferred_sources, slug], str)


# =============================================================================================
# From a request to criteria


def apply_instruction(base: Criteria, instruction: str, *, default_rows: int = 30) -> Criteria:
    """The criteria after one user instruction (a turn or replan feedback) refines ``base``."""
    prepared = language.prepare(normalize_text(instruction))
    text = prepared.text
    criteria = Criteria() if _RESET_CUE.search(text) else base.model_copy(deep=True)
    mentions = read_mentions(text)
    found = reading.read(
        text,
        mentions,
        excludable=[m.facet in _EXCLUDABLE for m in mentions],
        absorbable=[_absorbable(text, m) for m in mentions],
        places=[m.facet is Facet.PLACE for m in mentions],
        kinds=[m.facet.value for m in mentions],
    )
    kept = [m for i, m in enumerate(mentions) if i not in found.absorbed]
    touched: set[Group] = set()
    for clause in _clauses(text):
        inside = [m for m in kept if clause.start <= m.start < clause.end]
        ops = _operations(text, clause, inside, found.negated)
        ops += [
            _free_op(item, prepared)
            for item in found.free
            if clause.start <= item.start < clause.end
        ]
        _apply_clause(criteria, ops, clause.mode, touched)
        _record_provenance(criteria, ops, prepared)
    budgets = [cast(int, m.value) for m in mentions if m.facet is Facet.CREDITS]
    if budgets:
        # A credit budget caps the rows once the rest of the instruction has set the cost.
        rows = min(criteria.max_rows or default_rows, rows_within(criteria, min(budgets)))
        criteria.max_rows = min(rows, MAX_ROWS)
    return criteria


_ABSORBABLE = frozenset({Facet.PLACE, Facet.INDUSTRY, Facet.KEYWORD, Facet.SOURCE})
"""Facets that are part of a claim when they stand inside one ("export to Japan")."""

_WHOSE = re.compile(r"(?<![\w])whose\s+$", re.I)


_EVENT_VERB = re.compile(r"(?<![\w-])(?P<verb>[a-z]+ed)\s+$", re.I)
_FUNDING_VERBS = frozenset(
    {"raised", "funded", "backed", "closed", "invested", "financed", "announced", "reported"}
    | {"secured", "received", "landed"}
)
_STACK_VERB = re.compile(
    r"(?<![\w-])(?P<verb>[\w-]+)\s+(?:with|on|by|to|for|through|into|via)\s+(?:the\s+)?$", re.I
)
_STACK_VERBS = frozenset(
    {"use", "uses", "using", "used", "built", "build", "builds", "building", "powered", "run"}
    | {"runs", "running", "hosted", "deployed", "companies", "startups", "firms", "stack"}
)


def _absorbable(text: str, mention: Mention) -> bool:
    """Whether a mention may be part of a claim rather than a facet of its own.

    A role right after "whose" is what the claim is about ("whose founders are women"); a
    date window after an event other than funding dates that event ("acquired in the last
    two years"); a product after a verb other than a stack verb is what the companies deal
    with ("integrate with Salesforce"), not their stack."""
    before = text[: mention.start]
    if mention.facet is Facet.ROLE:
        return bool(_WHOSE.search(before))
    if mention.facet is Facet.RECENCY:
        event = _EVENT_VERB.search(before)
        return event is not None and event["verb"].lower() not in _FUNDING_VERBS
    if mention.facet in (Facet.BARE_DIMENSION, Facet.DIMENSION):
        # "with DOE funding" is a claim; "hiring" is a signal, "funding data" a column
        return text[mention.start : mention.end].lower() == "funding"
    if mention.facet is Facet.TECHNOLOGY:
        verb = _STACK_VERB.search(before)
        return (
            verb is not None
            and verb["verb"].lower() not in _STACK_VERBS
            and (verb["verb"].lower() not in FILLER)
        )
    return mention.facet in _ABSORBABLE


_USES_PRODUCT = re.compile(
    r"(?:use|uses|using|run\s+on|runs\s+on|running\s+on|built\s+on|built\s+with|powered\s+by)"
    r"\s+(?P<product>(?-i:[A-Z][\w.+-]*)(?:\s+(?-i:[A-Z][\w.+-]*))?)",
    re.I,
)


def _free_op(item: reading.Free, prepared: language.Prepared) -> Op:
    span = (item.start, item.end)
    if item.kind is reading.FreeKind.REQUIREMENT:
        product = _USES_PRODUCT.fullmatch(item.text)
        if product is not None:  # "that use Square": a product in their stack, named as written
            return Op(Group.TECHNOLOGIES, product["product"], span=span)
        written = prepared.source(item.start, item.end) or item.text
        claim = Requirement(text=written, terms=requirement_terms(item.text))
        return Op(Group.REQUIREMENTS, claim, span=span)
    action = Action.EXCLUDE if item.kind is reading.FreeKind.EXCLUDED else Action.INCLUDE
    # Words of a prompt in another language are searched for as the user wrote them: pages in
    # that language use them, and a word-by-word English rendering ("cabinets of conseil")
    # is no one's words.
    foreign = language.detect_language(prepared.original) != "en"
    words = (prepared.source(item.start, item.end) or item.text) if foreign else item.text
    return Op(Group.KEYWORDS, words, action, span=span)


def _record_provenance(criteria: Criteria, ops: Sequence[Op], prepared: language.Prepared) -> None:
    """Note, for each value an instruction set, the words of the instruction it came from."""
    entries = list(criteria.provenance)
    for op in ops:
        if op.span is None or op.action in (Action.REMOVE, Action.CLEAR) or op.value is None:
            continue
        field_name, value = _provenance_target(op)
        if not field_name:
            continue
        start, end = prepared.span(*op.span)
        span = Span(start=start, end=end, text=prepared.original[start:end])
        entries.append(Provenance(field=field_name, value=value, span=span))
    criteria.provenance = unique(entries, lambda p: (p.field, p.value.lower()))


def _provenance_target(op: Op) -> tuple[str, str]:
    prefix = "exclusions." if op.action is Action.EXCLUDE else ""
    value = op.value
    if isinstance(value, Place):
        name = _PLACE_FIELDS.get(value.kind)
        return (f"{prefix}{name}" if name else "", value.value)
    if isinstance(value, RoleTarget):
        return ("roles", value.title)
    if isinstance(value, NumericRange):
        return (f"{prefix}thresholds", range_text(value))
    if isinstance(value, Requirement):
        return ("requirements", value.text)
    if isinstance(value, Recency):
        return ("funding_window", "window")
    if isinstance(value, tuple):
        return (f"{prefix}stages", ",".join(value))
    return (f"{prefix}{op.group.value}" if isinstance(value, str) else "", str(value))


def build_criteria(request: PlanningRequest) -> Criteria:
    """The audience for the newest instruction, refined from the thread's history."""
    instructions = _instructions(request)
    for instruction in instructions:
        policy.check(instruction)
    criteria = request.previous.model_copy(deep=True) if request.previous else Criteria()
    for instruction in instructions:
        criteria = apply_instruction(criteria, instruction, default_rows=request.default_rows)
    newest = instructions[-1] if instructions else ""
    _apply_hints(criteria, request.hints, newest)
    apply_attachments(criteria, request)
    check_audience(criteria, newest, request.attachments)
    return finalize(criteria)


def _instructions(request: PlanningRequest) -> list[str]:
    """The texts to apply, oldest first: everything without ``previous``, else the newest."""
    turns = [turn.content for turn in request.turns if turn.role == "user" and turn.content.strip()]
    feedback = (request.feedback or "").strip()
    if request.previous is not None:
        if feedback:
            return [feedback]
        return turns[-1:]
    # A replan may also have been stored as the newest turn; apply it once.
    if feedback and (not turns or turns[-1].strip() != feedback):
        turns.append(feedback)
    return turns


def _apply_hints(criteria: Criteria, hints: Hints, newest: str) -> None:
    if hints.max_rows:
        mentions = read_mentions(normalize_text(newest))
        stated = [cast(int, m.value) for m in mentions if m.facet is Facet.ROWS]
        # The hint and the prompt are both caps on this message; the tighter one holds.
        criteria.max_rows = min(hints.max_rows, *stated, MAX_ROWS)
    for name in hints.preferred_sources:
        slug = lexicon.canonical_source(name)
        if slug not in criteria.excluded_sources:
            criteria.preferred_sources = unique([*criteria.preferred_sources, slug], str)
