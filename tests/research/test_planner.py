"""The rule-based planner: extraction, refinement, rejection, steps and determinism."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from research.planner.lexicon import find_places, find_stages
from research.planner.plans import COMPANY_COLUMNS, PERSON_COLUMN_SUFFIXES
from research.planner.rules import RulesPlanner
from research.planner.types import (
    MAX_STEPS,
    Attachment,
    Criteria,
    DraftPlan,
    Hints,
    Intent,
    PlanningRequest,
    PlanningTurn,
    PlanRejection,
)
from research.pricing import estimate_credits

QUICKSTART = "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."
CSV_PROMPT = (
    "For each company in the attached CSV, pull the CTO and Head of Engineering. "
    "Add funding stage, last-raised date, and tech stack."
)
SEEDS_URL = "https://ops.example.com/seeds.csv"
SERIES_B_PLUS = ["series_b", "series_c", "series_d", "series_e", "series_f", "growth"]


def _request(*turns: str, **fields: Any) -> PlanningRequest:
    """A thread whose user turns are ``turns``, with an assistant plan turn between them."""
    history: list[PlanningTurn] = []
    for index, text in enumerate(turns):
        if index:
            history.append(PlanningTurn(role="assistant", kind="plan", content="(plan)"))
        history.append(PlanningTurn(role="user", content=text))
    return PlanningRequest(turns=history, **fields)


async def _plan(*turns: str, **fields: Any) -> DraftPlan:
    return await RulesPlanner().plan(_request(*turns, **fields))


def _facets(criteria: Criteria) -> dict[str, Any]:
    """Criteria in a compact, comparable form."""
    return {
        "industries": criteria.industries,
        "countries": criteria.countries,
        "regions": criteria.regions,
        "cities": criteria.cities,
        "stages": criteria.stages,
        "months": criteria.funded_within_months,
        "days": criteria.funded_within_days,
        "since": criteria.funded_since,
        "until": criteria.funded_until,
        "thresholds": [(t.metric, t.min, t.max) for t in criteria.thresholds],
        "technologies": criteria.technologies,
        "hiring": criteria.hiring,
        "roles": [role.column_prefix for role in criteria.roles],
        "keywords": criteria.keywords,
        "email": criteria.want_email,
        "dimensions": criteria.enrich_dimensions,
        "excluded": criteria.excluded_sources,
        "preferred": criteria.preferred_sources,
        "max_rows": criteria.max_rows,
    }


# Each case lists only the facets it is about; the others are not checked.
PROMPTS: list[tuple[str, dict[str, Any]]] = [
    # --- the spec's prompts ---
    (
        QUICKSTART,
        {
            "industries": ["fintech"],
            "countries": ["FR"],
            "stages": ["series_a"],
            "months": 36,
            "thresholds": [("engineers", 20, None)],
            "roles": ["vp_eng", "head_of_growth"],
            "hiring": [],
            "email": False,
        },
    ),
    (
        "Heads of Data at US healthcare companies, 500–5000 employees, using Snowflake",
        {
            "industries": ["healthcare"],
            "countries": ["US"],
            "thresholds": [("employees", 500, 5000)],
            "technologies": ["Snowflake"],
            "roles": ["head_of_data"],
            "stages": [],
        },
    ),
    (
        "US Series B dev-tools CTOs hiring Staff Engineers",
        {
            "industries": ["devtools"],
            "countries": ["US"],
            "stages": ["series_b"],
            "roles": ["cto"],
            "hiring": ["Staff Engineer"],
        },
    ),
    (
        "CTOs of US Series B dev-tools companies with open JD for Staff Engineer",
        {
            "industries": ["devtools"],
            "countries": ["US"],
            "stages": ["series_b"],
            "roles": ["cto"],
            "hiring": ["Staff Engineer"],
        },
    ),
    (
        "New Series A US SaaS companies announced in the last 7 days, hiring for Head of Marketing",
        {
            "industries": ["saas"],
            "countries": ["US"],
            "stages": ["series_a"],
            "days": 7,
            "months": None,
            "hiring": ["Head of Marketing"],
            "roles": [],
        },
    ),
    (
        "Series B AI-infra companies in US hiring ML engineers",
        {
            "industries": ["ai_infra"],
            "countries": ["US"],
            "stages": ["series_b"],
            "hiring": ["ML Engineer"],
            "roles": [],
        },
    ),
    (
        "Series B AI-infra companies in EU hiring ML engineers",
        {"industries": ["ai_infra"], "regions": ["eu"], "countries": [], "hiring": ["ML Engineer"]},
    ),
    # --- alternatives and ranges ---
    (
        "Fintechs in France or Spain",
        {"industries": ["fintech"], "countries": ["FR", "ES"]},
    ),
    (
        "Seed-stage healthtech or edtech startups in Spain or Portugal",
        {"industries": ["healthtech", "edtech"], "countries": ["ES", "PT"], "stages": ["seed"]},
    ),
    (
        "Series B or later cybersecurity companies in Israel",
        {"industries": ["cybersecurity"], "countries": ["IL"], "stages": SERIES_B_PLUS},
    ),
    (
        "Series A/B insurtechs in the UK with at least 50 employees; get the CFO",
        {
            "industries": ["insurtech"],
            "countries": ["GB"],
            "stages": ["series_a", "series_b"],
            "thresholds": [("employees", 50, None)],
            "roles": ["cfo"],
        },
    ),
    (
        "legaltech companies in France, post-Series A, with emails for the CEO",
        {"stages": SERIES_B_PLUS, "roles": ["ceo"], "email": True},
    ),
    (
        "Find 50 German fintechs, Series A to C",
        {
            "countries": ["DE"],
            "stages": ["series_a", "series_b", "series_c"],
            "max_rows": 50,
        },
    ),
    (
        "Seed to Series A climate tech startups in the Nordics and DACH",
        {
            "industries": ["climate"],
            "regions": ["nordics", "dach"],
            "stages": ["seed", "series_a"],
        },
    ),
    (
        "Series D or E fintech companies in Brazil",
        {"countries": ["BR"], "stages": ["series_d", "series_e"]},
    ),
    (
        "up to Series A developer tools startups in Berlin or Munich",
        {
            "industries": ["devtools"],
            "cities": ["Berlin", "Munich"],
            "countries": ["DE"],
            "stages": ["pre_seed", "seed", "series_a"],
        },
    ),
    (
        "Head of Growth or Head of Marketing at Series A marketplaces in LATAM",
        {
            "industries": ["marketplaces"],
            "regions": ["latam"],
            "roles": ["head_of_growth", "head_of_marketing"],
        },
    ),
    (
        "CMOs at e-commerce brands in Germany with 50-200 employees",
        {
            "industries": ["ecommerce"],
            "countries": ["DE"],
            "thresholds": [("employees", 50, 200)],
            "roles": ["cmo"],
        },
    ),
    (
        "US-based fintech startups with fewer than 50 employees",
        {"countries": ["US"], "thresholds": [("employees", None, 49)]},
    ),
    (
        "fintechs in the US and Canada, 10k+ employees",
        {"countries": ["US", "CA"], "thresholds": [("employees", 10_000, None)]},
    ),
    (
        "Pull the CTO at AI infrastructure companies in the EU with between 20 and 100 engineers",
        {"regions": ["eu"], "thresholds": [("engineers", 20, 100)], "roles": ["cto"]},
    ),
    (
        "under 100 staff gaming studios in Canada",
        {"industries": ["gaming"], "thresholds": [("employees", None, 99)]},
    ),
    # --- funding amounts, founding year, recency ---
    (
        "Proptech companies in the Netherlands that raised more than $10M in the last 2 years",
        {
            "industries": ["proptech"],
            "countries": ["NL"],
            "months": 24,
            "thresholds": [("funding_amount_usd", 10_000_000, None)],
        },
    ),
    (
        "Benelux SaaS companies with €5M+ raised",
        {"regions": ["benelux"], "thresholds": [("funding_amount_eur", 5_000_000, None)]},
    ),
    (
        "Series A fintechs in Spain that raised in the last 18 months",
        {"stages": ["series_a"], "months": 18},
    ),
    (
        "Crypto/web3 companies in Singapore funded in 2025",
        {
            "industries": ["crypto"],
            "countries": ["SG"],
            "since": date(2025, 1, 1),
            "until": date(2025, 12, 31),
            "months": None,
        },
    ),
    (
        "EdTech in India, recently funded, pull the COO",
        {"industries": ["edtech"], "countries": ["IN"], "months": 12, "roles": ["coo"]},
    ),
    (
        "HR tech companies in APAC founded after 2015",
        {
            "industries": ["hrtech"],
            "regions": ["apac"],
            "thresholds": [("founded_year", 2016, None)],
        },
    ),
    # --- geography: demonyms, regions, cities ---
    (
        "French and Spanish insurtechs",
        {"industries": ["insurtech"], "countries": ["FR", "ES"]},
    ),
    (
        "Dutch and German SaaS companies",
        {"countries": ["NL", "DE"]},
    ),
    (
        "CTOs in Berlin",
        {"cities": ["Berlin"], "countries": ["DE"], "roles": ["cto"]},
    ),
    (
        "Chief Technology Officers at Series B logistics startups in Mexico City",
        {"cities": ["Mexico City"], "countries": ["MX"], "industries": ["logistics"]},
    ),
    (
        "healthtech companies in the Bay Area",
        {"regions": ["bay_area"], "countries": []},
    ),
    (
        "Sales leaders at Series A SaaS in the US-West",
        {"regions": ["us_west"], "roles": ["sales_lead"]},
    ),
    (
        "Find me CTOs at fintechs in the Netherlands",
        {"countries": ["NL"], "roles": ["cto"]},
    ),
    # --- technologies, hiring, people, sources, columns ---
    (
        "companies using Snowflake",
        {"technologies": ["Snowflake"], "industries": []},
    ),
    (
        "Engineering managers at logistics companies in the Nordics on Kubernetes",
        {"technologies": ["Kubernetes"], "roles": ["eng_manager"]},
    ),
    (
        "Companies in DACH using Salesforce and HubSpot, pull the Head of Sales",
        {"technologies": ["Salesforce", "HubSpot"], "roles": ["head_of_sales"]},
    ),
    (
        "martech companies in North America hiring 3+ engineers",
        {
            "regions": ["north_america"],
            "thresholds": [("open_roles", 3, None)],
            "hiring": ["Engineer"],
        },
    ),
    (
        "companies hiring a Head of Data in Amsterdam",
        {"hiring": ["Head of Data"], "roles": [], "cities": ["Amsterdam"]},
    ),
    (
        "Find the VP of Engineering and Director of Product at Series C fintechs in New York",
        {"roles": ["vp_eng", "director_of_product"], "cities": ["New York"]},
    ),
    (
        "Founders of YC-backed startups in the Bay Area",
        {"roles": ["founder"], "keywords": ["Y Combinator"]},
    ),
    (
        "Heads of Product at B2B SaaS companies in the UK, skip LinkedIn",
        {"keywords": ["B2B"], "roles": ["head_of_product"], "excluded": ["linkedin"]},
    ),
    (
        "Series A fintechs in France, no Crunchbase, prefer Dealroom",
        {"excluded": ["crunchbase"], "preferred": ["dealroom"]},
    ),
    (
        "Top 100 Series B+ SaaS companies in the US; CTO and VP Eng; add tech stack and news",
        {
            "stages": SERIES_B_PLUS,
            "roles": ["cto", "vp_eng"],
            "dimensions": ["tech_stack", "news"],
            "max_rows": 100,
        },
    ),
    (
        "VPs of Sales at cybersecurity companies in Israel and their email addresses",
        {"roles": ["vp_sales"], "email": True},
    ),
    (
        "Series A fintechs in Germany with 20+ engineers, add hiring, funding and news",
        {
            "thresholds": [("engineers", 20, None)],
            "dimensions": ["hiring", "funding", "news"],
            "hiring": [],
        },
    ),
    (
        "Pull the CTO, or the VP Eng if there is no CTO, at fintechs in France",
        {"roles": ["cto", "vp_eng"]},  # a condition is not a removal
    ),
    (
        "CISOs at mining companies in the US",
        {"roles": ["ciso"], "keywords": ["mining"]},  # unknown industries become keywords
    ),
]


@pytest.mark.parametrize(("prompt", "expected"), PROMPTS, ids=[p for p, _ in PROMPTS])
async def test_extracts_the_audience(prompt: str, expected: dict[str, Any]) -> None:
    plan = await _plan(prompt)
    facets = _facets(plan.criteria)
    assert {name: facets[name] for name in expected} == expected


async def test_quickstart_plan_matches_the_spec() -> None:
    plan = await _plan(QUICKSTART)
    assert plan.title == "Series A FinTech in France — VP Eng & Head of Growth"
    assert plan.credits_estimate == 23  # 30 leads: 15 companies with two people at 1.5
    assert plan.target_rows == 30
    assert plan.planner == "rules"
    first = plan.steps[0]
    assert first.model_dump() == {
        "id": "stp_1",
        "title": "Discover Series A fintechs in France",
        "intent": Intent.DISCOVER,
        "task": (
            "Filter by industry=fintech, country=FR, stage=series_a, last 36 months. "
            "Capture company_name, domain, hq_city, funding_amount, funded_at."
        ),
        "expected_columns": ["company_name", "domain", "hq_city", "funding_amount", "funded_at"],
    }
    assert [(s.intent, s.title) for s in plan.steps] == [
        (Intent.DISCOVER, "Discover Series A fintechs in France"),
        (Intent.ENRICH, "Measure engineering headcount"),
        (Intent.ENRICH, "Find VP Eng"),
        (Intent.ENRICH, "Find Head of Growth"),
        (Intent.VERIFY, "Verify criteria and sources"),
        (Intent.DEDUPE, "Deduplicate companies and people"),
    ]
    assert plan.steps[1].expected_columns == ["engineering_headcount"]
    assert plan.steps[2].expected_columns == [
        "vp_eng_name",
        "vp_eng_title",
        "vp_eng_email",
        "vp_eng_linkedin",
    ]
    assert "engineers>=20" in plan.steps[4].task


async def test_csv_attachment_switches_to_enrichment() -> None:
    plan = await _plan(CSV_PROMPT, attachments=[Attachment(kind="csv", url=SEEDS_URL)])
    criteria = plan.criteria
    assert criteria.seed is not None
    assert criteria.seed.model_dump() == {"kind": "domains", "values": [], "source_url": SEEDS_URL}
    assert [role.column_prefix for role in criteria.roles] == ["cto", "head_of_eng"]
    assert criteria.enrich_dimensions == ["funding", "tech_stack"]
    assert not criteria.industries and not criteria.countries  # and no rejection for that
    first = plan.steps[0]
    assert first.intent is Intent.ENRICH and SEEDS_URL in first.task
    assert Intent.DISCOVER not in {step.intent for step in plan.steps}
    columns = {column for step in plan.steps for column in step.expected_columns}
    assert {"funding_stage", "funded_at", "tech_stack", "cto_name", "head_of_eng_email"} <= columns
    assert plan.title == "Attached CSV — CTO & Head of Engineering"
    # Two people (1.5) plus two deep-enrich dimensions (1.0) per company; 30 leads, 15 companies.
    assert plan.credits_estimate == estimate_credits(criteria, 30) == 38


async def test_url_list_attachments_are_recorded() -> None:
    urls = ["https://lists.example.com/a.txt", "https://lists.example.com/b.txt"]
    plan = await _plan(
        "Series A fintechs in France",
        attachments=[Attachment(kind="url_list", url=url) for url in urls],
    )
    assert plan.criteria.url_list == urls
    assert plan.steps[0].intent is Intent.DISCOVER
    assert "attached URL list (2 links)" in plan.steps[0].task


@pytest.mark.parametrize(
    "prompt",
    [
        "find me some leads",
        "hello",
        "help me",
        "asdf",
        "get me customers",
        "I need contacts",
        "get me sales leads",
        "show me interesting companies",
        "Give me 100 leads",
        "startups with 50+ employees",
        "I need emails",
        "Can you find some good prospects for my startup?",
        "   ",
    ],
)
async def test_vague_prompts_are_rejected(prompt: str) -> None:
    with pytest.raises(PlanRejection) as caught:
        await _plan(prompt)
    assert caught.value.missing == ["industry", "location", "stage", "role"]
    assert caught.value.message.startswith("The prompt does not describe an audience")
    assert "industry" in caught.value.message and "e.g." in caught.value.message


async def test_a_reference_to_a_missing_attachment_is_rejected() -> None:
    with pytest.raises(PlanRejection) as caught:
        await _plan("For each company in the attached CSV, pull the CTO.")
    assert caught.value.missing == ["seed_list"]
    assert "attachment" in caught.value.message


@pytest.mark.parametrize(
    ("prompt", "discovery"),
    [
        ("CTOs in Berlin", "Filter by country=DE, city=Berlin."),
        ("fintechs", "Filter by industry=fintech."),
        ("companies using Snowflake", "Search for companies using Snowflake."),
        ("Series A companies", "Filter by stage=series_a, last 36 months."),
        ("Founders", "Search for companies with a Founder."),
        ("companies that are hiring", "Search for companies that are hiring."),
    ],
)
async def test_one_concrete_facet_is_enough(prompt: str, discovery: str) -> None:
    plan = await _plan(prompt)
    assert plan.steps[0].task.startswith(discovery)


# --- refinement ------------------------------------------------------------------------------

REFINEMENTS: list[tuple[str, dict[str, Any]]] = [
    ("only Germany instead", {"countries": ["DE"], "roles": ["vp_eng", "head_of_growth"]}),
    ("also Spain", {"countries": ["FR", "ES"], "industries": ["fintech"]}),
    ("drop the Head of Growth", {"roles": ["vp_eng"], "countries": ["FR"]}),
    ("make it 100 rows", {"max_rows": 100, "roles": ["vp_eng", "head_of_growth"]}),
    ("Series B instead", {"stages": ["series_b"], "months": 36, "countries": ["FR"]}),
    ("any stage", {"stages": [], "months": None, "industries": ["fintech"]}),
    ("in the last 12 months", {"months": 12, "stages": ["series_a"]}),
    (
        "Head of Marketing instead of Head of Growth",
        {"roles": ["vp_eng", "head_of_marketing"]},
    ),
    (
        "also pull the CFO, with emails",
        {"roles": ["vp_eng", "head_of_growth", "cfo"], "email": True},
    ),
    ("only healthtech or edtech", {"industries": ["healthtech", "edtech"], "countries": ["FR"]}),
    ("at least 50 engineers", {"thresholds": [("engineers", 50, None)]}),
    ("Drop France, add Spain and Portugal", {"countries": ["ES", "PT"]}),
    ("start over: CTOs in Berlin", {"roles": ["cto"], "industries": [], "stages": []}),
    ("What about Germany?", {"countries": ["DE"]}),
    ("And Germany?", {"countries": ["FR", "DE"]}),
    ("Trim to under 20 credits", {"max_rows": 24}),  # 12 companies x 1.5 = 18 credits
    ("with emails", {"email": True}),
    ("thanks!", {"roles": ["vp_eng", "head_of_growth"], "countries": ["FR"]}),
]


@pytest.mark.parametrize(("follow_up", "expected"), REFINEMENTS, ids=[f for f, _ in REFINEMENTS])
async def test_follow_ups_refine_the_previous_criteria(
    follow_up: str, expected: dict[str, Any]
) -> None:
    plan = await _plan(QUICKSTART, follow_up)
    facets = _facets(plan.criteria)
    assert {name: facets[name] for name in expected} == expected
    # Facets the follow-up does not mention are kept.
    if "industries" not in expected and "start over" not in follow_up:
        assert plan.criteria.industries == ["fintech"]


@pytest.mark.parametrize(("follow_up", "_expected"), REFINEMENTS, ids=[f for f, _ in REFINEMENTS])
async def test_refining_from_previous_equals_folding_the_history(
    follow_up: str, _expected: dict[str, Any]
) -> None:
    first = await _plan(QUICKSTART)
    folded = await _plan(QUICKSTART, follow_up)
    from_previous = await _plan(QUICKSTART, follow_up, previous=first.criteria)
    assert from_previous == folded


async def test_replan_feedback_narrows_roles_adds_a_skill_and_excludes_a_source() -> None:
    feedback = "Only VP Eng with Python experience. Skip Crunchbase."
    first = await _plan(QUICKSTART)
    replanned = await _plan(QUICKSTART, previous=first.criteria, feedback=feedback)
    criteria = replanned.criteria
    assert [role.column_prefix for role in criteria.roles] == ["vp_eng"]
    assert criteria.keywords == ["Python experience"]
    assert criteria.excluded_sources == ["crunchbase"]
    assert criteria.countries == ["FR"] and criteria.industries == ["fintech"]
    assert criteria.thresholds == first.criteria.thresholds
    role_step = next(step for step in replanned.steps if "vp_eng_name" in step.expected_columns)
    assert "Python experience" in role_step.task
    assert "Do not use Crunchbase" in replanned.steps[0].task
    # Without ``previous`` the whole history gives the same plan, even if the feedback was
    # also stored as the newest turn.
    assert await _plan(QUICKSTART, feedback=feedback) == replanned
    assert await _plan(QUICKSTART, feedback, feedback=feedback) == replanned


async def test_the_specs_replan_loop_terminates() -> None:
    # Recipe 8: replan with "Trim to under 100 credits" while the estimate is above 100.
    plan = await _plan(QUICKSTART, default_rows=200)
    assert plan.credits_estimate == 150  # 200 leads are 100 companies at 1.5 credits
    feedback = "Trim to under 100 credits. Drop the most expensive step."
    for _ in range(3):
        if plan.credits_estimate <= 100:
            break
        plan = await _plan(QUICKSTART, default_rows=200, previous=plan.criteria, feedback=feedback)
    assert plan.credits_estimate == 99 and plan.target_rows == 132


async def test_three_turn_thread() -> None:
    plan = await _plan(QUICKSTART, "also Spain", "drop the Head of Growth", "make it 100 rows")
    facets = _facets(plan.criteria)
    assert facets["countries"] == ["FR", "ES"]
    assert facets["roles"] == ["vp_eng"]
    assert plan.target_rows == 100
    assert plan.title == "Series A FinTech in France or Spain — VP Eng"


async def test_dimensions_and_emails_can_be_dropped_again() -> None:
    plan = await _plan(QUICKSTART, "add tech stack and news, with emails", "drop the tech stack")
    assert plan.criteria.enrich_dimensions == ["news"]
    assert plan.criteria.want_email
    plan = await _plan(QUICKSTART, "add tech stack and news, with emails", "no emails")
    assert plan.criteria.enrich_dimensions == ["tech_stack", "news"]
    assert not plan.criteria.want_email


async def test_a_rejected_turn_does_not_poison_the_thread() -> None:
    plan = await _plan("hello", QUICKSTART)
    assert _facets(plan.criteria)["roles"] == ["vp_eng", "head_of_growth"]


async def test_a_follow_up_keeps_an_earlier_seed_list() -> None:
    first = await _plan(CSV_PROMPT, attachments=[Attachment(kind="csv", url=SEEDS_URL)])
    second = await _plan(CSV_PROMPT, "drop the Head of Engineering", previous=first.criteria)
    assert second.criteria.seed == first.criteria.seed
    assert [role.column_prefix for role in second.criteria.roles] == ["cto"]
    assert second.steps[0].intent is Intent.ENRICH


# --- rows, hints, caps and determinism --------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "hints", "default_rows", "target_rows"),
    [
        ("Series A fintechs in France", Hints(), 30, 30),
        ("Series A fintechs in France", Hints(), 75, 75),
        ("Series A fintechs in France", Hints(max_rows=40), 30, 40),
        ("Top 50 Series A fintechs in France", Hints(), 30, 50),
        ("Top 50 Series A fintechs in France", Hints(max_rows=100), 30, 50),
        ("Top 500 Series A fintechs in France", Hints(max_rows=100), 30, 100),
        ("20,000 Series A fintechs in France", Hints(), 30, 10_000),
        ("Find 120 Series A fintechs in France", Hints(), 30, 120),
        ("100 French fintechs", Hints(), 30, 100),
        ("fintechs in France, limit to 25", Hints(), 30, 25),
    ],
)
async def test_row_caps(prompt: str, hints: Hints, default_rows: int, target_rows: int) -> None:
    plan = await _plan(prompt, hints=hints, default_rows=default_rows)
    assert plan.target_rows == target_rows
    assert plan.credits_estimate == estimate_credits(plan.criteria, target_rows)
    assert f"Keep the {target_rows} best-matching rows" in plan.steps[-1].task


async def test_hint_sources_are_normalized() -> None:
    hints = Hints(preferred_sources=["crunch base", "LinkedIn", "My CRM"])
    plan = await _plan("Series A fintechs in France, skip LinkedIn", hints=hints)
    assert plan.criteria.preferred_sources == ["crunchbase", "my_crm"]
    assert plan.criteria.excluded_sources == ["linkedin"]


async def test_many_roles_fit_in_twelve_steps() -> None:
    prompt = (
        "Pull the CEO, CTO, CFO, COO, CMO, CPO, CRO, CDO, CIO, CISO, Head of Growth, Head of Data "
        "and VP Sales at Series A fintechs in France using Snowflake, hiring engineers, "
        "add news and funding"
    )
    plan = await _plan(prompt)
    assert len(plan.criteria.roles) == 13
    assert len(plan.steps) == MAX_STEPS
    assert [step.id for step in plan.steps] == [f"stp_{i}" for i in range(1, MAX_STEPS + 1)]
    columns = [column for step in plan.steps for column in step.expected_columns]
    for role in plan.criteria.roles:  # every role still gets its columns
        assert f"{role.column_prefix}_name" in columns
    assert plan.steps[-2].intent is Intent.VERIFY and plan.steps[-1].intent is Intent.DEDUPE


async def test_same_request_same_plan() -> None:
    for turns in ((QUICKSTART,), (QUICKSTART, "also Spain"), (CSV_PROMPT,)):
        request = _request(*turns, attachments=[Attachment(kind="csv", url=SEEDS_URL)])
        first = await RulesPlanner().plan(request)
        second = await RulesPlanner().plan(request.model_copy(deep=True))
        assert first == second
        assert first.model_dump_json() == second.model_dump_json()


@pytest.mark.parametrize(("prompt", "_expected"), PROMPTS, ids=[p for p, _ in PROMPTS])
async def test_every_plan_has_a_well_formed_shape(prompt: str, _expected: dict[str, Any]) -> None:
    plan = await _plan(prompt)
    assert 3 <= len(plan.steps) <= MAX_STEPS
    assert [step.id for step in plan.steps] == [f"stp_{i}" for i in range(1, len(plan.steps) + 1)]
    assert plan.steps[0].intent in (Intent.DISCOVER, Intent.ENRICH)
    assert [step.intent for step in plan.steps[-2:]] == [Intent.VERIFY, Intent.DEDUPE]
    person_columns = {
        f"{role.column_prefix}_{suffix}"
        for role in plan.criteria.roles
        for suffix in PERSON_COLUMN_SUFFIXES
    }
    for step in plan.steps:
        assert step.title and step.task.endswith(".")
        assert not re.search(r"\s[.,;]|\s{2}|\b(?:a|with|for)\s*\.", step.task), step.task
        for column in step.expected_columns:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", column)
            assert column in COMPANY_COLUMNS or column in person_columns
    assert plan.credits_estimate == estimate_credits(plan.criteria, plan.target_rows)
    assert plan.title


# --- lexicon details ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stages"),
    [
        ("Series A", [("series_a",)]),
        ("series a/b", [("series_a", "series_b")]),
        ("Series A, B or C", [("series_a", "series_b", "series_c")]),
        ("Series B+", [tuple(SERIES_B_PLUS)]),
        ("Series B and beyond", [tuple(SERIES_B_PLUS)]),
        ("post-Series A", [tuple(SERIES_B_PLUS)]),
        ("pre-Series A", [("pre_seed", "seed")]),
        ("Series C or earlier", [("pre_seed", "seed", "series_a", "series_b", "series_c")]),
        ("Seed to Series B", [("seed", "series_a", "series_b")]),
        ("pre-seed", [("pre_seed",)]),
        ("growth-stage", [("growth",)]),
        ("publicly traded", [("public",)]),
        ("Series B and a CTO", [("series_b",)]),  # a lowercase "a" is not a stage
        ("Series A and B2B", [("series_a",)]),
        ("the seed list", []),
    ],
)
def test_stage_phrases(text: str, stages: list[tuple[str, ...]]) -> None:
    assert [match.key for match in find_stages(text)] == stages


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("the Netherlands", [("country", "NL")]),
        ("USA and the UK", [("country", "US"), ("country", "GB")]),
        ("send us a list", []),  # "us" the pronoun
        ("German", [("country", "DE")]),
        ("South Korea", [("country", "KR")]),
        ("Mexico City", [("city", "Mexico City")]),
        ("US-West", [("region", "us_west")]),
        ("Latin America", [("region", "latam")]),
        ("Europe", [("region", "europe")]),
        ("European Union", [("region", "eu")]),
        ("Côte d'Ivoire", [("country", "CI")]),
    ],
)
def test_place_phrases(text: str, places: list[tuple[str, str]]) -> None:
    assert [tuple(match.key) for match in find_places(text)] == places
