"""With an Anthropic key the worker plans with Claude (here a stand-in for its Messages API)."""

from __future__ import annotations

from typing import Any

from cli.localstack import TemporalServer
from tests.support.anthropic_standin import StandIn, ToolCall, serve_in_thread
from tests.support.stack import Keys, Stack
from tests.support.workers import in_process_worker


async def test_messages_are_planned_by_claude_when_a_key_is_set(
    stack: Stack, org: Keys, temporal: TemporalServer
) -> None:
    stand_in = StandIn()

    def answer(body: dict[str, Any]) -> ToolCall:
        # The stand-in "model" reads the request it got, as the real one would.
        assert "Nordic" in str(body["messages"])
        return ToolCall(
            {"industries": ["fintech"], "regions": ["nordics"], "roles": ["Head of Growth"]}
        )

    stand_in.set_handler(answer)
    with serve_in_thread(stand_in) as base_url:
        async with (
            in_process_worker(
                stack,
                temporal,
                anthropic_api_key=stand_in.api_key,
                anthropic_base_url=base_url,
                anthropic_model="claude-standin",
            ),
            stack.client(org.test) as client,
        ):
            thread = (await client.post("/v1/threads", json={})).json()
            drafted = await client.post(
                f"/v1/threads/{thread['id']}/messages",
                json={"content": "Nordic fintechs; I want whoever runs growth"},
            )
    assert drafted.status_code == 200, drafted.text
    plan = drafted.json()["plan"]
    assert plan["planner"] == "anthropic"
    assert plan["criteria"]["industries"] == ["fintech"]
    assert plan["criteria"]["regions"] == ["nordics"]
    assert [role["column_prefix"] for role in plan["criteria"]["roles"]] == ["head_of_growth"]
    assert len(stand_in.requests) == 1
