"""The web app in a real browser: sign-in, threads, plans, live jobs, leads, downloads, settings."""

from __future__ import annotations

import re

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from tests.support.flows import QUICKSTART, wait_for_status
from tests.support.stack import Keys, Stack
from tests.web.conftest import screenshot, sign_in
from web import logins

pytestmark = pytest.mark.backends("sqlite")  # the page calls /v1; the API tests cover both DBs

# Many rows, so the job is still running when the test presses Stop.
LONG_PROMPT = "Find 2000 Series A fintechs in France with 20+ engineers. Pull the VP Eng."


async def new_thread(page: Page, title: str) -> str:
    """Create a thread from the rail; returns its id."""
    await page.get_by_label("Title of the new thread (optional)").fill(title)
    await page.get_by_role("button", name="New thread").click()
    await page.wait_for_url(re.compile(r"/app/threads/thr_"))
    return page.url.rsplit("/", 1)[-1]


async def send(page: Page, content: str) -> None:
    """Post a message and wait for the plan card."""
    await page.get_by_label("Message").fill(content)
    await page.get_by_role("button", name="Send").click()
    await page.wait_for_url(re.compile(r"/app/threads/thr_\w+"))
    error = page.locator("#flash .error-box")
    assert not await error.count(), await error.inner_text()
    await expect(page.locator("#plan")).to_be_visible()


async def test_the_quickstart_in_the_browser(stack: Stack, org: Keys, page: Page) -> None:
    await sign_in(page, stack, org.test)
    await expect(page).to_have_url(re.compile(r"/app/threads$"))
    thread_id = await new_thread(page, "Series A FinTech in EU")
    await send(page, QUICKSTART)

    card = page.locator("#plan")
    await expect(card.get_by_role("heading", level=2)).to_contain_text("Plan:")
    assert await card.locator("ol.steps > li").count() >= 2
    await expect(card).to_contain_text("Expected columns")
    await expect(card).to_contain_text("credits")
    # The prompt is underlined by the criteria it produced, and each is written out.
    underlined = card.locator("u.criterion")
    assert await underlined.count() >= 2
    assert {"France", "Head of Growth"} <= set(await underlined.all_inner_texts())
    # It is the user's prompt that is underlined, not the assistant's reply.
    await expect(card.locator(".prompt")).to_contain_text("Pull VP Eng")
    await expect(card.locator("details.criteria")).to_contain_text("countries = FR")
    await screenshot(page, "plan-card", full_page=True)

    await page.get_by_label("Max credits (optional)").fill("500")
    await page.get_by_role("button", name="Approve and run").click()
    await page.wait_for_url(re.compile(r"/app/jobs/job_"))
    job_id = page.url.rsplit("/", 1)[-1]
    await expect(page.locator("#job")).to_have_attribute("data-stream", "ended", timeout=120_000)
    log = page.locator("#step-log")
    await expect(log).to_contain_text("step")
    await expect(log.locator("li.log-done")).to_have_count(1)
    await expect(page.locator("#job-status [data-status]")).to_have_text("succeeded")
    await expect(page.locator("#job-status")).to_contain_text("of at most 500")

    async with stack.client(org.test) as client:
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        leads = (await client.get(f"/v1/jobs/{job_id}/leads", params={"limit": 100})).json()
        with_email = (
            await client.get(
                f"/v1/jobs/{job_id}/leads",
                params={"limit": 100, "min_confidence": "0.9", "has_field": "person.email"},
            )
        ).json()
        api_csv = await client.get(f"/v1/artifacts/{job['artifact']['id']}", follow_redirects=True)
    assert job["status"] == "succeeded" and job["max_credits"] == 500
    await expect(page.locator("#job-status .summary")).to_have_text(job["summary"])

    # The leads table holds the API's leads, in its order, each value linked to its sources.
    rows = page.locator("#leads tbody tr")
    await expect(rows).to_have_count(len(leads["data"]))
    first = leads["data"][0]
    assert await rows.first.get_attribute("data-lead-id") == first["id"]
    email_cell = rows.first.locator("td").nth(3)
    await expect(email_cell).to_contain_text(first["person"]["email"])
    cited = {source["url"] for source in first["sources"] if "person.email" in source["fields"]}
    hrefs = {await link.get_attribute("href") for link in await email_cell.locator("a").all()}
    assert hrefs and hrefs <= cited

    # Filters go through the API's own filters.
    await page.get_by_label("Minimum confidence").select_option("0.9")
    await page.get_by_label("Has email").check()
    await expect(rows).to_have_count(len(with_email["data"]))
    await page.locator("#leads-h").scroll_into_view_if_needed()
    await page.evaluate("document.getElementById('leads-h').scrollIntoView()")
    await screenshot(page, "leads-table")
    assert len(with_email["data"]) < len(leads["data"])

    # The CSV the page downloads is the API's, byte for byte.
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="CSV", exact=True).click()
    download = await download_info.value
    path = await download.path()
    assert path.read_bytes() == api_csv.content
    assert download.suggested_filename.endswith(".csv")

    # The thread is in the rail with its last job's status written out.
    await page.goto(f"{stack.base_url}/app/threads")
    entry = page.locator(f'#rail-list a[href="/app/threads/{thread_id}"]')
    await expect(entry).to_contain_text("Series A FinTech in EU")
    await expect(entry).to_contain_text("succeeded")
    # The rail's search asks the API for titles as the user types.
    await page.get_by_label("Search threads by title").fill("no such title zz")
    await expect(page.locator("#rail-list")).to_contain_text("No thread title matches")
    await page.get_by_label("Search threads by title").fill("FinTech in EU")
    await expect(entry).to_be_visible()
    await screenshot(page, "rail")


async def test_stop_a_second_job(stack: Stack, org: Keys, page: Page) -> None:
    await sign_in(page, stack, org.test)
    await new_thread(page, "Stop me")
    await send(page, QUICKSTART)
    await send(page, LONG_PROMPT)  # a follow-up: the plan is redrafted for the whole thread
    await expect(page.locator(".message-user")).to_have_count(2)
    await page.get_by_role("button", name="Approve and run").click()
    await page.wait_for_url(re.compile(r"/app/jobs/job_"))
    job_id = page.url.rsplit("/", 1)[-1]
    await expect(page.locator("#step-log li.log-step").first).to_be_visible(timeout=60_000)
    await expect(page.locator("#job-status [data-status]")).to_have_text("running")
    await screenshot(page, "live-job")
    await page.get_by_role("button", name="Stop").click()
    await expect(page.locator("#job-status [data-status]")).to_have_text("stopped", timeout=60_000)
    await expect(page.locator("#job-status")).to_contain_text("(partial)")
    async with stack.client(org.test) as client:
        job = await wait_for_status(client, job_id, ("stopped",))
    assert job["error"] is None or "web app" in job["error"]["message"]
    # A stopped job's stream ends with its terminal event, shown in the log.
    await page.reload()
    await expect(page.locator("#step-log li.log-stopped")).to_have_count(1, timeout=60_000)


async def test_a_rejected_prompt_shows_the_envelope(stack: Stack, org: Keys, page: Page) -> None:
    await sign_in(page, stack, org.test)
    await new_thread(page, "Vague")
    await page.get_by_label("Message").fill("leads")
    await page.get_by_role("button", name="Send").click()
    error = page.locator("#flash .error-box")
    await expect(error).to_contain_text("plan_rejected")
    request_id = await error.locator(".request-id").inner_text()
    assert request_id.startswith("req_")


async def test_sign_in_errors_csrf_and_sign_out(stack: Stack, org: Keys, page: Page) -> None:
    await sign_in(page, stack, "sk_test_not_a_real_key")
    await expect(page.locator("#flash")).to_contain_text("authentication_error")
    await expect(page).to_have_url(re.compile(r"/app/login$"))

    # The session cookie is httpOnly, SameSite and holds no readable key.
    await sign_in(page, stack, org.test)
    cookies = await page.context.cookies()
    cookie = next(item for item in cookies if item["name"] == "leadex_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert org.test not in cookie["value"] and "sk_test" not in cookie["value"]
    assert await page.evaluate("document.cookie") == ""

    # A form post without the session's CSRF token is refused, in the envelope's terms.
    async with httpx.AsyncClient(base_url=stack.base_url) as client:
        client.cookies.set("leadex_session", cookie["value"], path="/app")
        forged = await client.post("/app/threads", data={"title": "forged"})
        forged_json = await client.post(
            "/app/threads", data={"title": "forged"}, headers={"Accept": "application/json"}
        )
        honest = await client.post("/app/threads", data={"title": "honest", "csrf_token": "wrong"})
    assert forged.status_code == 403 and "csrf_token" in forged.text
    assert forged_json.json()["error"]["code"] == "permission_error"
    assert forged_json.json()["error"]["param"] == "csrf_token"
    assert forged_json.json()["error"]["request_id"] == forged_json.headers["X-Request-Id"]
    assert honest.status_code == 403
    async with stack.client(org.test) as api:
        titles = [t["title"] for t in (await api.get("/v1/threads")).json()["data"]]
    assert "forged" not in titles and "honest" not in titles

    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/app/login$"))
    await page.goto(f"{stack.base_url}/app/settings")
    await expect(page).to_have_url(re.compile(r"/app/login$"))


async def test_one_time_login_link(stack: Stack, org: Keys, page: Page) -> None:
    token = logins.issue(stack.data_dir, org.test)
    await page.goto(f"{stack.base_url}/app/login/once/{token}")
    await expect(page).to_have_url(re.compile(r"/app/threads$"))
    await expect(page.locator("header .who")).to_contain_text("test mode")
    await page.context.clear_cookies()
    await page.goto(f"{stack.base_url}/app/login/once/{token}")
    await expect(page.locator("#flash")).to_contain_text("already used or has expired")


async def test_settings_keys_budget_and_usage(stack: Stack, org: Keys, page: Page) -> None:
    await sign_in(page, stack, org.test)
    await page.goto(f"{stack.base_url}/app/settings")
    await page.get_by_label("Name").fill("ci key")
    await page.get_by_label("admin").uncheck()
    await page.get_by_role("button", name="Create key").click()
    secret = await page.locator("#minted-secret").inner_text()
    assert secret.startswith("sk_test_")
    async with stack.client(secret) as client:
        me = (await client.get("/v1/me")).json()
    assert sorted(me["key"]["scopes"]) == ["read", "run"]
    # Shown once: the page after a reload holds only the redacted key.
    await page.goto(f"{stack.base_url}/app/settings")
    assert secret not in await page.content()

    row = page.locator("tr", has_text="ci key")
    await row.get_by_role("button", name="Rotate ci key").click()
    rotated = await page.locator("#minted-secret").inner_text()
    assert rotated.startswith("sk_test_") and rotated != secret
    async with stack.client(secret) as client:
        assert (await client.get("/v1/me")).status_code == 401
    await page.locator("tr", has_text="ci key").get_by_role("button", name="Revoke ci key").click()
    async with stack.client(rotated) as client:
        assert (await client.get("/v1/me")).status_code == 401
    # Rotation revoked the first key; both rows now say so in words.
    await expect(page.locator("tr", has_text="ci key").filter(has_text="revoked")).to_have_count(2)

    await page.get_by_label(re.compile("Monthly budget")).fill("1234")
    await page.get_by_role("button", name="Save budget").click()
    async with stack.client(org.test) as client:
        assert (await client.get("/v1/usage/budget")).json()["monthly_credits"] == 1234
    await expect(page.get_by_label(re.compile("Monthly budget"))).to_have_value("1234")
    await page.get_by_label(re.compile("Monthly budget")).fill("-5")
    await page.get_by_role("button", name="Save budget").click()
    await expect(page.locator("#flash")).to_contain_text("monthly_credits")
    await expect(page.locator("#usage figure")).to_contain_text("Credits per day")


async def test_a_publishable_key_sees_shared_artifacts_only(
    stack: Stack, org: Keys, page: Page
) -> None:
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={"title": "to share"})).json()
        message = (
            await client.post(
                f"/v1/threads/{thread['id']}/messages",
                json={"content": QUICKSTART, "auto_approve": True},
            )
        ).json()
        job = await wait_for_status(client, message["job"]["id"], ("succeeded",))
        publishable = (
            await client.post("/v1/api-keys", json={"name": "embed", "kind": "publishable"})
        ).json()["secret"]
    artifact_id = job["artifact"]["id"]

    await sign_in(page, stack, org.test)
    await page.goto(f"{stack.base_url}/app/jobs/{job['id']}")
    await page.get_by_role("button", name="Share with publishable keys").click()
    await expect(page.locator("#downloads")).to_contain_text("shared with publishable keys")

    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, stack, publishable)
    await expect(page).to_have_url(re.compile(r"/app/shared$"))
    await expect(page.locator("main table")).to_contain_text(artifact_id)
    response = await page.goto(f"{stack.base_url}/app/threads")
    assert response is not None and response.status == 403
    await expect(page.locator(".error-box")).to_contain_text("shared artifacts only")


async def test_no_serious_accessibility_violations(stack: Stack, org: Keys, page: Page) -> None:
    axe = Axe()
    await page.goto(f"{stack.base_url}/app/login")
    pages = {"login": await axe.run(page)}
    await sign_in(page, stack, org.test)
    await new_thread(page, "Accessible")
    await send(page, QUICKSTART)
    pages["thread"] = await axe.run(page)
    await page.get_by_role("button", name="Approve and run").click()
    await expect(page.locator("#job")).to_have_attribute("data-stream", "ended", timeout=120_000)
    pages["job"] = await axe.run(page)
    await page.goto(f"{stack.base_url}/app/settings")
    pages["settings"] = await axe.run(page)
    serious = {
        name: [
            (violation["id"], violation["help"])
            for violation in result.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        for name, result in pages.items()
    }
    assert serious == {name: [] for name in pages}, serious
    # Keyboard: the skip link is the first stop and lands on the content.
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
