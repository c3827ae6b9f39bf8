"""Building a plan from criteria: shared by the rule-based and the Claude planner.

Whichever planner read the prompt, the plan is finished here the same way: attachments are
applied, the audience is checked (a prompt naming no audience is rejected), defaults are set
(a stage filter's lookback), notes say what could not be structured, and the steps, title
and credit estimate are rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from research.planner import gazetteer, language, lexicon
from research.planner.lexicon import HIRING_ANY, Place
from research.planner.phrases import FILLER
from research.planner.types import (
    MAX_STEPS,
    Attachment,
    Criteria,
    DraftPlan,
    Intent,
    NumericRange,
    PlanningRequest,
    PlanRejection,
    PlanStep,
    Provenance,
    Requirement,
    RoleTarget,
    SeedList,
)
from research.pricing import estimate_credits, leads_per_company
from research.util import unique

T = TypeVar("T")

MAX_ROWS = 10_000
"""The spec's cap on rows in one job's artifact."""

DEFAULT_STAGE_LOOKBACK_MONTHS = 36
"""A stage filter without a date means a round in the last three years, as in the spec's plan."""

COMPANY_COLUMNS: tuple[str, ...] = (
    "company_name",
    "domain",
    "hq_city",
    "hq_country",
    "industry",
    "founded_year",
    "funding_stage",
    "funding_amount",
    "funded_at",
    "employee_count",
    "engineering_headcount",
    "open_roles",
    "tech_stack",
    "linkedin",
    "news",  # the "news" deep-enrich dimension; research.metering meters it by this name
)
"""Every company column a plan may name."""

SKILL_SUFFIX = " experience"
"""Keywords ending so ("Python experience") qualify people rather than companies."""

PERSON_COLUMN_SUFFIXES: tuple[str, ...] = ("name", "title", "email", "linkedin")
"""Each role adds ``<column_prefix>_<suffix>`` for these suffixes."""

VAGUE_PROMPT_MESSAGE = (
    "The prompt does not describe an audience: no industry, location, company stage or role "
    "was found. Say who to look for, e.g. 'Series A fintechs in France; pull the VP Eng'."
)
MISSING_AUDIENCE: tuple[str, ...] = ("industry", "location", "stage", "role")
MISSING_ATTACHMENT_MESSAGE = (
    "The prompt refers to an attached file, but the message has no attachment. Attach the "
    "CSV as {'kind': 'csv', 'url': ...} or describe the companies to look for."
)


_ATTACHMENT_REFERENCE = re.compile(
    r"(?<![\w])(?:attached|uploaded|enclosed)\s+(?:csv|file|list|spreadsheet|sheet|seed\s+list)"
    r"|(?:the|this|my|our)\s+(?:csv|spreadsheet)(?![\w])",
    re.I,
)


def apply_attachments(criteria: Criteria, request: PlanningRequest) -> None:
    if request.loaded_seed is not None:
        criteria.seed = request.loaded_seed
        if criteria.max_rows is None:
            # Enrichment delivers every seeded company (with each requested person).
            rows = len(request.loaded_seed.values) * leads_per_company(criteria)
            criteria.max_rows = max(1, min(rows, MAX_ROWS))
    else:
        csv = next((a for a in request.attachments if a.kind == "csv"), None)
        if csv is not None:
            # Not read yet: the plan records where the list is.
            criteria.seed = SeedList(kind="domains", values=[], source_url=csv.url)
    urls = request.loaded_urls or [a.url for a in request.attachments if a.kind == "url_list"]
    criteria.url_list = unique([*criteria.url_list, *urls], str)


def check_audience(criteria: Criteria, newest: str, attachments: Sequence[Attachment]) -> None:
    has_seed = criteria.seed is not None or bool(criteria.url_list)
    if _ATTACHMENT_REFERENCE.search(newest) and not attachments and not has_seed:
        raise PlanRejection(MISSING_ATTACHMENT_MESSAGE, missing=["seed_list"])
    facets = (
        criteria.industries,
        criteria.countries,
        criteria.regions,
        criteria.subdivisions,
        criteria.cities,
        [claim for claim in criteria.requirements if not _FIRST_PERSON.search(claim.text)],
        criteria.stages,
        criteria.roles,
        criteria.technologies,
        criteria.hiring,
        [k for k in criteria.keywords if _names_an_audience(k)],
    )
    if not has_seed and not any(facets):
        raise PlanRejection(VAGUE_PROMPT_MESSAGE, missing=list(MISSING_AUDIENCE))


def _names_an_audience(keyword: str) -> bool:
    """A table keyword, or a short phrase that ends in a plural noun of real words ("dental
    clinics", "wineries"): kinds of business are named in the plural. A clause ("send over a
    few promising accounts", "meetings booked") or gibberish ("asdf") names no one."""
    if lexicon.find_keywords(keyword):
        return True
    words = re.findall(r"[^\W\d_]{3,}", keyword)
    if not words or len(keyword.split()) > _MAX_AUDIENCE_WORDS:
        return False
    last = words[-1].lower()
    plural = bool(_PLURAL.search(last)) and last not in _VAGUE_WORDS
    return plural and any(language.is_word(w) and w.lower() not in _VAGUE_WORDS for w in words)


_MAX_AUDIENCE_WORDS = 5
_PLURAL = re.compile(r"(?:[^s]s|x|ies|[^aeiou]en|ern)$")
"""How plural nouns end in the four languages ("clinics", "bureaux", "Bäckereien")."""


_VAGUE_WORDS = frozenset(
    {"sales", "leads", "lead", "list", "contacts", "accounts", "deals", "team", "teams"}
    | {"decision", "makers", "stakeholders", "test", "testing", "people", "targets", "works"}
    | {"meetings", "prospects", "customers", "clients", "buyers", "things", "ones", "options"}
)
"""Words that alone describe no audience: "get me sales leads", "find decision makers"."""

_FIRST_PERSON = re.compile(r"(?<![\w])(?:our|my|us|we|me|i)(?![\w])", re.I)
"""A claim about the user ("that would buy our product") names no audience by itself."""


def finalize(criteria: Criteria) -> Criteria:
    private_stage = any(stage in lexicon.STAGE_LADDER for stage in criteria.stages)
    if private_stage and not _has_window(criteria):
        criteria.funded_within_months = DEFAULT_STAGE_LOOKBACK_MONTHS
    criteria.provenance = [p for p in criteria.provenance if _still_holds(criteria, p)]
    criteria.notes = plan_notes(criteria)
    return criteria


def _still_holds(criteria: Criteria, entry: Provenance) -> bool:
    """Whether a provenance entry's value is still in the criteria (a follow-up may drop it)."""
    field_name = entry.field
    holder: Any = criteria
    if field_name.startswith("exclusions."):
        holder, field_name = criteria.exclusions, field_name.removeprefix("exclusions.")
    values = getattr(holder, field_name, None)
    if values is None:
        return field_name == "funding_window" and _has_window(criteria)
    texts = []
    for value in values:
        if isinstance(value, RoleTarget):
            texts.append(value.title)
        elif isinstance(value, NumericRange):
            texts.append(range_text(value))
        elif isinstance(value, Requirement):
            texts.append(value.text)
        else:
            texts.append(str(value))
    wanted = entry.value.lower()
    return any(text.lower() == wanted for text in texts) or field_name == "stages"


def plan_notes(criteria: Criteria) -> list[str]:
    """What the plan could not structure, and how each such part of the prompt is handled."""
    notes = [
        f'Checked as written: "{claim.text}" is not a structured filter, so each company\'s '
        "pages must state it."
        for claim in criteria.requirements
    ]
    free = _free_keywords(criteria)
    notes += [
        f'"{keyword}" is not one of the planner\'s industries: it is searched for and '
        "checked as a keyword."
        for keyword in free
    ]
    notes += [
        f'Excluded as written: companies that are or do "{keyword}" are dropped.'
        for keyword in criteria.exclusions.keywords
    ]
    return notes


# =============================================================================================
# Steps and titles


@dataclass(frozen=True, slots=True)
class _Draft:
    """A step before it gets its id."""

    kind: Literal["source", "company", "role", "verify", "dedupe"]
    title: str
    intent: Intent
    task: str
    columns: list[str] = field(default_factory=list)


def build_steps(criteria: Criteria, target_rows: int) -> list[PlanStep]:
    """The plan's steps: find companies, enrich them, find people, verify, deduplicate."""
    drafts = [
        _first_step(criteria),
        *_company_steps(criteria),
        *(_role_step([role], criteria) for role in criteria.roles),
        _verify_step(criteria),
        _dedupe_step(target_rows),
    ]
    drafts = _fit(_without_repeated_columns(drafts), criteria)
    return [
        PlanStep(
            id=f"stp_{index}",
            title=draft.title,
            intent=draft.intent,
            task=draft.task,
            expected_columns=draft.columns,
        )
        for index, draft in enumerate(drafts, start=1)
    ]


def _first_step(criteria: Criteria) -> _Draft:
    if criteria.seed is not None:
        columns = ["company_name", "domain", "hq_city", "hq_country"]
        task = (
            f"Read the seed list at {criteria.seed.source_url} (one company per row, by "
            f"domain or name) and resolve each row to one company. Capture {', '.join(columns)}."
        )
        title = "Resolve companies from the attached CSV"
        return _Draft("source", title, Intent.ENRICH, task + _sources_note(criteria), columns)
    columns = _discovery_columns(criteria)
    filters = _filters(criteria, for_discovery=True)
    lead_in = ""
    if criteria.url_list:
        count = len(criteria.url_list)
        lead_in = f"Start from the attached URL list ({count} link{'s' * (count > 1)}). "
    search = f"Filter by {', '.join(filters)}." if filters else _open_search(criteria)
    task = f"{lead_in}{search} Capture {', '.join(columns)}.{_sources_note(criteria)}"
    return _Draft("source", f"Discover {_audience(criteria)}", Intent.DISCOVER, task, columns)


def _open_search(criteria: Criteria) -> str:
    """Discovery without company filters searches by what is known: stack, hiring, people."""
    clues = []
    if criteria.technologies:
        clues.append(f"using {_join(criteria.technologies, 'or')}")
    named = [label for label in criteria.hiring if label != HIRING_ANY]
    if criteria.hiring:
        clues.append(f"hiring {_join(named, 'or')}" if named else "that are hiring")
    if criteria.roles:
        clues.append(f"with a {_join([role.title for role in criteria.roles], 'or')}")
    if not clues:
        return "Collect every company the linked pages name."  # only a URL list is given
    return f"Search for companies {' and '.join(clues)}."


def _discovery_columns(criteria: Criteria) -> list[str]:
    metrics = {t.metric for t in criteria.thresholds}
    wanted = {
        "hq_country": len(criteria.countries) != 1 or bool(criteria.regions),
        "industry": len(criteria.industries) != 1,
        "funding_stage": len(criteria.stages) > 1,
        "funding_amount": bool(criteria.stages)
        or _has_window(criteria)
        or _funding_metric(metrics),
        "funded_at": bool(criteria.stages) or _has_window(criteria),
        "employee_count": "employees" in metrics,
        "founded_year": "founded_year" in metrics,
    }
    return ["company_name", "domain", "hq_city", *(c for c in COMPANY_COLUMNS if wanted.get(c))]


def _has_window(criteria: Criteria) -> bool:
    return any(
        (
            criteria.funded_within_months,
            criteria.funded_within_days,
            criteria.funded_since,
            criteria.funded_until,
        )
    )


def _funding_metric(metrics: Iterable[str]) -> bool:
    return any(metric.startswith("funding_amount") for metric in metrics)


# Deep-enrich dimensions that need a step of their own: dimension -> (title, task, columns).
_DIMENSION_STEPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "funding": (
        "Add funding details",
        "Find each company's latest funding round in press releases, filings and investor "
        "announcements. Capture funding_stage, funding_amount, funded_at.",
        ("funding_stage", "funding_amount", "funded_at"),
    ),
    "news": (
        "Collect recent news",
        "Collect dated news items and press announcements about each company. Capture news.",
        ("news",),
    ),
}


def _company_steps(criteria: Criteria) -> list[_Draft]:
    note = _sources_note(criteria)
    steps = []
    engineers = _threshold_text(criteria, "engineers")
    if engineers:
        task = (
            "Estimate each company's engineering headcount from its team and careers pages and "
            f"LinkedIn; keep companies with {engineers}. Capture engineering_headcount."
        )
        title = "Measure engineering headcount"
        steps.append(
            _Draft("company", title, Intent.ENRICH, task + note, ["engineering_headcount"])
        )
    hiring_wanted = "hiring" in criteria.enrich_dimensions or _threshold_text(
        criteria, "open_roles"
    )
    if criteria.hiring or hiring_wanted:
        steps.append(_hiring_step(criteria, note))
    if criteria.technologies or "tech_stack" in criteria.enrich_dimensions:
        steps.append(_tech_step(criteria, note))
    for dimension, (title, task, columns) in _DIMENSION_STEPS.items():
        if dimension in criteria.enrich_dimensions:
            steps.append(_Draft("company", title, Intent.ENRICH, task + note, list(columns)))
    return steps


def _hiring_step(criteria: Criteria, note: str) -> _Draft:
    named = [label for label in criteria.hiring if label != HIRING_ANY]
    conditions = [f"an open role for {_join(named, 'or')}"] if named else []
    if criteria.hiring and not named:
        conditions.append("open roles")
    count = _threshold_text(criteria, "open_roles")
    if count:
        conditions.append(count)
    keep = f"; keep companies with {' and '.join(conditions)}" if conditions else ""
    task = f"Read careers pages and job boards for open positions{keep}. Capture open_roles."
    title = f"Check open roles for {_join(named)}" if named else "Check open roles"
    return _Draft("company", title, Intent.ENRICH, task + note, ["open_roles"])


def _tech_step(criteria: Criteria, note: str) -> _Draft:
    technologies = criteria.technologies
    title = (
        f"Detect tech stack ({', '.join(technologies)})" if technologies else "Detect tech stack"
    )
    keep = f"; keep companies using {_join(technologies, 'or')}" if technologies else ""
    task = (
        "Detect each company's technologies from job posts, docs and engineering blogs"
        f"{keep}. Capture tech_stack." + note
    )
    return _Draft("company", title, Intent.ENRICH, task, ["tech_stack"])


def _role_step(group: Sequence[RoleTarget], criteria: Criteria) -> _Draft:
    columns = [
        f"{role.column_prefix}_{suffix}" for role in group for suffix in PERSON_COLUMN_SUFFIXES
    ]
    email = (
        " Find and verify each person's work email."
        if criteria.want_email
        else " Record an email only where a source publishes it."
    )
    skills = [k for k in criteria.keywords if _is_skill(k)]
    require = f" Keep only people with {_join(skills, 'and')}." if skills else ""
    task = (
        f"For each company, find the current {_join([r.title for r in group], 'and')} from the "
        f"team page, LinkedIn and press. Capture {', '.join(columns)}.{email}{require}"
        f"{_sources_note(criteria)}"
    )
    return _Draft("role", f"Find {_join([r.label for r in group])}", Intent.ENRICH, task, columns)


def _verify_step(criteria: Criteria) -> _Draft:
    filters = _filters(criteria, for_discovery=False)
    check = (
        f"Check every company against {', '.join(filters)} and drop those that fail."
        if filters
        else "Check that every company resolves to one live website."
    )
    people = " Confirm each person holds the title at that company today." if criteria.roles else ""
    emails = " Verify every email." if criteria.want_email and criteria.roles else ""
    task = f"{check}{people}{emails} Keep only values that a retrieved source states."
    return _Draft("verify", "Verify criteria and sources", Intent.VERIFY, task)


def _dedupe_step(target_rows: int) -> _Draft:
    task = (
        "Merge rows that name the same company (same domain or name variants) or the same "
        "person, keeping the best-supported value for each field. Keep the "
        f"{target_rows} best-matching rows."
    )
    return _Draft("dedupe", "Deduplicate companies and people", Intent.DEDUPE, task)


def _without_repeated_columns(drafts: Sequence[_Draft]) -> list[_Draft]:
    """A column is captured once, by the first step that names it; a company step left with
    nothing to capture is dropped."""
    seen: set[str] = set()
    kept = []
    for draft in drafts:
        columns = [c for c in dict.fromkeys(draft.columns) if c not in seen]
        seen.update(columns)
        if draft.kind == "company" and not columns:
            continue
        kept.append(replace(draft, columns=columns))
    return kept


def _fit(drafts: list[_Draft], criteria: Criteria) -> list[_Draft]:
    """At most MAX_STEPS: merge company enrichment first, then group people into shared steps."""
    if len(drafts) <= MAX_STEPS:
        return drafts
    drafts = _merged_company_steps(drafts)
    if len(drafts) <= MAX_STEPS:
        return drafts
    others = [d for d in drafts if d.kind != "role"]
    groups = _chunks(criteria.roles, MAX_STEPS - len(others))
    role_steps = [_role_step(group, criteria) for group in groups]
    position = next(i for i, d in enumerate(others) if d.kind == "verify")
    return [*others[:position], *role_steps, *others[position:]]


def _merged_company_steps(drafts: list[_Draft]) -> list[_Draft]:
    company = [d for d in drafts if d.kind == "company"]
    if len(company) < 2:
        return drafts
    merged = _Draft(
        "company",
        "Enrich company signals",
        Intent.ENRICH,
        " ".join(d.task for d in company),
        [c for d in company for c in d.columns],
    )
    position = drafts.index(company[0])
    rest = [d for d in drafts if d.kind != "company"]
    return [*rest[:position], merged, *rest[position:]]


def _chunks(items: Sequence[T], count: int) -> list[list[T]]:
    """``items`` in ``count`` contiguous groups whose sizes differ by at most one."""
    size, extra = divmod(len(items), count)
    groups, start = [], 0
    for index in range(count):
        end = start + size + (index < extra)
        groups.append(list(items[start:end]))
        start = end
    return [group for group in groups if group]


# --- filters and wording ----------------------------------------------------------------------

_DISCOVERY_METRICS = ("employees", "founded_year")


def _filters(criteria: Criteria, *, for_discovery: bool) -> list[str]:
    filters = []
    pairs = (
        ("industry", criteria.industries),
        ("country", criteria.countries),
        ("region", criteria.regions),
        ("subdivision", criteria.subdivisions),
        ("city", criteria.cities),
        ("stage", criteria.stages),
    )
    filters += [f"{name}={'|'.join(values)}" for name, values in pairs if values]
    window = _window_text(criteria)
    if window:
        filters.append(window)
    for threshold in criteria.thresholds:
        discoverable = threshold.metric in _DISCOVERY_METRICS or _funding_metric([threshold.metric])
        if discoverable or not for_discovery:
            filters.append(range_text(threshold))
    filters += [f"keyword={k}" for k in _audience_keywords(criteria)]
    if not for_discovery:
        if criteria.technologies:
            filters.append(f"technology={'|'.join(criteria.technologies)}")
        if criteria.hiring:
            filters.append(f"hiring={'|'.join(criteria.hiring)}")
    filters += [f'requirement="{claim.text}"' for claim in criteria.requirements]
    filters += _exclusion_filters(criteria)
    return filters


def _exclusion_filters(criteria: Criteria) -> list[str]:
    """What the plan rules out, in the filters' own notation: "not city=Paris"."""
    excluded = criteria.exclusions
    pairs = (
        ("industry", excluded.industries),
        ("country", excluded.countries),
        ("region", excluded.regions),
        ("subdivision", excluded.subdivisions),
        ("city", excluded.cities),
        ("stage", excluded.stages),
        ("keyword", excluded.keywords),
    )
    filters = [f"not {name}={'|'.join(values)}" for name, values in pairs if values]
    filters += [f"not {range_text(bounds)}" for bounds in excluded.thresholds]
    return filters


def _window_text(criteria: Criteria) -> str:
    if criteria.funded_within_days:
        return f"last {criteria.funded_within_days} days"
    if criteria.funded_within_months:
        return f"last {criteria.funded_within_months} months"
    since, until = criteria.funded_since, criteria.funded_until
    if since and until and since.year == until.year and (since.month, until.month) == (1, 12):
        return f"funded in {since.year}"
    if since and until:
        return f"funded {since.isoformat()} to {until.isoformat()}"
    if since:
        return f"funded since {since.isoformat()}"
    if until:
        return f"funded until {until.isoformat()}"
    return ""


def _threshold_text(criteria: Criteria, metric: str) -> str:
    matches = [t for t in criteria.thresholds if t.metric == metric]
    return range_text(matches[0]) if matches else ""


def range_text(threshold: NumericRange) -> str:
    name, show = threshold.metric, _plain_number
    if _funding_metric([name]):
        currency = name.rsplit("_", 1)[-1]
        symbol = {"usd": "$", "eur": "€", "gbp": "£"}.get(currency, "")
        name, show = "funding_amount", lambda value: symbol + _short_number(value)
    if threshold.min is not None and threshold.max is not None:
        if threshold.min == threshold.max:
            return f"{name}={show(threshold.min)}"
        return f"{name}={show(threshold.min)}–{show(threshold.max)}"
    if threshold.min is not None:
        return f"{name}>={show(threshold.min)}"
    return f"{name}<={show(threshold.max or 0)}"


def _plain_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _short_number(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return _plain_number(value)


def _sources_note(criteria: Criteria) -> str:
    def names(slugs: Sequence[str]) -> str:
        return _join([lexicon.SOURCES.get(s, (s,))[0] for s in slugs], "or")

    note = ""
    if criteria.excluded_sources:
        note += f" Do not use {names(criteria.excluded_sources)}."
    if criteria.preferred_sources:
        note += f" Prefer {names(criteria.preferred_sources)}."
    return note


def _join(items: Sequence[str], conjunction: str = "&") -> str:
    """Join for prose: A; A & B; A, B & C."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def plan_title(criteria: Criteria) -> str:
    """A short title in the spec's style: "Series A FinTech in France — VP Eng & Head of Growth"."""
    if criteria.seed is not None:
        subject = "Attached CSV"
    elif criteria.url_list and not (criteria.industries or criteria.stages):
        subject = "Attached URL list"
    else:
        industries = "/".join(lexicon.INDUSTRIES[s].display for s in criteria.industries)
        words = [_stage_label(criteria.stages), *_audience_keywords(criteria)]
        noun = industries or ("" if _free_keywords(criteria) else "companies")
        subject = " ".join(w for w in [*words, noun] if w)
        subject = subject[0].upper() + subject[1:]
    title = subject + _geography(criteria)
    if criteria.technologies:
        title += f" using {_join(criteria.technologies, 'or')}"
    if criteria.hiring:
        named = [label for label in criteria.hiring if label != HIRING_ANY]
        title += f" hiring {_join(named)}" if named else " hiring"
    if criteria.roles:
        labels = [role.label for role in criteria.roles]
        shown = labels if len(labels) <= 3 else [*labels[:3], f"{len(labels) - 3} more"]
        title += f" — {_join(shown)}"
    return title


def _audience(criteria: Criteria) -> str:
    """How discovery names what it looks for: "Series A fintechs in France"."""
    if len(criteria.industries) == 1:
        noun = lexicon.INDUSTRIES[criteria.industries[0]].noun
    elif criteria.industries:
        noun = "/".join(lexicon.INDUSTRIES[s].display for s in criteria.industries) + " companies"
    else:
        noun = "" if _free_keywords(criteria) else "companies"
    words = [_stage_label(criteria.stages), *_audience_keywords(criteria), noun]
    return " ".join(w for w in words if w) + _geography(criteria)


def _free_keywords(criteria: Criteria) -> list[str]:
    """Audience words no table knows ("restaurants"): they name the companies themselves."""
    return [k for k in _audience_keywords(criteria) if not lexicon.find_keywords(k)]


def _audience_keywords(criteria: Criteria) -> list[str]:
    return [k for k in criteria.keywords if not _is_skill(k)]


def _is_skill(keyword: str) -> bool:
    """Whether a keyword qualifies people ("Python experience") rather than companies."""
    return keyword.endswith(SKILL_SUFFIX)


def _geography(criteria: Criteria) -> str:
    implied = {gazetteer.city_country(city) for city in criteria.cities}
    implied |= {code[:2] for code in criteria.subdivisions}
    places = [
        *(Place("city", c) for c in criteria.cities),
        *(Place("subdivision", code) for code in criteria.subdivisions),
        *(Place("country", c) for c in criteria.countries if c not in implied),
        *(Place("region", r) for r in criteria.regions),
    ]
    names = [gazetteer.place_name(place) for place in places]
    return f" in {_join(names, 'or')}" if names else ""


def _stage_label(stages: Sequence[str]) -> str:
    """A short label for a stage filter: Series A, Series A/B, Series B+, Seed/Series A."""
    private = [s for s in stages if s in lexicon.STAGE_LADDER]
    indexes = [lexicon.STAGE_LADDER.index(s) for s in private]
    contiguous = indexes == list(range(indexes[0], indexes[0] + len(indexes))) if indexes else False
    if contiguous and len(private) >= 3 and private[-1] == "growth":
        label = f"{lexicon.STAGE_DISPLAY[private[0]]}+"
    elif private and all(s.startswith("series_") for s in private):
        letters = [s.removeprefix("series_").upper() for s in private]
        joined = (
            f"{letters[0]}–{letters[-1]}" if contiguous and len(letters) >= 3 else "/".join(letters)
        )
        label = f"Series {joined}"
    else:
        label = "/".join(lexicon.STAGE_DISPLAY[s] for s in private)
    if lexicon.PUBLIC in stages:
        label = "/".join(part for part in (label, lexicon.STAGE_DISPLAY[lexicon.PUBLIC]) if part)
    return label


_TERM_WORD = re.compile(r"[\w$€£][\w'’&$€£.+%-]*")


def requirement_terms(text: str) -> list[str]:
    """Search and evidence terms for a free claim: the phrase, then its telling words."""
    words = [
        w
        for w in _TERM_WORD.findall(text)
        if w.lower() not in FILLER and (len(w) > 3 or any(c.isdigit() for c in w))
    ]
    return unique([" ".join(text.split()), *words], str.lower)[:5]


def draft_plan(criteria: Criteria, request: PlanningRequest, *, planner: str) -> DraftPlan:
    """The plan for finished ``criteria``: title, steps, row target and credit estimate."""
    target_rows = max(1, min(criteria.max_rows or request.default_rows, MAX_ROWS))
    return DraftPlan(
        title=plan_title(criteria),
        steps=build_steps(criteria, target_rows),
        criteria=criteria,
        target_rows=target_rows,
        credits_estimate=estimate_credits(criteria, target_rows),
        planner=planner,
    )
