"""Servers for the fetch tests: a local behaviour server, a victim, and the sandbox web."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from research.fetch import Guard, HostRules
from sandbox import SandboxWeb, generate
from sandbox.search import SearchIndex
from sandbox.server import serve_in_thread
from tests.fetch.servers import Recorder, local_app, serve
from tests.support.search_standin import SearchStandIn
from tests.support.serving import serve_app

# The victim listens on another loopback address, so a guard can allow the local server
# (127.0.0.1/32) and still have to refuse the victim: a real target that must see no request.
VICTIM_HOST = "127.0.0.2"


@pytest.fixture(scope="session")
def recorder() -> Recorder:
    """What the local server saw (shared; reset by ``seen``)."""
    return Recorder()


@pytest.fixture(scope="session")
def local_port(recorder: Recorder) -> Iterator[int]:
    """The local behaviour server on 127.0.0.1."""
    with serve(local_app(recorder)) as port:
        yield port


@pytest.fixture
def seen(recorder: Recorder, local_port: int) -> Recorder:
    """The local server's recorder, emptied for this test."""
    recorder.reset()
    return recorder


@pytest.fixture(scope="session")
def victim_recorder() -> Recorder:
    """What the victim saw: it must stay empty."""
    return Recorder()


@pytest.fixture(scope="session")
def victim_port(victim_recorder: Recorder) -> Iterator[int]:
    """A server on 127.0.0.2 that no guarded request may reach."""
    with serve(local_app(victim_recorder), host=VICTIM_HOST) as port:
        yield port


@pytest.fixture
def local_rules(local_port: int) -> HostRules:
    """Every *.test name goes to the local server."""
    return HostRules.parse(f"MAP *.test 127.0.0.1:{local_port}")


@pytest.fixture
def local_guard(local_rules: HostRules) -> Guard:
    """A guard that lets the local server through and nothing else on loopback."""
    return Guard(["127.0.0.1/32"], local_rules)


@pytest.fixture(scope="session")
def web() -> SandboxWeb:
    """The sandbox web of seed 7."""
    return generate(7)


@pytest.fixture(scope="session")
def truth(web: SandboxWeb) -> dict[str, Any]:
    """Its ground truth."""
    return web.truth()


@pytest.fixture(scope="session")
def sandbox_port(web: SandboxWeb) -> Iterator[int]:
    """The sandbox web served on loopback."""
    with serve_in_thread(web) as port:
        yield port


@pytest.fixture
def sandbox_rules(sandbox_port: int) -> HostRules:
    """Live mode's host rules for the sandbox."""
    return HostRules.parse(f"MAP *.test 127.0.0.1:{sandbox_port}")


@pytest.fixture
def sandbox_guard(sandbox_rules: HostRules) -> Guard:
    """Live mode's guard for the sandbox: loopback allowed explicitly."""
    return Guard(["127.0.0.0/8"], sandbox_rules)


@pytest.fixture(scope="session")
def search_backend(web: SandboxWeb) -> Iterator[tuple[SearchStandIn, str]]:
    """A stand-in SearXNG over the sandbox web's search, and its search URL."""
    stand_in = SearchStandIn(SearchIndex.from_web(web))
    with serve_app(stand_in.app, "search-stand-in") as base_url:
        yield stand_in, f"{base_url}/search"


@pytest.fixture
def search_stand_in(search_backend: tuple[SearchStandIn, str]) -> SearchStandIn:
    """The stand-in SearXNG, up for every query until the test takes some down."""
    stand_in, _ = search_backend
    stand_in.take_down(lambda query: False)
    return stand_in
