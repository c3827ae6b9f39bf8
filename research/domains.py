"""Registrable domains of URLs and hosts, offline.

tldextract runs on its bundled Public Suffix List snapshot and never touches the network. The
reserved ``.test`` and ``.example`` TLDs (the sandbox web and test-mode data) are treated like
any public suffix, so ``www.acme.test`` belongs to ``acme.test``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

RESERVED_SUFFIXES: tuple[str, ...] = ("test", "example")

# suffix_list_urls=() keeps tldextract on the snapshot it ships with; cache_dir=None keeps it
# from writing a cache file anywhere.
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, extra_suffixes=RESERVED_SUFFIXES
)


def host_of(url_or_host: str) -> str:
    """The lowercase host of a URL, or the input itself when it is already a host."""
    text = url_or_host.strip()
    if "//" not in text:
        text = f"//{text}"
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


@lru_cache(maxsize=65_536)
def registrable_domain(url_or_host: str) -> str | None:
    """``https://www.news.bbc.co.uk/x`` -> ``bbc.co.uk``; None for IPs, bare names and junk."""
    host = host_of(url_or_host)
    if not host or _is_ip(host):
        return None
    parts = _EXTRACT(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"


def domain_of(url: str) -> str | None:
    """The registrable domain a URL lives on."""
    return registrable_domain(url)


def domain_label(url_or_host: str) -> str | None:
    """The registrable domain without its suffix: ``acme-forge.co.uk`` -> ``acme-forge``."""
    domain = registrable_domain(url_or_host)
    if domain is None:
        return None
    return _EXTRACT(domain).domain


def same_site(a: str, b: str) -> bool:
    """Whether two URLs or hosts share a registrable domain."""
    first = registrable_domain(a)
    return first is not None and first == registrable_domain(b)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
