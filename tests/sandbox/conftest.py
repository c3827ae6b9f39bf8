"""Shared sandbox webs: generating one takes under a second, so each seed is built once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sandbox import SandboxWeb, generate
from sandbox.search import SearchIndex
from sandbox.server import serve_in_thread


@pytest.fixture(scope="session")
def web() -> SandboxWeb:
    """The default sandbox web (seed 7, 80 companies)."""
    return generate(7)


@pytest.fixture(scope="session")
def truth(web: SandboxWeb) -> dict[str, Any]:
    """The ground truth of the default web."""
    return web.truth()


@pytest.fixture(scope="session")
def index(web: SandboxWeb) -> SearchIndex:
    """The search index of the default web."""
    return SearchIndex.from_web(web)


@pytest.fixture(scope="session")
def port(web: SandboxWeb, index: SearchIndex) -> Iterator[int]:
    """The default web served over HTTP on a loopback port."""
    with serve_in_thread(web, index=index) as bound:
        yield bound
