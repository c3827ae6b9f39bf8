"""Reference ICPs the sandbox is seeded for, and how a truth company matches them.

The predicates read the ground-truth company dicts (``web.truth()["companies"]``), so a
benchmark can use them on a truth.json without the generator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EU_COUNTRIES: tuple[str, ...] = (
    "AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "PT", "SE",
)  # fmt: skip
STAFF_ENGINEER = r"\bstaff\b.*\bengineer"
ML_ENGINEER = r"\b(ml|machine learning)\b.*\bengineer"
FOUNDER = "founder"  # a pseudo-role: any current person with ``founder: true``


@dataclass(frozen=True)
class Icp:
    """An ideal customer profile: company facets plus the people to pull."""

    key: str
    prompt: str
    industries: tuple[str, ...]
    countries: tuple[str, ...]
    stages: tuple[str, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None
    min_engineers: int | None = None
    tech: str | None = None
    hiring: str | None = None  # a regex over open role titles, case-insensitive
    roles: tuple[str, ...] = ()  # role keys; the company needs at least one of them

    def failed_facets(self, company: Mapping[str, Any]) -> list[str]:
        """The facets the company misses: empty for a match, one for a near miss."""
        checks = {
            "industry": company["industry"] in self.industries,
            "country": company["country"] in self.countries,
            "stage": not self.stages or company["stage"] in self.stages,
            "employees": _within(company["employees"], self.min_employees, self.max_employees),
            "engineers": _within(company["engineers"], self.min_engineers, None),
            "tech": self.tech is None or self.tech in company["tech_stack"],
            "hiring": self.hiring is None or _hiring(company["open_roles"], self.hiring),
            "roles": not self.roles or bool(self.people(company)),
        }
        return [facet for facet, ok in checks.items() if not ok]

    def matches(self, company: Mapping[str, Any]) -> bool:
        """Whether every facet holds."""
        return not self.failed_facets(company)

    def people(self, company: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """The company's current people in the roles the ICP asks for."""
        return [
            person
            for person in company["people"]
            if person["current"]
            and (person["role"] in self.roles or (FOUNDER in self.roles and person["founder"]))
        ]

    def criteria(self) -> dict[str, Any]:
        """The facets as a JSON-serializable dict."""
        return {
            "industries": list(self.industries),
            "countries": list(self.countries),
            "stages": list(self.stages),
            "min_employees": self.min_employees,
            "max_employees": self.max_employees,
            "min_engineers": self.min_engineers,
            "tech": self.tech,
            "hiring": self.hiring,
            "roles": list(self.roles),
        }


ICPS: tuple[Icp, ...] = (
    Icp(
        key="fr_fintech_series_a",
        prompt="Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth.",
        industries=("fintech",),
        countries=("FR",),
        stages=("series_a",),
        min_engineers=20,
        roles=("vp_engineering", "head_of_growth"),
    ),
    Icp(
        key="us_healthtech_data",
        prompt="Heads of Data at US healthtech companies with 500–5000 employees using Snowflake.",
        industries=("healthtech",),
        countries=("US",),
        min_employees=500,
        max_employees=5000,
        tech="Snowflake",
        roles=("head_of_data",),
    ),
    Icp(
        key="us_devtools_series_b_staff",
        prompt="Series B devtools companies in the US hiring Staff Engineers, and their CTOs.",
        industries=("devtools",),
        countries=("US",),
        stages=("series_b",),
        hiring=STAFF_ENGINEER,
        roles=("cto",),
    ),
    Icp(
        key="de_nl_climate_founders",
        prompt="Seed or Series A climate startups in Germany or the Netherlands, their founders.",
        industries=("climate",),
        countries=("DE", "NL"),
        stages=("seed", "series_a"),
        roles=(FOUNDER,),
    ),
    Icp(
        key="eu_ai_infra_series_b_ml",
        prompt="Series B AI infrastructure companies in the EU hiring ML engineers, VP Eng.",
        industries=("ai_infra",),
        countries=EU_COUNTRIES,
        stages=("series_b",),
        hiring=ML_ENGINEER,
        roles=("vp_engineering",),
    ),
)


def icp(key: str) -> Icp:
    """The reference ICP with this key."""
    for candidate in ICPS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def evaluate_icps(companies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """For each reference ICP, the ids of matching and nearly matching companies."""
    report = []
    for profile in ICPS:
        matches: list[str] = []
        near: list[dict[str, str]] = []
        for company in companies:
            failed = profile.failed_facets(company)
            if not failed:
                matches.append(company["id"])
            elif len(failed) == 1:
                near.append({"id": company["id"], "failed": failed[0]})
        report.append(
            {
                "key": profile.key,
                "prompt": profile.prompt,
                "criteria": profile.criteria(),
                "matches": matches,
                "near_misses": near,
            }
        )
    return report


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _hiring(open_roles: Sequence[str], pattern: str) -> bool:
    return any(re.search(pattern, role, re.IGNORECASE) for role in open_roles)
