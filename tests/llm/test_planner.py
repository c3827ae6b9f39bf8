"""The Anthropic planner through the stand-in: what Claude is sent, and what its answer becomes."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from anthropic import AsyncAnthropic

from research.llm.client import ClaudeSettings, make_client
from research.llm.planner import (
    AUDIENCE_TOOL_NAME,
    PLANNER_SYSTEM_PROMPT,
    AnthropicPlanner,
    AudienceAnswer,
    audience_tool,
)
from research.planner.plans import VAGUE_PROMPT_MESSAGE, build_steps
from research.planner.rules import RulesPlanner
from research.planner.types import (
    Attachment,
    Criteria,
    Exclusions,
    Hints,
    NumericRange,
    PlanningRequest,
    PlanningTurn,
    PlanRejection,
)
from research.pricing import estimate_credits
from research.roles import role_target
from tests.llm.conftest import TEST_MODEL
from tests.support.anthropic_standin import (
    ApiError,
    StandIn,
    ToolCall,
    overloaded,
    rate_limited,
    refusal,
    server_error,
    text_only,
)

FINTECH_PROMPT = (
    "Series A fintechs in France with 20+ engineers; pull the VP Eng and Head of Growth, "
    "with emails. Skip Crunchbase. 50 rows"
)
FINTECH_ANSWER: dict[str, Any] = {
    "industries": ["fintech"],
    "countries": ["FR"],
    "stages": ["series_a"],
    "thresholds": [{"metric": "engineers", "min": 20}],
    "roles": ["VP Eng", "Head of Growth"],
    "want_email": True,
    "excluded_sources": ["Crunchbase"],
    "max_rows": 50,
}


def user(text: str) -> PlanningTurn:
    return PlanningTurn(role="user", content=text)


def assistant(text: str) -> PlanningTurn:
    return PlanningTurn(role="assistant", content=text)


def comparable(criteria: Criteria) -> dict[str, Any]:
    """Criteria without the prompt spans and notes, which only the rules planner derives."""
    return criteria.model_dump(exclude={"provenance", "notes"})


def texts(message: dict[str, Any]) -> list[str]:
    return [block["text"] for block in message["content"]]


async def test_history_previous_criteria_and_feedback_reach_the_request(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    previous = await RulesPlanner().plan(PlanningRequest(turns=[user(FINTECH_PROMPT)]))
    request = PlanningRequest(
        turns=[
            user(FINTECH_PROMPT),
            assistant("Drafted a plan: Series A FinTech in France."),
            user("Only Germany instead, and add the CTO"),
        ],
        previous=previous.criteria,
        feedback="Only Germany instead, and add the CTO",
        hints=Hints(max_rows=40),
        attachments=[Attachment(kind="url_list", url="https://lists.test/urls.txt")],
    )
    stand_in.enqueue({**FINTECH_ANSWER, "countries": ["DE"], "roles": ["VP Eng", "CTO"]})

    await AnthropicPlanner(client, TEST_MODEL).plan(request)

    [received] = stand_in.requests
    body = received.body
    assert body["model"] == TEST_MODEL
    assert body["system"] == PLANNER_SYSTEM_PROMPT
    assert body["tool_choice"] == {"type": "tool", "name": AUDIENCE_TOOL_NAME}
    assert [tool["name"] for tool in body["tools"]] == [AUDIENCE_TOOL_NAME]
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert texts(body["messages"][0]) == [FINTECH_PROMPT]
    assert texts(body["messages"][1]) == ["Drafted a plan: Series A FinTech in France."]
    newest, context = texts(body["messages"][2])
    assert newest == "Only Germany instead, and add the CTO"
    assert '"industries": ["fintech"]' in context
    assert '"roles": ["VP Eng", "Head of Growth"]' in context
    # The stage lookback is the planner's default, not something the user said.
    assert "funded_within_months" not in context
    assert "newest message is feedback" in context
    assert '<api_hints>{"max_rows": 40}</api_hints>' in context
    assert "url_list: https://lists.test/urls.txt" in context


async def test_feedback_not_stored_as_a_turn_is_sent_as_feedback(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.enqueue(FINTECH_ANSWER)
    request = PlanningRequest(turns=[user(FINTECH_PROMPT)], feedback="Make it 20 rows")

    await AnthropicPlanner(client, TEST_MODEL).plan(request)

    context = texts(stand_in.requests[0].body["messages"][-1])[-1]
    assert "<feedback>Make it 20 rows</feedback>" in context


async def test_history_starting_with_the_assistant_gets_a_user_turn_first(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.enqueue(FINTECH_ANSWER)
    request = PlanningRequest(turns=[assistant("Drafted a plan."), user(FINTECH_PROMPT)])

    await AnthropicPlanner(client, TEST_MODEL).plan(request)

    roles = [m["role"] for m in stand_in.requests[0].body["messages"]]
    assert roles == ["user", "assistant", "user"]


async def test_the_answer_is_normalized_into_criteria(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.enqueue(
        {
            "industries": ["FinTech", "fintech", "underwater basket weaving"],
            "countries": ["fr", "Germany", "XX", "United Kingdom"],
            "regions": ["Nordics", "atlantis"],
            "cities": ["Berlin", "Gotham"],
            "stages": ["series_b", "series_a", "series_z"],
            "funded_within_months": 0,
            "funded_since": "2025-01-01",
            "funded_until": "not a date",
            "thresholds": [
                {"metric": "engineers", "min": 20},
                {"metric": "revenue_usd", "min": 1},
                {"metric": "employees", "min": 100, "max": 10},
                {"metric": "funding_amount_eur", "min": 5e6},
            ],
            "technologies": ["postgres", "Snowflake", "snowflake", "Stripe"],
            "hiring": ["ML engineers", "any", "ml engineer", "qwerty"],
            "roles": ["VP Eng", "vp of engineering", "CTOs", "not a job"],
            "keywords": ["B2B", "b2b", "  "],
            "want_email": True,
            "enrich_dimensions": ["funding", "astrology"],
            "excluded_sources": ["Crunch base"],
            "preferred_sources": ["crunchbase", "LinkedIn"],
            "max_rows": 50_000,
        }
    )
    request = PlanningRequest(turns=[user("anything")], hints=Hints(preferred_sources=["GitHub"]))

    plan = await AnthropicPlanner(client, TEST_MODEL).plan(request)

    assert comparable(plan.criteria) == comparable(
        Criteria(
            industries=["fintech"],
            countries=["FR", "DE", "GB"],
            regions=["nordics"],
            cities=["Berlin", "Gotham"],
            stages=["series_a", "series_b"],
            funded_since=plan.criteria.funded_since,
            thresholds=[
                NumericRange(metric="engineers", min=20),
                NumericRange(metric="funding_amount_eur", min=5e6),
            ],
            technologies=["PostgreSQL", "Snowflake", "Stripe"],
            hiring=["ML Engineer", "any"],
            roles=[role_target("VP Eng"), role_target("CTO")],
            # An industry no slug names passes through as words to search for, with a note.
            keywords=["underwater basket weaving", "B2B"],
            want_email=True,
            enrich_dimensions=["funding"],
            excluded_sources=["crunchbase"],
            preferred_sources=["linkedin", "github"],
            max_rows=10_000,
        )
    )
    assert any("underwater basket weaving" in note for note in plan.criteria.notes)
    assert str(plan.criteria.funded_since) == "2025-01-01"
    assert plan.target_rows == 10_000
    assert plan.planner == "anthropic"


async def test_a_row_hint_caps_rows(stand_in: StandIn, client: AsyncAnthropic) -> None:
    stand_in.enqueue(FINTECH_ANSWER)

    plan = await AnthropicPlanner(client, TEST_MODEL).plan(
        PlanningRequest(turns=[user(FINTECH_PROMPT)], hints=Hints(max_rows=12))
    )

    assert (plan.target_rows, plan.criteria.max_rows) == (12, 12)


async def test_a_credit_budget_caps_rows_as_in_the_rules_planner(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    request = PlanningRequest(turns=[user(f"{FINTECH_PROMPT}. Keep it under 10 credits.")])
    stand_in.enqueue({**FINTECH_ANSWER, "credit_budget": 9})

    ours = await AnthropicPlanner(client, TEST_MODEL).plan(request)
    rules = await RulesPlanner().plan(request)

    assert ours.credits_estimate <= 9
    assert (ours.target_rows, ours.credits_estimate) == (rules.target_rows, rules.credits_estimate)


@pytest.mark.parametrize(
    ("prompt", "answer", "attachments"),
    [
        (FINTECH_PROMPT, FINTECH_ANSWER, []),
        (
            "Enrich the attached CSV with the CTO",
            {"roles": ["CTO"]},
            [Attachment(kind="csv", url="https://files.test/seed.csv")],
        ),
        (
            "B2B SaaS in Berlin hiring ML engineers using Snowflake, add funding and tech stack",
            {
                "industries": ["saas"],
                "countries": ["DE"],
                "cities": ["Berlin"],
                "technologies": ["Snowflake"],
                "hiring": ["ML Engineer"],
                "keywords": ["B2B"],
                "enrich_dimensions": ["funding", "tech_stack"],
            },
            [],
        ),
    ],
    ids=["discovery", "csv-seed", "hiring-and-stack"],
)
async def test_plans_match_the_rules_planner_for_the_same_audience(
    stand_in: StandIn,
    client: AsyncAnthropic,
    prompt: str,
    answer: dict[str, Any],
    attachments: list[Attachment],
) -> None:
    request = PlanningRequest(turns=[user(prompt)], attachments=attachments)
    stand_in.enqueue(answer)

    ours = await AnthropicPlanner(client, TEST_MODEL).plan(request)
    rules = await RulesPlanner().plan(request)

    assert comparable(ours.criteria) == comparable(rules.criteria)
    assert ours.steps == rules.steps == build_steps(ours.criteria, ours.target_rows)
    assert ours.credits_estimate == rules.credits_estimate
    assert ours.credits_estimate == estimate_credits(ours.criteria, ours.target_rows)
    assert (ours.title, ours.target_rows) == (rules.title, rules.target_rows)
    assert (ours.planner, rules.planner) == ("anthropic", "rules")


async def test_attachments_from_earlier_messages_are_kept(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    csv = Attachment(kind="csv", url="https://files.test/seed.csv")
    first = await RulesPlanner().plan(
        PlanningRequest(turns=[user("Enrich the attached CSV with the CTO")], attachments=[csv])
    )
    stand_in.enqueue({"roles": ["CTO", "VP Sales"]})

    plan = await AnthropicPlanner(client, TEST_MODEL).plan(
        PlanningRequest(turns=[user("also the VP Sales")], previous=first.criteria)
    )

    assert plan.criteria.seed == first.criteria.seed
    assert plan.steps[0].title == "Resolve companies from the attached CSV"


async def test_a_reject_call_raises_plan_rejection_with_its_message(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    message = "Say who to look for: an industry, a place or a role."
    stand_in.enqueue({"reject": {"missing": ["industry", "location"], "message": message}})

    with pytest.raises(PlanRejection) as rejected:
        await AnthropicPlanner(client, TEST_MODEL).plan(
            PlanningRequest(turns=[user("find me some good leads")])
        )

    assert rejected.value.message == message
    assert rejected.value.missing == ["industry", "location"]


async def test_an_empty_audience_is_rejected_as_the_rules_planner_would(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.enqueue({"regions": ["atlantis"], "want_email": True})

    with pytest.raises(PlanRejection) as rejected:
        await AnthropicPlanner(client, TEST_MODEL).plan(
            PlanningRequest(turns=[user("find me some good leads")])
        )

    assert rejected.value.message == VAGUE_PROMPT_MESSAGE


async def test_a_429_is_retried_by_the_sdk_after_retry_after(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    stand_in.enqueue(rate_limited(retry_after=1), FINTECH_ANSWER)
    started = time.monotonic()

    plan = await AnthropicPlanner(client, TEST_MODEL).plan(
        PlanningRequest(turns=[user(FINTECH_PROMPT)])
    )

    assert plan.planner == "anthropic"
    assert time.monotonic() - started >= 0.9
    attempts = [r.headers["x-stainless-retry-count"] for r in stand_in.requests]
    assert attempts == ["0", "1"]


async def test_an_overload_is_retried_by_the_sdk(stand_in: StandIn, client: AsyncAnthropic) -> None:
    stand_in.enqueue(overloaded(), FINTECH_ANSWER)

    plan = await AnthropicPlanner(client, TEST_MODEL).plan(
        PlanningRequest(turns=[user(FINTECH_PROMPT)])
    )

    assert plan.planner == "anthropic"
    assert len(stand_in.requests) == 2


FAILURES: dict[str, list[ApiError | ToolCall | Any]] = {
    "overloaded-after-retries": [overloaded(), overloaded(), overloaded()],
    "server-error-after-retries": [server_error(), server_error(), server_error()],
    "bad-request": [ApiError(400, "invalid_request_error", "messages: bad")],
    "refusal": [refusal()],
    "prose-instead-of-a-tool-call": [text_only("Sure! Here are some fintechs.")],
    "input-not-json": [ToolCall("{industries: fintech")],
    "input-of-the-wrong-shape": [{"max_rows": "plenty", "roles": "CTO"}],
}


@pytest.mark.parametrize("replies", FAILURES.values(), ids=FAILURES.keys())
async def test_failures_fall_back_to_the_rules_planner(
    stand_in: StandIn,
    client: AsyncAnthropic,
    replies: list[Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    stand_in.enqueue(*replies)
    request = PlanningRequest(turns=[user(FINTECH_PROMPT)])

    with caplog.at_level(logging.WARNING, logger="research.llm.planner"):
        plan = await AnthropicPlanner(client, TEST_MODEL).plan(request)

    rules = await RulesPlanner().plan(request)
    assert plan.planner.startswith("rules (anthropic: ")
    assert (plan.steps, plan.title) == (rules.steps, rules.title)
    assert comparable(plan.criteria) == comparable(rules.criteria)
    assert plan.criteria.notes[0].startswith("Planned by the rule-based planner because Claude")
    assert "using the rule-based planner" in caplog.text
    assert len(stand_in.requests) == len(replies)


async def test_a_rejected_model_is_an_error_named_in_the_plan(
    stand_in: StandIn, client: AsyncAnthropic, caplog: pytest.LogCaptureFixture
) -> None:
    stand_in.enqueue(ApiError(404, "not_found_error", "model: claude-nonexistent"))
    request = PlanningRequest(turns=[user(FINTECH_PROMPT)])

    with caplog.at_level(logging.WARNING, logger="research.llm.planner"):
        plan = await AnthropicPlanner(client, "claude-nonexistent").plan(request)

    assert plan.planner == "rules (anthropic: model rejected)"
    assert "claude-nonexistent" in plan.criteria.notes[0]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and "LEADEX_ANTHROPIC_MODEL" in errors[0].getMessage()


async def test_a_refusal_is_an_error_named_in_the_plan(
    stand_in: StandIn, client: AsyncAnthropic, caplog: pytest.LogCaptureFixture
) -> None:
    stand_in.enqueue(refusal())

    with caplog.at_level(logging.WARNING, logger="research.llm.planner"):
        plan = await AnthropicPlanner(client, TEST_MODEL).plan(
            PlanningRequest(turns=[user(FINTECH_PROMPT)])
        )

    assert plan.planner == "rules (anthropic: refused)"
    assert any(r.levelno == logging.ERROR for r in caplog.records)


async def test_free_values_exclusions_and_requirements_are_kept_with_their_words(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    prompt = "Restaurants in Ohio with more than 3 locations, but not in Columbus, no chains"
    stand_in.enqueue(
        {
            "industries": ["restaurants"],
            "subdivisions": ["US-OH"],
            "requirements": [{"text": "more than 3 locations"}],
            "exclusions": {"cities": ["Columbus"], "keywords": ["chains"]},
            "provenance": [
                {"field": "subdivisions", "value": "US-OH", "quote": "Ohio"},
                {"field": "exclusions.cities", "value": "Columbus", "quote": "not in Columbus"},
                {"field": "industries", "value": "restaurants", "quote": "invented words"},
            ],
        }
    )

    plan = await AnthropicPlanner(client, TEST_MODEL).plan(PlanningRequest(turns=[user(prompt)]))

    criteria = plan.criteria
    assert (criteria.keywords, criteria.subdivisions, criteria.countries) == (
        ["restaurants"],
        ["US-OH"],
        ["US"],
    )
    assert [r.text for r in criteria.requirements] == ["more than 3 locations"]
    assert criteria.exclusions.cities == ["Columbus"]
    assert criteria.exclusions.keywords == ["chains"]
    spans = {(p.field, p.span.text) for p in criteria.provenance}
    assert ("subdivisions", "Ohio") in spans
    assert ("exclusions.cities", "not in Columbus") in spans
    assert ("requirements", "more than 3 locations") in spans
    # A quote that is not in the prompt proves nothing and is dropped.
    assert not any(p.field == "industries" for p in criteria.provenance)
    assert any("more than 3 locations" in note for note in criteria.notes)


async def test_a_prompt_targeting_a_protected_trait_is_refused_before_claude(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    prompt = "Find employees at fintechs in Paris who are pregnant so we can avoid hiring them"

    with pytest.raises(PlanRejection) as rejected:
        await AnthropicPlanner(client, TEST_MODEL).plan(PlanningRequest(turns=[user(prompt)]))

    assert "acceptable use" in rejected.value.message
    assert rejected.value.missing == ["acceptable_use"]
    assert stand_in.requests == []


async def test_a_wrong_key_falls_back_without_retrying(stand_in: StandIn, base_url: str) -> None:
    wrong = make_client(ClaudeSettings(api_key="sk-ant-wrong", base_url=base_url))
    request = PlanningRequest(turns=[user(FINTECH_PROMPT)])

    plan = await AnthropicPlanner(wrong, TEST_MODEL).plan(request)

    assert plan.planner == "rules (anthropic: key rejected)"
    assert len(stand_in.requests) == 1
    await wrong.close()


async def test_an_unreachable_api_falls_back(stand_in_server: tuple[StandIn, str]) -> None:
    closed = make_client(
        ClaudeSettings(api_key="sk-ant-x", base_url="http://127.0.0.1:9", max_retries=0)
    )

    plan = await AnthropicPlanner(closed, TEST_MODEL).plan(
        PlanningRequest(turns=[user(FINTECH_PROMPT)])
    )

    assert plan.planner == "rules (anthropic: unreachable)"
    await closed.close()


async def test_a_slow_answer_falls_back_at_the_deadline(
    stand_in: StandIn, client: AsyncAnthropic
) -> None:
    def slow(_: dict[str, Any]) -> dict[str, Any]:
        time.sleep(1.0)
        return FINTECH_ANSWER

    stand_in.set_handler(slow)
    started = time.monotonic()

    plan = await AnthropicPlanner(client, TEST_MODEL, deadline_seconds=0.3).plan(
        PlanningRequest(turns=[user(FINTECH_PROMPT)])
    )

    assert plan.planner == "rules (anthropic: timed out)"
    assert time.monotonic() - started < 0.9


def test_the_tool_schema_mirrors_the_answer_model_and_the_criteria() -> None:
    tool = audience_tool()
    properties = tool["input_schema"]["properties"]
    assert isinstance(properties, dict)

    assert set(properties) == set(AudienceAnswer.model_fields)
    from_criteria = set(Criteria.model_fields) - {"seed", "url_list", "notes"}
    assert from_criteria <= set(properties)
    assert set(properties) - from_criteria == {"credit_budget", "reject"}
    # Free values are accepted: the lexicon's slugs are suggestions, not an enum.
    assert "enum" not in properties["industries"]["items"]
    assert "fintech" in properties["industries"]["description"]
    assert set(properties["exclusions"]["properties"]) == set(Exclusions.model_fields)
