"""Lead assembly: from the job's working records to its final, deduplicated leads.

Duplicates are merged by ``research.entity`` (domains, aliases, names, people); this module
lays the merged records out as the job's leads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from research.confidence import lead_confidence
from research.entity import merge_sources, resolve_entities
from research.model import Candidate, CandidateStatus

MAX_ARTIFACT_ROWS = 10_000
PERSON_FIELD_PREFIX = "person_"
# Kept on every lead whatever the plan's columns: the artifact shows each company's country.
ALWAYS_KEPT = ("hq_country",)


def normalize_name(name: str) -> str:
    """Lowercase ASCII letters only: 'José  García-López' -> 'josegarcialopez'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def _with_company(person: Candidate, company: Candidate | None) -> Candidate:
    if company is None:
        return person.model_copy(update={"confidence": lead_confidence(person, None)})
    lead = person.model_copy(deep=True)
    lead.company = company.company.model_copy()
    company_fields = {
        key: value for key, value in company.fields.items() if not key.startswith("person_")
    }
    lead.fields = {**company_fields, **person.fields}
    lead.sources = merge_sources([*lead.sources, *company.sources])
    lead.evidence = list(dict.fromkeys([*company.evidence, *person.evidence]))
    lead.confidence = lead_confidence(person, company)
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
    verified_only: bool = False,
) -> list[Candidate]:
    """The job's leads, in delivery order.

    One lead per (company, person) for the plan's roles; a company where no requested person
    was found is still delivered on its own. Rejected records never become leads, and nor do
    the people of a rejected company. Resolution runs over every record, rejected ones too,
    so a company verified under one domain is not lost for failing under its alias.
    """
    resolved = resolve_entities(candidates)
    # A job that failed or stopped delivers only what it verified: a company it never got to
    # check (and its people) is left out rather than delivered unchecked.
    unwanted = (
        {CandidateStatus.REJECTED, CandidateStatus.CANDIDATE}
        if verified_only
        else {CandidateStatus.REJECTED}
    )
    rejected = {
        index for index, company in enumerate(resolved.companies) if company.status in unwanted
    }
    role_order = {role: index for index, role in enumerate(roles)}
    staffed: set[int] = set()
    leads: list[Candidate] = []
    placed = sorted(
        zip(resolved.people, resolved.employer, strict=True),
        key=lambda pair: (
            -1 if pair[1] is None else pair[1],
            role_order.get(pair[0].role or "", 99),
        ),
    )
    for person, employer in placed:
        if person.status is CandidateStatus.REJECTED or employer in rejected:
            continue
        if verified_only and employer is None:
            continue
        company = None if employer is None else resolved.companies[employer]
        if employer is not None:
            staffed.add(employer)
        leads.append(_with_company(person, company))
    leads += [
        company
        for index, company in enumerate(resolved.companies)
        if index not in staffed and index not in rejected
    ]

    wanted = {*columns, *ALWAYS_KEPT}
    cap = min(target_rows, MAX_ARTIFACT_ROWS)
    return [_keep_columns(lead, wanted) for lead in rank_leads(leads, roles)[:cap]]


def rank_leads(leads: Sequence[Candidate], roles: Sequence[str]) -> list[Candidate]:
    """The artifact's ranking: companies with every requested person first, then those with
    some, then those with none, by best confidence within each; within a company, its people
    in the plan's role order."""
    by_company: dict[str, list[Candidate]] = {}
    for lead in leads:
        by_company.setdefault(lead.company_key, []).append(lead)
    role_order = {role: index for index, role in enumerate(roles)}

    def company_rank(group: list[Candidate]) -> tuple[int, float, str]:
        found = {lead.role for lead in group if lead.person is not None} & set(roles)
        tier = 0 if len(found) == len(set(roles)) else 1 if found else 2
        return (tier, -max(lead.confidence for lead in group), group[0].key)

    ranked: list[Candidate] = []
    for group in sorted(by_company.values(), key=company_rank):
        ranked += sorted(
            group,
            key=lambda lead: (
                lead.person is None,
                role_order.get(lead.role or "", len(role_order)),
                -lead.confidence,
                lead.key,
            ),
        )
    return ranked


def _identities(lead: Candidate) -> set[tuple[str, str]]:
    """What makes two leads the same: one of the company's domains or its name, and the
    person's name (empty for a company's own row)."""
    company = lead.company
    name = normalize_name(company.name or "")
    places = {d.lower() for d in [company.domain or "", *company.aliases] if d}
    places |= {f"name:{name}"} if name else set()
    person = normalize_name(lead.person.full_name or "") if lead.person else ""
    return {(place, person) for place in places}


def match_delivered(leads: Sequence[Candidate], delivered: Sequence[Candidate]) -> dict[int, int]:
    """Which delivered lead each of ``leads`` is (index -> index): by key, else by a shared
    company domain or name and the same person. A lead found again after its delivery, under
    another key or merged with a late duplicate, updates the delivered one instead of being
    delivered twice; each delivered lead is matched at most once."""
    by_key = {lead.key: index for index, lead in enumerate(delivered)}
    by_identity: dict[tuple[str, str], int] = {}
    for index, lead in enumerate(delivered):
        for identity in _identities(lead):
            by_identity.setdefault(identity, index)
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for index, lead in enumerate(leads):
        if lead.key in by_key and by_key[lead.key] not in taken:
            matched[index] = by_key[lead.key]
            taken.add(matched[index])
    for index, lead in enumerate(leads):
        if index in matched:
            continue
        for identity in sorted(_identities(lead)):
            found = by_identity.get(identity)
            if found is not None and found not in taken:
                matched[index] = found
                taken.add(found)
                break
    return matched
