"""Privacy: who a person is to the engine, how that is hashed, and the suppression filter.

Identifiers are never kept in clear where they outlive a request: a suppression list and an
erasure's audit entry hold SHA-256 hashes of normalized identifiers, and a lead is checked
against the list by hashing what it carries.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from research.model import Candidate
from research.resolve import normalize_name

IdentifierKind = Literal["email", "domain", "name"]
ERASED = "[erased]"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def normalize_email(email: str) -> str:
    """The form an email is compared and hashed in: trimmed, lowercase."""
    return email.strip().lower()


def normalize_domain(domain: str) -> str:
    """A bare host: lowercase, no scheme, path, port, trailing dot or leading ``www.``."""
    host = domain.strip().lower()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host).split("/", 1)[0].split(":", 1)[0]
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def is_domain(value: str) -> bool:
    """Whether a normalized value looks like a host name."""
    return bool(_DOMAIN.match(value))


def identifier_hash(kind: IdentifierKind, value: str) -> str:
    """The hash kept instead of an identifier (``value`` already normalized)."""
    return hashlib.sha256(f"leadex:{kind}:{value}".encode()).hexdigest()


def email_hash(email: str) -> str:
    """The hash of an email address."""
    return identifier_hash("email", normalize_email(email))


def domain_hash(domain: str) -> str:
    """The hash of a company domain."""
    return identifier_hash("domain", normalize_domain(domain))


def name_hash(name: str, domain: str) -> str:
    """The hash of a person's name at a company domain (spelling and accents ignored)."""
    return identifier_hash("name", f"{normalize_name(name)}@{normalize_domain(domain)}")


class Subject(BaseModel):
    """The person an access or erasure request is about: an email, or a name at a domain.

    What an erasure learns on the way is kept here too: ``hashes`` of the other identifiers
    the person is stored under (their name at their company, once found by email), and
    ``spellings``, the exact strings found for them (the name as written, the email, the
    LinkedIn URL), which are what gets scrubbed from text.
    """

    email: str | None = None
    name: str | None = None
    domain: str | None = None
    hashes: list[str] = Field(default_factory=list)
    spellings: list[str] = Field(default_factory=list)

    @property
    def kind(self) -> Literal["email", "name"]:
        """Which identifier the request gave."""
        return "email" if self.email else "name"

    @property
    def identifier_hash(self) -> str:
        """The hash of the identifier the request gave."""
        if self.email:
            return email_hash(self.email)
        return name_hash(self.name or "", self.domain or "")

    def targets(self) -> set[str]:
        """The hashes a stored person must carry one of to be this subject."""
        return {self.identifier_hash, *self.hashes}

    def matches(self, person: dict[str, Any] | None, company: dict[str, Any] | None) -> bool:
        """Whether a stored person (with its company) is this subject."""
        return bool(person) and bool(person_hashes(person, company) & self.targets())

    def domains(self) -> list[str]:
        """The domains the subject is known at (where their records are looked for)."""
        found = {normalize_domain(self.domain)} if self.domain else set()
        for term in (self.email or "", *self.spellings):
            if "@" in term and " " not in term:
                found.add(normalize_domain(term.rsplit("@", 1)[1]))
        return sorted(found)

    def terms(self) -> list[str]:
        """Every string whose presence in stored text means the text mentions the subject."""
        found = [self.email or "", self.name or "", *self.spellings]
        unique = {term.strip().lower(): term.strip() for term in found if len(term.strip()) >= 3}
        return sorted(unique.values(), key=len, reverse=True)

    def mentioned_in(self, text: str) -> bool:
        """Whether a text mentions the subject (case-insensitive; JSON-escaped text too)."""
        lowered = text.lower()
        return any(
            form.lower() in lowered for term in self.terms() for form in (term, json_escaped(term))
        )

    def learn(
        self,
        person: dict[str, Any],
        company: dict[str, Any] | None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        """Add the identifiers and spellings a matched person is stored under."""
        name = str(person.get("full_name") or "")
        extra = [
            name,
            str(person.get("email") or ""),
            *(str(value) for key, value in (fields or {}).items() if _personal_field(key, value)),
        ]
        self.spellings = sorted({*self.spellings, *(item for item in extra if item)})
        learned = {name_hash(name, domain) for domain in _domains_of(person, company) if name}
        if person.get("email"):
            learned.add(email_hash(str(person["email"])))
        self.hashes = sorted({*self.hashes, *learned})


def json_escaped(text: str) -> str:
    """How JSON that escapes non-ASCII letters writes ``text``."""
    return json.dumps(text)[1:-1]


def _personal_field(key: str, value: Any) -> bool:
    return key.startswith("person_") and isinstance(value, str) and len(value) >= 3


def _domains_of(person: dict[str, Any], company: dict[str, Any] | None) -> set[str]:
    domains = set()
    if company and company.get("domain"):
        domains.add(normalize_domain(str(company["domain"])))
    email = str(person.get("email") or "")
    if "@" in email:
        domains.add(normalize_domain(email.rsplit("@", 1)[1]))
    return domains


def person_hashes(person: dict[str, Any] | None, company: dict[str, Any] | None) -> set[str]:
    """Every suppression hash a stored person (with its company) would match."""
    hashes = set()
    if company and company.get("domain"):
        hashes.add(domain_hash(str(company["domain"])))
    if not person:
        return hashes
    if person.get("email"):
        hashes.add(email_hash(str(person["email"])))
    name = str(person.get("full_name") or "")
    for domain in _domains_of(person, company):
        hashes.add(domain_hash(domain))
        if name:
            hashes.add(name_hash(name, domain))
    return hashes


def is_suppressed(candidate: Candidate, suppressed: set[str]) -> bool:
    """Whether a lead names a suppressed person, or belongs to a suppressed domain."""
    if not suppressed:
        return False
    person = candidate.person.model_dump() if candidate.person else None
    return bool(person_hashes(person, candidate.company.model_dump()) & suppressed)


def without_suppressed(leads: Sequence[Candidate], suppressed: set[str]) -> list[Candidate]:
    """The leads minus every one the suppression list names."""
    return [lead for lead in leads if not is_suppressed(lead, suppressed)]


def scrub(value: Any, terms: Iterable[str]) -> Any:
    """``value`` (JSON-like) with every mention of ``terms`` replaced, case-insensitively."""
    patterns = [re.compile(re.escape(term), re.IGNORECASE) for term in terms if term]
    return _scrub(value, patterns)


def _scrub(value: Any, patterns: list[re.Pattern[str]]) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(ERASED, value)
        return value
    if isinstance(value, list):
        return [_scrub(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, patterns) for key, item in value.items()}
    return value
