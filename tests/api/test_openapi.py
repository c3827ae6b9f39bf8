"""The served OpenAPI document is complete, and the committed openapi.yaml matches it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from api.app import create_app
from tests.support.stack import Keys, Stack

COMMITTED = Path(__file__).parent.parent.parent / "openapi.yaml"


def test_the_committed_document_is_current() -> None:
    current = create_app().openapi()
    committed = yaml.safe_load(COMMITTED.read_text())
    assert committed == current, (
        "openapi.yaml is stale: regenerate it with `leadex-server openapi > openapi.yaml`"
    )


def test_every_operation_documents_its_errors_and_headers() -> None:
    document = create_app().openapi()
    assert document["openapi"].startswith("3.1")
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 30
    for path, method, operation in operations:
        responses = operation["responses"]
        if not path.endswith("/download"):
            assert "401" in responses, (path, method)
        assert "500" in responses, (path, method)
        for status, response in responses.items():
            assert "X-Request-Id" in response["headers"], (path, method, status)
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema["$ref"].endswith("/ErrorEnvelope"), (path, method, status)
    stream = document["paths"]["/v1/jobs/{job_id}/stream"]["get"]["responses"]["200"]
    events = stream["content"]["text/event-stream"]["x-events"]
    assert set(events) == {"log", "step", "result", "artifact", "done", "stopped", "error"}
    for name in ("StepEventData", "TerminalEventData", "ErrorEnvelope"):
        assert name in document["components"]["schemas"]


async def test_served_as_json_and_yaml_with_version_headers(stack: Stack, org: Keys) -> None:
    async with stack.client() as client:
        as_json = await client.get("/v1/openapi.json")
        as_yaml = await client.get("/v1/openapi.yaml")
    async with stack.client(org.test) as client:
        api_call = await client.get("/v1/threads")
    assert as_json.status_code == as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.text) == as_json.json()
    assert api_call.headers["leadex-version"] == as_json.json()["info"]["version"]


async def test_the_reference_page_loads_every_asset_from_the_api_itself(stack: Stack) -> None:
    async with stack.client() as client:
        page = await client.get("/docs")
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        fetched = {asset: await client.get(asset) for asset in assets}
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "/v1/openapi.json" in page.text
    assert len(assets) >= 2 and all(asset.startswith("/docs/assets/") for asset in assets)
    for asset, response in fetched.items():
        assert response.status_code == 200, asset
        assert len(response.content) > 1000, asset
    script = next(response for asset, response in fetched.items() if asset.endswith(".js"))
    assert "SwaggerUIBundle" in script.text


def test_every_operation_has_a_clean_stable_unique_id_and_a_tag() -> None:
    document = yaml.safe_load(COMMITTED.read_text())
    operations = [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    ids = [operation["operationId"] for _, _, operation in operations]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)+", operation_id) for operation_id in ids), ids
    assert all(operation.get("tags") for _, _, operation in operations)
    # Generated clients name their methods after these: they must not change.
    stable = {
        ("post", "/v1/threads"): "threads_create",
        ("get", "/v1/threads"): "threads_list",
        ("get", "/v1/threads/{thread_id}"): "threads_retrieve",
        ("post", "/v1/threads/{thread_id}"): "threads_update",
        ("patch", "/v1/threads/{thread_id}"): "threads_patch",
        ("delete", "/v1/threads/{thread_id}"): "threads_delete",
        ("post", "/v1/threads/{thread_id}/messages"): "messages_create",
        ("get", "/v1/threads/{thread_id}/messages"): "messages_list",
        ("post", "/v1/plans/{plan_id}/replan"): "plans_replan",
        ("post", "/v1/jobs/{job_id}/approve"): "jobs_approve",
        ("get", "/v1/jobs/{job_id}/stream"): "jobs_stream",
        ("get", "/v1/artifacts/{artifact_id}/download"): "artifacts_download",
        ("post", "/v1/api-keys/{key_id}/rotate"): "api_keys_rotate",
        ("post", "/v1/search"): "search_run",
        ("put", "/v1/usage/budget"): "usage_set_budget",
    }
    found = {(method, path): operation["operationId"] for method, path, operation in operations}
    assert {key: found[key] for key in stable} == stable
