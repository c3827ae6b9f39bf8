"""Entity resolution and lead assembly: from working records to the job's final leads."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from research.model import Candidate, CandidateStatus, Source

MAX_ARTIFACT_ROWS = 10_000
PERSON_FIELD_PREFIX = "person_"


def normalize_name(name: str) -> str:
    """Lowercase ASCII letters only: 'José  García-López' -> 'josegarcialopez'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def _merge_sources(target: list[Source], extra: Iterable[Source]) -> None:
    seen = {(source.url, tuple(source.fields)) for source in target}
    for source in extra:
        marker = (source.url, tuple(source.fields))
        if marker not in seen:
            target.append(source)
            seen.add(marker)


def merge(primary: Candidate, duplicate: Candidate) -> Candidate:
    """Fold ``duplicate`` into ``primary``: missing facts filled, sources unioned."""
    merged = primary.model_copy(deep=True)
    for name, value in duplicate.company.model_dump().items():
        if getattr(merged.company, name) is None and value is not None:
            setattr(merged.company, name, value)
    if merged.person and duplicate.person:
        for name, value in duplicate.person.model_dump().items():
            if getattr(merged.person, name) is None and value is not None:
                setattr(merged.person, name, value)
    for key, value in duplicate.fields.items():
        merged.fields.setdefault(key, value)
    _merge_sources(merged.sources, duplicate.sources)
    merged.evidence = list(dict.fromkeys([*merged.evidence, *duplicate.evidence]))
    merged.confidence = max(merged.confidence, duplicate.confidence)
    return merged


def _company_identity(candidate: Candidate) -> str:
    return (candidate.company.domain or normalize_name(candidate.company.name or "")).lower()


def _person_identity(candidate: Candidate) -> str:
    assert candidate.person is not None
    return f"{_company_identity(candidate)}|{normalize_name(candidate.person.full_name)}"


def resolve(
    candidates: Sequence[Candidate], identity: Callable[[Candidate], str]
) -> list[Candidate]:
    """Merge records that share an identity, keeping first-seen order."""
    merged: dict[str, Candidate] = {}
    for candidate in candidates:
        key = identity(candidate)
        merged[key] = merge(merged[key], candidate) if key in merged else candidate
    return list(merged.values())


def _with_company(person: Candidate, company: Candidate | None) -> Candidate:
    if company is None:
        return person
    lead = person.model_copy(deep=True)
    lead.company = company.company.model_copy()
    company_fields = {
        key: value for key, value in company.fields.items() if not key.startswith("person_")
    }
    lead.fields = {**company_fields, **person.fields}
    _merge_sources(lead.sources, company.sources)
    lead.evidence = list(dict.fromkeys([*company.evidence, *person.evidence]))
    if company.confidence and person.confidence:
        lead.confidence = round(min(company.confidence, person.confidence), 4)
    return lead


def _keep_columns(lead: Candidate, columns: set[str]) -> Candidate:
    kept = {
        key: value
        for key, value in lead.fields.items()
        if key in columns or (key.startswith(PERSON_FIELD_PREFIX) and lead.person is not None)
    }
    allowed = {f"fields.{key}" for key in kept} | {
        "company.name",
        "company.domain",
        "company.linkedin",
        "company.hq_city",
        "person.full_name",
        "person.title",
        "person.email",
    }
    sources = []
    for source in lead.sources:
        supported = [field for field in source.fields if field in allowed]
        if supported or not source.fields:
            sources.append(source.model_copy(update={"fields": supported}))
    return lead.model_copy(update={"fields": kept, "sources": sources})


def assemble_leads(
    candidates: Sequence[Candidate],
    *,
    columns: Sequence[str],
    roles: Sequence[str],
    target_rows: int,
) -> list[Candidate]:
    """The job's leads, in delivery order.

    One lead per (company, person) for the plan's roles; a company where no requested person
    was found is still delivered on its own. Rejected records never become leads.
    """
    alive = [c for c in candidates if c.status is not CandidateStatus.REJECTED]
    companies = resolve([c for c in alive if c.person is None], _company_identity)
    people = resolve([c for c in alive if c.person is not None], _person_identity)
    by_company = {_company_identity(company): company for company in companies}
    role_order = {role: index for index, role in enumerate(roles)}

    leads: list[Candidate] = []
    staffed: set[str] = set()
    for person in sorted(
        people, key=lambda p: (_company_identity(p), role_order.get(p.role or "", 99))
    ):
        company_id = _company_identity(person)
        staffed.add(company_id)
        leads.append(_with_company(person, by_company.get(company_id)))
    leads += [company for key, company in by_company.items() if key not in staffed]

    wanted = set(columns)
    ordered = sorted(leads, key=lambda lead: (-lead.confidence, lead.key))
    cap = min(target_rows, MAX_ARTIFACT_ROWS)
    return [_keep_columns(lead, wanted) for lead in ordered[:cap]]
