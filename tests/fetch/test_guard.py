"""The SSRF guard and Chromium-style host rules, without any server."""

from __future__ import annotations

import ipaddress

import pytest

from research.fetch import BlockedAddress, FetchError, Guard, HostRules, blocked_reason
from research.fetch.guard import parse_ip_literal


def test_host_rules_parse_map_and_render_as_a_chromium_flag() -> None:
    rules = HostRules.parse("MAP *.test 127.0.0.1:9000, MAP api.example.com 10.0.0.5")
    assert rules.map("acme.test", 80) == ("127.0.0.1", 9000)
    assert rules.map("ACME.Test", 443) == ("127.0.0.1", 9000)
    assert rules.map("api.example.com", 443) == ("10.0.0.5", 443)  # no port: keep the port
    assert rules.map("example.com", 80) == ("example.com", 80)
    assert rules.chromium_flag() == (
        "--host-resolver-rules=MAP *.test 127.0.0.1:9000, MAP api.example.com 10.0.0.5"
    )


def test_host_rules_first_match_wins_and_exclude_applies_everywhere() -> None:
    rules = HostRules.parse("MAP * 127.0.0.1:1, EXCLUDE keep.example, MAP *.test 127.0.0.1:2")
    assert rules.map("acme.test", 80) == ("127.0.0.1", 1)
    assert rules.map("keep.example", 80) == ("keep.example", 80)


def test_host_rules_patterns_can_name_a_port_and_targets_can_be_ipv6() -> None:
    rules = HostRules.parse("MAP site.example:8080 [::1]:9000, MAP ?.example other.example")
    assert rules.map("site.example", 8080) == ("::1", 9000)
    assert rules.map("site.example", 80) == ("site.example", 80)
    assert rules.map("a.example", 80) == ("other.example", 80)
    assert rules.map("ab.example", 80) == ("ab.example", 80)
    assert str(HostRules.parse(str(rules))) == str(rules)


@pytest.mark.parametrize("text", ["MAP *.test", "FORWARD a b", "MAP a b:notaport", "EXCLUDE"])
def test_host_rules_reject_malformed_rules(text: str) -> None:
    with pytest.raises(ValueError, match="host rule"):
        HostRules.parse(text)


def test_empty_host_rules_map_nothing() -> None:
    rules = HostRules.parse(" ")
    assert not rules
    assert rules.map("acme.test", 80) == ("acme.test", 80)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to vet, not a bind
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.10", "private"),  # documentation range
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback (embedded in ::ffff:7f00:1)"),
        ("::ffff:169.254.169.254", "cloud metadata (embedded in ::ffff:a9fe:a9fe)"),
        ("64:ff9b::a00:1", "private (embedded in 64:ff9b::a00:1)"),
        ("2002:a00:1::1", "private (embedded in 2002:a00:1::1)"),
    ],
)
def test_non_public_addresses_are_blocked(address: str, reason: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("10.0.0.1", "10.0.0.1"),
    ],
)
def test_odd_ip_literals_are_recognized(host: str, address: str) -> None:
    assert parse_ip_literal(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["acme.test", "cafe.be", "1.2.3.4.5"])
def test_names_are_not_literals(host: str) -> None:
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "2130706433", "0177.0.0.1", "::ffff:127.0.0.1", "169.254.169.254"]
)
async def test_resolve_refuses_literal_internal_hosts(host: str) -> None:
    with pytest.raises(BlockedAddress) as caught:
        await Guard().resolve(host, 80)
    assert caught.value.reason == "blocked"


async def test_resolve_refuses_names_that_resolve_to_loopback() -> None:
    with pytest.raises(BlockedAddress, match="loopback"):
        await Guard().resolve("localhost", 80)


async def test_allowed_networks_open_exactly_their_range() -> None:
    guard = Guard(["127.0.0.0/8"])
    assert await guard.resolve("127.0.0.1", 8080) == [("127.0.0.1", 8080)]
    assert await guard.resolve("::ffff:127.0.0.1", 80) == [("::ffff:7f00:1", 80)]
    with pytest.raises(BlockedAddress):
        await guard.resolve("10.0.0.1", 80)
    with pytest.raises(BlockedAddress):
        await guard.resolve("169.254.169.254", 80)


async def test_resolve_applies_host_rules_before_checking() -> None:
    rules = HostRules.parse("MAP *.test 127.0.0.1:9000")
    assert await Guard(["127.0.0.0/8"], rules).resolve("acme.test", 80) == [("127.0.0.1", 9000)]
    with pytest.raises(BlockedAddress):
        await Guard([], rules).resolve("acme.test", 80)  # the mapped address is checked too


async def test_a_rule_can_make_a_host_unresolvable() -> None:
    rules = HostRules.parse("MAP *.internal ~notfound")
    assert rules.chromium_flag() == "--host-resolver-rules=MAP *.internal ~NOTFOUND"
    guard = Guard([], rules)
    with pytest.raises(FetchError) as caught:
        await guard.resolve("db.internal", 5432)
    assert caught.value.reason == "network"


async def test_one_private_answer_among_public_ones_blocks_the_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def lookup(host: str, port: int, target: str) -> list[ipaddress.IPv4Address]:
        return [ipaddress.IPv4Address("93.184.216.34"), ipaddress.IPv4Address("10.0.0.7")]

    monkeypatch.setattr("research.fetch.guard._lookup", lookup)
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.7 is private"):
        await Guard().resolve("rebinding.example", 80)
