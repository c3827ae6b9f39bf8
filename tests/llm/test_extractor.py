"""The Anthropic extractor on a sandbox team page: grounded values kept, invented ones dropped."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from anthropic import AsyncAnthropic

from research.extract import extract_page
from research.extract.names import name_key
from research.extract.types import CompanyClaims, EmailClaim, FundingClaim, PageFacts, PersonClaim
from research.grounding import is_grounded
from research.llm.extractor import (
    EXTRACTION_TOOL_NAME,
    EXTRACTOR_SYSTEM_PROMPT,
    TRUNCATION_MARK,
    AnthropicExtractor,
    excerpt,
    extraction_tool,
    grounded_claims,
    merge,
)
from sandbox import generate
from sandbox.model import Company
from tests.llm.conftest import TEST_MODEL
from tests.support.anthropic_standin import ApiError, StandIn

INVENTED_PERSON = "Greta Lindqvist"
INVENTED_HEADCOUNT = 4321
INVENTED_CITY = "Atlantis"
INVENTED_TECH = "Fortran"
INVENTED_TITLE = "Chief Visionary Officer"


class TeamPage:
    """A company's team page from the sandbox web, with the truth about the people on it."""

    def __init__(self, company: Company, url: str, html: str) -> None:
        self.company = company
        self.url = url
        self.html = html
        self.facts = extract_page(url, html)
        self.people = [p for p in company.people if p.full_name in self.facts.text]

    @property
    def domain(self) -> str:
        return self.company.primary_domain


def _is_team_page(company: Company, url: str, html: str) -> bool:
    """A page naming the whole current team, each with an obfuscated address."""
    named = [p for p in company.current_people if p.on_team_page]
    return (
        any(part in url for part in ("team", "people"))
        and all(p.full_name in html for p in named)
        and all(p.email_published == "obfuscated" for p in named)
    )


@pytest.fixture(scope="module")
def page() -> TeamPage:
    """A static team page of a company that obfuscates its people's emails."""
    web = generate(7)
    for company in web.companies:
        if "obfuscated_email" not in company.noise or "js_team" in company.noise:
            continue
        for url in company.pages:
            html = web.pages[url].html
            if web.pages[url].status == 200 and _is_team_page(company, url, html):
                return TeamPage(company, url, html)
    raise AssertionError("seed 7 has no static team page with obfuscated emails")


def invented_email(page: TeamPage) -> str:
    """An address for the page's first person that the page does not print."""
    return f"{name_key(page.people[0].full_name)}@{page.domain}"


def claude_answer(page: TeamPage) -> dict[str, Any]:
    """What a model might answer: the page's people and facts, plus some inventions."""
    first, *others = page.people
    people = [
        {
            "full_name": first.full_name,
            "title": INVENTED_TITLE,
            "email": invented_email(page),
        },
        *(
            {
                "full_name": p.full_name,
                "title": p.title,
                "email": p.email,
                "linkedin": p.linkedin,
                "current": p.current,
            }
            for p in others
        ),
        {"full_name": INVENTED_PERSON, "title": "VP Sales", "email": f"greta@{page.domain}"},
    ]
    return {
        "company": {
            "name": page.company.name,
            "employees": INVENTED_HEADCOUNT,
            "hq_city": INVENTED_CITY,
            "tech_stack": [INVENTED_TECH],
        },
        "people": people,
        "emails": [{"address": f"ceo@{page.domain}", "owner": first.full_name}],
    }


def test_the_inventions_are_really_not_on_the_page(page: TeamPage) -> None:
    text = page.facts.text
    assert len(page.people) >= 3
    for invented in (INVENTED_PERSON, INVENTED_CITY, INVENTED_TECH, INVENTED_TITLE, "ceo@"):
        assert invented not in text
    assert str(INVENTED_HEADCOUNT) not in text
    assert invented_email(page) != page.people[0].email
    assert invented_email(page).partition("@")[0] not in text


def test_grounded_values_are_kept_and_invented_ones_dropped(page: TeamPage) -> None:
    claims = grounded_claims(claude_answer(page), page.facts)

    first, *others = page.people
    assert [p.full_name for p in claims.people] == [p.full_name for p in page.people]
    kept = {p.full_name: p for p in claims.people}
    assert kept[first.full_name].title is None
    assert kept[first.full_name].email is None
    for person in others:
        assert kept[person.full_name].title == person.title
        assert kept[person.full_name].email == person.email
        assert kept[person.full_name].linkedin == person.linkedin
        assert kept[person.full_name].snippet
    company = claims.company
    assert company.name == page.company.name
    assert (company.employees, company.hq_city, company.tech_stack) == (None, None, [])


def test_facts_given_to_the_wrong_person_are_dropped(page: TeamPage) -> None:
    one, other = page.people[1], page.people[2]
    swapped = {"full_name": one.full_name, "title": other.title, "email": other.email}

    [person] = grounded_claims({"people": [swapped]}, page.facts).people

    assert person.full_name == one.full_name
    assert (person.title, person.email) == (None, None)


def test_a_number_on_the_page_is_not_a_headcount_unless_it_counts_people(
    page: TeamPage,
) -> None:
    year = next(word for word in page.facts.text.split() if word.isdigit() and len(word) == 4)

    company = grounded_claims({"company": {"employees": int(year)}}, page.facts).company

    assert company.employees is None


def test_funding_keeps_what_is_printed_and_converts_it_like_the_rules() -> None:
    html = (
        "<html><body><h1>Acme</h1><p>Acme raised €11M in a Series A led by Tideline Ventures "
        "on 4 March 2025.</p></body></html>"
    )
    facts = extract_page("https://acme.test/press/series-a", html)
    answer = {
        "company": {
            "funding": [
                {"stage": "series_a", "amount_text": "€11M", "amount_usd": 1, "date": "2025-03-04"},
                {"stage": "series_b", "amount_text": "$40M", "date": "2026-01-01"},
            ]
        }
    }

    [round_] = grounded_claims(answer, facts).company.funding

    assert (round_.stage, round_.amount_text, round_.date) == ("series_a", "€11M", "2025-03-04")
    [rules_round] = facts.company.funding
    assert round_.amount_usd == rules_round.amount_usd != 1


def test_obfuscated_emails_are_kept_and_flagged(page: TeamPage) -> None:
    claims = grounded_claims(claude_answer(page), page.facts)

    emails = {e.address: e for e in claims.emails}
    for person in page.people[1:]:
        assert person.email not in page.facts.text
        assert emails[person.email].obfuscated is True
        assert emails[person.email].owner == person.full_name
    assert f"ceo@{page.domain}" not in emails


def test_a_plainly_printed_email_is_not_flagged_obfuscated(page: TeamPage) -> None:
    plain = next(e.address for e in page.facts.emails if not e.obfuscated)
    answer = {"emails": [{"address": plain.upper()}]}

    [email] = grounded_claims(answer, page.facts).emails

    assert (email.address, email.obfuscated) == (plain, False)


async def test_the_extractor_through_the_stand_in(
    page: TeamPage, stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.set_handler(lambda _: claude_answer(page))

    facts = await AnthropicExtractor(client, TEST_MODEL).extract(page.url, page.html)

    body = stand_in.requests[0].body
    assert body["system"] == EXTRACTOR_SYSTEM_PROMPT
    assert body["tool_choice"] == {"type": "tool", "name": EXTRACTION_TOOL_NAME}
    assert page.facts.text in body["messages"][0]["content"]
    names = [p.full_name for p in facts.people]
    assert INVENTED_PERSON not in names
    assert len(names) == len(set(names)) == len(page.facts.people)
    assert facts.company.employees != INVENTED_HEADCOUNT
    assert INVENTED_TECH not in facts.company.tech_stack
    assert not any(e.address.startswith(("ceo@", "greta@")) for e in facts.emails)
    assert_all_grounded(facts)


def test_claude_fills_what_the_rules_missed(page: TeamPage) -> None:
    missed = page.people[-1].full_name
    rules = page.facts.model_copy(
        update={
            "people": [p for p in page.facts.people if p.full_name != missed],
            "emails": [e for e in page.facts.emails if e.owner != missed],
        }
    )
    claims = grounded_claims(claude_answer(page), page.facts)

    merged = merge(rules, claims)

    [found] = [p for p in merged.people if p.full_name == missed]
    assert (found.title, found.email) == (page.people[-1].title, page.people[-1].email)
    [email] = [e for e in merged.emails if e.address == found.email]
    assert (email.owner, email.obfuscated) == (missed, True)


def test_a_person_both_readers_found_is_merged_by_normalized_name(page: TeamPage) -> None:
    person = page.people[1]
    answer = {"people": [{"full_name": person.full_name.upper(), "title": person.title}]}
    claims = grounded_claims(answer, page.facts)

    merged = merge(page.facts, claims)

    matching = [p for p in merged.people if p.full_name.casefold() == person.full_name.casefold()]
    assert len(matching) == 1
    assert matching[0].full_name == person.full_name  # the rule-based spelling wins


def test_former_needs_words_of_departure_on_the_page() -> None:
    html = (
        "<html><body><h1>Team</h1><p>Jane Doe is our CEO.</p>"
        "<p>John Smith, our former CTO, has left the company.</p></body></html>"
    )
    facts = extract_page("https://acme.test/team", html)
    answer = {
        "people": [
            {"full_name": "Jane Doe", "title": "CEO", "current": False},
            {"full_name": "John Smith", "title": "CTO", "current": False},
        ]
    }

    people = {p.full_name: p.current for p in grounded_claims(answer, facts).people}

    assert people == {"Jane Doe": True, "John Smith": False}


async def test_an_api_failure_keeps_the_rule_based_facts(
    page: TeamPage, stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.enqueue(ApiError(400, "invalid_request_error", "prompt is too long"))

    facts = await AnthropicExtractor(client, TEST_MODEL).extract(page.url, page.html)

    assert facts == page.facts


def test_long_pages_are_cut_at_a_line_break() -> None:
    text = "\n".join(f"line {i:04d}" for i in range(1000))

    cut = excerpt(text, 100)

    assert cut.endswith(TRUNCATION_MARK)
    assert cut.removesuffix(TRUNCATION_MARK) == text[: text.rfind("\n", 0, 100)]
    assert excerpt("short", 100) == "short"


def test_the_tool_schema_mirrors_the_claims() -> None:
    properties = extraction_tool()["input_schema"]["properties"]
    assert isinstance(properties, dict)
    company = properties["company"]["properties"]

    assert set(company) == set(CompanyClaims.model_fields)
    # What the page decides is not asked of the model: the USD conversion of a grounded
    # amount, the passage naming a person, how an address was printed.
    assert set(company["funding"]["items"]["properties"]) == set(FundingClaim.model_fields) - {
        "amount_usd"
    }
    person = properties["people"]["items"]["properties"]
    assert set(person) == set(PersonClaim.model_fields) - {"snippet"}
    email = properties["emails"]["items"]["properties"]
    assert set(email) == set(EmailClaim.model_fields) - {"obfuscated"}


def assert_all_grounded(facts: PageFacts) -> None:
    for person in facts.people:
        assert is_grounded(person.full_name, facts.text)
        assert person.title is None or is_grounded(person.title, facts.text)
        assert person.email is None or is_grounded(person.email, facts.text)
    for email in facts.emails:
        assert is_grounded(email.address, facts.text)
    company = facts.company
    for value in (company.name, company.hq_city, *company.tech_stack, *company.open_roles):
        assert value is None or is_grounded(value, facts.text)


async def test_the_page_is_parsed_off_the_event_loop(
    page: TeamPage, stand_in: StandIn, client: AsyncAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    import research.extract

    threads: list[threading.Thread] = []

    def recording(*args: Any, **kwargs: Any) -> PageFacts:
        threads.append(threading.current_thread())
        return extract_page(*args, **kwargs)

    monkeypatch.setattr(research.extract, "extract_page", recording)
    stand_in.set_handler(lambda _: claude_answer(page))

    facts = await AnthropicExtractor(client, TEST_MODEL).extract(page.url, page.html)

    assert facts.people
    assert threads and threads[0] is not threading.main_thread()
