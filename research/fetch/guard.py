"""The SSRF guard: which addresses outbound requests may reach, and Chromium-style host rules."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from research.fetch.types import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

NOT_FOUND = "~NOTFOUND"  # Chromium's replacement that makes a mapped host fail to resolve

METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254")})
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

# inet_aton's lenient IPv4 forms: 2130706433, 0177.0.0.1, 0x7f.1, 127.1.
_LENIENT_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


class BlockedAddress(FetchError):
    """The guard refused a destination: it is (or resolves to) a non-public address."""

    def __init__(self, target: str, detail: str = "") -> None:
        super().__init__(target, "blocked", detail)


@dataclass(frozen=True)
class HostRule:
    """One ``MAP pattern replacement[:port]`` or ``EXCLUDE pattern`` rule."""

    kind: str  # "map" | "exclude"
    pattern: str
    host: str = ""
    port: int | None = None

    def matches(self, host: str, port: int) -> bool:
        """Whether the pattern matches the host, or ``host:port`` as Chromium also tries."""
        return bool(self._regex.fullmatch(host) or self._regex.fullmatch(f"{host}:{port}"))

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        # Chromium's MatchPattern: '*' is any run of characters, '?' any one character.
        return re.compile(re.escape(self.pattern).replace(r"\*", ".*").replace(r"\?", "."))

    def __str__(self) -> str:
        if self.kind == "exclude":
            return f"EXCLUDE {self.pattern}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"MAP {self.pattern} {host}" + (f":{self.port}" if self.port is not None else "")


class HostRules:
    """Chromium's ``--host-resolver-rules``: rewrite host names before they are resolved."""

    def __init__(self, rules: Iterable[HostRule] = ()) -> None:
        self.rules = tuple(rules)

    @classmethod
    def parse(cls, text: str) -> HostRules:
        """Parse comma-separated ``MAP pattern host[:port]`` and ``EXCLUDE pattern`` rules."""
        return cls(_parse_rule(part) for part in text.split(",") if part.strip())

    def map(self, host: str, port: int) -> tuple[str, int]:
        """Where a connection to ``host:port`` really goes, as Chromium would decide."""
        host = host.strip("[]").lower()
        for rule in self.rules:
            if rule.kind != "map" or not rule.matches(host, port):
                continue
            # Chromium applies EXCLUDE rules only once a MAP rule matched, whatever their order.
            if any(r.kind == "exclude" and r.matches(host, port) for r in self.rules):
                return host, port
            return rule.host, rule.port if rule.port is not None else port
        return host, port

    def chromium_flag(self) -> str:
        """The same rules as a Chromium command-line flag."""
        return f"--host-resolver-rules={self}"

    def __str__(self) -> str:
        return ", ".join(str(rule) for rule in self.rules)

    def __bool__(self) -> bool:
        return bool(self.rules)


def _parse_rule(text: str) -> HostRule:
    parts = text.split()
    kind = parts[0].lower() if parts else ""
    if kind == "exclude" and len(parts) == 2:
        return HostRule("exclude", parts[1].lower())
    if kind == "map" and len(parts) == 3:
        host, port = _split_host_port(parts[2])
        return HostRule("map", parts[1].lower(), host, port)
    raise ValueError(
        f"bad host rule {text.strip()!r}: want 'MAP pattern host[:port]' or 'EXCLUDE pattern'"
    )


def _split_host_port(text: str) -> tuple[str, int | None]:
    if text.startswith("["):  # [::1]:9000
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":") or None
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host, port_text = text, None
    host = NOT_FOUND if host.upper() == NOT_FOUND else host.lower()
    if port_text is None:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port in host rule target {text!r}")
    return host, int(port_text)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host written as an IP literal denotes, including inet_aton's odd forms."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _LENIENT_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 or 6to4), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def blocked_reason(address: IPAddress) -> str | None:
    """Why an address is not publicly routable, or None when it is."""
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = blocked_reason(inner)
        return f"{reason} (embedded in {address})" if reason else None
    checks: tuple[tuple[bool, str], ...] = (
        (address in METADATA_ADDRESSES, "cloud metadata"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_unspecified, "unspecified"),
        (address.is_reserved, "reserved"),
        (address.version == 4 and address in CGNAT, "carrier-grade NAT"),
        (isinstance(address, ipaddress.IPv6Address) and address.is_site_local, "site-local"),
        (address.is_private, "private"),
        # Anything else outside the global unicast space: documentation, benchmarking, ...
        (not address.is_global, "not globally routable"),
    )
    return next((reason for failed, reason in checks if failed), None)


class Guard:
    """Decides which addresses outbound requests may connect to; resolves names to vetted IPs.

    It also carries the TLS trust its clients verify servers against (``ssl_context``; None
    is the default store), so every guarded request trusts the same CAs.
    """

    def __init__(
        self,
        allow_networks: Iterable[str] = (),
        host_rules: HostRules | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.allow_networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(network, strict=False) for network in allow_networks
        )
        self.host_rules = host_rules if host_rules is not None else HostRules()
        self.ssl_context = ssl_context

    def is_allowed(self, address: IPAddress) -> bool:
        """Whether a connection to this address may be made."""
        candidates = [address]
        inner = embedded_ipv4(address)
        if inner is not None:
            candidates.append(inner)
        if any(
            ip in net
            for ip in candidates
            for net in self.allow_networks
            if net.version == ip.version
        ):
            return True
        return blocked_reason(address) is None

    def check_address(self, address: IPAddress, target: str) -> None:
        """Raise BlockedAddress unless ``address`` may be reached."""
        if not self.is_allowed(address):
            raise BlockedAddress(target, f"{address} is {blocked_reason(address)}")

    async def resolve(self, host: str, port: int) -> list[tuple[str, int]]:
        """Map ``host`` through the rules and resolve it; every address must pass the guard."""
        target = f"{host}:{port}"
        mapped_host, mapped_port = self.host_rules.map(host, port)
        if mapped_host == NOT_FOUND:
            raise FetchError(target, "network", "host rules make this host unresolvable")
        literal = parse_ip_literal(mapped_host)
        addresses = (
            [literal] if literal is not None else await _lookup(mapped_host, mapped_port, target)
        )
        # One bad address is enough: a name with a public and a private address is a rebinding
        # attempt waiting for the resolver to hand out the private one.
        for address in addresses:
            self.check_address(address, target)
        return [(str(address), mapped_port) for address in dict.fromkeys(addresses)]


async def _lookup(host: str, port: int, target: str) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(target, "network", f"cannot resolve {host}: {exc}") from exc
    found = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not found:
        raise FetchError(target, "network", f"{host} has no addresses")
    return found
