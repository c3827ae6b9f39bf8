"""Job titles as pages print them, on top of ``research.roles``.

``roles.find_titles`` finds the role a phrase names; a page prints more around it ("Head of
People & Culture", "Senior Research Scientist", "Co-founder & CEO"). These helpers widen a
mention to the title as printed and tell whether a whole text is a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from research.roles import C_SUITE, FUNCTION_PHRASES, IC_NOUNS, find_titles

# Head nouns of titles that roles.py does not know as roles ("Talent Partner").
EXTRA_TITLE_NOUNS = frozenset({"partner", "advisor", "adviser", "intern", "fellow"})
# Spellings roles.find_titles misses: "Head, Growth" (a comma for "of").
_EXTRA_TITLE = re.compile(
    r"(?<![\w-])(?:Head,\s+[A-Z][a-z]+(?:\s+(?:&|and)\s+[A-Z][a-z]+)?"
    r"|(?:[A-Z][a-z]+\s){1,2}(?:Partner|Advisor|Intern))(?![\w-])"
)
# Words that qualify a title without naming the role ("Interim CFO", "Senior Research ...").
QUALIFIERS = frozenset(
    {"senior", "junior", "staff", "principal", "lead", "interim", "acting", "associate"}
    | {"research", "content", "technical", "founding", "deputy", "assistant", "global"}
)
_FOUNDER = re.compile(r"^(?:co[\s-]?)?founder$", re.IGNORECASE)
# Connectors inside a compound title: "Co-founder & CEO", "CEO, Founder", "Founder and CEO".
_JOINER = re.compile(r"^\s*(?:,|&|/|and)\s*$", re.IGNORECASE)
_AMPERSAND_TAIL = re.compile(r"^\s*(?:&|and)\s+([A-Z][a-z]+)(?![\w-])")
# Nouns that name a job: their plural names a group of people.
TITLE_NOUNS = frozenset(
    {*C_SUITE, *(noun for noun in IC_NOUNS if " " not in noun), *EXTRA_TITLE_NOUNS}
    | {"head", "director", "manager", "lead", "leader", "founder", "cofounder", "co-founder"}
    | {"officer", "vp", "president", "chief"}
)
MAX_TITLE_WORDS = 9
MAX_TITLE_LENGTH = 80


@dataclass(frozen=True, slots=True)
class TitleSpan:
    """A title printed in text."""

    start: int
    end: int
    text: str
    plural: bool  # "CFOs", "Heads of Data": a group, never one person's title

    @property
    def is_founder(self) -> bool:
        """Whether the title is only 'Founder' or 'Co-founder'."""
        return bool(_FOUNDER.match(self.text))


def title_spans(text: str) -> list[TitleSpan]:
    """Titles printed in text, widened to compounds ('Co-founder & CEO'), in order."""
    mentions = [(m.start, m.end) for m in find_titles(text) if not _lowercase_acronym(m.text)]
    mentions += [(m.start(), m.end()) for m in _EXTRA_TITLE.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(mentions)):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    spans = [_widen(text, start, end) for start, end in merged]
    return _join_compounds(text, spans)


def _lowercase_acronym(mention: str) -> bool:
    """'Caio' is a first name; only 'CAIO' (or 'CTOs') is the acronym."""
    word = mention.removesuffix("s").removesuffix("'")
    return word.lower() in C_SUITE and not word.isupper()


def _widen(text: str, start: int, end: int) -> TitleSpan:
    # Left: qualifiers printed before the role ("Senior Research Scientist").
    while True:
        match = re.search(r"([A-Za-z]+)\s$", text[:start])
        if not match or match.group(1).lower() not in QUALIFIERS:
            break
        start = match.start(1)
    # Right: a second area joined by '&' or 'and' ("Head of People & Culture").
    tail = _AMPERSAND_TAIL.match(text[end:])
    if tail and not find_titles(tail.group(1)):
        end += tail.end()
    printed = text[start:end]
    return TitleSpan(start, end, printed, _is_plural(printed))


def _is_plural(printed: str) -> bool:
    """'CFOs', 'Heads of Data', 'Founders' (but not 'VP Sales' or 'Head of Operations')."""
    words = printed.split(",")[0].split(" of ")[0].split()
    last = words[-1].lower() if words else ""
    if last in FUNCTION_PHRASES or not last.endswith("s") or last.endswith("ss"):
        return False
    return last[:-1].removesuffix("'") in TITLE_NOUNS


def _join_compounds(text: str, spans: list[TitleSpan]) -> list[TitleSpan]:
    """Merge a founder mention into the title beside it: 'CEO, Founder' is one title."""
    joined: list[TitleSpan] = []
    for span in spans:
        if joined:
            previous = joined[-1]
            gap = text[previous.end : span.start]
            if _JOINER.match(gap) and (previous.is_founder or span.is_founder):
                printed = text[previous.start : span.end]
                joined[-1] = TitleSpan(previous.start, span.end, printed, False)
                continue
        joined.append(span)
    return joined


@lru_cache(maxsize=8192)
def as_title(text: str) -> str | None:
    """The text itself when all of it is a job title ('Head, Growth'), else None."""
    text = text.strip(" \t·|,;:-–—")
    if not text or len(text) > MAX_TITLE_LENGTH or len(text.split()) > MAX_TITLE_WORDS:
        return None
    if re.search(r"[.!?@]|\d", text.rstrip(".")):
        return None
    if not text[0].isupper():
        return None
    spans = title_spans(text)
    if any(span.plural for span in spans):
        return None  # "Founders", "Heads of Data": a heading over people, not a title
    if spans:
        rest = text
        for span in reversed(spans):
            rest = rest[: span.start] + " " + rest[span.end :]
        leftover = [w for w in re.split(r"[\s,&/()+]+", rest) if w and w.lower() not in {"and"}]
        # A word or two may qualify the area ("Staff Engineer, Platform"); prose may not.
        if len(leftover) <= 2 and all(any(c.isupper() for c in w) for w in leftover):
            return text
        return None
    last = re.split(r"[\s,(]+", text.lower())[-1]
    if last in EXTRA_TITLE_NOUNS and all(w[0].isupper() for w in text.split() if w.isalpha()):
        return text
    return None
