"""The rule-based planner reads the whole prompt: exclusions, free requirements, gazetteer
places, described roles, other languages, typos and acceptable use, each with its span."""

from __future__ import annotations

from typing import Any

import pytest

from research.planner.language import prepare
from research.planner.policy import violation
from research.planner.rules import RulesPlanner
from research.planner.types import (
    DraftPlan,
    NumericRange,
    PlanningRequest,
    PlanningTurn,
    PlanRejection,
)
from research.text import folded_words, normalize_text


async def _plan(*turns: str, **fields: Any) -> DraftPlan:
    history: list[PlanningTurn] = []
    for index, text in enumerate(turns):
        if index:
            history.append(PlanningTurn(role="assistant", kind="plan", content="(plan)"))
        history.append(PlanningTurn(role="user", content=text))
    return await RulesPlanner().plan(PlanningRequest(turns=history, **fields))


def _spans(plan: DraftPlan) -> dict[tuple[str, str], str]:
    return {(p.field, p.value): p.span.text for p in plan.criteria.provenance}


async def test_a_negated_place_is_excluded_never_asked_for() -> None:
    plan = await _plan("Fintechs in France, but not ones in Paris")

    criteria = plan.criteria
    assert (criteria.industries, criteria.countries, criteria.cities) == (["fintech"], ["FR"], [])
    assert criteria.exclusions.cities == ["Paris"]
    assert "Paris" not in plan.title
    assert "not city=Paris" in plan.steps[-2].task  # the verify step says what is ruled out
    assert _spans(plan)[("exclusions.cities", "Paris")] == "Paris"


@pytest.mark.parametrize(
    ("prompt", "phrase"),
    [
        ("Crypto companies in Singapore except crypto exchanges", "crypto exchanges"),
        ("Healthtech in Spain, no digital pharmacies", "digital pharmacies"),
        ("Climate tech in the Netherlands other than solar installers", "solar installers"),
        ("Martech companies in the US without a freemium plan", "freemium plan"),
    ],
)
async def test_an_excluded_phrase_is_kept_as_written(prompt: str, phrase: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.exclusions.keywords == [phrase]
    assert phrase not in " ".join(plan.criteria.keywords)
    assert any(phrase in note for note in plan.criteria.notes)


async def test_a_size_bound_to_rule_out_is_an_exclusion_not_a_filter() -> None:
    plan = await _plan("SaaS companies in Canada, no companies above 500 employees")

    assert plan.criteria.thresholds == []
    assert plan.criteria.exclusions.thresholds == [NumericRange(metric="employees", min=501)]


async def test_a_list_continues_an_exclusion() -> None:
    plan = await _plan("Fintechs in Europe except the UK and Switzerland")

    assert plan.criteria.regions == ["europe"]
    assert plan.criteria.exclusions.countries == ["GB", "CH"]
    assert plan.criteria.countries == []


async def test_asking_again_for_an_excluded_place_lifts_the_exclusion() -> None:
    plan = await _plan("Fintechs in France, but not in Paris", "also Paris")

    assert plan.criteria.cities == ["Paris"]
    assert plan.criteria.exclusions.cities == []


async def test_a_claim_no_table_holds_becomes_a_requirement_with_a_note_and_its_span() -> None:
    prompt = "Retail chains in Ohio with more than 3 locations that are B Corp certified"
    plan = await _plan(prompt)

    criteria = plan.criteria
    assert [r.text for r in criteria.requirements] == [
        "more than 3 locations",
        "B Corp certified",
    ]
    assert "locations" in criteria.requirements[0].terms
    assert criteria.keywords == ["Retail chains"]
    assert (criteria.subdivisions, criteria.countries) == (["US-OH"], ["US"])
    assert any("more than 3 locations" in note for note in criteria.notes)
    assert any('"Retail chains" is not one of the planner' in note for note in criteria.notes)
    span = next(p.span for p in criteria.provenance if p.value == "more than 3 locations")
    assert prompt[span.start : span.end] == "more than 3 locations"
    assert "Retail chains in Ohio" in plan.title


async def test_a_place_inside_a_claim_is_part_of_the_claim() -> None:
    plan = await _plan("Furniture makers in Vietnam exporting to the US")

    assert plan.criteria.countries == ["VN"]
    assert [r.text for r in plan.criteria.requirements] == ["exporting to the US"]


async def test_revenue_is_a_requirement_not_a_funding_threshold() -> None:
    plan = await _plan("Ecommerce brands in Australia with revenue above $10M")

    assert plan.criteria.thresholds == []
    assert [r.text for r in plan.criteria.requirements] == ["revenue above $10M"]


@pytest.mark.parametrize(
    ("prompt", "subdivisions", "countries", "cities"),
    [
        ("Biotech firms in North Carolina and Pennsylvania", ["US-NC", "US-PA"], ["US"], []),
        ("Govtech vendors in British Columbia and Alberta", ["CA-BC", "CA-AB"], ["CA"], []),
        ("Hotels in Bavaria with a spa", ["DE-BY"], ["DE"], []),
        ("Construction companies in Lagos", [], ["NG"], ["Lagos"]),
        ("Design agencies in Leeds", [], ["GB"], ["Leeds"]),
    ],
)
async def test_places_come_from_the_gazetteer(
    prompt: str, subdivisions: list[str], countries: list[str], cities: list[str]
) -> None:
    criteria = (await _plan(prompt)).criteria

    assert (criteria.subdivisions, criteria.countries, criteria.cities) == (
        subdivisions,
        countries,
        cities,
    )


async def test_part_of_a_country_is_the_country_and_a_requirement() -> None:
    plan = await _plan("Agtech startups in northern Italy")

    assert plan.criteria.countries == ["IT"]
    assert [r.text for r in plan.criteria.requirements] == ["based in northern Italy"]


@pytest.mark.parametrize(
    ("prompt", "seniority", "function"),
    [
        ("Series B fintechs in Germany, get me whoever runs engineering", "head", "engineering"),
        ("Insurtechs in France and the person in charge of revenue", "head", "sales"),
        ("Gaming studios in Finland and whoever heads up product", "head", "product"),
        ("Logistics companies in Mexico; find the top sales person", "head", "sales"),
    ],
)
async def test_roles_described_in_other_words(prompt: str, seniority: str, function: str) -> None:
    roles = (await _plan(prompt)).criteria.roles

    assert [(r.seniority, r.function) for r in roles] == [(seniority, function)]


@pytest.mark.parametrize(
    ("prompt", "industry", "country", "stages", "title"),
    [
        (
            "Fintechs en France, série A, avec le directeur technique",
            "fintech",
            "FR",
            ["series_a"],
            "Chief Technology Officer",
        ),
        (
            "Logistik-Startups in Österreich, bitte den Geschäftsführer",
            "logistics",
            "AT",
            [],
            "Chief Executive Officer",
        ),
        (
            "Fintechs en España, serie A, con el director de tecnología",
            "fintech",
            "ES",
            ["series_a"],
            "Chief Technology Officer",
        ),
    ],
)
async def test_other_languages(
    prompt: str, industry: str, country: str, stages: list[str], title: str
) -> None:
    criteria = (await _plan(prompt)).criteria

    assert (criteria.industries, criteria.countries, criteria.stages) == (
        [industry],
        [country],
        stages,
    )
    assert [role.title for role in criteria.roles] == [title]


async def test_typos_are_corrected_and_spans_point_at_what_the_user_typed() -> None:
    prompt = "seris b fintechs in germny w/ 100+ ppl"
    plan = await _plan(prompt)

    criteria = plan.criteria
    assert (criteria.industries, criteria.countries, criteria.stages) == (
        ["fintech"],
        ["DE"],
        ["series_b"],
    )
    assert criteria.thresholds == [NumericRange(metric="employees", min=100)]
    assert _spans(plan)[("countries", "DE")] == "germny"


def test_prepare_keeps_real_words_and_maps_every_character_back() -> None:
    prepared = prepare("robtics startups in swtizerland, the ceo pls")

    assert prepared.text == "Robotics startups in Switzerland, the ceo pls"
    start = prepared.text.index("Switzerland")
    assert prepared.source(start, start + len("Switzerland")) == "swtizerland"
    assert prepare("Mobile apps for restaurants").text == "Mobile apps for restaurants"


@pytest.mark.parametrize(
    "prompt",
    [
        "Find employees at fintechs in Paris who are pregnant so we can avoid hiring them",
        "List engineers at SaaS companies in Berlin who are Muslim",
        "Build a blocklist of people who sued their former employers",
        "Find staff at Dutch banks who are members of a trade union",
    ],
)
async def test_prompts_against_acceptable_use_are_refused_with_the_reason(prompt: str) -> None:
    with pytest.raises(PlanRejection) as rejected:
        await _plan(prompt)

    assert "acceptable use policy" in rejected.value.message
    assert rejected.value.missing == ["acceptable_use"]


@pytest.mark.parametrize(
    "prompt",
    [
        "Women-led fintechs in Nigeria, CEO only",
        "Black-owned restaurants in Atlanta",
        "B Corp certified food brands in the UK",
        "Fintechs in Asian markets; pull the CTO",
    ],
)
async def test_company_attributes_buyers_target_are_not_refusals(prompt: str) -> None:
    assert violation(prompt) is None
    plan = await _plan(prompt)
    assert plan.criteria.requirements or plan.criteria.roles


async def test_vague_prompts_are_still_rejected() -> None:
    for prompt in ("Find leads", "Get me some good companies", "asdf", "What can you do?"):
        with pytest.raises(PlanRejection):
            await _plan(prompt)


def test_one_text_normalization_serves_prompts_and_pages() -> None:
    assert normalize_text("Fintechs in the U.S.") == "Fintechs in the US"
    assert folded_words("Co-Founder & CEO, U.S.") == "co founder and ceo us"


@pytest.mark.parametrize(
    ("prompt", "countries", "subdivisions", "cities"),
    [
        ("Breweries in Portland, Oregon", ["US"], [], ["Portland"]),
        ("Hotels in Paris, Texas", ["US"], [], ["Paris"]),
        ("Cafes in Springfield, IL", ["US"], [], ["Springfield"]),
        ("Utilities in Georgia, USA", ["US"], ["US-GA"], []),
        (
            "Mobility companies in Ohio, Michigan and Indiana",
            ["US"],
            ["US-OH", "US-MI", "US-IN"],
            [],
        ),
        ("Fintechs in France, Germany", ["FR", "DE"], [], []),
    ],
)
async def test_a_place_qualified_by_its_state_or_country_is_one_place(
    prompt: str, countries: list[str], subdivisions: list[str], cities: list[str]
) -> None:
    criteria = (await _plan(prompt)).criteria

    assert (criteria.countries, criteria.subdivisions, criteria.cities) == (
        countries,
        subdivisions,
        cities,
    )
    assert not any(k in ("IL", "USA", "Texas", "Oregon") for k in criteria.keywords)


async def test_cities_named_in_another_language_are_the_same_cities() -> None:
    plan = await _plan("Logistics startups in München and Köln, not in Genf")

    assert plan.criteria.cities == ["Munich", "Cologne"]
    assert plan.criteria.exclusions.cities == ["Geneva"]


async def test_the_nations_of_the_uk_are_subdivisions_of_it() -> None:
    criteria = (await _plan("Veterinary practices in Scotland and Wales")).criteria

    assert criteria.countries == ["GB"]
    assert criteria.subdivisions == ["GB-SCT", "GB-WLS"]


async def test_a_thousands_separator_does_not_cut_a_claim() -> None:
    plan = await _plan("Open-source databases with more than 20,000 GitHub stars")

    assert [r.text for r in plan.criteria.requirements] == ["more than 20,000 GitHub stars"]


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        ("Breweries in Ohio, pull the head of quality", "Head of Quality"),
        ("Animation companies in Montreal and the studio head", "Studio Head"),
    ],
)
async def test_a_ranked_title_in_lower_case_after_the_is_a_role(prompt: str, title: str) -> None:
    roles = (await _plan(prompt)).criteria.roles

    assert [r.title for r in roles] == [title]
    assert roles[0].seniority == "head"


async def test_a_spanish_prompt_sharing_words_with_dutch_is_read_as_spanish() -> None:
    roles = (await _plan("Empresas de software en Chile, el director de ventas")).criteria.roles

    assert [(r.seniority, r.function) for r in roles] == [("head", "sales")]


async def test_a_claim_keeps_the_noun_it_is_about() -> None:
    criteria = (await _plan("Payroll providers in Spain that sell to enterprises")).criteria

    assert [r.text for r in criteria.requirements] == ["sell to enterprises"]
    assert criteria.keywords == ["Payroll providers"]


async def test_a_plural_of_an_english_word_is_not_corrected_into_a_facet() -> None:
    criteria = (await _plan("Pharma companies in Spain, not generics makers")).criteria

    assert criteria.exclusions.keywords == ["generics makers"]


async def test_possessives_alone_are_no_audience() -> None:
    with pytest.raises(PlanRejection):
        await _plan("Show me your best prospects")


@pytest.mark.parametrize(
    ("prompt", "refused"),
    [
        ("Logistics companies in Texas with a unionized workforce", False),
        ("Drivers at trucking firms in Ohio who are unionized", True),
        ("Employees with unionized status at fintechs", True),
    ],
)
def test_a_unionized_workforce_describes_companies_not_people(prompt: str, refused: bool) -> None:
    reason = violation(prompt)

    assert (reason is not None) is refused
    if refused:
        assert reason is not None and "union membership" in reason
