"""Attachments are fetched through the guard and parsed before planning."""

from __future__ import annotations

from tests.support.asserts import assert_error
from tests.support.files import serve_files
from tests.support.stack import Keys, Stack

PROMPT = "For each company in the attached CSV, pull the CTO and Head of Engineering."


async def _post(stack: Stack, org: Keys, attachments: list[dict[str, str]]):
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={})).json()
        response = await client.post(
            f"/v1/threads/{thread['id']}/messages",
            json={"content": PROMPT, "attachments": attachments},
        )
        listing = (await client.get(f"/v1/threads/{thread['id']}/messages")).json()
    return response, listing


async def test_a_seed_csv_turns_the_plan_into_enrichment(stack: Stack, org: Keys) -> None:
    files = {
        "/seeds.csv": (
            b"company,website\nAcme,https://acme.example\nBeta,beta.example\n",
            "text/csv",
        ),
        "/pages.txt": (b"https://acme.example/team\nhttps://beta.example/about\n", "text/plain"),
    }
    with serve_files(files) as base:
        response, _ = await _post(
            stack,
            org,
            [
                {"kind": "csv", "url": f"{base}/seeds.csv"},
                {"kind": "url_list", "url": f"{base}/pages.txt"},
            ],
        )
    assert response.status_code == 200, response.text
    plan = response.json()["plan"]
    # Each seed is kept as the user gave it: a URL with its scheme, a bare domain as is.
    assert plan["criteria"]["seed"]["values"] == ["https://acme.example/", "beta.example"]
    assert plan["criteria"]["url_list"] == [
        "https://acme.example/team",
        "https://beta.example/about",
    ]
    assert plan["steps"][0]["intent"] == "enrich"
    assert plan["target_rows"] == 4  # two companies, two people each


async def test_a_malformed_csv_is_a_clear_422_and_nothing_is_stored(
    stack: Stack, org: Keys
) -> None:
    with serve_files({"/bad.csv": (b"colour,size\nred,3\n", "text/csv")}) as base:
        bad, listing = await _post(stack, org, [{"kind": "csv", "url": f"{base}/bad.csv"}])
        missing, _ = await _post(stack, org, [{"kind": "csv", "url": f"{base}/nope.csv"}])
    error = assert_error(bad, 422, "invalid_request_error", param="attachments")
    assert "no column of domains or company names" in str(error["message"])
    assert listing["data"] == []
    assert "404" in str(
        assert_error(missing, 422, "invalid_request_error", param="attachments")["message"]
    )


async def test_attachments_on_private_addresses_are_refused(stack: Stack, org: Keys) -> None:
    response, _ = await _post(
        stack, org, [{"kind": "csv", "url": "http://169.254.169.254/latest/meta-data/"}]
    )
    error = assert_error(response, 422, "invalid_request_error", param="attachments")
    assert "private or internal address" in str(error["message"])
