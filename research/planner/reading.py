"""What a prompt says beyond its table mentions: what it rules out, and what it asks for in
words no table holds.

The rule-based planner first finds *mentions* (industries, places, stages, roles, ...). This
module reads the rest of the text around them:

* **Exclusions.** A negation cue ("not", "except", "excluding", "other than", "no",
  "without") opens a scope that runs to the end of the phrase. If the scope names only table
  values ("except the UK and Switzerland", "no companies above 500 employees") those values
  are excluded; if it says more ("except crypto exchanges", "no digital pharmacies"), the
  phrase itself is excluded as written. A negated value never becomes a filter.
* **Requirements.** A claim about the companies that opens with a relation word ("with more
  than 3 locations", "that export to Japan", "certified ...") and that no table can hold is
  kept as written, to be checked against page evidence. Places and industries inside it are
  part of the claim ("export to Japan" is not a location filter).
* **Free words.** Any other words that are not filler are either company attributes
  ("women-led", "family-owned": requirements) or the audience itself in words no table knows
  ("restaurants", "retail chains": keywords).

Nothing that carries meaning is dropped: a span the planner cannot structure comes back as a
requirement, an exclusion or a keyword, each with its span so the plan can say what it did.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from research.planner.phrases import (
    ATTRIBUTE_WORD,
    FILLER,
    FIRST_PERSON,
    GENERIC_NOUNS,
    LOCATIVE,
    MESSAGE_HEADER,
    NEGATION_CUE,
    NOT_NEGATION,
    POSTPOSED_NEGATION,
    RELATION_WORD,
    SCOPE_END,
    SCOPE_FILLER,
)

_WORD = re.compile(r"[\w$€£](?:[\w'’&$€£.+%-]|,(?=\d{3}(?!\d)))*[\w+%]|[\w$€£]")
"""A word; "5,000" is one (a thousands separator is not a clause break)."""
_ARTICLES = frozenset({"the", "a", "an"})
_CLAIM_EDGE = frozenset(
    {"are", "is", "be", "have", "has", "and", "or", "but", "in", "at", "please", "pls", "also"}
)
"""Words trimmed from the edges of a claim; everything between is kept as written."""
_LEAD = re.compile(r"^(?:with|that|which|who|whose|where|having)$", re.I)
_HARD_BREAK = re.compile(r"[.;!?\n]|,|:|\s[-–—]\s|\(|\)")


class Spanned(Protocol):
    """A mention as this module needs it."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class FreeKind(Enum):
    """What a span of free text becomes."""

    KEYWORD = "keyword"
    REQUIREMENT = "requirement"
    EXCLUDED = "excluded"


@dataclass(frozen=True, slots=True)
class Free:
    """A span of the prompt kept as written."""

    kind: FreeKind
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a negation applies (its cue first), and whether it names only table values."""

    start: int
    end: int
    structured: bool
    cue_end: int


@dataclass(frozen=True, slots=True)
class Reading:
    """The free-text reading of one instruction."""

    scopes: list[Scope]
    free: list[Free]
    absorbed: frozenset[int]
    """Indexes of mentions that are part of a requirement or excluded phrase, not filters."""

    def negated(self, mention: Spanned) -> bool:
        """Whether a mention is ruled out."""
        return any(s.start <= mention.start < s.end and s.structured for s in self.scopes)


def read(
    text: str,
    mentions: Sequence[Spanned],
    *,
    excludable: Sequence[bool],
    absorbable: Sequence[bool],
    places: Sequence[bool],
    kinds: Sequence[str] | None = None,
) -> Reading:
    """Read ``text`` around its ``mentions`` (flags per mention say what each may become)."""
    scopes = _scopes(text, mentions, excludable, kinds or ["" for _ in mentions])
    absorbed: set[int] = set()
    free: list[Free] = []
    covered: list[tuple[int, int]] = [(m.start, m.end) for m in mentions]
    covered += [(m.start(), m.end()) for m in FIRST_PERSON.finditer(text)]
    covered += [(m.start(), m.end()) for m in MESSAGE_HEADER.finditer(text)]
    for scope in scopes:
        covered.append((scope.start, scope.end))
        if not scope.structured:
            inside = [i for i, m in enumerate(mentions) if scope.start <= m.start < scope.end]
            absorbed.update(i for i in inside if excludable[i])
            phrase = _trim(text, scope.cue_end, scope.end, _EXCLUSION_EDGE)
            phrase = phrase or _generic_phrase(text, scope.cue_end, scope.end)
            if phrase:
                free.append(Free(FreeKind.EXCLUDED, *phrase))
            for item in _listed_exclusions(text, scope.end, mentions):
                covered.append((item[0], item[1]))
                free.append(Free(FreeKind.EXCLUDED, *item))
    facets = list(kinds or ["" for _ in mentions])
    for start, end, inside in _lookalikes(text, mentions, covered, places, facets):
        absorbed.update(inside)
        covered.append((start, end))
        free.append(Free(FreeKind.REQUIREMENT, start, end, text[start:end]))
    for run in _requirement_runs(text, mentions, covered, absorbable, places):
        start, end, inside = run
        absorbed.update(inside)
        covered.append((start, end))
        phrase = _trim(text, start, end, _CLAIM_EDGE, lead=_LEAD)
        if phrase:
            free.append(Free(FreeKind.REQUIREMENT, *phrase))
    for place in _unknown_places(text, covered):
        covered.append((place.start, place.end))
        if place.kind is FreeKind.REQUIREMENT:
            free.append(place)
    free += _free_words(text, covered)
    return Reading(scopes, sorted(free, key=lambda f: f.start), frozenset(absorbed))


_PLACE_CUE = re.compile(
    r"(?<![\w])(?:(?:based|located|headquartered)\s+)?(?i:in|across|throughout|around|near)\s+"
    r"(?:(?i:the)\s+)?(?P<name>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|de|del|la|and))*)"
)
_NOT_PLACE_NAMES = frozenset(
    [name.lower() for name in (*calendar.month_name, *calendar.day_name) if name]
    + ["english", "spanish", "french", "german", "stealth"]
)
"""Capitalized words after "in" that are no place: dates, languages, "in stealth"."""


def _unknown_places(text: str, covered: Sequence[tuple[int, int]]) -> list[Free]:
    """A capitalized name after "in", "across", "near" that no table holds ("in Crete", "in
    the Algarve") is where the companies are, in words the planner cannot structure: a
    requirement, never part of the audience's name."""
    found = []
    for match in _PLACE_CUE.finditer(text):
        name = match["name"]
        words = name.split()
        while words and words[-1] in ("of", "de", "del", "la", "and"):
            words.pop()
        end = match.start("name") + len(" ".join(words))
        if not words or any(_inside(position, covered) for position in range(match.start(), end)):
            continue
        if (len(words) == 1 and words[0].lower() in FILLER) or any(c.isdigit() for c in name):
            continue
        if words[0].lower() in _NOT_PLACE_NAMES:
            continue
        kind = FreeKind.REQUIREMENT
        gloss = re.match(r"\s*\(\s*", text[end:])
        if gloss and _inside(end + gloss.end(), covered):
            kind = FreeKind.KEYWORD  # "the Midwest (Illinois, Ohio)": the places listed are meant
        found.append(Free(kind, match.start(), end, text[match.start() : end]))
    return found


# --- negation scopes ---------------------------------------------------------------------------

_POSTPOSED_WORDS = frozenset({"excluded", "aside", "included", "left", "ruled", "omitted"})
_CLAIM_VERBS_IN_FILLER = frozenset(
    {"funded", "raised", "raising", "raise", "funding", "hiring", "hire", "hires", "use"}
    | {"uses", "using", "build", "backed"}
)
_EXCLUSION_EDGE = (SCOPE_FILLER | FILLER | _POSTPOSED_WORDS) - _CLAIM_VERBS_IN_FILLER
"""Words trimmed from an excluded phrase's edges; "not funded by the government" keeps its
verb, which is what is ruled out."""

_LIST_MORE = re.compile(r"\s*,?\s*(?:or|nor|and)\s+", re.I)


def _listed_exclusions(
    text: str, end: int, mentions: Sequence[Spanned]
) -> list[tuple[int, int, str]]:
    """ "no agencies or consultancies": the phrases listed after an excluded phrase are
    excluded too, up to a command, a facet or the end of the phrase."""
    found = []
    while (gap := _LIST_MORE.match(text, end)) is not None:
        start = gap.end()
        stop = SCOPE_END.search(text, start)
        stop_at = stop.start() if stop else len(text.rstrip())
        words = list(_WORD.finditer(text, start, stop_at))
        if not words or any(start <= m.start < stop_at for m in mentions):
            break
        first = words[0].group(0)
        if first.lower() in FILLER - GENERIC_NOUNS or _opens_claim_word(first):
            break  # "... and pull the CEO", "... and have raised a Series A"
        phrase = _trim(text, start, stop_at, _EXCLUSION_EDGE)
        if phrase is None:
            break
        found.append(phrase)
        end = phrase[1]
    return found


def _opens_claim_word(word: str) -> bool:
    return bool(RELATION_WORD.match(word)) or word.lower() in ("have", "has", "are", "is")


def _scopes(
    text: str, mentions: Sequence[Spanned], excludable: Sequence[bool], kinds: Sequence[str]
) -> list[Scope]:
    guarded = [(m.start(), m.end()) for m in NOT_NEGATION.finditer(text)]
    scopes: list[Scope] = []
    for cue in NEGATION_CUE.finditer(text):
        if any(s <= cue.start() < e for s, e in guarded):
            continue
        if scopes and cue.start() < scopes[-1].end:
            continue
        if any(m.start <= cue.start() < m.end for m in mentions):
            continue  # the cue word is part of a name
        end = _scope_end(text, cue.end())
        inside = [i for i, m in enumerate(mentions) if cue.end() <= m.start < end]
        if inside and not all(excludable[i] for i in inside):
            # "skip Crunchbase", "no VP": negated roles and sources are the planner's own
            # business; the exclusion, if any, ends where they start.
            end = min(mentions[i].start for i in inside if not excludable[i])
            inside = [i for i in inside if mentions[i].start < end]
        leftover = _leftover(text, cue.end(), end, [mentions[i] for i in inside])
        if not inside and not leftover:
            nouns = [w for w in _WORD.findall(text, cue.end(), end) if w.lower() in GENERIC_NOUNS]
            if nouns:  # "not startups": the kind of company itself is ruled out
                scopes.append(Scope(cue.start(), end, False, cue.end()))
            continue
        structured = bool(inside) and not leftover
        if structured:
            end = _extend_list(
                text,
                end,
                mentions,
                [excludable[i] and kinds[i] == kinds[inside[-1]] for i in range(len(mentions))],
            )
        scopes.append(Scope(cue.start(), end, structured, cue.end()))
    scopes += _postposed_scopes(text, mentions, excludable, scopes)
    return sorted(scopes, key=lambda scope: scope.start)


_PHRASE_START = re.compile(r"[,;.:!?(\n]|(?<![\w])(?:but|with|though|although)(?![\w])", re.I)


def _postposed_scopes(
    text: str, mentions: Sequence[Spanned], excludable: Sequence[bool], taken: Sequence[Scope]
) -> list[Scope]:
    """ "Fintechs in Europe, Germany excluded": the phrase before the cue is ruled out."""
    scopes = []
    for cue in POSTPOSED_NEGATION.finditer(text):
        if any(s.start <= cue.start() < s.end for s in taken):
            continue
        breaks = [m.end() for m in _PHRASE_START.finditer(text, 0, cue.start())]
        start = breaks[-1] if breaks else 0
        inside = [i for i, m in enumerate(mentions) if start <= m.start < cue.start()]
        if any(not excludable[i] for i in inside):
            continue
        leftover = _leftover(text, start, cue.start(), [mentions[i] for i in inside])
        if not inside and not leftover:
            continue
        words = list(_WORD.finditer(text, start, cue.start()))
        first = words[0].start() if words else start
        scopes.append(Scope(first, cue.end(), bool(inside) and not leftover, first))
    return scopes


_SOFT_END = frozenset({"with", "who", "whose", "which", "that"})


def _generic_phrase(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    nouns = [m for m in _WORD.finditer(text, start, end) if m.group(0).lower() in GENERIC_NOUNS]
    if not nouns:
        return None
    return nouns[0].start(), nouns[-1].end(), text[nouns[0].start() : nouns[-1].end()]


def _scope_end(text: str, start: int) -> int:
    """The end of a negation's phrase; "excluding those with ..." reads past its "with"."""
    cue = NEGATION_CUE.search(text, start)
    for match in SCOPE_END.finditer(text, start):
        if cue is not None and cue.start() < match.start() and text[start : cue.start()].strip():
            return cue.start()  # "not defense contractors not Series A": two exclusions
        before = [w.lower() for w in _WORD.findall(text, start, match.start())]
        if not before:
            continue
        if match.group(0).lower() in _SOFT_END and all(w in SCOPE_FILLER for w in before):
            continue
        return match.start()
    return len(text.rstrip())


_LIST_GAP = re.compile(
    r"\s*(?:,\s*)?(?:and|or|nor|,)\s+(?:the\s+|also\s+)?"
    r"(?:(?:anything|anyone|any\s+(?:companies|firms|startups)|companies|firms|startups|those|"
    r"ones)\s+(?:(?:with|that\s+have|having|that\s+are|which\s+are|based)\s+)?)?",
    re.I,
)
"""Between two things ruled out: "excluding brokers and anything with over 1,000 staff"."""


def _extend_list(
    text: str, end: int, mentions: Sequence[Spanned], excludable: Sequence[bool]
) -> int:
    """ "except the UK and Switzerland": a list continues the exclusion."""
    while True:
        gap = _LIST_GAP.match(text[end:])
        if gap is None:
            return end
        nxt = end + gap.end()
        following = [i for i, m in enumerate(mentions) if m.start == nxt]
        if not following or not excludable[following[0]]:
            return end
        mention = mentions[following[0]]
        tail = re.match(r"\s*(?:ones?)?", text[mention.end :])
        end = mention.end + (tail.end() if tail and tail.group(0).strip() else 0)


def _leftover(text: str, start: int, end: int, inside: Sequence[Spanned]) -> list[str]:
    words = []
    for match in _WORD.finditer(text, start, end):
        if any(m.start <= match.start() < m.end for m in inside):
            continue
        if match.group(0).lower() not in SCOPE_FILLER | FILLER:
            words.append(match.group(0))
    return words


# --- requirements -----------------------------------------------------------------------------

_LOOKALIKE = re.compile(
    r"(?<![\w])(?i:like|such\s+as|similar\s+to|comparable\s+to|competitors?\s+(?:of|to)|"
    r"alternatives?\s+to|lookalikes?\s+of|peers\s+of)\s+"
    r"(?P<names>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*"
    r"(?:\s*(?:,|(?i:and|or))\s*[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*)*)"
)
"""Companies named as a model ("like Stripe", "competitors of Salesforce"): a lookalike claim,
not their stack or a keyword."""


_WOULD = re.compile(r"(?:would|['’]d|we|i|you)\s+$", re.I)


def _lookalikes(
    text: str,
    mentions: Sequence[Spanned],
    covered: Sequence[tuple[int, int]],
    places: Sequence[bool],
    kinds: Sequence[str],
) -> list[tuple[int, int, list[int]]]:
    found = []
    for match in _LOOKALIKE.finditer(text):
        start, end = match.start(), match.end("names")
        if _inside(start, covered) or _WOULD.search(text, 0, start):
            continue  # "I'd like the CTO" asks for someone
        inside = [i for i, m in enumerate(mentions) if start <= m.start < end]
        if any(places[i] or kinds[i] in ("role", "stage", "threshold") for i in inside):
            continue  # "countries like Germany and France" names places; "like CTOs" people
        found.append((start, end, inside))
    return found


def _requirement_runs(
    text: str,
    mentions: Sequence[Spanned],
    covered: list[tuple[int, int]],
    absorbable: Sequence[bool],
    places: Sequence[bool],
) -> list[tuple[int, int, list[int]]]:
    runs: list[tuple[int, int, list[int]]] = []
    words = list(_WORD.finditer(text))
    index = 0
    while index < len(words):
        word = words[index]
        opens_sentence = not text[: word.start()].strip() or bool(
            re.search(r"[.!?;:\n]\s*$", text[: word.start()])
        )
        if (
            not _opens_claim(text, word, mentions)
            or _inside(word.start(), covered)
            or opens_sentence  # "Which edtech startups ...?" asks; it claims nothing
        ):
            index += 1
            continue
        start, end, inside = word.start(), word.end(), []
        for follower in words[index + 1 :]:
            between = text[end : follower.start()]
            if _HARD_BREAK.search(between):
                break
            position = next(
                (i for i, m in enumerate(mentions) if m.start <= follower.start() < m.end), None
            )
            if position is not None:
                mention = mentions[position]
                previous = [
                    w for w in text[start : mention.start].lower().split() if w not in _ARTICLES
                ]
                locative = bool(previous) and previous[-1] in LOCATIVE
                if locative and _presence(previous, places, mentions, start):
                    locative = False  # "in Dubai with an office in London": London is the claim's
                names_audience = re.match(r"[\s-]*(\w+)", text[mention.end :])
                audience = bool(names_audience) and (
                    names_audience.group(1).lower() in GENERIC_NOUNS  # type: ignore[union-attr]
                )
                if audience and _verb_object(previous):
                    audience = False  # "worked with Fortune 500 companies": the claim's object
                if not absorbable[position] or (places[position] and locative) or audience:
                    break
                inside.append(position)
                end = mention.end
                continue
            if _inside(follower.start(), covered):
                break
            if _LEAD.match(follower.group(0)) and not _verb_with(text, end, follower):
                break  # a second relation word opens a claim of its own
            if follower.group(0).lower() in ("and", "but") and _next_is_command(text, follower):
                break
            if follower.end() > end:
                end = follower.end()
        end = _drop_trailing_locative(text, start, end)
        leads_in = any(not text[end : m.start].strip() for m in mentions if m.start >= end)
        if (
            leads_in
            and not inside
            and all(_bare_verb(w) or w.lower() in FILLER for w in _words(text, start, end))
        ):
            covered.append((start, end))  # "that closed a [seed round]": the verb leads in
        elif _meaningful(text, start, end, [mentions[i] for i in inside], lead=True):
            runs.append((start, end, inside))
            covered.append((start, end))
        while index < len(words) and words[index].start() < end:
            index += 1
    return runs


_PREDICATE = frozenset({"open", "available", "present", "live", "operational"})
"""Adjectives that, after the audience, state something about it: "open on weekends"."""


def _opens_claim(text: str, word: re.Match[str], mentions: Sequence[Spanned]) -> bool:
    """Whether a word opens a claim about the companies: a relation word ("with", "that",
    "selling"), or, right after the audience, a participle or predicate ("regulated by the
    FCA", "accepting new patients", "open on weekends")."""
    written = word.group(0)
    if RELATION_WORD.match(written):
        return True
    lower = written.lower()
    if lower in FILLER or lower in SCOPE_FILLER or lower in LOCATIVE or "-" in lower:
        return False
    if lower not in _PREDICATE and not (len(lower) > 4 and lower.endswith(("ed", "ing"))):
        return False
    if lower in _HIRING_VERBS:
        return False  # "recruiting Unity developers" is a hiring signal, read elsewhere
    before = text[: word.start()].rstrip()
    after_audience = any(m.end == len(before) for m in mentions) or bool(
        re.search(r"(?<![\w-])[\w-]+s$", before)
        and before.split()[-1].lower() in GENERIC_NOUNS | _AUDIENCE_PLURALS
    )
    return after_audience and bool(re.match(r"\s+\w", text[word.end() :]))


_HIRING_VERBS = frozenset({"recruiting", "hiring", "staffing"})
_AUDIENCE_PLURALS = frozenset({"agencies", "brands", "studios", "clinics", "shops", "stores"})


_CLAIM_VERB = re.compile(
    r"(?:\w+(?:ed|ing|es)|integrates?|partners?|competes?|works?|sells?|resells?|complies|"
    r"comply|connects?|syncs?|deals?)$",
    re.I,
)


def _verb_with(text: str, end: int, follower: re.Match[str]) -> bool:
    """Whether "with" continues the claim's verb ("work with fintechs", "partnered with
    Visa") rather than opening a claim of its own."""
    if follower.group(0).lower() != "with" or text[end : follower.start()].strip():
        return False
    previous = re.search(r"([\w'-]+)$", text[:end])
    return previous is not None and bool(_CLAIM_VERB.match(previous.group(1)))


_PRESENCE = frozenset(
    (
        "office",
        "offices",
        "presence",
        "operations",
        "branch",
        "branches",
        "subsidiary",
        "subsidiaries",
        "team",
        "teams",
        "customers",
        "clients",
        "users",
        "hub",
        "hubs",
        "footprint",
        "factory",
        "factories",
        "plant",
        "plants",
        "warehouse",
        "warehouses",
        "stores",
        "outlets",
        "sales",
    )
)
"""What a company can have somewhere other than where it is: "with an office in London"."""


def _presence(
    previous: Sequence[str], places: Sequence[bool], mentions: Sequence[Spanned], start: int
) -> bool:
    """Whether a place after "in" is where the claim's thing is ("an office in London") and
    not the company's location, because the prompt has already named that location."""
    located = any(places[i] and m.end <= start for i, m in enumerate(mentions))
    return located and len(previous) >= 2 and previous[-2].strip(",.") in _PRESENCE


def _verb_object(previous: Sequence[str]) -> bool:
    """Whether the claim's last words are a verb and its preposition ("sell to")."""
    return (
        len(previous) >= 2
        and previous[-1] in ("with", "to", "for", "by", "on", "into")
        and bool(_CLAIM_VERB.match(previous[-2]) or RELATION_WORD.match(previous[-2]))
    )


def _next_is_command(text: str, word: re.Match[str]) -> bool:
    rest = text[word.end() :].lstrip().lower()
    return bool(re.match(r"(?:pull|get|find|give|include|add|also|the\s+|their\s+)", rest))


def _drop_trailing_locative(text: str, start: int, end: int) -> int:
    trimmed = text[start:end]
    match = re.search(r"\s+(?:in|at|across|within|based\s+in|from)(?:\s+the)?\s*$", trimmed, re.I)
    return start + match.start() if match else end


def _meaningful(
    text: str, start: int, end: int, inside: Sequence[Spanned], *, lead: bool = False
) -> bool:
    words = [
        m.group(0)
        for m in _WORD.finditer(text, start, end)
        if not any(s.start <= m.start() < s.end for s in inside)
    ]
    verb = ""
    if lead and words and (RELATION_WORD.match(words[0]) or _participle(words[0])):
        verb, words = words[0], words[1:]
    # "acquired in the last two years": an event verb and what it absorbed are a claim.
    content = bool(words) or (verb.lower() not in FILLER and _participle(verb))
    return any(w.lower() not in FILLER and w.lower() not in GENERIC_NOUNS for w in words) or (
        bool(inside) and content
    )


def _words(text: str, start: int, end: int) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(text, start, end)]


def _bare_verb(word: str) -> bool:
    """A verb, or an adverb ("actively"), with no object of its own."""
    adverb = len(word) > 4 and word.lower().endswith("ly")
    return adverb or _participle(word) or bool(_CLAIM_VERB.match(word) or RELATION_WORD.match(word))


def _participle(word: str) -> bool:
    lower = word.lower()
    return lower in _PREDICATE or (len(lower) > 4 and lower.endswith(("ed", "ing")))


def _inside(position: int, covered: Sequence[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in covered)


# --- free words -------------------------------------------------------------------------------


def _free_words(text: str, covered: Sequence[tuple[int, int]]) -> list[Free]:
    """Runs of uncovered, meaningful words: attributes become requirements, the rest keywords."""
    found: list[Free] = []
    run: list[re.Match[str]] = []

    def flush() -> None:
        words = list(run)
        while words and _is_filler(words[0].group(0)):
            words.pop(0)
        while words and (_is_filler(words[-1].group(0)) or _generic(words[-1].group(0))):
            if _qualifies(words):
                break  # "cloud providers" are not "cloud"
            words.pop()
        if not words:
            run.clear()
            return
        split = max(
            (i for i, w in enumerate(words) if ATTRIBUTE_WORD.match(w.group(0))), default=-1
        )
        if split >= 0:
            head, tail = words[: split + 1], words[split + 1 :]
            found.append(Free(FreeKind.REQUIREMENT, head[0].start(), head[-1].end(), _span(head)))
            while tail and _generic(tail[-1].group(0)):
                tail.pop()
            if tail:
                found.append(Free(FreeKind.KEYWORD, tail[0].start(), tail[-1].end(), _span(tail)))
        else:
            found.append(Free(FreeKind.KEYWORD, words[0].start(), words[-1].end(), _span(words)))
        run.clear()

    previous_end = 0
    for word in _WORD.finditer(text):
        if _inside(word.start(), covered) or _HARD_BREAK.search(text[previous_end : word.start()]):
            flush()
        if not _inside(word.start(), covered):
            run.append(word)
        previous_end = word.end()
    flush()
    return [f for f in found if any(not _is_filler(w) for w in f.text.split())]


_QUALIFYING_NOUNS = frozenset({"provider", "providers", "vendor", "vendors"})
"""Generic nouns that say what the words before them sell ("cloud providers")."""


def _qualifies(words: Sequence[re.Match[str]]) -> bool:
    """Whether the run's last word is a qualifying noun after a word of substance."""
    return (
        len(words) > 1
        and words[-1].group(0).lower() in _QUALIFYING_NOUNS
        and not _is_filler(words[-2].group(0))
        and not _generic(words[-2].group(0))
    )


def _span(words: Sequence[re.Match[str]]) -> str:
    return words[0].string[words[0].start() : words[-1].end()]


def _is_filler(word: str) -> bool:
    lower = word.lower()
    return (lower in FILLER and not _acronym(word)) or lower.isdigit()


def _acronym(word: str) -> bool:
    """Whether a filler word is written as a name: "US" the country, "IT" the function."""
    return word in ("US", "IT")


def _generic(word: str) -> bool:
    return word.lower() in GENERIC_NOUNS


_BOUND = re.compile(r"(?:at|no|not)\s+(?:least|most|more|fewer|less)$", re.I)


def _trim(
    text: str, start: int, end: int, filler: frozenset[str], *, lead: re.Pattern[str] | None = None
) -> tuple[int, int, str] | None:
    """The span without filler words at its edges (and a leading relation word)."""
    words = list(_WORD.finditer(text, start, end))

    def edge(word: str) -> bool:
        return word.lower() in filler | GENERIC_NOUNS and not _acronym(word)

    while words and (
        edge(words[0].group(0)) or (lead is not None and lead.match(words[0].group(0)))
    ):
        if len(words) > 1 and _BOUND.match(f"{words[0].group(0)} {words[1].group(0)}"):
            break  # "at least 2 locations": the bound is part of the claim
        words.pop(0)
    while words and edge(words[-1].group(0)):
        if (
            len(words) > 1
            and words[-1].group(0).lower() in GENERIC_NOUNS
            and words[-2].group(0).lower() in filler | FILLER
        ):
            break  # "sells to enterprises": the noun is what the claim is about
        words.pop()
    if not words:
        return None
    return words[0].start(), words[-1].end(), text[words[0].start() : words[-1].end()]
