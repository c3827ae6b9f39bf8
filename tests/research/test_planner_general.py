"""The rule-based planner reads prompts as a careful person would, whatever the vocabulary:
negations in every grammatical form, kinds of business that are not sectors, described
roles, claims about the companies, and places no table holds. Nothing the prompt asks for or
rules out is dropped without a note."""

from __future__ import annotations

import pytest

from research.planner.policy import violation
from research.planner.rules import RulesPlanner
from research.planner.types import DraftPlan, PlanningRequest, PlanningTurn, PlanRejection


async def _plan(prompt: str) -> DraftPlan:
    request = PlanningRequest(turns=[PlanningTurn(role="user", content=prompt)])
    return await RulesPlanner().plan(request)


@pytest.mark.parametrize(
    ("prompt", "city"),
    [
        ("Gaming studios in Canada that aren't in Vancouver", "Vancouver"),
        ("Fintechs in Spain that are not in Madrid", "Madrid"),
        ("Edtech companies in Germany which isn't based in Berlin", "Berlin"),
    ],
)
async def test_a_contracted_negation_rules_a_place_out(prompt: str, city: str) -> None:
    plan = await _plan(prompt)

    assert city not in plan.criteria.cities
    assert plan.criteria.exclusions.cities == [city]


async def test_never_rules_out_what_follows() -> None:
    plan = await _plan("SaaS companies in Japan, never anything publicly traded")

    assert plan.criteria.stages == []
    assert plan.criteria.exclusions.stages == ["public"]


async def test_a_negated_claim_is_an_exclusion_not_a_requirement() -> None:
    plan = await _plan("Software companies in Ireland that don't sell to consumers")

    assert plan.criteria.requirements == []
    assert plan.criteria.exclusions.keywords == ["sell to consumers"]
    assert any("sell to consumers" in note for note in plan.criteria.notes)


async def test_a_negation_that_waives_a_need_rules_nothing_out() -> None:
    plan = await _plan("Fintechs in France with the CFO; we don't need emails")

    assert plan.criteria.exclusions.is_empty()
    assert plan.criteria.industries == ["fintech"]


@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        ("Solar installers in Arizona", "Solar installers"),
        ("Insurance brokers in Texas", "Insurance brokers"),
        ("Crypto exchanges in South Korea", "Crypto exchanges"),
        ("Healthcare staffing agencies in Ohio", "Healthcare staffing agencies"),
        ("Hospitals in Texas", "Hospitals"),
    ],
)
async def test_a_kind_of_business_is_the_audience_not_its_sector(prompt: str, kind: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.industries == []
    assert plan.criteria.keywords == [kind]
    assert any(kind in note for note in plan.criteria.notes)


@pytest.mark.parametrize(
    ("prompt", "industry"),
    [
        ("Solar companies in Spain", "climate"),
        ("Gaming studios in Poland", "gaming"),
        ("Insurtechs across the DACH region", "insurtech"),
        ("Insurance companies in Bermuda", "insurtech"),
        ("Logistics providers in Vietnam", "logistics"),
    ],
)
async def test_a_sector_with_a_company_noun_is_the_sector(prompt: str, industry: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.industries == [industry]


@pytest.mark.parametrize(
    ("prompt", "industry"),
    [
        ("Food startups in Italy", "foodtech"),
        ("Legal startups in the UK", "legaltech"),
        ("Real estate startups in Dubai", "proptech"),
        ("Travel start-ups in Thailand", "traveltech"),
    ],
)
async def test_a_startup_in_a_sector_is_that_sectors_tech(prompt: str, industry: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.industries == [industry]
    assert plan.criteria.keywords == []


async def test_the_words_before_a_sector_startup_stay_a_keyword() -> None:
    plan = await _plan("Plant-based food startups in the Netherlands")

    assert plan.criteria.industries == ["foodtech"]
    assert plan.criteria.keywords == ["Plant-based"]


@pytest.mark.parametrize(
    ("prompt", "seniority", "function"),
    [
        ("Fintechs in Berlin, get me whoever handles finance", "head", "finance"),
        ("Healthtech in Germany; the person heading up finance", "head", "finance"),
        ("SaaS in Denmark, someone who looks after partnerships", "head", "sales"),
        ("SaaS companies in Toronto; the most senior marketing person", "head", "marketing"),
        ("Agencies in Paris and their marketing boss", "head", "marketing"),
        ("Edtech in Spain; engineering leadership", "head", "engineering"),
        ("Cybersecurity in Israel, the security chief", "head", "security"),
        ("Mobility startups in Munich; the head of the company", "c_level", "executive"),
        ("Fintechs in Lisbon; whoever runs the business", "c_level", "executive"),
        ("SaaS companies in Berlin, the Chief Executive", "c_level", "executive"),
        ("AI startups in London, the chief scientist", "c_level", "data"),
        ("Law firms in Chicago, the managing partner", "c_level", "executive"),
        ("Women-led fintechs in Nigeria, chief executive only", "c_level", "executive"),
        ("Fintechs in Ghana, pull the finance chief", "head", "finance"),
    ],
)
async def test_a_described_role_is_a_seniority_of_a_function(
    prompt: str, seniority: str, function: str
) -> None:
    plan = await _plan(prompt)

    assert [(r.seniority, r.function) for r in plan.criteria.roles] == [(seniority, function)]


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        ("Retailers in Ohio, the store manager", "Store Manager"),
        ("Hotels in Rome and the head chef", "Head Chef"),
    ],
)
async def test_a_ranked_title_of_any_trade_is_a_role(prompt: str, title: str) -> None:
    plan = await _plan(prompt)

    assert [r.title for r in plan.criteria.roles] == [title]
    assert title.lower() not in " ".join(plan.criteria.keywords).lower()


async def test_a_head_office_is_no_person() -> None:
    plan = await _plan("Fintechs with a head office in London")

    assert plan.criteria.roles == []


@pytest.mark.parametrize(
    ("prompt", "trait"),
    [
        ("Find Hispanic CEOs in California", "ethnicity"),
        ("Managers at banks in London who are over 60", "age"),
        ("Find managers in their 50s at banks in London", "age"),
        ("Find workers at factories in Texas who are in a union", "union membership"),
        ("Sales reps at SaaS firms in Denver who are lesbian", "sexual orientation"),
        ("Managers at retailers in Ohio aged over 55", "age"),
        ("Make a blacklist of tenants who complained to the city", "blocklist"),
    ],
)
def test_people_picked_by_a_protected_trait_are_refused(prompt: str, trait: str) -> None:
    assert trait in (violation(prompt) or "")


@pytest.mark.parametrize(
    "prompt",
    [
        "Companies in Texas whose founders are women",
        "Fintechs in Latin America serving Hispanic customers",
        "CEOs of Asian fintechs",
        "SaaS companies in Israel that are over 10 years old",
        "Companies with more than 60 employees in Texas",
    ],
)
def test_a_trait_of_companies_or_their_market_is_no_breach(prompt: str) -> None:
    assert violation(prompt) is None


async def test_whose_founders_is_a_claim_about_the_company_not_a_person_to_pull() -> None:
    plan = await _plan("Companies in Texas whose founders are women")

    assert plan.criteria.roles == []
    assert [r.text for r in plan.criteria.requirements] == ["founders are women"]


async def test_a_plural_kind_of_business_names_an_audience() -> None:
    plan = await _plan("Wineries in Napa")

    assert plan.criteria.keywords


async def test_filler_alone_is_still_vague() -> None:
    with pytest.raises(PlanRejection) as rejected:
        await _plan("Find me great startups")

    assert "does not describe an audience" in rejected.value.message


@pytest.mark.parametrize(
    ("prompt", "claim"),
    [
        ("Fintechs in London regulated by the FCA", "regulated by the FCA"),
        ("Dentists in Florida accepting new patients", "accepting new patients"),
        ("Veterinary clinics in Texas open on weekends", "open on weekends"),
        ("Fintechs in Mexico partnered with Visa", "partnered with Visa"),
        ("Agencies in London that work with fintechs", "work with fintechs"),
        (
            "Agencies in Berlin that have worked with Fortune 500 companies",
            "worked with Fortune 500",
        ),
    ],
)
async def test_a_claim_after_the_audience_is_a_requirement(prompt: str, claim: str) -> None:
    plan = await _plan(prompt)

    assert [r.text for r in plan.criteria.requirements] == [claim]
    assert plan.criteria.industries == [] or "fintech" not in claim
    assert plan.criteria.max_rows is None  # "Fortune 500 companies" counts no rows


async def test_a_product_the_companies_integrate_with_is_a_claim_not_their_stack() -> None:
    integrate = await _plan("SaaS companies in Spain that integrate with Salesforce")
    stack = await _plan("E-commerce stores in Canada using Shopify")

    assert integrate.criteria.technologies == []
    assert [r.text for r in integrate.criteria.requirements] == ["integrate with Salesforce"]
    assert stack.criteria.technologies == ["Shopify"]
    assert stack.criteria.industries == ["ecommerce"]


async def test_a_date_window_after_an_event_other_than_funding_dates_that_event() -> None:
    acquired = await _plan("Cybersecurity companies in Israel acquired in the last two years")
    raised = await _plan("Spacetech companies in France that raised in the last 12 months")

    assert acquired.criteria.funded_within_months is None
    assert [r.text for r in acquired.criteria.requirements] == ["acquired in the last two years"]
    assert raised.criteria.funded_within_months == 12
    assert raised.criteria.requirements == []


async def test_a_ranking_name_before_a_number_is_no_row_count() -> None:
    ranked = await _plan("Suppliers in Ohio selling to Fortune 500 companies")
    counted = await _plan("Top 50 companies in Paris")

    assert ranked.criteria.max_rows is None
    assert counted.criteria.max_rows == 50


@pytest.mark.parametrize(
    ("prompt", "facets", "claim"),
    [
        ("Companies in southern California", {"subdivisions": ["US-CA"]}, "southern California"),
        ("Fintechs in West Africa", {"regions": ["africa"]}, "West Africa"),
        ("Startups in East Asia", {"regions": ["apac"]}, "East Asia"),
        ("Agtech startups in northern Italy", {"countries": ["IT"]}, "northern Italy"),
    ],
)
async def test_part_of_a_known_place_is_that_place_and_a_claim(
    prompt: str, facets: dict[str, list[str]], claim: str
) -> None:
    plan = await _plan(prompt)

    criteria = plan.criteria.model_dump()
    assert {name: criteria[name] for name in facets} == facets
    assert [r.text for r in plan.criteria.requirements] == [f"based in {claim}"]


@pytest.mark.parametrize(
    "prompt",
    ["Fintechs in South Africa", "SaaS in North Carolina", "Retailers in Western Australia"],
)
async def test_a_place_named_with_a_direction_is_that_place(prompt: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.requirements == []
    assert plan.criteria.countries


async def test_a_greater_city_is_the_city() -> None:
    plan = await _plan("Startups in the Greater Toronto Area")

    assert (plan.criteria.cities, plan.criteria.keywords) == (["Toronto"], [])


@pytest.mark.parametrize(
    ("prompt", "keyword", "claim"),
    [
        ("Hotels in Crete with a rooftop bar", "Hotels", "in Crete"),
        ("Surf schools in the Algarve", "Surf schools", "in the Algarve"),
        ("Breweries in Flanders", "Breweries", "in Flanders"),
    ],
)
async def test_a_place_no_table_holds_is_a_claim_not_part_of_the_audience(
    prompt: str, keyword: str, claim: str
) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.keywords == [keyword]
    assert claim in [r.text for r in plan.criteria.requirements]
    assert any(claim in note for note in plan.criteria.notes)


async def test_an_unknown_region_glossed_by_its_states_is_those_states() -> None:
    plan = await _plan("Logistics vendors in the Midwest (Illinois, Ohio, Michigan)")

    assert plan.criteria.subdivisions == ["US-IL", "US-OH", "US-MI"]
    assert plan.criteria.requirements == []


@pytest.mark.parametrize(
    ("prompt", "industry", "seniority", "function"),
    [
        (
            "Startups de inteligencia artificial en Madrid con el director de ventas",
            "ai",
            "head",
            "sales",
        ),
        (
            "Empresas de videojuegos en Argentina, el responsable de marketing",
            "gaming",
            "head",
            "marketing",
        ),
        (
            "Startups d'intelligence artificielle à Paris, le directeur des ventes",
            "ai",
            "head",
            "sales",
        ),
        ("Startups de l'immobilier à Lyon, le responsable produit", "proptech", "head", "product"),
        ("Immobilien-Startups in Berlin, bitte den Leiter Vertrieb", "proptech", "head", "sales"),
        ("KI-Firmen in Hamburg, den Produktleiter", "ai", "head", "product"),
        (
            "Empresas de tecnologia financiera en Colombia, el director de operaciones",
            "fintech",
            "c_level",
            "operations",
        ),
    ],
)
async def test_sectors_and_roles_in_other_languages(
    prompt: str, industry: str, seniority: str, function: str
) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.industries == [industry]
    assert [(r.seniority, r.function) for r in plan.criteria.roles] == [(seniority, function)]
    assert plan.criteria.keywords == []


@pytest.mark.parametrize(
    ("prompt", "industry"),
    [
        ("Versicherungsunternehmen in Deutschland mit mehr als 1000 Mitarbeitern", "insurtech"),
        ("Logistikunternehmen in der Schweiz", "logistics"),
        ("Softwarebedrijven in Amsterdam met meer dan 50 medewerkers", "saas"),
    ],
)
async def test_a_glued_compound_names_the_kind_of_company(prompt: str, industry: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.industries == [industry]
    assert plan.criteria.keywords == []


async def test_accents_do_not_collide_once_folded() -> None:
    plan = await _plan("Fintechs en France, série A, avec le directeur technique")

    assert plan.criteria.stages == ["series_a"]
    assert [r.function for r in plan.criteria.roles] == ["engineering"]


async def test_anywhere_but_rules_the_place_out() -> None:
    plan = await _plan("Pet insurance companies anywhere but the UK")

    assert plan.criteria.countries == []
    assert plan.criteria.exclusions.countries == ["GB"]


async def test_a_state_named_like_a_country_is_the_state_among_states() -> None:
    listed = await _plan("Cybersecurity vendors in the Southeast (Georgia, Florida, the Carolinas)")
    qualified = await _plan("Law firms in Atlanta, Georgia")
    abroad = await _plan("Startups in Georgia and Armenia")

    assert listed.criteria.subdivisions == ["US-GA", "US-FL"]
    assert listed.criteria.countries == ["US"]
    assert qualified.criteria.cities == ["Atlanta"]
    assert qualified.criteria.countries == ["US"]
    assert abroad.criteria.countries == ["GE", "AM"]


async def test_a_verb_that_only_leads_into_a_facet_adds_nothing() -> None:
    plan = await _plan("Agtech startups in Ghana and Senegal that closed a pre-seed round")

    assert plan.criteria.stages == ["pre_seed"]
    assert (plan.criteria.requirements, plan.criteria.keywords) == ([], [])


async def test_sign_offs_and_brief_labels_are_no_audience_words() -> None:
    plan = await _plan(
        "Hey, can you find me some climate tech startups in Portugal? Under 15 people. Cheers!"
    )
    brief = await _plan("Target accounts: fintechs in Spain. Persona: CFO. Buyer: CFO.")

    assert plan.criteria.keywords == []
    assert brief.criteria.keywords == []


async def test_actively_recruiting_a_role_is_a_hiring_signal() -> None:
    plan = await _plan("Edtech startups in Lagos that are actively recruiting engineers")

    assert plan.criteria.roles == []
    assert plan.criteria.hiring == ["Engineer"]
    assert plan.criteria.requirements == []


async def test_a_money_range_joined_by_and_is_one_range() -> None:
    funding = await _plan("Startups in Israel that raised between $5M and $15M")
    revenue = await _plan("SaaS in Germany with revenue between €5M and €20M")

    assert [(t.min, t.max) for t in funding.criteria.thresholds] == [(5_000_000, 15_000_000)]
    assert revenue.criteria.thresholds == []
    assert [r.text for r in revenue.criteria.requirements] == ["revenue between €5M and €20M"]


async def test_a_claim_keeps_its_bound() -> None:
    plan = await _plan("Restaurants in Chicago with at least 2 locations")

    assert [r.text for r in plan.criteria.requirements] == ["at least 2 locations"]


def test_a_field_of_health_a_company_works_in_is_no_breach() -> None:
    assert (
        violation("Healthtech startups in Berlin excluding those focused on mental health") is None
    )
    assert violation("Staff at hospitals in Paris with depression")


async def test_a_typo_between_two_words_goes_to_the_one_it_starts_like() -> None:
    plan = await _plan("insurtek startups in singapur")

    assert (plan.criteria.industries, plan.criteria.countries) == (["insurtech"], ["SG"])


async def test_every_phrase_listed_after_a_negation_is_excluded() -> None:
    plan = await _plan("B2B SaaS in the UK, no agencies or consultancies")
    then = await _plan("Proptech in the US that are not brokerages and have raised a Series A")

    assert plan.criteria.exclusions.keywords == ["agencies", "consultancies"]
    assert plan.criteria.keywords == ["B2B"]
    assert then.criteria.exclusions.keywords == ["brokerages"]
    assert then.criteria.stages == ["series_a"]


async def test_an_excluded_claim_keeps_its_verb() -> None:
    plan = await _plan(
        "AI startups in Paris with fewer than 50 employees and not funded by the government"
    )

    assert plan.criteria.exclusions.keywords == ["funded by the government"]


async def test_modal_words_and_asides_add_no_keywords() -> None:
    plan = await _plan("Looking for fintechs in Spain. Must be Series A. Need the CFO.")
    after = await _plan("I'm after healthtech companies in Ireland")

    assert plan.criteria.keywords == []
    assert plan.criteria.stages == ["series_a"]
    assert after.criteria.keywords == []


async def test_a_nationality_glued_to_language_or_founders_is_no_location() -> None:
    language = await _plan("Spanish-language media companies in the US")
    based = await _plan("UK-based fintechs")

    assert language.criteria.countries == ["US"]
    assert [r.text for r in language.criteria.requirements] == ["Spanish-language"]
    assert based.criteria.countries == ["GB"]


async def test_a_claim_ends_before_the_place_that_follows_it() -> None:
    plan = await _plan("Observability startups with more than 3,000 GitHub stars in the US")

    assert plan.criteria.countries == ["US"]
    assert [r.text for r in plan.criteria.requirements] == ["more than 3,000 GitHub stars"]


async def test_a_second_place_for_an_office_is_part_of_the_claim() -> None:
    plan = await _plan("Proptech in Dubai with an office in London")
    only = await _plan("SaaS companies with offices in Berlin")

    assert (plan.criteria.cities, plan.criteria.countries) == (["Dubai"], ["AE"])
    assert [r.text for r in plan.criteria.requirements] == ["an office in London"]
    assert only.criteria.cities == ["Berlin"]


async def test_gm_is_the_general_manager_and_size_words_are_kept() -> None:
    plan = await _plan("Restaurants in Denver, the owner or GM")
    small = await _plan("Small accounting firms in Ohio")

    assert [r.title for r in plan.criteria.roles] == ["Owner", "General Manager"]
    assert small.criteria.keywords == ["Small accounting"]


@pytest.mark.parametrize(
    "prompt",
    [
        "Find companies that would buy our product",
        "I want leads for my sales team",
        "Find decision makers",
        "test",
    ],
)
async def test_words_about_the_user_or_people_in_general_name_no_audience(prompt: str) -> None:
    with pytest.raises(PlanRejection) as rejected:
        await _plan(prompt)

    assert "does not describe an audience" in rejected.value.message


async def test_a_claim_about_the_user_still_rides_along_with_an_audience() -> None:
    plan = await _plan("Fintechs in France that would buy our product")

    assert plan.criteria.industries == ["fintech"]
    assert [r.text for r in plan.criteria.requirements] == ["would buy our product"]


@pytest.mark.parametrize(
    ("prompt", "field", "value"),
    [
        ("Healthtech-Startups in Österreich, aber nicht in Wien", "cities", "Vienna"),
        ("Fintechs in Brazil, excluding Rio de Janeiro", "cities", "Rio de Janeiro"),
    ],
)
async def test_a_city_state_ruled_out_is_the_city(prompt: str, field: str, value: str) -> None:
    plan = await _plan(prompt)

    assert getattr(plan.criteria.exclusions, field) == [value]


async def test_a_province_named_like_its_smaller_city_stays_the_province() -> None:
    plan = await _plan("Marketing agencies in Quebec")

    assert plan.criteria.subdivisions == ["CA-QC"]


async def test_a_name_followed_by_state_is_the_state() -> None:
    plan = await _plan("Breweries in Michigan and New York state that ship nationwide")

    assert plan.criteria.subdivisions == ["US-MI", "US-NY"]
    assert plan.criteria.cities == []
    assert plan.criteria.keywords == ["Breweries"]


async def test_funding_inside_a_claim_is_part_of_it() -> None:
    plan = await _plan("Energy startups in Texas with DOE funding")
    column = await _plan("Fintechs in France, add funding")

    assert [r.text for r in plan.criteria.requirements] == ["DOE funding"]
    assert plan.criteria.enrich_dimensions == []
    assert column.criteria.enrich_dimensions == ["funding"]


async def test_the_head_of_a_two_word_area_is_a_role() -> None:
    plan = await _plan("Marketing agencies in Dublin and the head of client services")

    assert [r.title for r in plan.criteria.roles] == ["Head of Client Services"]


async def test_an_english_prompt_mixing_in_french_keeps_its_negation() -> None:
    plan = await _plan(
        "Find Healthtech startups in France, série B, pas à Paris, le directeur médical"
    )

    assert plan.criteria.cities == []
    assert plan.criteria.exclusions.cities == ["Paris"]
    assert [r.title for r in plan.criteria.roles] == ["Chief Medical Officer"]


async def test_names_with_foreign_words_stay_names() -> None:
    paso = await _plan("Startups in El Paso and LA with the CTO")
    rio = await _plan("Find fintechs in Rio de Janeiro and São Paulo")

    assert sorted(paso.criteria.cities) == ["El Paso", "Los Angeles"]
    assert sorted(rio.criteria.cities) == ["Rio de Janeiro", "São Paulo"]


async def test_established_is_founded() -> None:
    plan = await _plan("Cybersecurity startups in the Nordics established after 2018")

    assert [(t.metric, t.min) for t in plan.criteria.thresholds] == [("founded_year", 2019)]
    assert plan.criteria.requirements == []


async def test_recruiting_is_hiring_unless_it_names_a_business() -> None:
    signal = await _plan("Which Series A fintechs in Kenya are recruiting, and who is their CTO?")
    roles = await _plan("Gaming companies in Poland recruiting Unity developers")
    business = await _plan("Recruiting agencies in London")

    assert signal.criteria.hiring == ["any"]
    assert roles.criteria.hiring == ["Developer"]
    assert roles.criteria.requirements == []
    assert business.criteria.hiring == []
    assert business.criteria.keywords == ["Recruiting agencies"]


async def test_a_round_named_by_its_letter_is_that_series() -> None:
    plan = await _plan("Fintechs in Paris that raised an A round")

    assert plan.criteria.stages == ["series_a"]
    assert plan.criteria.requirements == []


@pytest.mark.parametrize(
    ("prompt", "field", "excluded"),
    [
        ("Fintechs in Europe, Germany and France excluded", "countries", ["DE", "FR"]),
        ("Fintechs in LATAM, Brazil aside", "countries", ["BR"]),
        ("AI companies in Canada barring Toronto", "cities", ["Toronto"]),
        ("SaaS in the Nordics save for Finland", "countries", ["FI"]),
        ("Edtech in Asia outside of China", "countries", ["CN"]),
        ("SaaS in France with the exception of Paris", "cities", ["Paris"]),
    ],
)
async def test_every_way_of_ruling_a_place_out_excludes_it(
    prompt: str, field: str, excluded: list[str]
) -> None:
    plan = await _plan(prompt)

    assert getattr(plan.criteria.exclusions, field) == excluded
    assert not set(excluded) & set(getattr(plan.criteria, field))


async def test_a_phrase_ruled_out_after_the_fact_is_excluded_as_written() -> None:
    plan = await _plan("Agencies in Berlin, freelancers excluded")

    assert plan.criteria.exclusions.keywords == ["freelancers"]
    assert plan.criteria.keywords == ["Agencies"]


@pytest.mark.parametrize(
    ("prompt", "claim"),
    [
        ("Companies like Stripe in Europe", "like Stripe"),
        ("SaaS companies like HubSpot and Pipedrive in the UK", "like HubSpot and Pipedrive"),
        ("Competitors of Salesforce in France", "Competitors of Salesforce"),
    ],
)
async def test_companies_named_as_a_model_are_a_lookalike_claim(prompt: str, claim: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.technologies == []
    assert [r.text for r in plan.criteria.requirements] == [claim]


async def test_would_like_asks_for_people_not_lookalikes() -> None:
    plan = await _plan("Fintechs in Berlin, I'd like CTO and CFO")

    assert [r.title for r in plan.criteria.roles] == [
        "Chief Technology Officer",
        "Chief Financial Officer",
    ]
    assert plan.criteria.requirements == []


@pytest.mark.parametrize(
    ("prompt", "industries", "keywords"),
    [
        ("I sell cybersecurity training: get me banks in Canada", [], ["banks"]),
        ("My company makes HR software; find logistics firms in Texas", ["logistics"], []),
        ("We're a payroll provider - find agencies in Ohio", [], ["agencies"]),
    ],
)
async def test_what_the_user_makes_or_is_describes_the_user_not_the_audience(
    prompt: str, industries: list[str], keywords: list[str]
) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.industries == industries
    assert plan.criteria.keywords == keywords


async def test_who_the_user_sells_to_can_be_the_audience() -> None:
    plan = await _plan("We sell to fintechs in France; find their CFOs")

    assert (plan.criteria.industries, plan.criteria.countries) == (["fintech"], ["FR"])


@pytest.mark.parametrize(
    ("prompt", "facets"),
    [
        ("Cybersecurity companies in DE", {"countries": ["DE"], "subdivisions": []}),
        ("Biotech companies in MA and NC", {"subdivisions": ["US-MA", "US-NC"]}),
        ("Biotech in the US, in GA", {"subdivisions": ["US-GA"]}),
        ("Retailers in TX", {"subdivisions": ["US-TX"]}),
        ("Fintechs in FR, Series B", {"countries": ["FR"]}),
    ],
)
async def test_a_place_written_as_its_code_is_that_place(
    prompt: str, facets: dict[str, list[str]]
) -> None:
    plan = await _plan(prompt)

    criteria = plan.criteria.model_dump()
    assert {name: criteria[name] for name in facets} == facets
    assert plan.criteria.requirements == []


async def test_a_field_of_work_in_capitals_is_no_country_code() -> None:
    plan = await _plan("Startups in AI in Berlin")

    assert plan.criteria.countries == ["DE"]
    assert "ai" in plan.criteria.industries


@pytest.mark.parametrize(
    ("prompt", "region"),
    [
        ("Fintechs across Southeast Asia", "sea"),
        ("Edtech companies across ANZ", "anz"),
        ("Wineries in Iberia", "iberia"),
        ("Proptech in the GCC", "gcc"),
    ],
)
async def test_a_named_region_is_that_region(prompt: str, region: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.regions == [region]
    assert plan.criteria.requirements == []


@pytest.mark.parametrize(
    ("prompt", "bound"),
    [
        ("Robotics startups with at least two hundred employees", 200),
        ("Agencies with at least one hundred and fifty staff", 150),
        ("SaaS companies with at least twenty-five employees", 25),
    ],
)
async def test_a_count_spelled_in_several_words_is_one_number(prompt: str, bound: int) -> None:
    plan = await _plan(prompt)

    assert [(t.metric, t.min) for t in plan.criteria.thresholds] == [("employees", bound)]


async def test_french_initials_for_a_role_are_that_role() -> None:
    plan = await _plan("Entreprises de cybersécurité à Lyon, avec le DSI et le RSSI")

    assert sorted(role.function for role in plan.criteria.roles) == ["it", "security"]


async def test_an_exclusion_in_another_language_keeps_the_users_words() -> None:
    plan = await _plan("Entreprises de cybersécurité à Lyon, sauf les cabinets de conseil")

    assert plan.criteria.exclusions.keywords == ["cabinets de conseil"]


async def test_what_the_user_says_about_themselves_ends_where_the_request_starts() -> None:
    plan = await _plan(
        "we're a compliance automation startup, looking for regtech companies in the GCC"
    )

    assert plan.criteria.industries == ["regtech"]
    assert plan.criteria.regions == ["gcc"]


async def test_being_after_a_round_is_wanting_it() -> None:
    wanted = await _plan("I'm after Series A SaaS companies in the Nordics")
    later = await _plan("SaaS companies in the Nordics after Series A")

    assert wanted.criteria.stages == ["series_a"]
    assert "series_a" not in later.criteria.stages and "series_b" in later.criteria.stages


async def test_nobody_above_a_size_rules_the_size_out() -> None:
    plan = await _plan("Martech companies in Spain, and nobody with more than 200 staff")

    assert plan.criteria.thresholds == []
    assert [(t.metric, t.min) for t in plan.criteria.exclusions.thresholds] == [("employees", 201)]


@pytest.mark.parametrize(
    ("prompt", "city"),
    [
        ("Sociétés SaaS au Québec, sauf celles basées à Montréal", "Montreal"),
        ("Fintech-Startups in Deutschland, aber nicht die mit Sitz in Berlin", "Berlin"),
        ("Empresas de software en México, excepto las con sede en Monterrey", "Monterrey"),
    ],
)
async def test_a_place_ruled_out_by_where_companies_are_based_in_other_languages(
    prompt: str, city: str
) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.exclusions.cities == [city]


async def test_a_town_after_in_is_a_place_but_not_part_of_a_longer_name() -> None:
    town = await _plan("Wineries in Stellenbosch")
    valley = await _plan("Wineries in Napa Valley")

    assert (town.criteria.cities, town.criteria.countries) == (["Stellenbosch"], ["ZA"])
    assert valley.criteria.cities == []


def test_people_of_companies_picked_by_age_are_refused() -> None:
    reason = violation("Engineers at Austin startups who are over 50")

    assert reason is not None and "age" in reason
    assert violation("Startups in Austin that are over 50 employees strong") is None


def test_keeping_people_out_of_hiring_is_a_blocklist() -> None:
    reason = violation("Nurses in Ohio who complained, so we can keep them out of our hiring")

    assert reason is not None and "blocklist" in reason


async def test_a_head_of_an_area_named_like_an_industry_is_a_role() -> None:
    plan = await _plan("Retailers in France; head of e-commerce and head of sales")

    assert sorted(role.function for role in plan.criteria.roles)[-1] == "sales"
    assert len(plan.criteria.roles) == 2
    assert plan.criteria.industries == []


async def test_greetings_and_asking_in_other_languages_add_no_keywords() -> None:
    plan = await _plan(
        "Bonjour, nous cherchons des fintechs au Sénégal. Uniquement série A ou plus tard. "
        "Merci de cibler le directeur des opérations."
    )

    assert plan.criteria.keywords == []
    assert plan.criteria.stages[0] == "series_a" and "series_b" in plan.criteria.stages


@pytest.mark.parametrize(
    "prompt",
    [
        "Healthtech startups in India that raised at least 10 million dollars",
        "Healthtech startups in India that raised at least $10 million",
    ],
)
async def test_an_amount_reads_the_same_with_its_currency_before_or_after(prompt: str) -> None:
    plan = await _plan(prompt)

    assert [(t.metric, t.min) for t in plan.criteria.thresholds] == [
        ("funding_amount_usd", 10_000_000)
    ]


async def test_not_interested_in_rules_out_what_follows() -> None:
    plan = await _plan("Not interested in resellers. I need cybersecurity companies in India.")

    assert plan.criteria.exclusions.keywords == ["resellers"]


async def test_a_person_in_charge_of_an_area_no_table_names_is_its_head() -> None:
    plan = await _plan("Private hospitals in Bangkok; the person in charge of procurement")

    assert [role.title for role in plan.criteria.roles] == ["Head of Procurement"]


async def test_a_title_of_the_users_own_colleague_is_no_one_to_find() -> None:
    plan = await _plan("Forwarding from our AE: proptech in Lagos, get the COO")

    assert [role.function for role in plan.criteria.roles] == ["operations"]


def test_people_picked_by_caste_are_refused() -> None:
    reason = violation("Developers at Bangalore startups who are from a lower caste")

    assert reason is not None and "caste" in reason


async def test_a_line_saying_where_a_brief_came_from_adds_nothing() -> None:
    plan = await _plan(
        "From Slack:\ndevtools cos in Bangalore\nthe person who runs the platform team"
    )

    assert plan.criteria.technologies == []
    assert plan.criteria.keywords == []
    assert plan.criteria.cities == ["Bangalore"]


@pytest.mark.parametrize(
    ("prompt", "bounds"),
    [
        ("Plumbers in Ohio with somewhere between ten and fifty employees", (10, 50)),
        ("Agences immobilières en France avec plus de vingt salariés", (21, None)),
        ("Grupos de restaurantes en México con más de cien empleados", (101, None)),
    ],
)
async def test_counts_spelled_in_words_in_any_of_the_four_languages(
    prompt: str, bounds: tuple[int, int | None]
) -> None:
    plan = await _plan(prompt)

    (threshold,) = plan.criteria.thresholds
    assert (threshold.min, threshold.max) == bounds


@pytest.mark.parametrize(
    "prompt",
    [
        "We supply pastries wholesale to coffee shops. Find cafés in Portland, OR",
        "Agency here, we build websites for clinics. Find cafés in Portland, OR",
        "Nous sommes un fournisseur de viennoiseries. Je cherche des cafés à Portland (Oregon)",
    ],
)
async def test_what_the_writer_says_about_themselves_is_no_criterion(prompt: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.requirements == []
    assert [k.lower() for k in plan.criteria.keywords] == ["cafés"]
    assert plan.criteria.cities == ["Portland"]


async def test_a_plural_of_an_everyday_word_is_no_foreign_city_name() -> None:
    plan = await _plan("Delis in Chicago, IL that offer catering")

    assert plan.criteria.cities == ["Chicago"]


async def test_an_australian_state_code_after_a_city_says_which_city() -> None:
    plan = await _plan("Hair salons in Brisbane, QLD")

    assert (plan.criteria.cities, plan.criteria.subdivisions) == (["Brisbane"], [])
    assert plan.criteria.keywords == ["Hair salons"]


async def test_a_named_product_the_companies_use_is_their_stack() -> None:
    plan = await _plan("Yoga studios in Toronto, ON that use Mindbody")

    assert plan.criteria.technologies == ["Mindbody"]
    assert plan.criteria.requirements == []


async def test_a_founding_year_with_a_plus_is_that_year_or_later() -> None:
    plan = await _plan("AI startups in Toronto founded 2021+, seed or Series A")

    assert [(t.metric, t.min, t.max) for t in plan.criteria.thresholds] == [
        ("founded_year", 2021, None)
    ]


async def test_a_german_prompt_keeps_its_own_words_and_its_counts() -> None:
    plan = await _plan(
        "SaaS-Firmen in Nordrhein-Westfalen, Series B, mindestens 25 Entwickler, "
        "die gerade einstellen – Ansprechpartner: CTO"
    )

    assert [(t.metric, t.min) for t in plan.criteria.thresholds] == [("engineers", 25)]
    assert plan.criteria.hiring
    assert [role.function for role in plan.criteria.roles] == ["engineering"]
    assert plan.criteria.cities == []


async def test_a_french_region_is_a_place() -> None:
    plan = await _plan("Éditeurs SaaS en Île-de-France, série A")

    assert plan.criteria.subdivisions == ["FR-IDF"]


@pytest.mark.parametrize(
    "prompt",
    [
        "We're growing fast and need more meetings booked. Please find us people to talk to.",
        "Send me the same kind of list as last time, thanks.",
        "Who should our SDR team be calling next week?",
    ],
)
async def test_a_request_that_names_no_kind_of_business_is_vague(prompt: str) -> None:
    with pytest.raises(PlanRejection) as caught:
        await _plan(prompt)

    assert "does not describe an audience" in str(caught.value)


@pytest.mark.parametrize("prompt", ["Bakeries", "Independent bookstores", "Dental clinic chains"])
async def test_a_kind_of_business_alone_is_an_audience(prompt: str) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.keywords


async def test_a_company_with_a_female_founder_is_a_claim_about_the_company() -> None:
    plan = await _plan("Fintech startups in the UK with a female founder, but not in London")

    assert [r.text for r in plan.criteria.requirements] == ["a female founder"]
    assert plan.criteria.roles == []
    assert plan.criteria.exclusions.cities == ["London"]
    assert violation("Fintech startups in the UK with a female founder") is None


async def test_though_after_an_exclusion_is_not_part_of_it() -> None:
    plan = await _plan("Robotics startups in Denmark, not pre-seed though")

    assert plan.criteria.exclusions.stages == ["pre_seed"]
    assert plan.criteria.exclusions.keywords == []


@pytest.mark.parametrize(
    "prompt",
    [
        "Empresas fintech en Chile, sin empresas que coticen en bolsa",
        "Fintech-Unternehmen in Deutschland, keine börsennotierten Firmen",
        "Crypto companies in Switzerland, no public companies",
    ],
)
async def test_listed_companies_ruled_out_in_any_language_is_the_public_stage(
    prompt: str,
) -> None:
    plan = await _plan(prompt)

    assert plan.criteria.exclusions.stages == ["public"]


async def test_a_small_town_with_a_short_name_is_a_place() -> None:
    plan = await _plan("Crypto companies in Switzerland, not in Zug")

    assert plan.criteria.exclusions.cities == ["Zug"]
