"""The guarded transport against real loopback servers: checks happen at connect time."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from research.fetch import (
    BlockedAddress,
    Guard,
    HostRules,
    guarded_client,
    guarded_transport,
    ruled_client,
)
from tests.fetch.conftest import VICTIM_HOST
from tests.fetch.servers import Recorder


async def test_loopback_is_blocked_by_default(local_port: int, seen: Recorder) -> None:
    async with guarded_client(Guard(), timeout=5) as client:
        with pytest.raises(BlockedAddress):
            await client.get(f"http://127.0.0.1:{local_port}/page")
    assert seen.hits["/page"] == 0


@pytest.mark.parametrize("host", ["2130706433", "[::ffff:127.0.0.1]", "localhost"])
async def test_disguised_loopback_is_blocked(local_port: int, seen: Recorder, host: str) -> None:
    async with guarded_client(Guard(), timeout=5) as client:
        with pytest.raises(BlockedAddress):
            await client.get(f"http://{host}:{local_port}/page")
    assert seen.hits["/page"] == 0


async def test_loopback_is_reachable_when_allowed(local_port: int, seen: Recorder) -> None:
    async with guarded_client(Guard(["127.0.0.0/8"]), timeout=5) as client:
        response = await client.get(f"http://127.0.0.1:{local_port}/page")
    assert response.status_code == 200
    assert seen.hits["/page"] == 1


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://167772161/",  # 10.0.0.1 in decimal
    ],
)
async def test_redirects_to_internal_addresses_are_blocked(
    local_port: int, seen: Recorder, target: str
) -> None:
    # httpx follows the redirect itself: the new hop opens a new connection, which is vetted.
    async with guarded_client(Guard(["127.0.0.1/32"]), timeout=5) as client:
        with pytest.raises(BlockedAddress):
            await client.get(
                f"http://127.0.0.1:{local_port}/redirect",
                params={"to": target},
                follow_redirects=True,
            )
    assert seen.hits["/redirect"] == 1


async def test_a_redirect_cannot_reach_a_listening_victim(
    local_port: int, victim_port: int, victim_recorder: Recorder
) -> None:
    victim_recorder.reset()
    async with guarded_client(Guard(["127.0.0.1/32"]), timeout=5) as client:
        with pytest.raises(BlockedAddress, match=r"127\.0\.0\.2"):
            await client.get(
                f"http://127.0.0.1:{local_port}/redirect",
                params={"to": f"http://{VICTIM_HOST}:{victim_port}/page"},
                follow_redirects=True,
            )
    assert sum(victim_recorder.hits.values()) == 0


async def test_host_rules_route_names_and_keep_the_host_header(
    local_rules: HostRules, seen: Recorder
) -> None:
    async with guarded_client(Guard(["127.0.0.1/32"], local_rules), timeout=5) as client:
        response = await client.get("http://acme.test/page")
    assert response.status_code == 200
    assert "Hello from acme.test" in response.text
    assert seen.hosts == ["acme.test"]


async def test_the_vetted_address_is_the_one_dialled(
    monkeypatch: pytest.MonkeyPatch, local_port: int, seen: Recorder
) -> None:
    # A rebinding resolver: a harmless answer first, then an internal one. The transport must
    # resolve once per connection, through the guard, and dial exactly what the guard vetted.
    answers = [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.0.0.1")]
    calls: list[str] = []

    async def lookup(host: str, port: int, target: str) -> list[ipaddress.IPv4Address]:
        calls.append(host)
        return [answers[min(len(calls), len(answers)) - 1]]  # type: ignore[list-item]

    monkeypatch.setattr("research.fetch.guard._lookup", lookup)
    guard = Guard(["127.0.0.1/32"])
    async with guarded_client(guard, timeout=5) as client:
        first = await client.get(f"http://rebind.example:{local_port}/page")
        again = await client.get(f"http://rebind.example:{local_port}/page")  # kept alive
    assert first.status_code == again.status_code == 200
    assert calls == ["rebind.example"]
    async with guarded_client(guard, timeout=5) as client:
        with pytest.raises(BlockedAddress, match=r"10\.0\.0\.1"):
            await client.get(f"http://rebind.example:{local_port}/page")
    assert seen.hits["/page"] == 2


async def test_the_ruled_client_maps_hosts_without_a_guard(
    local_rules: HostRules, seen: Recorder
) -> None:
    async with ruled_client(local_rules, timeout=5, headers={"User-Agent": "t"}) as client:
        response = await client.get("http://search.test/page")
    assert response.status_code == 200
    assert seen.hosts == ["search.test"]
    assert seen.user_agents == ["t"]


async def test_transport_errors_are_httpx_errors(local_rules: HostRules) -> None:
    rules = HostRules.parse("MAP closed.test 127.0.0.1:1")
    async with guarded_client(Guard(["127.0.0.1/32"], rules), timeout=5) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("http://closed.test/")


async def test_one_pool_per_origin_and_idle_origins_are_closed(
    local_rules: HostRules, seen: Recorder
) -> None:
    transport = guarded_transport(Guard(["127.0.0.1/32"], local_rules), max_origins=2)
    async with httpx.AsyncClient(transport=transport) as client:
        for n in range(5):
            assert (await client.get(f"http://host{n}.test/page")).status_code == 200
        assert transport.pooled_origins == 2
        # A streamed response keeps its origin's pool open while newer origins come and go.
        async with client.stream("GET", "http://busy.test/big?size=200000") as busy:
            for n in range(5, 8):
                await client.get(f"http://host{n}.test/page")
            assert len(await busy.aread()) == 200_000
    assert transport.pooled_origins == 0
