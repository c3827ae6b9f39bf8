"""Contact details in page text: email addresses (plain and obfuscated), phones, social links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import phonenumbers

from research.domains import registrable_domain
from research.extract.names import SENTENCE_WORDS

# Shared mailboxes: an address at one of these belongs to the company, never to a person.
ROLE_MAILBOXES = frozenset(
    {"hello", "hi", "info", "contact", "press", "media", "jobs", "careers", "career", "team"}
    | {"support", "help", "sales", "admin", "office", "hr", "investors", "ir", "privacy"}
    | {"legal", "billing", "security", "marketing", "partners", "noreply", "no-reply"}
    | {"webmaster", "enquiries", "inquiries", "recruiting", "talent", "hiring", "founders"}
)

# Words before " at " that make it prose rather than a spelled-out address.
PROSE_WORDS = SENTENCE_WORDS | frozenset(
    {"look", "looking", "meet", "stay", "arrive", "aim", "work", "play", "live", "based"}
    | {"find", "reach", "see", "join", "hired", "started", "good", "best", "great"}
)

_LOCAL = r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9])?"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_PLAIN = re.compile(rf"(?<![\w.%+\-])({_LOCAL})@({_LABEL}(?:\.{_LABEL})+)(?![\w\-@])")


@dataclass(frozen=True, slots=True)
class Obfuscation:
    """A way of writing an address so that scrapers miss it: its '@' and its '.'."""

    at: str
    dot: str


# "jane [at] acme [dot] test", "jane(at)acme.test", "jane at acme dot test",
# "jane @ acme . test". A bare " at " needs a spelled-out dot too: "meet us at acme.test" is
# an invitation, not an address.
OBFUSCATIONS: dict[str, Obfuscation] = {
    "brackets": Obfuscation(
        r"\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*", r"(?:\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\.)"
    ),
    "words": Obfuscation(r"\s+at\s+", r"(?:\s+dot\s+|\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*)"),
    "spaced": Obfuscation(r"\s+@\s*|\s*@\s+", r"\s*\.\s*"),
}


def _obfuscated_pattern(style: Obfuscation) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w.%+\-])(?P<local>{_LOCAL})(?:{style.at})"
        rf"(?P<domain>{_LABEL}(?:(?:{style.dot}){_LABEL})+)(?![\w\-])",
        re.IGNORECASE,
    )


_OBFUSCATED = {name: (_obfuscated_pattern(style), style) for name, style in OBFUSCATIONS.items()}


@dataclass(frozen=True, slots=True)
class FoundEmail:
    """An address found in text, with where it was written."""

    address: str
    obfuscated: bool
    start: int
    end: int


def normalize_email(address: str) -> str | None:
    """A lowercase address whose domain has a public suffix, or None."""
    address = address.strip().strip(".").lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or registrable_domain(domain) is None:
        return None
    return f"{local}@{domain}"


def find_emails(text: str) -> list[FoundEmail]:
    """Every address in text, plain or obfuscated, in order of appearance."""
    found: list[FoundEmail] = []
    taken: list[tuple[int, int]] = []
    for match in _PLAIN.finditer(text):
        address = normalize_email(match.group(0))
        if address:
            found.append(FoundEmail(address, False, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    for name, (pattern, style) in _OBFUSCATED.items():
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if name == "words" and match.group("local").lower() in PROSE_WORDS:
                continue  # "we look at data dot science" is a sentence
            domain = re.sub(style.dot, ".", match.group("domain"), flags=re.IGNORECASE)
            address = normalize_email(f"{match.group('local')}@{domain}")
            if address:
                found.append(FoundEmail(address, True, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda email: email.start)


def is_role_mailbox(address: str) -> bool:
    """Whether an address is a shared mailbox (hello@, jobs@) rather than a person's."""
    local = address.partition("@")[0].lower()
    return local in ROLE_MAILBOXES or local.split("+", 1)[0] in ROLE_MAILBOXES


# -- phones ---------------------------------------------------------------------------------

_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_PHONE_CUE = re.compile(r"(?:phone|tel|telephone|call|mobile|fax)\s*[:.]?\s*$", re.IGNORECASE)


def phone_e164(raw: str, region: str | None = None, *, strict: bool = True) -> str | None:
    """A phone number in E.164, or None. ``strict`` also requires an allocated number range."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    ok = phonenumbers.is_valid_number(number) if strict else phonenumbers.is_possible_number(number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if ok else None


def find_phones(text: str, region: str | None = None) -> list[str]:
    """Phone numbers written in text, as E.164, in order, each once."""
    found: list[str] = []
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        number = match.number
        # A number counts when the page labels it a phone, or when it is a real allocation
        # written like a phone number: '15.12.2024' is a date, whatever Austria allows.
        cued = bool(_PHONE_CUE.search(text[max(0, match.start - 20) : match.start]))
        looks_like_date = bool(_DATE_LIKE.fullmatch(match.raw_string.strip()))
        if cued or (phonenumbers.is_valid_number(number) and not looks_like_date):
            found.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return list(dict.fromkeys(found))


# -- social profiles ------------------------------------------------------------------------

# host -> network; then network -> path shapes of a company page and of a person's profile.
SOCIAL_HOSTS: dict[str, str] = {
    "linkedin.com": "linkedin",
    "x.com": "x",
    "twitter.com": "x",
    "github.com": "github",
    "facebook.com": "facebook",
    "instagram.com": "instagram",
    "youtube.com": "youtube",
}
LINKEDIN_KINDS: dict[str, str] = {
    "company": "company",
    "school": "company",
    "showcase": "company",
    "in": "person",
    "pub": "person",
}


@dataclass(frozen=True, slots=True)
class SocialLink:
    """A link to a profile on a social network."""

    network: str
    kind: str  # "company", "person" or "profile" when the network does not say
    url: str


def social_link(url: str) -> SocialLink | None:
    """What social profile a URL points to, with query and fragment removed."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    network = next(
        (
            name
            for suffix, name in SOCIAL_HOSTS.items()
            if host == suffix or host.endswith(f".{suffix}")
        ),
        None,
    )
    segments = [s for s in parts.path.split("/") if s]
    if network is None or not segments:
        return None
    clean = urlunsplit((parts.scheme or "https", parts.netloc, parts.path.rstrip("/"), "", ""))
    if network == "linkedin":
        kind = LINKEDIN_KINDS.get(segments[0].lower())
        if kind is None or len(segments) < 2:
            return None
        return SocialLink(network, kind, clean)
    return SocialLink(network, "profile", clean)
