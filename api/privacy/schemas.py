"""Privacy request bodies and objects: access reports, erasures and the suppression list."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from store.models import Erasure, Suppression
from store.objects import PublicObject, Timestamp

EMAIL_MAX = 320
NAME_MAX = 200
DOMAIN_MAX = 253


class PersonIdentifier(BaseModel):
    """Who: an email, or a name plus the domain of the company they work at."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=EMAIL_MAX, examples=["jane@acme.example"])
    name: str | None = Field(default=None, max_length=NAME_MAX, examples=["Jane Doe"])
    domain: str | None = Field(
        default=None, max_length=DOMAIN_MAX, description="With name.", examples=["acme.example"]
    )


class ErasureCreate(PersonIdentifier):
    """POST /v1/privacy/erasures: erase a person given an email, or a name plus a domain."""


class SuppressionCreate(PersonIdentifier):
    """POST /v1/privacy/suppressions: an email, a domain alone, or a name at a domain."""


class ErasureCounts(BaseModel):
    """What an erasure removed."""

    records: int = Field(description="Lead records deleted (delivered leads and working ones).")
    jobs: int = Field(description="Jobs that held the person.")
    artifacts: int = Field(description="Artifacts whose files were rewritten.")
    pages: int = Field(description="Cached source pages deleted.")
    responses: int = Field(description="Kept idempotent responses deleted.")
    suppressions: int = Field(description="Hashes added to the suppression list.")


class ErasureObject(PublicObject):
    """An erasure and its audit entry: the identifier is kept only as a SHA-256 hash."""

    object: Literal["erasure"] = "erasure"
    status: Literal["pending", "succeeded"]
    kind: Literal["email", "name"]
    identifier_hash: str
    counts: ErasureCounts | None
    requested_at: Timestamp
    completed_at: Timestamp | None

    @classmethod
    def from_row(cls, row: Erasure) -> ErasureObject:
        """The public shape of an erasure row."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            status="succeeded" if row.completed_at is not None else "pending",
            kind="email" if row.kind == "email" else "name",
            identifier_hash=row.identifier_hash,
            counts=ErasureCounts.model_validate(row.counts) if row.completed_at else None,
            requested_at=row.requested_at,
            completed_at=row.completed_at,
        )


class SuppressionObject(PublicObject):
    """An entry of the suppression list, known by the hash of what it suppresses."""

    object: Literal["suppression"] = "suppression"
    kind: Literal["email", "domain", "name"]
    value_hash: str
    erasure_id: str | None = Field(description="The erasure that added it, if any.")
    created_at: Timestamp

    @classmethod
    def from_row(cls, row: Suppression) -> SuppressionObject:
        """The public shape of a suppression row."""
        kind: Literal["email", "domain", "name"] = (
            "email" if row.kind == "email" else "domain" if row.kind == "domain" else "name"
        )
        return cls(
            id=row.id,
            livemode=row.livemode,
            kind=kind,
            value_hash=row.value_hash,
            erasure_id=row.erasure_id,
            created_at=row.created_at,
        )


class ReportRecord(BaseModel):
    """A stored record that names the person: a delivered lead or a job's working record."""

    id: str
    job_id: str
    thread_id: str | None
    state: str = Field(description="published for delivered leads; else a working state.")
    role: str | None
    company: dict[str, Any]
    person: dict[str, Any] | None
    fields: dict[str, Any]
    sources: list[dict[str, Any]]
    confidence: float
    created_at: Timestamp


class ReportArtifact(BaseModel):
    """An artifact whose files hold the person, with the rows that name them."""

    artifact_id: str
    job_id: str
    purged: bool = Field(description="The files are gone already (retention).")
    columns: list[str]
    rows: list[list[Any]] = Field(description="The CSV/XLSX rows naming the person.")


class ReportSource(BaseModel):
    """A cached page a record of the person was grounded on."""

    url: str
    fetched_at: Timestamp
    expires_at: Timestamp
    mentions_person: bool


class PersonReport(BaseModel):
    """Everything the organization stores about one person."""

    object: Literal["privacy_report"] = "privacy_report"
    livemode: bool
    identifier_hash: str
    suppressed: bool = Field(description="Whether the person is on the suppression list.")
    erasure_ids: list[str] = Field(description="Erasures requested for this identifier.")
    leads: list[ReportRecord]
    artifacts: list[ReportArtifact]
    sources: list[ReportSource]
