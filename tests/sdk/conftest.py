"""Fixtures for the SDK tests: clients and environments pointed at the running test stack."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path

import pytest
from leadex import AsyncLeadex, Leadex

from tests.support.stack import Keys, Stack

EXAMPLES = Path(__file__).parent / "examples"


def sdk_env(stack: Stack, key: str, **extra: str) -> dict[str, str]:
    """The environment a user of the SDK or CLI would have: only a key and a base URL."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("LEADEX_") and name not in {"XDG_CONFIG_HOME"}
    }
    env.update(LEADEX_API_KEY=key, LEADEX_BASE_URL=stack.base_url, **extra)
    return env


def run_python(
    code: str, env: Mapping[str, str], cwd: Path, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter, as a user's script would run."""
    return subprocess.run(
        [sys.executable, "-c", code],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def client(stack: Stack, org: Keys) -> Iterator[Leadex]:
    """A sync client on the organization's test key."""
    with Leadex(api_key=org.test, base_url=stack.base_url) as sdk:
        yield sdk


@pytest.fixture
async def aclient(stack: Stack, org: Keys) -> AsyncIterator[AsyncLeadex]:
    """An async client on the organization's test key."""
    async with AsyncLeadex(api_key=org.test, base_url=stack.base_url) as sdk:
        yield sdk
