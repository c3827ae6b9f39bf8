"""Does a company fit the plan? Only on evidence from pages about it; the evidence is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from research.live.dossier import Dossier
from research.planner import gazetteer, lexicon
from research.planner.lexicon import HIRING_ANY
from research.planner.phrases import FILLER
from research.planner.types import Criteria, NumericRange, Requirement
from research.text import folded_words

METRIC_FACTS = {"employees": "employees", "engineers": "engineers"}
# A stage with no stated date gets the planner's default lookback; only a shorter, explicit
# window ("raised in the last 7 days") is a criterion of its own.
DEFAULT_LOOKBACK_MONTHS = 36


@dataclass
class Verdict:
    """Whether the company passes, with the evidence for and against."""

    passed: bool = True
    evidence: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)
    """The plan's free requirements that the evidence satisfied, as the user wrote them."""

    def check(self, ok: bool, good: str, bad: str) -> None:
        """Record one criterion's outcome."""
        if ok:
            self.evidence.append(good)
        else:
            self.passed = False
            self.failures.append(bad)


def wanted_countries(criteria: Criteria) -> set[str]:
    """The plan's countries, with its regions expanded."""
    wanted = set(criteria.countries) | {code[:2] for code in criteria.subdivisions}
    for slug in criteria.regions:
        region = lexicon.REGIONS.get(slug)
        if region is not None:
            wanted |= set(region.countries)
    return wanted


class _Facts:
    """Typed reads of a dossier's facts, with the page each came from."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier

    def where(self, name: str) -> str:
        fact = self.dossier.facts.get(name)
        return fact.urls[0] if fact and fact.urls else self.dossier.website

    def text(self, name: str) -> str | None:
        fact = self.dossier.facts.get(name)
        return str(fact.value) if fact and fact.value is not None else None

    def number(self, name: str) -> float | None:
        fact = self.dossier.facts.get(name)
        return float(fact.value) if fact and isinstance(fact.value, int | float) else None

    def items(self, name: str) -> list[str]:
        fact = self.dossier.facts.get(name)
        return [str(item) for item in fact.value] if fact and isinstance(fact.value, list) else []


def _industry(verdict: Verdict, criteria: Criteria, facts: _Facts) -> None:
    if criteria.seed is not None or not criteria.industries:
        return
    industry = facts.text("industry")
    verdict.check(
        industry in criteria.industries,
        f"industry {industry} ({facts.where('industry')})",
        f"industry is {industry or 'not stated'}",
    )


def city_country(city: str | None) -> str | None:
    """The country of a known city: "Atlanta" says the US as plainly as "US" does."""
    return gazetteer.city_country(city) if city else None


def _geography(verdict: Verdict, criteria: Criteria, facts: _Facts) -> None:
    countries, cities = wanted_countries(criteria), {c.lower() for c in criteria.cities}
    if not countries and not cities:
        return
    city = facts.text("hq_city")
    country = facts.text("hq_country") or city_country(city)
    ok = country in countries or (city is not None and city.lower() in cities)
    place = ", ".join(part for part in (city, country) if part)
    where = facts.where("hq_country" if country else "hq_city")
    verdict.check(ok, f"hq {place} ({where})", f"hq is {place or 'not stated'}")


def funding_window(criteria: Criteria, today: date) -> tuple[date, date] | None:
    """The dates a company's latest round must fall in, when the plan names a window."""
    end = criteria.funded_until or today
    if criteria.funded_since is not None:
        return criteria.funded_since, end
    if criteria.funded_within_days is not None:
        return today - timedelta(days=criteria.funded_within_days), end
    months = criteria.funded_within_months
    if months is not None and (months < DEFAULT_LOOKBACK_MONTHS or not criteria.stages):
        return today - timedelta(days=30 * months), end
    return None


def _stage(verdict: Verdict, criteria: Criteria, facts: _Facts, today: date) -> None:
    if criteria.stages:
        stage = facts.text("funding_stage")
        verdict.check(
            stage in criteria.stages,
            f"stage {stage} ({facts.where('funding_stage')})",
            f"stage is {stage or 'not stated'}",
        )
    window = funding_window(criteria, today)
    if window is not None:
        funded = facts.text("funded_at") or ""
        start, end = window
        # A month-precision date ("2026-03") is compared at month precision.
        ok = bool(funded) and start.isoformat()[: len(funded)] <= funded <= end.isoformat()
        verdict.check(
            ok,
            f"funded {funded} ({facts.where('funded_at')})",
            f"funded {funded or 'at an unknown date'}, outside {start}–{end}",
        )


def _thresholds(verdict: Verdict, criteria: Criteria, facts: _Facts) -> None:
    for threshold in criteria.thresholds:
        name = METRIC_FACTS.get(threshold.metric)
        if name is None:
            continue
        value = facts.number(name)
        ok = value is not None and (threshold.min is None or value >= threshold.min)
        ok = ok and (threshold.max is None or (value is not None and value <= threshold.max))
        shown = f"{value:g}" if value is not None else "not stated"
        verdict.check(
            ok,
            f"{threshold.metric}={shown} ({facts.where(name)})",
            f"{threshold.metric} is {shown}",
        )


def _stack_and_hiring(verdict: Verdict, criteria: Criteria, facts: _Facts) -> None:
    stack = {item.lower() for item in facts.items("tech_stack")}
    for technology in criteria.technologies:
        verdict.check(
            technology.lower() in stack,
            f"uses {technology} ({facts.where('tech_stack')})",
            f"no evidence of {technology}",
        )
    roles = facts.items("open_roles")
    for wanted in criteria.hiring:
        if wanted == HIRING_ANY:
            ok, hit = bool(roles), ", ".join(roles[:3])
        else:
            found = next((role for role in roles if opening_matches(wanted, role)), None)
            ok, hit = found is not None, found or ""
        verdict.check(ok, f"hiring {hit} ({facts.where('open_roles')})", f"not hiring {wanted}")


# Words a job title abbreviates; an opening matches when it has every word of the wanted one.
_EXPANSIONS = {
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "sre": "site reliability engineer",
    "swe": "software engineer",
    "eng": "engineer",
    "engg": "engineer",
    "pm": "product manager",
    "sdr": "sales development representative",
    "ae": "account executive",
    "qa": "quality assurance",
    "ux": "user experience",
    "ui": "user interface",
}
_FILLER = {"a", "an", "the", "of", "for", "and", "or", "to", "in", "at"}


def _opening_words(title: str) -> set[str]:
    words: set[str] = set()
    for word in re.findall(r"[a-z0-9+#]+", title.lower()):
        for part in _EXPANSIONS.get(word, word).split():
            if part not in _FILLER:
                words.add(part[:-1] if len(part) > 3 and part.endswith("s") else part)
    return words


def opening_matches(wanted: str, opening: str) -> bool:
    """Whether a posted job is the kind the plan asks about: "ML engineers" is "ML Engineer,
    Inference" but not "Analytics Engineer"."""
    needed = _opening_words(wanted)
    return bool(needed) and needed <= _opening_words(opening)


def verify(criteria: Criteria, dossier: Dossier, today: date) -> Verdict:
    """Check every criterion the plan states against the dossier."""
    verdict, facts = Verdict(), _Facts(dossier)
    _industry(verdict, criteria, facts)
    _geography(verdict, criteria, facts)
    _stage(verdict, criteria, facts, today)
    _thresholds(verdict, criteria, facts)
    _stack_and_hiring(verdict, criteria, facts)
    _exclusions(verdict, criteria, facts)
    _requirements(verdict, criteria, dossier)
    return verdict


def _exclusions(verdict: Verdict, criteria: Criteria, facts: _Facts) -> None:
    """A company that the evidence shows to be in what the plan rules out is dropped."""
    excluded = criteria.exclusions
    if excluded.is_empty():
        return
    industry = facts.text("industry")
    if industry and industry in excluded.industries:
        verdict.check(False, "", f"excluded industry {industry} ({facts.where('industry')})")
    city = facts.text("hq_city")
    country = facts.text("hq_country") or city_country(city)
    out_countries = set(excluded.countries)
    for slug in excluded.regions:
        region = lexicon.REGIONS.get(slug)
        out_countries |= set(region.countries) if region else set()
    if country and country in out_countries:
        verdict.check(False, "", f"excluded country {country} ({facts.where('hq_country')})")
    if city and city.lower() in {c.lower() for c in excluded.cities}:
        verdict.check(False, "", f"excluded city {city} ({facts.where('hq_city')})")
    stage = facts.text("funding_stage")
    if stage and stage in excluded.stages:
        verdict.check(False, "", f"excluded stage {stage} ({facts.where('funding_stage')})")
    for excluded_range in excluded.thresholds:
        name = METRIC_FACTS.get(excluded_range.metric)
        value = facts.number(name) if name else None
        if value is not None and _within(value, excluded_range):
            shown = f"{excluded_range.metric}={value:g}"
            verdict.check(False, "", f"excluded size {shown} ({facts.where(name or '')})")
    pages = facts.dossier.texts
    for phrase in excluded.keywords:
        url = _page_stating(phrase_words(phrase), pages)
        if url is not None:
            verdict.check(False, "", f"excluded: is {phrase!r} ({url})")


def _within(value: float, bounds: NumericRange) -> bool:
    low = bounds.min if bounds.min is not None else float("-inf")
    high = bounds.max if bounds.max is not None else float("inf")
    return low <= value <= high


def _requirements(verdict: Verdict, criteria: Criteria, dossier: Dossier) -> None:
    """A free requirement passes only where one sentence of a page states all its words."""
    for requirement in criteria.requirements:
        url = _page_stating(requirement_words(requirement), dossier.texts)
        verdict.check(
            url is not None,
            f"meets {requirement.text!r} ({url})",
            f"no evidence that it meets {requirement.text!r}",
        )
        if url is not None:
            verdict.met.append(requirement.text)


def requirement_words(requirement: Requirement) -> list[str]:
    """The words a page must state for a requirement: its telling words, without numbers
    and comparisons (a page says "five stores", not "more than 3 locations")."""
    return phrase_words(requirement.text)


def phrase_words(phrase: str) -> list[str]:
    """A phrase's telling words, folded and singular."""
    words = []
    for word in folded_words(phrase).split():
        if word in FILLER or word.isdigit() or len(word) < 3:
            continue
        words.append(_singular(word))
    return words


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _page_stating(words: list[str], pages: dict[str, str]) -> str | None:
    """The first page with a sentence holding every one of ``words``."""
    if not words:
        return None
    for url, text in pages.items():
        for sentence in _SENTENCE.split(text):
            present = {_singular(w) for w in folded_words(sentence).split()}
            if all(word in present for word in words):
                return url
    return None


def contradicts(criteria: Criteria, country: str | None, industry: str | None) -> bool:
    """A company's own home page names another country or industry than the plan wants."""
    countries = wanted_countries(criteria)
    if country and countries and not criteria.cities and country not in countries:
        return True
    return bool(industry and criteria.industries and industry not in criteria.industries)
