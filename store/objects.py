"""The public objects, in the spec's exact shape, built from rows.

The same payloads appear in responses, stream events and webhook deliveries, so they are
built here, beside the rows, rather than in the API layer.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Literal, Protocol
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from core.clock import as_utc, isoformat
from core.config import get_settings
from store.models import Artifact, Job, Lead, Message, Plan, Thread


def _serialize_timestamp(value: datetime) -> str:
    return isoformat(value) or ""


Timestamp = Annotated[
    datetime,
    PlainSerializer(_serialize_timestamp, return_type=str, when_used="always"),
    Field(json_schema_extra={"example": "2026-04-21T14:22:01.430Z"}),
]


class PublicObject(BaseModel):
    """Base of the public objects: strict shapes, no extra keys."""

    model_config = ConfigDict(extra="forbid")

    id: str
    livemode: bool


class ThreadObject(PublicObject):
    """The thread object."""

    object: Literal["thread"] = "thread"
    title: str | None
    created_at: Timestamp
    updated_at: Timestamp
    message_count: int
    last_job_id: str | None
    metadata: dict[str, str]

    @classmethod
    def from_row(cls, row: Thread) -> ThreadObject:
        """Render a thread row."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            title=row.title,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
            message_count=row.message_count,
            last_job_id=row.last_job_id,
            metadata=dict(row.meta or {}),
        )


class AttachmentObject(BaseModel):
    """A message attachment."""

    kind: Literal["csv", "url_list"]
    url: str


class MessageObject(PublicObject):
    """The message object."""

    object: Literal["message"] = "message"
    thread_id: str
    role: Literal["user", "assistant"]
    kind: str
    content: str
    attachments: list[AttachmentObject]
    plan_id: str | None
    job_id: str | None
    created_at: Timestamp

    @classmethod
    def from_row(cls, row: Message) -> MessageObject:
        """Render a message row."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            thread_id=row.thread_id,
            role=row.role,
            kind=row.kind,
            content=row.content,
            attachments=[AttachmentObject.model_validate(item) for item in row.attachments or []],
            plan_id=row.plan_id,
            job_id=row.job_id,
            created_at=as_utc(row.created_at),
        )


class PlanStepObject(BaseModel):
    """A plan step."""

    id: str
    title: str
    intent: Literal["discover", "enrich", "verify", "dedupe"]
    task: str
    expected_columns: list[str]


class PlanObject(PublicObject):
    """The plan object; ``criteria`` is the structured audience the steps run on."""

    object: Literal["plan"] = "plan"
    thread_id: str
    job_id: str
    title: str
    steps: list[PlanStepObject]
    credits_estimate: int
    target_rows: int
    criteria: dict[str, Any] = Field(
        description=(
            "The structured audience: facets (industries, countries, subdivisions, cities, "
            "stages, thresholds, roles, ...), exclusions (what is ruled out), requirements "
            "(free claims checked as written against page evidence), provenance (the prompt "
            "span each criterion came from) and notes."
        )
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What the planner could not structure, and how each part will be checked.",
    )
    previous_plan_id: str | None
    planner: str = Field(
        description=(
            "Which planner drafted it: rules or anthropic; 'rules (anthropic: <reason>)' when "
            "Claude was configured but could not plan, with the reason."
        )
    )
    created_at: Timestamp

    @classmethod
    def from_row(cls, row: Plan) -> PlanObject:
        """Render a plan row."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            thread_id=row.thread_id,
            job_id=row.job_id,
            title=row.title,
            steps=[PlanStepObject.model_validate(step) for step in row.steps],
            credits_estimate=row.credits_estimate,
            target_rows=row.target_rows,
            criteria=dict(row.criteria or {}),
            notes=list((row.criteria or {}).get("notes") or []),
            previous_plan_id=row.previous_plan_id,
            planner=row.planner,
            created_at=as_utc(row.created_at),
        )


class ProgressObject(BaseModel):
    """How far a job has come."""

    step: int
    total: int
    percent: int


class ArtifactRef(BaseModel):
    """The artifact summary embedded in a job."""

    id: str
    rows: int
    bytes: int


class JobErrorObject(BaseModel):
    """Why a job failed or stopped."""

    code: str
    message: str


class JobObject(PublicObject):
    """The job object."""

    object: Literal["job"] = "job"
    thread_id: str
    plan_id: str
    status: Literal["pending", "running", "succeeded", "failed", "stopped"]
    progress: ProgressObject
    started_at: Timestamp | None
    finished_at: Timestamp | None
    credits_used: int
    max_credits: int | None
    artifact: ArtifactRef | None
    summary: str | None
    error: JobErrorObject | None
    metadata: dict[str, str]
    created_at: Timestamp
    temporal_url: str | None = Field(
        default=None,
        description="The job's run in the Temporal UI, when LEADEX_TEMPORAL_UI_URL is set.",
    )

    @classmethod
    def from_row(cls, row: Job, artifact: ArtifactRef | None = None) -> JobObject:
        """Render a job row, with its artifact summary when it has one."""
        total = row.progress_total
        percent = (
            100 if row.status == "succeeded" else (100 * row.progress_step // total if total else 0)
        )
        return cls(
            id=row.id,
            livemode=row.livemode,
            thread_id=row.thread_id,
            plan_id=row.plan_id,
            status=row.status,
            progress=ProgressObject(step=row.progress_step, total=total, percent=percent),
            started_at=as_utc(row.started_at) if row.started_at else None,
            finished_at=as_utc(row.finished_at) if row.finished_at else None,
            credits_used=row.credits_used,
            max_credits=row.max_credits,
            artifact=artifact,
            summary=row.summary,
            error=JobErrorObject.model_validate(row.error) if row.error else None,
            metadata=dict(row.meta or {}),
            created_at=as_utc(row.created_at),
            temporal_url=temporal_ui_link(row.id),
        )


def temporal_ui_link(workflow_id: str) -> str | None:
    """The workflow's page in the Temporal UI, when the UI's URL is configured."""
    settings = get_settings()
    if not settings.temporal_ui_url:
        return None
    base = settings.temporal_ui_url.rstrip("/")
    namespace = quote(settings.temporal_namespace, safe="")
    return f"{base}/namespaces/{namespace}/workflows/{quote(workflow_id, safe='')}"


class LeadCompany(BaseModel):
    """The company part of a lead."""

    name: str | None
    domain: str | None
    linkedin: str | None
    hq_city: str | None


class LeadPerson(BaseModel):
    """The person part of a lead."""

    full_name: str
    title: str | None
    email: str | None


class LeadSource(BaseModel):
    """A retrieved page and the lead fields it supports."""

    kind: Literal["web", "synthetic", "attachment"]
    url: str
    retrieved_at: Timestamp
    fields: list[str]


class LeadColumns(Protocol):
    """The columns a lead object is built from (a row, or just those columns)."""

    @property
    def id(self) -> str: ...
    @property
    def livemode(self) -> bool: ...
    @property
    def job_id(self) -> str: ...
    @property
    def company(self) -> dict[str, Any] | None: ...
    @property
    def person(self) -> dict[str, Any] | None: ...
    @property
    def fields(self) -> dict[str, Any] | None: ...
    @property
    def sources(self) -> list[dict[str, Any]] | None: ...
    @property
    def confidence(self) -> float: ...


class LeadObject(PublicObject):
    """The lead object: every value traces to at least one of its sources."""

    object: Literal["lead"] = "lead"
    job_id: str
    company: LeadCompany
    person: LeadPerson | None
    fields: dict[str, Any]
    sources: list[LeadSource]
    confidence: float

    @classmethod
    def from_row(cls, row: Lead) -> LeadObject:
        """Render a published lead row."""
        company = {key: (row.company or {}).get(key) for key in LeadCompany.model_fields}
        person = None
        if row.person:
            person = LeadPerson(
                full_name=row.person["full_name"],
                title=row.person.get("title"),
                email=row.person.get("email"),
            )
        return cls(
            id=row.id,
            livemode=row.livemode,
            job_id=row.job_id,
            company=LeadCompany.model_validate(company),
            person=person,
            fields=dict(row.fields or {}),
            sources=[LeadSource.model_validate(source) for source in row.sources or []],
            confidence=round(row.confidence, 4),
        )

    @classmethod
    def payload(cls, row: Lead | LeadColumns) -> dict[str, Any]:
        """``dump(from_row(row))``, built directly: a replayed stream sends thousands of
        leads, and validating each one into a model only to dump it again dominated it."""
        company = row.company or {}
        person = row.person
        return {
            "id": row.id,
            "livemode": row.livemode,
            "object": "lead",
            "job_id": row.job_id,
            "company": {key: company.get(key) for key in _LEAD_COMPANY_KEYS},
            "person": None
            if not person
            else {
                "full_name": person["full_name"],
                "title": person.get("title"),
                "email": person.get("email"),
            },
            "fields": dict(row.fields or {}),
            "sources": [
                {
                    "kind": source["kind"],
                    "url": source["url"],
                    "retrieved_at": _timestamp_text(source["retrieved_at"]),
                    "fields": list(source["fields"]),
                }
                for source in row.sources or []
            ],
            "confidence": round(row.confidence, 4),
        }

    @classmethod
    def payload_json(cls, row: Lead | LeadColumns) -> str:
        """The payload as JSON text, as a stream event carries it: lead rows store it when
        written (``Lead.public_json``), so a replay splices it in without encoding again."""
        return json.dumps(cls.payload(row), ensure_ascii=False)


_LEAD_COMPANY_KEYS = tuple(LeadCompany.model_fields)


@lru_cache(maxsize=4096)
def _timestamp_text(value: str) -> str:
    """A stored source time in the public format (sources of one job share a few times)."""
    return _serialize_timestamp(datetime.fromisoformat(value))


ArtifactFormat = Literal["csv", "json", "xlsx"]


class ArtifactObject(PublicObject):
    """The artifact object; ``download_url`` is signed and short-lived."""

    object: Literal["artifact"] = "artifact"
    job_id: str
    format: ArtifactFormat
    rows: int
    bytes: int
    columns: list[str]
    partial: bool
    shareable: bool
    download_url: str | None = Field(description="null once the files are purged.")
    expires_at: Timestamp | None
    created_at: Timestamp
    purge_after: Timestamp | None = Field(
        default=None, description="When the files are deleted (90 days after the job)."
    )
    purged_at: Timestamp | None = Field(default=None, description="When the files were deleted.")

    @classmethod
    def from_row(
        cls,
        row: Artifact,
        *,
        format: ArtifactFormat,
        size: int,
        download_url: str | None,
        expires_at: datetime | None,
    ) -> ArtifactObject:
        """Render an artifact row for one format and a freshly signed URL."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            job_id=row.job_id,
            format=format,
            rows=row.rows,
            bytes=size,
            columns=list(row.columns),
            partial=row.partial,
            shareable=row.shareable,
            download_url=download_url,
            expires_at=expires_at,
            created_at=as_utc(row.created_at),
            purge_after=as_utc(row.purge_after) if row.purge_after else None,
            purged_at=as_utc(row.purged_at) if row.purged_at else None,
        )


def artifact_ref(row: Artifact | None) -> ArtifactRef | None:
    """The artifact summary embedded in a job."""
    if row is None:
        return None
    return ArtifactRef(id=row.id, rows=row.rows, bytes=row.bytes)


def dump(obj: BaseModel) -> dict[str, Any]:
    """The JSON-ready payload of a public object."""
    return obj.model_dump(mode="json")
