"""The engine's working records: candidates that become leads, with their sources."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class SourceKind(StrEnum):
    """Where a fact came from."""

    WEB = "web"
    SYNTHETIC = "synthetic"
    ATTACHMENT = "attachment"


class Source(BaseModel):
    """A retrieved document, and which of the record's fields it supports."""

    kind: SourceKind
    url: str
    retrieved_at: datetime
    fields: list[str] = Field(
        default_factory=list, description="Field paths it grounds, e.g. person.title."
    )


class CompanyFacts(BaseModel):
    """The company part of a lead: the spec's four public keys, plus where its site lives."""

    name: str | None = None
    domain: str | None = None
    linkedin: str | None = None
    hq_city: str | None = None
    website: str | None = Field(default=None, description="Origin to crawl; not published.")
    aliases: list[str] = Field(
        default_factory=list, description="Other domains seen for it; not published."
    )
    mentions: list[str] = Field(
        default_factory=list,
        description="Third-party pages about it (directory profiles); not published.",
    )


class PersonFacts(BaseModel):
    """The person part of a lead, in the spec's shape."""

    full_name: str
    title: str | None = None
    email: str | None = None


class CandidateStatus(StrEnum):
    """Where a candidate stands in the pipeline."""

    CANDIDATE = "candidate"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Candidate(BaseModel):
    """A company or company+person record under construction.

    ``key`` identifies the entity within a job (``co:<domain>`` or ``pe:<domain>:<name>``), so
    a retried batch rewrites the same rows instead of adding new ones.
    """

    key: str
    company: CompanyFacts = Field(default_factory=CompanyFacts)
    person: PersonFacts | None = None
    role: str | None = Field(default=None, description="The plan role it matched, e.g. vp_eng.")
    fields: dict[str, Any] = Field(default_factory=dict)
    sources: list[Source] = Field(default_factory=list)
    confidence: float = 0.0
    status: CandidateStatus = CandidateStatus.CANDIDATE
    evidence: list[str] = Field(default_factory=list, description="Why it matches the ICP.")

    @property
    def company_key(self) -> str:
        """The key of the company this record belongs to."""
        return f"co:{self.company.domain or self.company.name or self.key}"
