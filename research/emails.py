"""Company address patterns, and addresses inferred from them, always marked as inferred.

A domain's pattern is read from the addresses its pages publish with their owners' names
("jane.doe@acme.test" beside "Jane Doe" -> ``first.last``). An address is inferred only when
at least two *other* people's published addresses follow one pattern and no published
address contradicts it; the result carries the pattern, the evidence and a lower confidence,
and the pipeline records it on the lead under ``INFERRED_FIELD``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from research.domains import registrable_domain
from research.extract.contacts import is_role_mailbox, normalize_email
from research.extract.names import name_key, name_splits

INFERRED_FIELD = "person_email_inferred"
"""The lead field that marks an inferred address: ``{"pattern": ..., "evidence": [...]}``."""

MIN_EVIDENCE = 2
BASE_CONFIDENCE = 0.4
CONFIDENCE_PER_EXTRA_WITNESS = 0.05
MAX_CONFIDENCE = 0.55

# Local part of an address from (first name, surname), folded to lowercase ASCII letters.
PATTERNS: dict[str, Callable[[str, str], str]] = {
    "first.last": lambda f, s: f"{f}.{s}",
    "first": lambda f, s: f,
    "flast": lambda f, s: f"{f[:1]}{s}",
    "firstl": lambda f, s: f"{f}{s[:1]}",
    "f.last": lambda f, s: f"{f[:1]}.{s}",
    "first_last": lambda f, s: f"{f}_{s}",
    "first-last": lambda f, s: f"{f}-{s}",
    "firstlast": lambda f, s: f"{f}{s}",
    "last.first": lambda f, s: f"{s}.{f}",
    "lastfirst": lambda f, s: f"{s}{f}",
    "last": lambda f, s: s,
    "lastf": lambda f, s: f"{s}{f[:1]}",
    "f_last": lambda f, s: f"{f[:1]}_{s}",
}


def patterns_of(full_name: str, address: str) -> set[str]:
    """The patterns under which a person's name yields this address's local part."""
    local = address.partition("@")[0].lower()
    return {
        pattern
        for first, last in name_splits(full_name)
        for pattern, make in PATTERNS.items()
        if make(first, last) == local
    }


def explains(full_name: str, address: str) -> bool:
    """Whether an address is built from the person's name under some common pattern."""
    return bool(patterns_of(full_name, address))


def local_part(pattern: str, full_name: str) -> str | None:
    """The local part a pattern gives a name; None when the name reads several ways."""
    made = {PATTERNS[pattern](first, last) for first, last in name_splits(full_name)}
    return made.pop() if len(made) == 1 else None


@dataclass(frozen=True, slots=True)
class InferredEmail:
    """An address built from a domain's pattern: never a published fact."""

    address: str
    pattern: str
    evidence: tuple[str, ...]
    confidence: float

    def marker(self) -> dict[str, Any]:
        """What the lead records under ``INFERRED_FIELD``."""
        return {"pattern": self.pattern, "evidence": list(self.evidence)}


def domain_pattern(
    domain: str, seen: Iterable[tuple[str, str]]
) -> tuple[str, tuple[str, ...]] | None:
    """The one pattern every published personal address on the domain follows, with its
    witnesses; None without two witnesses or with any contradicting address."""
    witnesses = _personal(domain, seen)
    if len(witnesses) < MIN_EVIDENCE:
        return None
    explained = {address: patterns_of(name, address) for name, address in witnesses.values()}
    common = set.intersection(*explained.values()) if explained else set()
    if not common:
        return None  # some address follows another pattern, or none at all
    evidence = tuple(sorted(explained))
    return min(common, key=list(PATTERNS).index), evidence


def infer_email(full_name: str, domain: str, seen: list[tuple[str, str]]) -> InferredEmail | None:
    """The address ``full_name`` would have on ``domain``, when two or more other people's
    published addresses there follow one pattern and none contradicts it."""
    domain = registrable_domain(domain) or domain.lower()
    target = name_key(full_name)
    others = [(name, address) for name, address in seen if name_key(name) != target]
    if any(name_key(name) == target for name, address in seen if _on(address, domain)):
        return None  # their own address is published: nothing to infer
    found = domain_pattern(domain, others)
    if found is None:
        return None
    pattern, evidence = found
    local = local_part(pattern, full_name)
    if not local:
        return None
    extra = len(evidence) - MIN_EVIDENCE
    confidence = min(MAX_CONFIDENCE, BASE_CONFIDENCE + CONFIDENCE_PER_EXTRA_WITNESS * extra)
    return InferredEmail(f"{local}@{domain}", pattern, evidence, round(confidence, 2))


def verify_inference(full_name: str, address: str, marker: Any, published: Iterable[str]) -> bool:
    """Whether a marked inference still holds: its pattern gives this address for this name,
    and at least two of its evidence addresses are published."""
    if not isinstance(marker, Mapping):
        return False
    pattern = marker.get("pattern")
    evidence = [normalize_email(str(a)) for a in marker.get("evidence", [])]
    if pattern not in PATTERNS or "@" not in address:
        return False
    local, _, domain = address.lower().partition("@")
    if local_part(str(pattern), full_name) != local:
        return False
    printed = set(published)
    shown = {a for a in evidence if a and a in printed and a != address.lower() and _on(a, domain)}
    return len(shown) >= MIN_EVIDENCE


def _personal(domain: str, seen: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """One published personal address per person on the domain, keyed by name."""
    found: dict[str, tuple[str, str]] = {}
    for name, raw in seen:
        address = normalize_email(raw)
        if address and _on(address, domain) and not is_role_mailbox(address):
            found.setdefault(name_key(name), (name, address))
    return found


def _on(address: str, domain: str) -> bool:
    return registrable_domain(address.rpartition("@")[2]) == registrable_domain(domain)
