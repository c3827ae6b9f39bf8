"""Search queries that find an audience: its industry, place, stage, stack, hiring and the
free requirements of the plan, each query steering away from what the plan excludes."""

from __future__ import annotations

import itertools

import pycountry

from research.planner import gazetteer, lexicon
from research.planner.types import Criteria

MAX_QUERIES = 16
TERMS_PER_INDUSTRY = 3
MAX_REQUIREMENT_QUERIES = 3
MAX_NEGATIVE_TERMS = 4
"""Engines cap a query's length; the first exclusions are the ones the user named first."""


def _industry_terms(criteria: Criteria) -> list[str]:
    """Each industry by a few of its names: search engines match words, not concepts."""
    terms: list[str] = []
    for slug in criteria.industries:
        industry = lexicon.INDUSTRIES.get(slug)
        if industry is None:
            continue
        names = [industry.display, slug.replace("_", " "), *industry.synonyms]
        unique = list(dict.fromkeys(name.lower() for name in names))
        terms += unique[:TERMS_PER_INDUSTRY]
    return terms or list(criteria.keywords[:2])


def _place_terms(criteria: Criteria) -> list[str]:
    places: list[str] = []
    for code in criteria.countries:
        places.append(lexicon.country_name(code))
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            places.append(str(getattr(country, "common_name", None) or country.name))
    places += list(criteria.cities)
    places += [gazetteer.subdivision_name(code) for code in criteria.subdivisions]
    places += [
        lexicon.REGIONS[slug].display for slug in criteria.regions if slug in lexicon.REGIONS
    ]
    return list(dict.fromkeys(places))


def _stages(criteria: Criteria) -> list[str]:
    return [lexicon.STAGE_DISPLAY.get(stage, stage) for stage in criteria.stages[:3]]


def discovery_queries(criteria: Criteria) -> list[str]:
    """Queries from broad to specific, so every facet the plan names appears in some query."""
    industries = _industry_terms(criteria) or [""]
    places = _place_terms(criteria) or [""]
    queries: list[str] = []
    for industry, place in itertools.product(industries, places):
        base = " ".join(part for part in (industry, place) if part)
        if base:
            queries += [f"{base} startups", f"{base} companies"]
    for stage, industry in itertools.product(_stages(criteria), industries[:1]):
        queries.append(f"{industry} {stage} {places[0]}")
    for technology in criteria.technologies[:3]:
        queries.append(f"{industries[0]} {technology} {places[0]}")
    for role in criteria.hiring[:3]:
        queries.append(f"{industries[0]} hiring {role} {places[0]}")
    for requirement in criteria.requirements[:MAX_REQUIREMENT_QUERIES]:
        queries.append(f"{industries[0]} {requirement.text} {places[0]}")
    if not any(query.strip() for query in queries):
        queries = [" ".join(role.title for role in criteria.roles[:2]) or "startups"]
    avoid = negative_terms(criteria)
    ordered = list(dict.fromkeys(" ".join(query.split()) for query in queries if query.strip()))
    return [f"{query} {avoid}".strip() for query in ordered[:MAX_QUERIES]]


def negative_terms(criteria: Criteria) -> str:
    """The plan's exclusions as search operators: -"crypto exchanges" -Paris."""
    excluded = criteria.exclusions
    names = [
        *excluded.keywords,
        *excluded.cities,
        *(lexicon.country_name(code) for code in excluded.countries),
        *(gazetteer.subdivision_name(code) for code in excluded.subdivisions),
        *(lexicon.INDUSTRIES[s].display for s in excluded.industries if s in lexicon.INDUSTRIES),
    ]
    terms = [f'-"{name}"' if " " in name else f"-{name}" for name in names if name.strip()]
    return " ".join(terms[:MAX_NEGATIVE_TERMS])
