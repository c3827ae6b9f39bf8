"""Test mode: plausible, deterministic synthetic leads shaped by the plan.

Everything is seeded from the plan, so the same plan always yields the same leads. Domains use
the reserved ``.example`` TLD so synthetic records can never point at a real company, and
every source is marked ``synthetic``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from faker import Faker

from research.engine import (
    Heartbeat,
    StepBatch,
    StepRequest,
    StepScope,
    companies_needed,
    step_roles,
    step_scope,
)
from research.model import (
    Candidate,
    CandidateStatus,
    CompanyFacts,
    PersonFacts,
    Source,
    SourceKind,
)
from research.planner.types import Criteria, Intent, NumericRange, RoleTarget

FAKER_LOCALES = {
    "FR": "fr_FR",
    "DE": "de_DE",
    "AT": "de_AT",
    "CH": "de_CH",
    "ES": "es_ES",
    "IT": "it_IT",
    "NL": "nl_NL",
    "BE": "nl_BE",
    "GB": "en_GB",
    "IE": "en_IE",
    "SE": "sv_SE",
    "DK": "da_DK",
    "NO": "no_NO",
    "FI": "fi_FI",
    "PL": "pl_PL",
    "PT": "pt_PT",
    "BR": "pt_BR",
    "US": "en_US",
    "CA": "en_CA",
    "AU": "en_AU",
    "IN": "en_IN",
    "JP": "ja_JP",
}
EURO = {"FR", "DE", "AT", "ES", "IT", "NL", "BE", "IE", "FI", "PT"}
STAGE_AMOUNTS = {
    "pre_seed": (0.3, 1.5),
    "seed": (1, 5),
    "series_a": (6, 25),
    "series_b": (20, 60),
    "series_c": (40, 120),
    "series_d": (80, 250),
    "series_e": (100, 300),
    "series_f": (150, 400),
    "growth": (100, 400),
    "public": (200, 900),
}
TECH_POOL = ["Python", "TypeScript", "React", "Go", "Kubernetes", "AWS", "PostgreSQL", "Kafka"]
ROLE_POOL = ["Senior Backend Engineer", "Product Designer", "Data Analyst", "Account Executive"]
DEFAULT_METRIC_RANGE = {"employees": (20, 400), "engineers": (5, 120)}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())[:24] or "company"


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(part) for part in parts))


def _faker(country: str, *seed_parts: object) -> Faker:
    faker = Faker(FAKER_LOCALES.get(country, "en_US"))
    faker.seed_instance(":".join(str(part) for part in seed_parts))
    return faker


def _in_range(rng: random.Random, metric: str, thresholds: list[NumericRange]) -> int:
    low, high = DEFAULT_METRIC_RANGE.get(metric, (10, 500))
    for threshold in thresholds:
        if threshold.metric == metric:
            low = int(threshold.min) if threshold.min is not None else low
            high = int(threshold.max) if threshold.max is not None else max(high, low * 3)
    return rng.randint(low, max(low, high))


def _money(rng: random.Random, stage: str, country: str) -> str:
    low, high = STAGE_AMOUNTS.get(stage, (2, 30))
    amount = round(rng.uniform(low, high), 1)
    symbol = "€" if country in EURO else "£" if country == "GB" else "$"
    return f"{symbol}{amount:g}M"


class SyntheticEngine:
    """The test-mode engine: the same steps and batches as live mode, with fake data."""

    name = "synthetic"

    async def run_step(self, request: StepRequest, heartbeat: Heartbeat) -> StepBatch:
        """Run one batch of one step."""
        heartbeat()
        scope = step_scope(request.step, request.step_index)
        if scope is StepScope.NONE:
            return self._discover(request)
        roles = step_roles(request.step, request.criteria)
        if roles:
            return self._people(request, roles)
        if request.step.intent == Intent.VERIFY:
            return self._verify(request)
        return self._enrich_companies(request)

    def _source(self, domain: str, path: str, now: datetime, fields: list[str]) -> Source:
        return Source(
            kind=SourceKind.SYNTHETIC,
            url=f"https://{domain}{path}",
            retrieved_at=now,
            fields=fields,
        )

    def _discover(self, request: StepRequest) -> StepBatch:
        total = companies_needed(request.criteria, request.target_rows)
        start = request.batch_no * request.batch_size
        stop = min(total, start + request.batch_size)
        companies = [self._company(request, index) for index in range(start, stop)]
        return StepBatch(
            upserts=companies,
            done=stop >= total,
            units=len(companies),
            logs=[f"Captured {len(companies)} candidate companies ({stop} of {total})"],
        )

    def _company(self, request: StepRequest, index: int) -> Candidate:
        criteria = request.criteria
        rng = _rng(request.seed, "company", index)
        country = rng.choice(criteria.countries or ["US"])
        faker = _faker(country, request.seed, index)
        name = re.sub(r"[,.]", "", faker.company()).strip()
        domain = f"{_slug(name)}{index}.example"
        facts = _company_fields(rng, faker, criteria, country, request.now)
        hq_city = facts.pop("hq_city")
        shown = [key for key in facts if key in request.step.expected_columns]
        return Candidate(
            key=f"co:{domain}",
            company=CompanyFacts(
                name=name,
                domain=domain,
                linkedin=f"https://www.linkedin.com/company/{_slug(name)}{index}",
                hq_city=hq_city,
            ),
            # Every fact is drawn up front so later steps agree with it; publication keeps
            # only the plan's columns.
            fields=facts,
            sources=[
                self._source(domain, "/", request.now, ["company.name", "company.domain"]),
                self._source(
                    domain,
                    "/about",
                    request.now,
                    [
                        "company.hq_city",
                        "company.linkedin",
                        "fields.hq_country",
                        *(f"fields.{key}" for key in shown),
                    ],
                ),
            ],
            evidence=[f"hq_country={country}", *(f"{key}={facts[key]}" for key in shown)],
        )

    def _enrich_companies(self, request: StepRequest) -> StepBatch:
        for candidate in request.candidates:
            columns = [key for key in request.step.expected_columns if key in candidate.fields]
            if columns:
                candidate.sources.append(
                    self._source(
                        candidate.company.domain or "unknown.example",
                        "/company",
                        request.now,
                        [f"fields.{key}" for key in columns],
                    )
                )
        return StepBatch(
            upserts=request.candidates,
            done=len(request.candidates) < request.batch_size,
            units=len(request.candidates),
            logs=[f"{request.step.title}: {len(request.candidates)} companies"],
        )

    def _people(self, request: StepRequest, roles: list[RoleTarget]) -> StepBatch:
        people = []
        emails = 0
        for candidate, role in (
            (candidate, role) for candidate in request.candidates for role in roles
        ):
            domain = candidate.company.domain or "unknown.example"
            country = str(candidate.fields.get("hq_country") or "US")
            faker = _faker(country, request.seed, domain, role.column_prefix)
            first, last = faker.first_name(), faker.last_name()
            email = f"{_slug(first)}.{_slug(last)}@{domain}"
            emails += 1
            people.append(
                Candidate(
                    key=f"pe:{domain}:{_slug(first + last)}",
                    company=candidate.company,
                    person=PersonFacts(full_name=f"{first} {last}", title=role.title, email=email),
                    role=role.column_prefix,
                    confidence=round(
                        _rng(request.seed, "person", domain, role.column_prefix).uniform(0.7, 0.99),
                        2,
                    ),
                    fields={
                        "person_linkedin": f"https://www.linkedin.com/in/{_slug(first + last)}"
                    },
                    sources=[
                        self._source(
                            domain,
                            "/team",
                            request.now,
                            [
                                "person.full_name",
                                "person.title",
                                "person.email",
                                "fields.person_linkedin",
                            ],
                        )
                    ],
                )
            )
        return StepBatch(
            upserts=people,
            done=len(request.candidates) < request.batch_size,
            units=len(request.candidates),
            emails=emails,
            logs=[
                f"Found the {' and '.join(role.title for role in roles)} at "
                f"{len(request.candidates)} companies"
            ],
        )

    def _verify(self, request: StepRequest) -> StepBatch:
        for candidate in request.candidates:
            rng = _rng(request.seed, "confidence", candidate.key)
            candidate.confidence = round(rng.uniform(0.62, 0.98), 2)
            candidate.status = CandidateStatus.VERIFIED
        return StepBatch(
            upserts=request.candidates,
            done=len(request.candidates) < request.batch_size,
            logs=[f"Verified {len(request.candidates)} records against the criteria"],
        )


def _funding_date(rng: random.Random, criteria: Criteria, now: datetime) -> date:
    """A funding date inside whatever window the plan asks for."""
    latest = min(now.date(), criteria.funded_until or now.date())
    if criteria.funded_since is not None:
        earliest = criteria.funded_since
    elif criteria.funded_within_days is not None:
        earliest = now.date() - timedelta(days=criteria.funded_within_days)
    else:
        earliest = now.date() - timedelta(days=30 * (criteria.funded_within_months or 36))
    span = max(0, (latest - earliest).days)
    return earliest + timedelta(days=rng.randint(0, span))


def _company_fields(
    rng: random.Random, faker: Faker, criteria: Criteria, country: str, now: datetime
) -> dict[str, Any]:
    stage = rng.choice(criteria.stages or ["seed", "series_a", "series_b"])
    funded_at = _funding_date(rng, criteria, now)
    employees = _in_range(rng, "employees", criteria.thresholds)
    engineers = min(employees, _in_range(rng, "engineers", criteria.thresholds))
    return {
        "hq_city": rng.choice(criteria.cities) if criteria.cities else faker.city(),
        "hq_country": country,
        "industry": rng.choice(criteria.industries or ["saas"]),
        "founded_year": now.year - rng.randint(2, 12),
        "funding_stage": stage,
        "funding_amount": _money(rng, stage, country),
        "funded_at": funded_at.isoformat(),
        "employee_count": max(employees, engineers),
        "engineering_headcount": engineers,
        "tech_stack": sorted({*criteria.technologies, *rng.sample(TECH_POOL, 3)}),
        "open_roles": sorted({*criteria.hiring, *rng.sample(ROLE_POOL, 2)}),
    }
