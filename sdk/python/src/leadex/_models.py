"""The API's objects as typed models; fields the server adds later are kept, never refused."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

if TYPE_CHECKING:
    from leadex.resources.artifacts import ArtifactFile

JobStatus = Literal["pending", "running", "succeeded", "failed", "stopped"]


class LeadexModel(BaseModel):
    """Base of every object: unknown fields are accepted (and kept in ``model_extra``)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    def __getitem__(self, name: str) -> Any:
        """``obj["field"]`` reads like ``obj.field``, as in the API's JSON."""
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        """The field called ``name``, or ``default``."""
        return getattr(self, name, default)

    def to_dict(self) -> dict[str, Any]:
        """The object as JSON-ready data, as the API sent it."""
        return self.model_dump(mode="json")


class Thread(LeadexModel):
    """A research conversation."""

    id: str
    object: str = "thread"
    livemode: bool
    title: str | None
    created_at: datetime
    updated_at: datetime
    message_count: int
    last_job_id: str | None
    metadata: dict[str, str] = Field(default_factory=dict)


class Attachment(LeadexModel):
    """A seed file or URL list attached to a message."""

    kind: str
    url: str


class Message(LeadexModel):
    """A turn in a thread."""

    id: str
    object: str = "message"
    livemode: bool
    thread_id: str
    role: str
    kind: str
    content: str
    attachments: list[Attachment] = Field(default_factory=list)
    plan_id: str | None
    job_id: str | None
    created_at: datetime


class PlanStep(LeadexModel):
    """One research step of a plan."""

    id: str
    title: str
    intent: str
    task: str
    expected_columns: list[str] = Field(default_factory=list)


class Plan(LeadexModel):
    """The research plan the planner drafted, attached to a pending job."""

    id: str
    object: str = "plan"
    livemode: bool
    thread_id: str
    job_id: str
    title: str
    steps: list[PlanStep]
    credits_estimate: int
    target_rows: int
    criteria: dict[str, Any] = Field(default_factory=dict)
    previous_plan_id: str | None
    planner: str
    created_at: datetime
    notes: list[str] = Field(default_factory=list)


class Progress(LeadexModel):
    """How far a job is."""

    step: int
    total: int
    percent: int


class ArtifactRef(LeadexModel):
    """The artifact of a job, as the job object names it."""

    id: str
    rows: int
    bytes: int


class JobError(LeadexModel):
    """Why a job failed."""

    code: str
    message: str


class Job(LeadexModel):
    """The execution of an approved plan."""

    id: str
    object: str = "job"
    livemode: bool
    thread_id: str
    plan_id: str
    status: JobStatus
    progress: Progress
    started_at: datetime | None
    finished_at: datetime | None
    credits_used: int
    max_credits: int | None
    artifact: ArtifactRef | None
    summary: str | None
    error: JobError | None
    metadata: dict[str, str] = Field(default_factory=dict)
    created_at: datetime
    temporal_url: str | None = None


class MessageCreateResponse(LeadexModel):
    """What posting a message returns: the message, its plan and the pending job."""

    message: Message
    plan: Plan
    job: Job


class Artifact(LeadexModel):
    """A job's deliverable, with a fresh signed ``download_url``."""

    id: str
    object: str = "artifact"
    livemode: bool
    job_id: str
    format: str
    rows: int
    bytes: int
    columns: list[str]
    partial: bool
    shareable: bool
    download_url: str | None
    expires_at: datetime | None
    created_at: datetime
    purge_after: datetime | None = None
    purged_at: datetime | None = None


class LeadCompany(LeadexModel):
    """The company of a lead."""

    name: str | None
    domain: str | None
    linkedin: str | None
    hq_city: str | None


class LeadPerson(LeadexModel):
    """The person of a lead."""

    full_name: str
    title: str | None
    email: str | None


class LeadSource(LeadexModel):
    """A retrieved page a lead's values trace to."""

    kind: str
    url: str
    retrieved_at: datetime
    fields: list[str] = Field(default_factory=list)


class Lead(LeadexModel):
    """A company and/or person, every value grounded in ``sources``."""

    id: str
    object: str = "lead"
    livemode: bool
    job_id: str
    company: LeadCompany
    person: LeadPerson | None
    fields: dict[str, Any] = Field(default_factory=dict)
    sources: list[LeadSource] = Field(default_factory=list)
    confidence: float


class LogEntry(LeadexModel):
    """One event of a job, as streamed."""

    id: str
    object: str = "log_entry"
    type: str
    data: dict[str, Any]
    created_at: datetime


class CoverageEntry(LeadexModel):
    """How many rows have a column filled."""

    column: str
    filled: int
    percent: int


class JobSummary(LeadexModel):
    """Row count, coverage notes and caveats of a job."""

    object: str = "job_summary"
    job_id: str
    livemode: bool
    status: JobStatus
    rows: int
    companies: int
    companies_without_people: int = 0
    credits_used: int
    summary: str | None
    coverage: list[CoverageEntry] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)


class SearchResult(LeadexModel):
    """A one-shot search: the job behind it, its leads inline and its artifact."""

    id: str
    object: str = "search_result"
    job_id: str
    thread_id: str
    plan_id: str
    livemode: bool
    status: JobStatus
    summary: str | None
    credits_used: int
    error: JobError | None
    leads: list[Lead] = Field(default_factory=list)
    artifact: Artifact | None
    plan: Plan
    job: Job
    _file: Any = PrivateAttr(default=None)

    @property
    def file(self) -> ArtifactFile | None:
        """The artifact file, downloaded when the search asked for ``format="csv"`` or
        ``"xlsx"`` (an :class:`~leadex.ArtifactFile`; ``None`` otherwise)."""
        return cast("ArtifactFile | None", self._file)


class ApiKey(LeadexModel):
    """An API key's metadata; ``secret`` is set only in the answer that minted it."""

    id: str
    object: str = "api_key"
    name: str
    kind: str
    livemode: bool
    scopes: list[str]
    redacted: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    secret: str | None = None


class Organization(LeadexModel):
    """The key's organization, its tier and limits."""

    id: str
    object: str = "organization"
    name: str
    plan: str
    limits: dict[str, int | None] = Field(default_factory=dict)
    credits: dict[str, int | None] = Field(default_factory=dict)
    created_at: datetime


class Me(LeadexModel):
    """Who is calling: the key and its organization."""

    object: str = "principal"
    livemode: bool
    key: ApiKey
    organization: Organization
    user: None = None


class Member(LeadexModel):
    """A member of the organization."""

    id: str
    object: str = "member"
    email: str
    role: str
    status: str
    created_at: datetime


class UsageGroup(LeadexModel):
    """Usage for one day, thread or user."""

    key: str
    credits: int
    jobs: int


class Usage(LeadexModel):
    """Usage for the billing period."""

    object: str = "usage"
    livemode: bool
    period: dict[str, str]
    plan: str
    credits: dict[str, int]
    jobs: dict[str, int]
    group_by: Literal["day", "thread", "user"] | None = None
    groups: list[UsageGroup] = Field(default_factory=list)


class Budget(LeadexModel):
    """The monthly spend ceiling."""

    object: str = "budget"
    monthly_credits: int | None
    warning_at: float = 0.8
    hard_stop: bool = True
    used: int
    period: dict[str, str]


class Deleted(LeadexModel):
    """The acknowledgement of a delete."""

    id: str
    object: str
    livemode: bool
    deleted: bool = True


# Stream event payloads.


class LogEventData(LeadexModel):
    """``log``: a free-text progress line."""

    message: str


class StepEventData(LeadexModel):
    """``step``: a step started, completed or failed."""

    step_id: str
    status: str
    title: str | None = None
    error: str | None = None


class ResultEventData(LeadexModel):
    """``result``: leads as they are captured."""

    leads: list[Lead]


class ArtifactEventData(LeadexModel):
    """``artifact``: the file is ready."""

    artifact_id: str
    rows: int
    bytes: int


class TerminalEventData(LeadexModel):
    """``done``, ``error`` or ``stopped``: how the job ended."""

    job_id: str
    artifact_id: str | None = None
    summary: str | None = None
    reason: str | None = None
    code: str | None = None
    message: str | None = None
    job: dict[str, Any] | None = None


class EventData(LeadexModel):
    """The payload of an event type this version of the library does not know yet."""


class PushResult(LeadexModel):
    """What a CRM push created, updated and skipped (a dry run lists its ``mutations``)."""

    push_id: str
    object: str = "push"
    livemode: bool = False
    job_id: str = ""
    provider: str
    mode: str = "both"
    status: str = "succeeded"
    dry_run: bool = False
    mutations: list[dict[str, Any]] | None = None
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[Any] = Field(default_factory=list)
    list_id: str | None = None
    list_url: str | None = None
    created_at: datetime
    finished_at: datetime | None = None


class Integration(LeadexModel):
    """A connected CRM (its tokens are never shown)."""

    id: str
    object: str = "integration"
    livemode: bool
    provider: str
    status: str = "connected"
    account_id: str | None = None
    scopes: list[str] = Field(default_factory=list)
    token_expires_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class IntegrationConnect(LeadexModel):
    """Where to send the user to grant a CRM access."""

    object: str = "integration_connect"
    provider: str
    authorization_url: str
    redirect_uri: str
    expires_at: datetime


class CalendarSpec(LeadexModel):
    """When a schedule fires, as calendar fields (each a value or a list of values)."""

    second: int | list[int] = 0
    minute: int | list[int] = 0
    hour: int | list[int] = 0
    day_of_month: int | list[int] | None = None
    month: int | list[int] | None = None
    day_of_week: int | str | list[int | str] | None = None


class ScheduleSpec(LeadexModel):
    """A schedule's timing: a cron expression or a calendar, in a time zone."""

    cron: str | None
    calendar: CalendarSpec | None
    timezone: str


class ScheduleRun(LeadexModel):
    """One firing of a schedule: the job it started, or why it was skipped."""

    id: str
    object: str = "schedule_run"
    status: str
    reason: str | None
    job_id: str | None
    thread_id: str | None
    plan_id: str | None
    scheduled_at: datetime
    created_at: datetime


class Schedule(LeadexModel):
    """A recurring search on a Temporal Schedule."""

    id: str
    object: str = "schedule"
    livemode: bool
    prompt: str | None
    thread_id: str | None
    content: str | None
    max_rows: int | None
    max_credits: int | None
    spec: ScheduleSpec
    overlap: str
    exclude_previous: bool
    webhook_url: str | None
    metadata: dict[str, str] = Field(default_factory=dict)
    paused: bool
    note: str | None
    next_run_times: list[datetime] | None
    recent_runs: list[ScheduleRun] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class WebhookEndpoint(LeadexModel):
    """A URL that receives events; ``signing_secret`` only on create and rotate."""

    id: str
    object: str = "webhook_endpoint"
    livemode: bool
    url: str
    events: list[str] = Field(default_factory=lambda: ["*"])
    description: str | None = None
    enabled: bool = True
    disabled_reason: str | None = None
    signing_secret: str | None = None
    previous_secret_expires_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WebhookAttempt(LeadexModel):
    """One attempt of a webhook delivery."""

    number: int
    status_code: int | None = None
    latency_ms: int = 0
    response_excerpt: str | None = None
    error: str | None = None
    created_at: datetime


class WebhookDelivery(LeadexModel):
    """One event on its way to one endpoint, with every attempt."""

    id: str
    object: str = "webhook_delivery"
    livemode: bool
    webhook_id: str | None = None
    event_id: str
    event_type: str
    url: str
    status: str
    attempt_count: int = 0
    next_attempt_at: datetime | None = None
    note: str | None = None
    attempts: list[WebhookAttempt] = Field(default_factory=list)
    created_at: datetime
    completed_at: datetime | None = None


# Privacy.


class ErasureCounts(LeadexModel):
    """What an erasure removed."""

    records: int
    jobs: int
    artifacts: int
    pages: int
    responses: int
    suppressions: int


class Erasure(LeadexModel):
    """An erasure and its audit entry: the identifier is kept only as a SHA-256 hash."""

    id: str
    object: str = "erasure"
    livemode: bool
    status: str
    kind: str
    identifier_hash: str
    counts: ErasureCounts | None
    requested_at: datetime
    completed_at: datetime | None


class Suppression(LeadexModel):
    """An entry of the suppression list, known by the hash of what it suppresses."""

    id: str
    object: str = "suppression"
    livemode: bool
    kind: str
    value_hash: str
    erasure_id: str | None
    created_at: datetime


class ReportRecord(LeadexModel):
    """A stored record naming the person: a delivered lead or a job's working record."""

    id: str
    job_id: str
    thread_id: str | None
    state: str
    role: str | None
    company: dict[str, Any]
    person: dict[str, Any] | None
    fields: dict[str, Any]
    sources: list[dict[str, Any]]
    confidence: float
    created_at: datetime


class ReportArtifact(LeadexModel):
    """An artifact whose files hold the person, with the rows naming them."""

    artifact_id: str
    job_id: str
    purged: bool
    columns: list[str]
    rows: list[list[Any]]


class ReportSource(LeadexModel):
    """A cached page a record of the person was grounded on."""

    url: str
    fetched_at: datetime
    expires_at: datetime
    mentions_person: bool


class PersonReport(LeadexModel):
    """Everything the organization stores about one person."""

    object: str = "privacy_report"
    livemode: bool
    identifier_hash: str
    suppressed: bool
    erasure_ids: list[str]
    leads: list[ReportRecord]
    artifacts: list[ReportArtifact]
    sources: list[ReportSource]
