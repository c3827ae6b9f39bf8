"""Acceptable use: prompts that select people by a protected trait, or ask for a blocklist.

The spec forbids using the API "to harass individuals, build HR blocklists, or target
protected classes". A prompt that picks *individuals* by health, religion, ethnicity, sexual
orientation, pregnancy, union membership or immigration status is refused, and so is one that
asks for a list of people to avoid. A trait of a *company* that buyers legitimately target
("women-led", "Black-owned", "B Corp") is not a refusal: it is written glued to a company
word ("-led", "-owned", "-founded") and no person is selected by it.
"""

from __future__ import annotations

import re

from research import roles
from research.planner import lexicon
from research.planner.phrases import GENERIC_NOUNS
from research.planner.types import PlanRejection

POLICY_MESSAGE = (
    "This request can't be planned: it {reason}. Leadex's acceptable use policy does not "
    "allow using it to harass individuals, build HR blocklists, or target protected classes. "
    "Describe the companies and roles you want instead."
)

PROTECTED_TRAITS: dict[str, str] = {
    r"pregnan(?:t|cy)|expecting\s+(?:a\s+)?(?:baby|child)|maternity|on\s+parental\s+leave": (
        "pregnancy"
    ),
    r"cancer|hiv|aids|diabetes|disabilit(?:y|ies)|disabled|chronic(?:ally)?\s+ill|illness|"
    r"mental\s+health|depression|medical\s+condition|health\s+condition|sick|pregnancy": "health",
    r"muslims?|jewish|jews?|christians?|catholics?|hindus?|sikhs?|buddhists?|atheists?|"
    r"religio(?:n|us)|evangelicals?|mormons?": "religion",
    r"ethnicity|ethnic|race|racial|black|african[\s-]american|hispanic|latinos?|latinas?|"
    r"arabs?|asians?|roma|gypsies|indigenous|(?:lower|upper|low|high|scheduled)[\s-]castes?|"
    r"castes?|dalits?": "ethnicity or caste",
    r"gay|lesbians?|bisexual|lgbtq?\+?|queer|transgender|trans|homosexual|sexual\s+orientation": (
        "sexual orientation or gender identity"
    ),
    r"union\s+members?|members?\s+of\s+(?:a\s+)?(?:trade\s+|labou?r\s+)?unions?|unioni[sz]ed|"
    r"trade\s+unions?|labou?r\s+unions?|(?:in|belong(?:s|ing)?\s+to|join(?:ed)?)\s+(?:a\s+|the\s+)?"
    r"(?:trade\s+|labou?r\s+)?unions?": "union membership",
    r"undocumented|illegal\s+(?:immigrants?|aliens?)|immigrants?|refugees?|asylum\s+seekers?|"
    r"immigration\s+status|visa\s+status": "immigration status",
    r"women|men|females?|males?|mothers|fathers|moms|dads": "sex",
    r"(?:over|above|under|older\s+than|younger\s+than)\s+\d{2}\s*(?:years?\s+old|yo)|"
    r"\d{2}\s*\+?\s*years?\s+old|aged\s+(?:over\s+|above\s+|under\s+|between\s+)?\d{2}|"
    r"elderly|seniors|"
    r"(?:who\s+are|who['’]re|that\s+are|is|are|being)\s+(?:over|above|under|older\s+than|"
    r"younger\s+than|past)\s+(?:the\s+age\s+of\s+)?\d{2}|in\s+their\s+(?:[2-9]0s|"
    r"twenties|thirties|forties|fifties|sixties|seventies)": "age",
}
"""Pattern -> the protected class it names (health, religion, ethnicity, orientation, union
membership, immigration status, age)."""

_TRAIT = re.compile(
    r"(?<![\w-])(?P<trait>" + "|".join(f"(?:{p})" for p in PROTECTED_TRAITS) + r")(?![\w-])"
    r"(?!\s+(?:markets?|countries|region|languages?|cuisine|food|companies|startups|firms|"
    r"banks|cities|market|owned|led|founded|customers?|consumers?|communit(?:y|ies)|audiences?|"
    r"shoppers|clients|households|families|diaspora|segments?|employees|staff|people|workers|"
    r"engineers|developers|locations|stores|offices|branches))",
    re.I,
)
_PERSON = re.compile(
    r"(?<![\w])(?:employees?|staff(?:ers)?|workers?|people|persons?|individuals?|"
    r"candidates?|applicants?|engineers?|developers?|nurses?|doctors?|managers?|founders?|"
    r"executives?|members?|patients?|hires?|men|women|users?|customers?|"
    r"teachers?|drivers?|contractors?|freelancers?|someone|anyone|those|them|tenants?|renters?|"
    r"residents?|borrowers?|students?|volunteers?|reps?|representatives?|agents?|guests?|"
    r"journalists?|activists?|whistleblowers?|landlords?|neighbou?rs?|voters?)(?![\w])",
    re.I,
)
_BLOCKLIST = re.compile(
    r"(?<![\w])(?:block\s*list|black\s*list|do[\s-]not[\s-]hire|no[\s-]hire|"
    r"(?:avoid|stop|prevent)\s+(?:hiring|employing|renting\s+to)|screen\s+(?:them|people)?\s*out|"
    r"weed\s+(?:them\s+)?out|never\s+hire|ban\s+list|"
    r"leave\s+(?:them|those|people)\s+off\s+(?:our\s+|the\s+)?(?:shortlist|list|pipeline)|"
    r"keep\s+(?:them|people|those)\s+out\s+of\s+(?:our\s+|the\s+)?(?:hiring|recruiting|"
    r"pipeline|candidate))(?![\w])",
    re.I,
)
_COMPANY_SUBJECT = re.compile(
    r"(?<![\w])(?:companies|startups|firms|businesses|brands|restaurants|agencies|shops|"
    r"stores|studios|clinics|vendors|suppliers)\s+(?:that\s+are\s+|which\s+are\s+)?$",
    re.I,
)


_BY = re.compile(r"(?<![\w])(?:founded|led|run|owned|started|managed)\s+by\s+$", re.I)
_WORKPLACE = re.compile(
    r"(?<![\w])with\s+(?:an?\s+|their\s+|its\s+)?(?:mostly\s+|fully\s+|largely\s+)?$", re.I
)
_COLLECTIVE = re.compile(
    r"\s+(?:workforces?|staff|drivers|workers|employees|teams?|labou?r|plants?|sites?|"
    r"warehouses?|factories)(?![\w])",
    re.I,
)
"""A unionized workforce is how a workplace bargains, not a trait of a person: "trucking
companies with unionized drivers" describes the companies."""


def check(text: str) -> None:
    """Raise ``PlanRejection`` when ``text`` asks for what the acceptable use policy forbids."""
    reason = violation(text)
    if reason:
        raise PlanRejection(POLICY_MESSAGE.format(reason=reason), missing=["acceptable_use"])


def violation(text: str) -> str | None:
    """Why ``text`` breaks the acceptable use policy, or None."""
    if _BLOCKLIST.search(text) and _PERSON.search(text):
        return "asks for a list of people to avoid or screen out (an HR blocklist)"
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        if not _PERSON.search(sentence) and not roles.find_titles(sentence):
            continue  # people are named by a word for people or by a job title ("CEOs")
        for match in _TRAIT.finditer(sentence):
            said_of_people = match["trait"].lower().startswith(("who ", "who'", "who’"))
            if (
                _COMPANY_SUBJECT.search(sentence[: match.start()]) and not said_of_people
            ) or _BY.search(sentence[: match.start()]):
                continue  # "companies that are Black-owned", "founded by women": businesses
            if _workplace_union(sentence, match) or _of_a_company(sentence, match):
                continue
            return f"selects individuals by a protected trait ({_trait_class(match['trait'])})"
    return None


_OWNERS_ARE = re.compile(
    r"(?<![\w])(?:whose|with|where\s+the|their)\s+(?:founders?|co-?founders?|owners?|ceos?|"
    r"leadership|management)\s+(?:are|is)\s+(?:all\s+|mostly\s+|majority\s+)?$",
    re.I,
)
_COMPANY_WORD = re.compile(r"[\s-]+([\w-]+)")


_HAVING = re.compile(r"(?<![\w])(?:with|having|has|have)\s+(?:an?\s+|one\s+)?$", re.I)
_LEADERS = frozenset(
    {"founder", "founders", "co-founder", "co-founders", "cofounder", "cofounders", "owner"}
    | {"owners", "ceo", "ceos", "leadership", "management"}
)
_FOCUS = re.compile(
    r"(?<![\w])(?:focus(?:ed|es|ing)?\s+on|work(?:s|ing)?\s+(?:on|in)|speciali[sz](?:e|es|ed|ing)\s+"
    r"in|dedicated\s+to|serv(?:e|es|ing)|support(?:s|ing)?|treat(?:s|ing)?|help(?:s|ing)?|for|in|"
    r"about|around|platforms?\s+for|apps?\s+for|care)\s+(?:the\s+)?$",
    re.I,
)
"""Words that make a trait the field a company works in ("focused on mental health")."""


def _of_a_company(sentence: str, match: re.Match[str]) -> bool:
    """Whether a trait describes companies: who owns them ("whose founders are women"), the
    field they work in ("focused on mental health") or the companies themselves ("Asian
    fintechs")."""
    before = sentence[: match.start()]
    if _OWNERS_ARE.search(before) or _FOCUS.search(before):
        return True
    following = _COMPANY_WORD.match(sentence, match.end())
    if following is None:
        return False
    word = following.group(1)
    if word.lower() in _LEADERS and _HAVING.search(before):
        return True  # "startups with a female founder": who owns or leads them
    return word.lower() in GENERIC_NOUNS or any(
        m.start == 0 and m.end == len(word) for m in lexicon.find_industries(word)
    )


def _workplace_union(sentence: str, match: re.Match[str]) -> bool:
    """Whether a union trait describes the workforce of companies the sentence is about."""
    if _trait_class(match["trait"]) != "union membership":
        return False
    before, after = sentence[: match.start()], sentence[match.end() :]
    first_person = _PERSON.search(before)
    about_companies = first_person is None or first_person.start() >= match.start()
    return bool(_WORKPLACE.search(before)) and bool(_COLLECTIVE.match(after)) and about_companies


def _trait_class(word: str) -> str:
    for pattern, name in PROTECTED_TRAITS.items():
        if re.fullmatch(pattern, word, re.I):
            return name
    return "a protected class"
