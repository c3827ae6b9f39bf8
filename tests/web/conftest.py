"""A real browser (the system Chromium) driving the web app of the running test stack."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.support.stack import Keys, Stack

CHROMIUM = "/usr/bin/chromium"
# Set to a directory (the README's pictures live in docs/web) to save screenshots on the way.
SCREENSHOTS_ENV = "LEADEX_WEB_SCREENSHOTS"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium, the machine's own."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh browser context at a laptop's screen size, downloads allowed."""
    context = await browser.new_context(
        viewport={"width": 1366, "height": 800}, accept_downloads=True
    )
    # Planning runs while a form posts; a loaded machine can take a while, which is no failure.
    context.set_default_timeout(120_000)
    context.set_default_navigation_timeout(120_000)
    opened = await context.new_page()
    try:
        yield opened
    finally:
        await context.close()


async def sign_in(page: Page, stack: Stack, key: str) -> None:
    """Sign in through the form, as a person would."""
    await page.goto(f"{stack.base_url}/app/login")
    await page.get_by_label("API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_load_state()


async def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save a picture for the README when asked to."""
    directory = os.environ.get(SCREENSHOTS_ENV)
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=full_page)


__all__ = ["Keys", "screenshot", "sign_in"]
