"""CRM integrations against the provider stand-ins over real HTTP: OAuth connect and
callback, tokens sealed at rest and refreshed, create, match-and-update by email, 429s,
dry runs, idempotent re-pushes, provider rejections, and the recipe "webhook on
job.succeeded → push to HubSpot" end to end. HubSpot is covered in depth; every other
provider runs the same connect → dry run → push → re-push course."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import col, select, update

from core.clock import utcnow
from store.models import Event, Integration
from tests.api.test_webhooks import node_verify
from tests.support.asserts import assert_error
from tests.support.crm_standins import (
    CONSENT_FIELD,
    HUBSPOT_CLIENT_ID,
    CrmStandIns,
    GoogleSheetsStandIn,
    OAuthStandIn,
    Portal,
    Tenant,
)
from tests.support.flows import draft, run_to_end
from tests.support.serving import serve_app
from tests.support.stack import Keys, Stack
from tests.support.webhook_receiver import Receiver

ROWS = 6


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """The integrator's webhook receiver, fresh for each test (and each backend)."""
    found = Receiver()
    with serve_app(found.app, "recipe-receiver") as base_url:
        yield found, base_url


async def connect_hubspot(client: httpx.AsyncClient, crm: CrmStandIns) -> Portal:
    """Run the OAuth dance the way a browser would; the connected portal."""
    started = await client.post("/v1/integrations/hubspot/connect")
    assert started.status_code == 200, started.text
    url = started.json()["authorization_url"]
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == [HUBSPOT_CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [started.json()["redirect_uri"]]
    assert "crm.objects.contacts.write" in query["scope"][0].split()
    # The user consents at HubSpot, which redirects to the callback: no API key involved.
    async with httpx.AsyncClient(follow_redirects=True, timeout=60) as browser:
        landed = await browser.get(url)
    assert landed.status_code == 200, landed.text
    integration = landed.json()
    assert integration["provider"] == "hubspot" and integration["status"] == "connected"
    return crm.hubspot.portals[int(integration["account_id"])]


async def succeeded_job(client: httpx.AsyncClient) -> tuple[str, list[dict[str, Any]]]:
    """A test-mode job run to success, and its leads."""
    drafted = await draft(client, hints={"max_rows": ROWS})
    job = await run_to_end(client, drafted["job"]["id"])
    assert job["status"] == "succeeded", job
    leads = (await client.get(f"/v1/jobs/{job['id']}/leads", params={"limit": 100})).json()
    return job["id"], leads["data"]


def emails(leads: list[dict[str, Any]]) -> set[str]:
    """The leads' distinct person emails."""
    return {
        lead["person"]["email"].lower()
        for lead in leads
        if lead.get("person") and lead["person"].get("email")
    }


def contact_emails(portal: Portal) -> list[str]:
    """Every contact's email in the portal (duplicates would show twice)."""
    return [str(c["properties"].get("email", "")).lower() for c in portal.contacts.values()]


async def test_connect_list_and_disconnect(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]
) -> None:
    stand_ins, _ = crm
    async with stack.client(org.test) as client, stack.client(org.read_only) as reader:
        assert_error(await reader.post("/v1/integrations/hubspot/connect"), 403, "permission_error")
        assert_error(
            await client.post("/v1/integrations/myspace/connect"),
            404,
            "not_found",
            param="provider",
        )
        portal = await connect_hubspot(client, stand_ins)
        listed = (await client.get("/v1/integrations")).json()
        assert [item["provider"] for item in listed["data"]] == ["hubspot"]
        assert listed["data"][0]["account_id"] == str(portal.id)
        assert "token" not in json.dumps(listed).replace("token_expires_at", "")
        # Tokens are sealed at rest: the stored ciphertext is not the token.
        [row] = await stack.query(select(Integration).where(Integration.org_id == org.org_id))
        issued = [t for t, owner in stand_ins.hubspot.tokens.items() if owner == portal.id]
        assert issued and issued[0] not in row.access_token_encrypted
        assert row.refresh_token_encrypted and "hs-rt-" not in row.refresh_token_encrypted
        bad_state = await client.get(
            "/v1/integrations/hubspot/callback", params={"code": "x", "state": "forged.sig"}
        )
        assert_error(bad_state, 400, "invalid_request_error", param="state")
        assert_error(await reader.delete("/v1/integrations/hubspot"), 403, "permission_error")
        gone = await client.delete("/v1/integrations/hubspot")
        assert gone.status_code == 200 and gone.json()["deleted"] is True
        assert (await client.get("/v1/integrations")).json()["data"] == []
        assert_error(await client.delete("/v1/integrations/hubspot"), 404, "not_found")


async def test_a_refused_code_is_an_integration_error(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]
) -> None:
    async with stack.client(org.test) as client:
        started = (await client.post("/v1/integrations/hubspot/connect")).json()
        state = parse_qs(urlsplit(started["authorization_url"]).query)["state"][0]
        refused = await client.get(
            "/v1/integrations/hubspot/callback", params={"code": "never-issued", "state": state}
        )
    error = assert_error(refused, 502, "integration_error", param="code")
    assert "auth code not found" in str(error["message"])


async def test_dry_run_push_and_idempotent_re_push(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]
) -> None:
    stand_ins, _ = crm
    async with stack.client(org.test) as client:
        portal = await connect_hubspot(client, stand_ins)
        job_id, leads = await succeeded_job(client)
        people = emails(leads)
        assert people
        dry = await client.post(
            f"/v1/jobs/{job_id}/push", json={"provider": "hubspot", "dry_run": True}
        )
        assert dry.status_code == 200, dry.text
        plan = dry.json()
        assert plan["dry_run"] is True and plan["status"] == "succeeded"
        assert plan["created"] == len(people) and plan["updated"] == 0
        assert plan["mutations"][0] == {
            "action": "create",
            "object": "list",
            "properties": {"name": "test"},
        }
        planned = {m["properties"]["email"] for m in plan["mutations"][1:]}
        assert planned == people
        assert portal.contacts == {} and portal.lists == {}  # nothing applied

        pushed = await client.post(f"/v1/jobs/{job_id}/push", json={"provider": "hubspot"})
        assert pushed.status_code == 200, pushed.text
        result = pushed.json()
        assert result["push_id"].startswith("psh_") and result["provider"] == "hubspot"
        assert (result["created"], result["updated"], result["errors"]) == (len(people), 0, [])
        assert sorted(contact_emails(portal)) == sorted(people)
        [made] = portal.lists.values()
        assert made["name"] == "test" and result["list_id"] == made["listId"]
        assert sorted(made["members"]) == sorted(portal.contacts)
        assert result["list_url"] == (
            f"https://app.hubspot.com/contacts/{portal.id}/lists/{made['listId']}"
        )
        calls = len(portal.calls)
        again = await client.post(f"/v1/jobs/{job_id}/push", json={"provider": "hubspot"})
        assert again.json()["push_id"] == result["push_id"]
        assert again.json()["created"] == len(people)
        assert len(portal.calls) == calls and sorted(contact_emails(portal)) == sorted(people)

        # Another mode is another push: the same contacts are matched and updated, never
        # duplicated; companies are created and associated; the job's list is reused.
        both = await client.post(
            f"/v1/jobs/{job_id}/push",
            json={
                "provider": "hubspot",
                "mode": "both",
                "mapping": {"fields.funding_amount": "funding_amount", "confidence": "lead_score"},
            },
        )
        assert both.status_code == 200, both.text
        domains = {lead["company"]["domain"] for lead in leads}
        assert both.json()["updated"] == len(people)
        assert both.json()["created"] == len(domains)
        assert both.json()["list_id"] == result["list_id"] and len(portal.lists) == 1
    assert sorted(contact_emails(portal)) == sorted(people)
    assert len(portal.companies) == len(domains) and portal.associations
    scored = [c["properties"] for c in portal.contacts.values() if "lead_score" in c["properties"]]
    assert len(scored) == len(people)
    events = await stack.query(
        select(Event).where(
            Event.org_id == org.org_id, col(Event.type).startswith("integration.push")
        )
    )
    assert sorted(event.type for event in events) == ["integration.push.completed"] * 2


async def test_existing_contacts_are_matched_by_email_and_429s_are_waited_out(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]
) -> None:
    stand_ins, _ = crm
    async with stack.client(org.test) as client:
        portal = await connect_hubspot(client, stand_ins)
        job_id, leads = await succeeded_job(client)
        people = sorted(emails(leads))
        known = people[0]
        portal.contacts["77"] = {
            "id": "77",
            "properties": {"email": known.upper(), "firstname": "Old"},
        }
        portal.throttle.extend([429, 429])
        pushed = await client.post(f"/v1/jobs/{job_id}/push", json={"provider": "hubspot"})
        assert pushed.status_code == 200, pushed.text
    result = pushed.json()
    assert portal.rate_limited == 2
    assert (result["created"], result["updated"]) == (len(people) - 1, 1), result
    assert sorted(contact_emails(portal)) == people
    assert portal.contacts["77"]["properties"]["firstname"] != "Old"


async def test_refresh_then_a_revoked_connection_fails_the_push_with_the_provider_s_words(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]
) -> None:
    stand_ins, _ = crm
    async with stack.client(org.test) as client:
        portal = await connect_hubspot(client, stand_ins)
        job_id, _ = await succeeded_job(client)
        # The access token expired: the push refreshes it first.
        await stack.execute(
            update(Integration)
            .where(col(Integration.org_id) == org.org_id)
            .values(expires_at=utcnow() - timedelta(minutes=5))
        )
        stand_ins.hubspot.expire_tokens(portal.id)
        pushed = await client.post(
            f"/v1/jobs/{job_id}/push", json={"provider": "hubspot", "mode": "companies"}
        )
        assert pushed.status_code == 200, pushed.text
        grants = [form["grant_type"] for form in stand_ins.hubspot.token_requests]
        assert "refresh_token" in grants
        # Now HubSpot forgets both tokens: the push cannot go on.
        stand_ins.hubspot.expire_tokens(portal.id)
        for token in [t for t, p in stand_ins.hubspot.refresh_tokens.items() if p == portal.id]:
            del stand_ins.hubspot.refresh_tokens[token]
        refused = await client.post(f"/v1/jobs/{job_id}/push", json={"provider": "hubspot"})
        error = assert_error(refused, 502, "integration_error", param="provider")
        assert "unknown refresh token" in str(error["message"])
    failed = await stack.query(
        select(Event).where(Event.org_id == org.org_id, Event.type == "integration.push.failed")
    )
    assert len(failed) == 1 and failed[0].data["object"]["status"] == "failed"


async def test_push_refusals(stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]) -> None:
    async with stack.client(org.test) as client:
        drafted = await draft(client, hints={"max_rows": 3})
        pending = drafted["job"]["id"]
        assert_error(
            await client.post(f"/v1/jobs/{pending}/push", json={"provider": "hubspot"}),
            422,
            "invalid_request_error",
            param="provider",
        )
        await connect_hubspot(client, crm[0])
        assert_error(
            await client.post(f"/v1/jobs/{pending}/push", json={"provider": "hubspot"}),
            409,
            "conflict",
            param="job_id",
        )
        assert_error(
            await client.post(
                f"/v1/jobs/{pending}/push", json={"provider": "hubspot", "mode": "x"}
            ),
            422,
            "invalid_request_error",
            param="mode",
        )
        assert_error(
            await client.post(
                f"/v1/jobs/{pending}/push",
                json={"provider": "hubspot", "mapping": {"email": "x"}},
            ),
            422,
            "invalid_request_error",
            param="mapping",
        )
        assert_error(
            await client.post("/v1/jobs/job_missing/push", json={"provider": "hubspot"}),
            404,
            "not_found",
        )


async def test_recipe_webhook_on_job_succeeded_pushes_to_hubspot(
    stack: Stack,
    org: Keys,
    crm: tuple[CrmStandIns, str],
    receiver: tuple[Receiver, str],
    tmp_path: Path,
) -> None:
    """Recipe 3: the integrator's receiver verifies the job.succeeded delivery and pushes."""
    stand_ins, _ = crm
    found, base = receiver
    async with stack.client(org.test) as client:
        portal = await connect_hubspot(client, stand_ins)
        hook = (
            await client.post(
                "/v1/webhooks",
                json={"url": f"{base}/leadex/hook", "events": ["job.succeeded", "integration.*"]},
            )
        ).json()
        pushed: list[dict[str, Any]] = []

        async def on_job_succeeded() -> None:
            [item] = found.at("/leadex/hook")[-1:]
            assert node_verify(tmp_path, item, [hook["signing_secret"]]) == [True]
            event = json.loads(item.body)
            if event["type"] != "job.succeeded":
                return
            async with stack.client(org.test) as integrator:
                response = await integrator.post(
                    f"/v1/jobs/{event['data']['object']['id']}/push",
                    json={"provider": "hubspot", "mode": "both"},
                )
                pushed.append(response.json())

        found.after["/leadex/hook"] = on_job_succeeded
        job_id, leads = await succeeded_job(client)
        completed = await found.wait_for(
            "/leadex/hook", 1, timeout=90, leadex_event="integration.push.completed"
        )
    deadline = asyncio.get_running_loop().time() + 30
    while not pushed:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.1)
    assert pushed[0]["created"] >= len(emails(leads)) and pushed[0]["errors"] == []
    assert sorted(contact_emails(portal)) == sorted(emails(leads))
    announced = json.loads(completed[0].body)["data"]["object"]
    assert announced["push_id"] == pushed[0]["push_id"] and announced["job_id"] == job_id


async def test_pipedrive_connect_dry_run_match_429_and_idempotent_push(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]
) -> None:
    stand_ins, _ = crm
    pipedrive = stand_ins.pipedrive
    async with stack.client(org.test) as client:
        started = (await client.post("/v1/integrations/pipedrive/connect")).json()
        assert started["authorization_url"].split("?")[0].endswith("/pipedrive/oauth/authorize")
        async with httpx.AsyncClient(follow_redirects=True, timeout=60) as browser:
            landed = await browser.get(started["authorization_url"])
        assert landed.status_code == 200, landed.text
        company = pipedrive.companies[int(landed.json()["account_id"])]
        job_id, leads = await succeeded_job(client)
        people = sorted(emails(leads))
        company.persons[500] = {
            "id": 500,
            "name": "Known Person",
            "email": [{"value": people[0], "primary": True}],
        }
        dry = (
            await client.post(
                f"/v1/jobs/{job_id}/push", json={"provider": "pipedrive", "dry_run": True}
            )
        ).json()
        assert (dry["created"], dry["updated"]) == (len(people) - 1, 1)
        assert {m["action"] for m in dry["mutations"]} == {"create", "update"}
        assert all(m["object"] == "contact" for m in dry["mutations"])  # no lists in Pipedrive
        assert len(company.persons) == 1
        company.throttle = 2
        pushed = await client.post(
            f"/v1/jobs/{job_id}/push", json={"provider": "pipedrive", "mode": "both"}
        )
        assert pushed.status_code == 200, pushed.text
        again = await client.post(
            f"/v1/jobs/{job_id}/push", json={"provider": "pipedrive", "mode": "both"}
        )
    result = pushed.json()
    assert company.rate_limited == 2
    names = {lead["company"]["name"] for lead in leads}
    assert result["created"] == len(people) - 1 + len(names) and result["updated"] == 1
    assert result["list_id"] is None and result["list_url"] is None
    stored = sorted(p["email"][0]["value"].lower() for p in company.persons.values())
    assert stored == people
    assert len(company.organizations) == len(names)
    assert all("org_id" in person for person in company.persons.values())
    assert again.json()["push_id"] == result["push_id"] and len(company.persons) == len(people)


OAUTH_PROVIDERS = ("salesforce", "attio", "close", "zoho", "copper", "google_sheets")
WITHOUT_LISTS = {"close"}
# What each provider says when a code was never issued.
REFUSED_CODE = {
    "salesforce": "expired authorization code",
    "attio": "invalid authorization code",
    "close": "invalid authorization code",
    "zoho": "invalid_code",
    "copper": "invalid authorization code",
    "google_sheets": "Malformed auth code.",
}


async def return_from_consent(
    browser: httpx.AsyncClient, provider: str, url: str, redirect_uri: str
) -> httpx.Response:
    """Consent at the provider and land on the callback, as a browser would (Copper sends
    the user back with a form POST, the others with a redirect)."""
    landed = await browser.get(url)
    if provider == "copper":
        assert landed.status_code == 200, landed.text
        fields = dict(CONSENT_FIELD.findall(landed.text))
        assert set(fields) == {"code", "state"}
        landed = await browser.post(redirect_uri, data=fields)
    return landed


async def connect_provider(
    client: httpx.AsyncClient, crm: CrmStandIns, provider: str
) -> tuple[OAuthStandIn, Tenant]:
    """Connect a provider through its OAuth consent; its stand-in and the new account."""
    stand_in = crm.oauth[provider]
    started = await client.post(f"/v1/integrations/{provider}/connect")
    assert started.status_code == 200, started.text
    url, redirect = started.json()["authorization_url"], started.json()["redirect_uri"]
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == f"/{provider}{stand_in.authorize_path}"
    assert query["client_id"] == [stand_in.client_id] and query["redirect_uri"] == [redirect]
    async with httpx.AsyncClient(follow_redirects=True, timeout=60) as browser:
        landed = await return_from_consent(browser, provider, url, redirect)
    assert landed.status_code == 200, landed.text
    integration = landed.json()
    assert integration["provider"] == provider and integration["status"] == "connected"
    assert integration["account_id"]
    tenant = list(stand_in.tenants.values())[-1]
    return stand_in, tenant


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("provider", OAUTH_PROVIDERS)
async def test_provider_dry_run_match_429_refresh_and_idempotent_push(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str], provider: str
) -> None:
    stand_ins, _ = crm
    async with stack.client(org.test) as client:
        stand_in, tenant = await connect_provider(client, stand_ins, provider)
        job_id, leads = await succeeded_job(client)
        people = sorted(emails(leads))
        key = "name" if provider == "copper" else "domain"  # Copper matches companies by name
        companies = len({lead["company"][key] for lead in leads})
        known = stand_in.seed_contact(tenant, people[0].upper())
        companies_before = stand_in.company_count(tenant)
        push = f"/v1/jobs/{job_id}/push"

        dry = await client.post(push, json={"provider": provider, "mode": "both", "dry_run": True})
        assert dry.status_code == 200, dry.text
        plan = dry.json()
        assert (plan["created"], plan["updated"]) == (len(people) - 1 + companies, 1), plan
        contacts = [m for m in plan["mutations"] if m["object"] == "contact"]
        assert [m["remote_id"] for m in contacts if m["action"] == "update"] == [known]
        lists = [m for m in plan["mutations"] if m["object"] == "list"]
        assert len(lists) == (0 if provider in WITHOUT_LISTS else 1)
        assert stand_in.contact_emails(tenant) == [people[0]]  # nothing applied
        assert stand_in.company_count(tenant) == companies_before
        assert stand_in.list_members(tenant) == {}

        tenant.throttle = 1
        pushed = await client.post(push, json={"provider": provider, "mode": "both"})
        assert pushed.status_code == 200, pushed.text
        result = pushed.json()
        assert tenant.rate_limited == 1
        assert (result["created"], result["updated"], result["errors"]) == (
            len(people) - 1 + companies,
            1,
            [],
        ), result
        assert stand_in.contact_emails(tenant) == people  # matched and updated, not doubled
        assert stand_in.name_of(tenant, known) not in ("", "Old Name")
        assert stand_in.company_count(tenant) == companies_before + companies
        assert stand_in.all_linked(tenant)
        members = stand_in.list_members(tenant)
        if provider in WITHOUT_LISTS:
            assert members == {} and result["list_id"] is None
        else:
            assert list(members) == ["test"] and len(members["test"]) == len(people)
            assert result["list_id"]

        calls = len(tenant.calls)
        again = await client.post(push, json={"provider": provider, "mode": "both"})
        assert again.json()["push_id"] == result["push_id"] and len(tenant.calls) == calls

        # Another mode is another push: with an expired token refreshed first (where the
        # provider's tokens expire), every contact is matched and updated, none created.
        if stand_in.issues_refresh_tokens:
            await stack.execute(
                update(Integration)
                .where(col(Integration.org_id) == org.org_id)
                .values(expires_at=utcnow() - timedelta(minutes=5))
            )
            stand_in.expire_tokens(tenant.id)
        if isinstance(stand_in, GoogleSheetsStandIn):  # someone sorted the sheet meanwhile
            rows = stand_in.rows(tenant, "Contacts")
            rows[1:] = rows[:0:-1]
        contacts_only = await client.post(push, json={"provider": provider})
        assert contacts_only.status_code == 200, contacts_only.text
        assert (contacts_only.json()["created"], contacts_only.json()["updated"]) == (
            0,
            len(people),
        )
    if stand_in.issues_refresh_tokens:
        grants = [form.get("grant_type") for form in stand_in.token_requests]
        assert "refresh_token" in grants
    assert stand_in.contact_emails(tenant) == people
    if isinstance(stand_in, GoogleSheetsStandIn):  # each row was rewritten with its own person
        names = {
            lead["person"]["email"].lower(): lead["person"]["full_name"]
            for lead in leads
            if (lead.get("person") or {}).get("email")
        }
        for row_number in range(2, len(people) + 2):
            row = stand_in.contact_row(tenant, f"Contacts!{row_number}")
            assert row["full_name"] == names[row["email"].lower()], row
    assert {name: len(ids) for name, ids in stand_in.list_members(tenant).items()} == (
        {} if provider in WITHOUT_LISTS else {"test": len(people)}
    )


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("provider", OAUTH_PROVIDERS)
async def test_a_provider_s_refused_code_is_an_integration_error_in_its_words(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str], provider: str
) -> None:
    async with stack.client(org.test) as client:
        started = (await client.post(f"/v1/integrations/{provider}/connect")).json()
        state = parse_qs(urlsplit(started["authorization_url"]).query)["state"][0]
        callback = f"/v1/integrations/{provider}/callback"
        fields = {"code": "never-issued", "state": state}
        if provider == "copper":
            refused = await client.post(callback, data=fields)
        else:
            refused = await client.get(callback, params=fields)
        listed = (await client.get("/v1/integrations")).json()
    error = assert_error(refused, 502, "integration_error", param="code")
    assert REFUSED_CODE[provider] in str(error["message"])
    assert listed["data"] == []


@pytest.mark.backends("sqlite")
async def test_salesforce_refusals_are_reported_in_its_words(
    stack: Stack, org: Keys, crm: tuple[CrmStandIns, str]
) -> None:
    stand_ins, _ = crm
    async with stack.client(org.test) as client:
        salesforce, tenant = await connect_provider(client, stand_ins, "salesforce")
        job_id, leads = await succeeded_job(client)
        # A mapping to a field the org does not have: each contact is refused, the push
        # still ends, and the errors carry Salesforce's words.
        pushed = await client.post(
            f"/v1/jobs/{job_id}/push",
            json={"provider": "salesforce", "mapping": {"confidence": "Lead_Score"}},
        )
        assert pushed.status_code == 200, pushed.text
        refused = pushed.json()["errors"]
        assert len(refused) == len(emails(leads)) and tenant.contacts == {}
        assert refused[0]["message"] == (
            "salesforce: No such column 'Lead_Score' on sobject of type Contact"
        )
        # The connection is revoked at Salesforce: the next push fails as a whole.
        salesforce.expire_tokens(tenant.id)
        salesforce.revoke_refresh_tokens(tenant.id)
        failed = await client.post(
            f"/v1/jobs/{job_id}/push", json={"provider": "salesforce", "mode": "companies"}
        )
    error = assert_error(failed, 502, "integration_error", param="provider")
    assert "refresh token revoked" in str(error["message"])
    assert tenant.companies == {}
