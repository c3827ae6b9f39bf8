"""Confidence from the evidence: how likely a lead is right, given what states it.

A person lead is right when its company is (the company's own score, from entity resolution:
source strength times agreement between sources) and the person holds that title there. The
second part comes from the pages that name the person with the title: each is an independent
witness whose reliability is the extraction path's measured precision, combined by noisy-or,
so two pages agreeing count for more than one, the company's own site for more than a third
party's, a published address for more than an inferred one.

The reader's reliability on a company's own pages is measured on the dev half of the page
corpus and kept in ``calibration.json`` (``python -m bench.extract.calibrate --write``; a test
fails when the reader changes and the file does not). Third-party pages (directories, news),
untitled mentions and inferred addresses have no corpus figure of their own and keep stated
discounts.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from research.domains import registrable_domain
from research.emails import INFERRED_FIELD
from research.model import Candidate, SourceKind

CALIBRATION = json.loads((Path(__file__).with_name("calibration.json")).read_text())
OWN_PAGE: float = CALIBRATION["all"]["reliability"]
"""A person with their title on the company's own site: the share of such people the reader
gets right on the corpus's dev half."""
THIRD_PARTY_PAGE = round(OWN_PAGE * 0.82, 3)
"""The same on a page about the company elsewhere: no corpus figure, so discounted."""
UNTITLED = 0.7
"""A person no page gives a title: the role match rests on less."""
INFERRED_EMAIL = 0.7
"""An address inferred from the company's pattern, not published for the person."""
ATTACHMENT = 0.9
"""A value the user's own file gave."""
PERSON_PATHS = ("person.full_name", "person.title")


def _page_reliability(url: str, kind: SourceKind, domains: set[str]) -> float:
    if kind is SourceKind.ATTACHMENT:
        return ATTACHMENT
    return OWN_PAGE if registrable_domain(url) in domains else THIRD_PARTY_PAGE


def person_confidence(person: Candidate) -> float:
    """How likely the person holds the stated title at the company, from the pages naming
    them: noisy-or over independent witnesses, discounted for a missing title or an
    inferred address."""
    if person.person is None:
        return 0.0
    domains = {
        d for d in (person.company.domain, *person.company.aliases) if d and registrable_domain(d)
    }
    domains = {registrable_domain(d) or d for d in domains}
    wanted = "person.title" if person.person.title else "person.full_name"
    witnesses = [
        _page_reliability(source.url, source.kind, domains)
        for source in person.sources
        if wanted in source.fields
    ]
    if not witnesses:
        return 0.0
    score = 1 - math.prod(1 - reliability for reliability in witnesses)
    if not person.person.title:
        score *= UNTITLED
    if person.person.email and INFERRED_FIELD in person.fields:
        score *= INFERRED_EMAIL
    return score


def lead_confidence(person: Candidate, company: Candidate | None) -> float:
    """A person lead's confidence: its company's, times the person's own."""
    if person.sources and all(s.kind is SourceKind.SYNTHETIC for s in person.sources):
        # Test-mode sources are not retrieved documents: keep the records' own scores.
        scores = [person.confidence, company.confidence if company else person.confidence]
        return round(min(scores), 4)
    own = person_confidence(person)
    of_company = company.confidence if company is not None else person.confidence
    return round(max(0.0, min(1.0, own * of_company)), 4)
