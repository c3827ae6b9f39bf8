"""The spec's status table, over every operation of the served OpenAPI document: malformed
JSON, wrong types and missing parameters are 400; well-typed but invalid values are 422; nothing
is coerced from a string; HEAD works wherever GET does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_access import CALLS, Call, World, _world
from tests.support.asserts import assert_error
from tests.support.stack import Keys, Stack

WRONG_TYPE: dict[str, Any] = {
    "integer": "10",
    "number": "0.5",
    "boolean": "yes",
    "string": 12345,
    "array": "a,b",
    "object": "k=v",
}


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(document, option)
    return schema


def _body_schema(document: dict[str, Any], call: Call) -> dict[str, Any] | None:
    path = call.path.replace("{done_job_id}", "{job_id}").replace("/hubspot", "/{provider}")
    operation = document["paths"][path]
    body = operation[call.method.lower()].get("requestBody")
    if body is None:
        return None
    return _resolve(document, body["content"]["application/json"]["schema"])


async def _write_calls(stack: Stack) -> tuple[dict[str, Any], list[tuple[Call, dict[str, Any]]]]:
    async with httpx.AsyncClient(base_url=stack.base_url) as client:
        document = (await client.get("/v1/openapi.json")).json()
    calls = []
    for call in CALLS:
        schema = _body_schema(document, call) if call.method != "GET" else None
        if schema is not None:
            calls.append((call, schema))
    return document, calls


async def _send(
    client: httpx.AsyncClient, world: World, call: Call, **kwargs: Any
) -> httpx.Response:
    path, params = world.fill(call)
    return await client.request(call.method, path, params=params, **kwargs)


@pytest.mark.backends("sqlite")  # validation happens before any query
async def test_wrong_types_malformed_json_and_missing_fields_are_400(
    stack: Stack, org: Keys
) -> None:
    world = await _world(stack, org, org.test)
    document, calls = await _write_calls(stack)
    assert len(calls) >= 10  # every write with a body is covered
    checked = 0
    async with stack.client(org.test) as client:
        for call, schema in calls:
            malformed = await _send(
                client,
                world,
                call,
                content=b'{"title": ',
                headers={"Content-Type": "application/json"},
            )
            assert "JSON" in str(assert_error(malformed, 400, "invalid_request_error")["message"])
            for name, property_schema in schema.get("properties", {}).items():
                kind = _resolve(document, property_schema).get("type")
                if kind not in WRONG_TYPE:
                    continue
                body = {**(call.body or {}), name: WRONG_TYPE[kind]}
                response = await _send(client, world, call, json=body)
                error = assert_error(response, 400, "invalid_request_error")
                assert str(error["param"]).split(".")[0].split("[")[0] == name, (call, name)
                checked += 1
            for name in schema.get("required", []):
                body = {key: value for key, value in (call.body or {}).items() if key != name}
                response = await _send(client, world, call, json=body)
                error = assert_error(response, 400, "invalid_request_error", param=name)
                assert f"'{name}'" in str(error["message"]), (call, name)
    assert checked >= 20


@pytest.mark.backends("sqlite")
async def test_values_of_the_right_type_out_of_bounds_are_422(stack: Stack, org: Keys) -> None:
    world = await _world(stack, org, org.test)
    document, calls = await _write_calls(stack)
    checked = 0
    async with stack.client(org.test) as client:
        for call, schema in calls:
            for name, property_schema in schema.get("properties", {}).items():
                resolved = _resolve(document, property_schema)
                bad: list[Any] = []
                if "maxLength" in resolved:
                    bad.append("x" * (resolved["maxLength"] + 1))
                number = int if resolved.get("type") == "integer" else float
                if "maximum" in resolved:
                    bad.append(number(resolved["maximum"]) + 1)
                if "minimum" in resolved:
                    bad.append(number(resolved["minimum"]) - 1)
                if resolved.get("type") == "string" and "enum" in resolved:
                    bad.append("not-a-choice")
                for value in bad:
                    body = {**(call.body or {}), name: value}
                    response = await _send(client, world, call, json=body)
                    error = assert_error(response, 422, "invalid_request_error")
                    assert str(error["param"]).split(".")[0] == name, (call, name, value)
                    checked += 1
        empty_prompt = await client.post(
            f"/v1/threads/{world.ids['thread_id']}/messages", json={"content": ""}
        )
    assert_error(empty_prompt, 422, "invalid_request_error", param="content")
    assert checked >= 5


@pytest.mark.backends("sqlite")
async def test_strings_are_not_taken_for_numbers_or_booleans(stack: Stack, org: Keys) -> None:
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={})).json()
        coerced_bool = await client.post(
            f"/v1/threads/{thread['id']}/messages",
            json={"content": "CTOs of Berlin SaaS companies", "auto_approve": "yes"},
        )
        coerced_int = await client.post(
            "/v1/search", json={"prompt": "CTOs of Berlin SaaS companies", "max_rows": "10"}
        )
        jobs = (await client.get("/v1/jobs", params={"thread_id": thread["id"]})).json()
    assert_error(coerced_bool, 400, "invalid_request_error", param="auto_approve")
    assert_error(coerced_int, 400, "invalid_request_error", param="max_rows")
    assert jobs["data"] == []  # nothing started


@pytest.mark.backends("sqlite")
async def test_head_answers_like_get_without_a_body(stack: Stack, org: Keys) -> None:
    world = await _world(stack, org, org.test)
    async with stack.client(org.test) as client:
        for call in CALLS:
            if call.method != "GET" or call.path.endswith("/stream"):
                continue
            path, params = world.fill(call)
            got = await client.get(path, params=params)
            head = await client.head(path, params=params)
            assert head.status_code == got.status_code < 400, (call, head.text)
            assert head.content == b""
            assert head.headers.get("content-type") == got.headers.get("content-type")
        stream = await client.head(f"/v1/jobs/{world.ids['done_job_id']}/stream")
        wrong = await client.put("/v1/threads")
    assert stream.status_code == 405 and stream.headers["allow"] == "GET"
    assert "GET" in wrong.headers["allow"] and "POST" in wrong.headers["allow"]
    assert_error(wrong, 405, "invalid_request_error")
