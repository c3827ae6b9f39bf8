"""Message attachments: a CSV seed list of companies, or a list of URLs to crawl.

Files are untrusted: they are fetched through the SSRF guard, capped in size and rows, decoded
with charset detection, and a file we cannot use gets a message that says why.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit, urlunsplit

from charset_normalizer import from_bytes

from research.planner.types import SeedList

MAX_BYTES = 25 * 1024 * 1024
MAX_SEED_ROWS = 10_000
MAX_URLS = 1_000

DOMAIN_HEADERS = ("domain", "website", "url", "site", "homepage", "company_domain", "web")
NAME_HEADERS = ("company", "company_name", "name", "organization", "organisation", "account")
_DOMAIN = re.compile(
    r"^(?:https?://)?(?:www\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})+)(?:[/:?#].*)?$",
    re.I,
)
_URL = re.compile(r"https?://[^\s,;\"'<>]+", re.I)


class AttachmentError(Exception):
    """An attachment cannot be used; the message is shown to the user (422)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode(data: bytes, what: str) -> str:
    """The file's text, whatever its encoding; refuses binary files."""
    if len(data) > MAX_BYTES:
        raise AttachmentError(f"The {what} is larger than the 25 MB limit.")
    if not data.strip():
        raise AttachmentError(f"The {what} is empty.")
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return (
            data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-16")
        )
    best = from_bytes(data[:1_000_000]).best()
    if best is None or "\x00" in data[:4096].decode("latin-1"):
        raise AttachmentError(f"The {what} is not a text file (is it a spreadsheet or archive?).")
    return data.decode(best.encoding, errors="replace")


def _domain(value: str) -> str | None:
    match = _DOMAIN.match(value.strip())
    return match.group(1).lower() if match else None


def _seed_value(value: str) -> str | None:
    """A row's site as the user gave it: a URL keeps its scheme and path, a bare domain stays
    bare (and is tried over https, then http); only the host is lowercased."""
    value = value.strip()
    match = _DOMAIN.match(value)
    if match is None:
        return None
    parts = urlsplit(value if "://" in value else f"//{value}")
    host = (parts.hostname or "").lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    path = parts.path if parts.path not in ("", "/") else ""
    rest = f"{path}?{parts.query}" if parts.query else path
    if parts.scheme:
        return urlunsplit((parts.scheme.lower(), netloc, path or "/", parts.query, ""))
    return f"{netloc}{rest}"


def seed_urls(value: str) -> list[str]:
    """The URLs to try for a seed row, in order: its own URL, or https then http for a bare
    domain."""
    if re.match(r"^https?://", value, re.I):
        return [value]
    address = value if "/" in value else f"{value}/"
    return [f"https://{address}", f"http://{address}"]


def seed_domain(value: str) -> str | None:
    """The host a seed row names, for keys and matching."""
    return _domain(value)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    normalized = [re.sub(r"[^a-z]+", "_", cell.strip().lower()).strip("_") for cell in header]
    for name in names:
        if name in normalized:
            return normalized.index(name)
    return None


def parse_seed_csv(data: bytes, source_url: str | None = None) -> SeedList:
    """Companies from a CSV: a domain/website column, else a company-name column."""
    text = decode(data, "CSV attachment")
    try:
        dialect = csv.Sniffer().sniff(text[:10_000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)
        ]
    except csv.Error as error:
        raise AttachmentError(f"The CSV attachment could not be parsed: {error}.") from None
    if not rows:
        raise AttachmentError("The CSV attachment has no rows.")
    header, body = rows[0], rows[1:]
    domain_at, name_at = _column(header, DOMAIN_HEADERS), _column(header, NAME_HEADERS)
    if domain_at is None and name_at is None:
        # No header: a single column of domains is still a seed list.
        if all(len(row) == 1 and _domain(row[0]) for row in rows[:50]):
            domain_at, body = 0, rows
        else:
            raise AttachmentError(
                "The CSV attachment has no column of domains or company names (looked for "
                f"a header among {', '.join(DOMAIN_HEADERS + NAME_HEADERS)})."
            )
    if len(body) > MAX_SEED_ROWS:
        raise AttachmentError(
            f"The CSV attachment has {len(body):,} rows; the limit is {MAX_SEED_ROWS:,}."
        )
    if domain_at is not None:
        domains = [_seed_value(row[domain_at]) for row in body if len(row) > domain_at]
        values = list(dict.fromkeys(d for d in domains if d))
        if values:
            return SeedList(kind="domains", values=values, source_url=source_url)
    if name_at is not None:
        names = [row[name_at].strip()[:200] for row in body if len(row) > name_at]
        values = list(dict.fromkeys(name for name in names if name))
        if values:
            return SeedList(kind="names", values=values, source_url=source_url)
    raise AttachmentError("The CSV attachment's domain and name columns are empty.")


def parse_url_list(data: bytes) -> list[str]:
    """Every http(s) URL in a text or CSV file, in order, without duplicates."""
    text = decode(data, "URL list")
    urls = list(dict.fromkeys(match.group(0).rstrip(").,") for match in _URL.finditer(text)))
    if not urls:
        raise AttachmentError("The URL list attachment contains no http(s) URLs.")
    if len(urls) > MAX_URLS:
        raise AttachmentError(f"The URL list has {len(urls):,} URLs; the limit is {MAX_URLS:,}.")
    return urls
