"""Scores a job's leads against the sandbox's ground truth.

Companies count when they match the ICP's company facets (industry, place, stage, size,
stack, hiring); people when they are current and hold a requested role at such a company.
Emails must be the person's real address. Every value must be stated by one of its sources.
Dedupe is scored pairwise over what the leads saw: the company domains behind each lead
(aliases included) and the people they name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any
from urllib.parse import urlsplit

from sandbox.icp import Icp

Lead = Mapping[str, Any]


def _name_key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


@dataclass
class Score:
    """One prompt's numbers."""

    key: str
    companies_expected: int = 0
    companies_found: int = 0
    companies_correct: int = 0
    people_expected: int = 0
    people_found: int = 0
    people_correct: int = 0
    emails_found: int = 0
    emails_correct: int = 0
    values: int = 0
    values_grounded: int = 0
    pairs_predicted: int = 0
    pairs_true: int = 0
    pairs_correct: int = 0
    misses: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        """Recall, precision and shares, each in [0, 1]."""
        return {
            "company_recall": _ratio(self.companies_correct, self.companies_expected),
            "company_precision": _ratio(self.companies_correct, self.companies_found),
            "person_recall": _ratio(self.people_correct, self.people_expected),
            "person_precision": _ratio(self.people_correct, self.people_found),
            "email_precision": _ratio(self.emails_correct, self.emails_found),
            "grounded": _ratio(self.values_grounded, self.values),
            "dedupe_precision": _ratio(self.pairs_correct, self.pairs_predicted),
            "dedupe_recall": _ratio(self.pairs_correct, self.pairs_true),
        }

    def add(self, other: Score) -> None:
        """Accumulate another prompt's counts (micro-averaging)."""
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)


class Truth:
    """Lookups over a truth.json."""

    def __init__(self, truth: Mapping[str, Any]) -> None:
        self.companies = list(truth["companies"])
        self.by_domain = {
            domain: company for company in self.companies for domain in company["domains"]
        }

    def company_of(self, url_or_domain: str | None) -> Mapping[str, Any] | None:
        """The truth company owning a domain or URL."""
        if not url_or_domain:
            return None
        host = urlsplit(url_or_domain).hostname if "://" in url_or_domain else url_or_domain
        return self.by_domain.get((host or "").removeprefix("www."))

    @staticmethod
    def person_of(company: Mapping[str, Any], full_name: str) -> Mapping[str, Any] | None:
        """The truth person of that name at the company."""
        key = _name_key(full_name)
        for person in company["people"]:
            if _name_key(person["full_name"]) == key:
                return person
        return None


def firmographic_matches(icp: Icp, truth: Truth) -> list[Mapping[str, Any]]:
    """Companies matching every company facet of the ICP (people are scored apart)."""
    return [
        company
        for company in truth.companies
        if not [facet for facet in icp.failed_facets(company) if facet != "roles"]
    ]


def _lead_values(lead: Lead) -> Iterable[tuple[str, str]]:
    for key, value in (lead.get("company") or {}).items():
        if value not in (None, ""):
            yield f"company.{key}", str(value)
    for key, value in (lead.get("person") or {}).items():
        if value not in (None, ""):
            yield f"person.{key}", str(value)
    for key, value in (lead.get("fields") or {}).items():
        if key.endswith("_inferred") or value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            yield f"fields.{key}", str(item)


def score(
    icp: Icp,
    leads: Sequence[Lead],
    truth: Truth,
    grounded: Callable[[str, str, str], bool],
) -> Score:
    """Score one prompt's leads; ``grounded(value, url, path)`` checks a value on a page."""
    result = Score(key=icp.key)
    expected = {company["id"]: company for company in firmographic_matches(icp, truth)}
    expected_people = {
        (company["id"], person["id"])
        for company in expected.values()
        for person in icp.people(company)
    }
    result.companies_expected = len(expected)
    result.people_expected = len(expected_people)
    found_companies: set[str] = set()
    found_people: set[tuple[str, str]] = set()
    for lead in leads:
        company = truth.company_of((lead.get("company") or {}).get("domain"))
        label = (lead.get("company") or {}).get("domain") or "?"
        if company is None:
            result.mistakes.append(f"{label}: not a company in the truth")
        else:
            found_companies.add(company["id"])
        person = lead.get("person")
        if person:
            _score_person(result, icp, truth, company, person, expected, found_people)
        for path, value in _lead_values(lead):
            result.values += 1
            urls = [s["url"] for s in lead.get("sources", []) if path in s.get("fields", [])]
            urls = urls or [s["url"] for s in lead.get("sources", [])]
            if any(grounded(value, url, path) for url in urls):
                result.values_grounded += 1
            else:
                result.mistakes.append(f"{label}: {path}={value!r} not on its sources")
    result.companies_found = len(found_companies)
    result.companies_correct = len(found_companies & set(expected))
    result.misses += [
        f"company {expected[cid]['primary_domain']}" for cid in set(expected) - found_companies
    ]
    result.mistakes += [
        f"company {truth_company['primary_domain']} does not match"
        for truth_company in truth.companies
        if truth_company["id"] in found_companies - set(expected)
    ]
    result.people_found = sum(1 for lead in leads if lead.get("person"))
    result.people_correct = len(found_people & expected_people)
    result.misses += [f"person {cid}/{pid}" for cid, pid in expected_people - found_people]
    _score_pairs(result, leads, truth)
    return result


def _score_person(
    result: Score,
    icp: Icp,
    truth: Truth,
    company: Mapping[str, Any] | None,
    person: Mapping[str, Any],
    expected: Mapping[str, Any],
    found: set[tuple[str, str]],
) -> None:
    name = person.get("full_name") or ""
    real = truth.person_of(company, name) if company else None
    wanted = real is not None and company is not None and company["id"] in expected
    wanted = wanted and real in icp.people(company)  # type: ignore[arg-type]
    if wanted and company is not None and real is not None:
        found.add((company["id"], real["id"]))
    else:
        where = company["primary_domain"] if company else "?"
        result.mistakes.append(f"person {name} at {where} is not a requested current person")
    email = person.get("email")
    if email:
        result.emails_found += 1
        if real is not None and email.lower() == real["email"].lower():
            result.emails_correct += 1
        else:
            result.mistakes.append(f"email {email} is not {name}'s")


def _score_pairs(result: Score, leads: Sequence[Lead], truth: Truth) -> None:
    """Pairwise dedupe over observations: (lead, company domain) and (lead, person)."""
    observations: list[tuple[str, str]] = []  # (predicted cluster, true entity)
    for index, lead in enumerate(leads):
        # Leads naming the same canonical company are one company cluster, people or not.
        cluster = (lead.get("company") or {}).get("domain") or f"lead{index}"
        domains = {urlsplit(s["url"]).hostname or "" for s in lead.get("sources", [])}
        for domain in domains:
            company = truth.company_of(domain)
            if company is not None:
                observations.append((f"{cluster}|co", company["id"]))
        person = lead.get("person")
        company = truth.company_of((lead.get("company") or {}).get("domain"))
        if person and company is not None:
            real = truth.person_of(company, person.get("full_name") or "")
            entity = f"{company['id']}/{real['id'] if real else person.get('full_name')}"
            observations.append((f"lead{index}|pe", entity))
    unique = list(dict.fromkeys(observations))
    for (cluster_a, true_a), (cluster_b, true_b) in combinations(unique, 2):
        predicted, actual = cluster_a == cluster_b, true_a == true_b
        result.pairs_predicted += predicted
        result.pairs_true += actual
        result.pairs_correct += predicted and actual
