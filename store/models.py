"""SQLModel tables. Every tenant-owned row carries ``org_id`` and ``livemode``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from core.clock import utcnow

JSONType = JSON().with_variant(JSONB(), "postgresql")


def _json_column(name: str | None = None, *, nullable: bool = False) -> Any:
    if name:
        return Column(name, JSONType, nullable=nullable)
    return Column(JSONType, nullable=nullable)


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    return Column(
        String(40),
        ForeignKey(target, ondelete="CASCADE"),
        nullable=nullable,
        index=index,
    )


class Organization(SQLModel, table=True):
    __tablename__ = "organizations"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    tier: str = Field(default="starter", max_length=20)
    credits_included: int = 0
    credits_rollover: int = 0
    budget_monthly: int | None = None
    # The built-in watchdog: every job of the organization stops past these (None: no limit).
    watchdog_max_runtime_seconds: int | None = None
    watchdog_max_credits: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id"))
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # secret | publishable
    livemode: bool
    scopes: list[str] = Field(default_factory=list, sa_column=_json_column())
    secret_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    redacted: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class Thread(SQLModel, table=True):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_tenant_id", "org_id", "livemode", "id"),)

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    title: str | None = Field(default=None, max_length=200)
    meta: dict[str, str] = Field(default_factory=dict, sa_column=_json_column("metadata"))
    message_count: int = 0
    last_job_id: str | None = Field(default=None, max_length=40)
    last_job_status: str | None = Field(default=None, max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_thread_id_id", "thread_id", "id"),)

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    thread_id: str = Field(sa_column=_fk("threads.id", index=False))
    role: str = Field(max_length=20)  # user | assistant
    kind: str = Field(max_length=20)  # text | plan | result
    content: str
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    hints: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    auto_approve: bool = False
    plan_id: str | None = Field(default=None, max_length=40)
    job_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Plan(SQLModel, table=True):
    __tablename__ = "plans"

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    thread_id: str = Field(sa_column=_fk("threads.id"))
    message_id: str | None = Field(default=None, max_length=40)
    job_id: str = Field(max_length=40, index=True)
    previous_plan_id: str | None = Field(default=None, max_length=40)
    title: str = Field(max_length=300)
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    criteria: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    credits_estimate: int = 0
    target_rows: int = 0
    feedback: str | None = None
    planner: str = Field(default="rules", max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_tenant_id", "org_id", "livemode", "id"),
        Index("ix_jobs_tenant_status", "org_id", "livemode", "status"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    thread_id: str = Field(sa_column=_fk("threads.id"))
    plan_id: str = Field(max_length=40)
    status: str = Field(default="pending", max_length=20)
    progress_step: int = 0
    progress_total: int = 0
    credits_used: int = 0
    credits_metered: float = 0.0
    max_credits: int | None = None
    webhook_url: str | None = Field(default=None, max_length=2048)
    artifact_id: str | None = Field(default=None, max_length=40)
    summary: str | None = None
    error: dict[str, Any] | None = Field(default=None, sa_column=_json_column(nullable=True))
    meta: dict[str, str] = Field(default_factory=dict, sa_column=_json_column("metadata"))
    stop_reason: str | None = Field(default=None, max_length=500)
    # The pending job that replaced this one when a later turn replanned the thread.
    superseded_by: str | None = Field(default=None, max_length=40)
    approved_by_key_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    approved_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    started_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class Lead(SQLModel, table=True):
    """A job's working record; ``state`` ``published`` rows are the job's leads.

    ``(job_id, entity_key)`` is unique, so a retried batch overwrites instead of duplicating.
    """

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("job_id", "entity_key", name="uq_leads_job_entity"),
        Index("ix_leads_job_state_position", "job_id", "state", "position"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    job_id: str = Field(sa_column=_fk("jobs.id", index=False))
    entity_key: str = Field(max_length=400)
    kind: str = Field(max_length=20)  # company | person
    state: str = Field(default="candidate", max_length=20)  # candidate|verified|rejected|published
    role: str | None = Field(default=None, max_length=80)
    position: int | None = None
    company: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    person: dict[str, Any] | None = Field(default=None, sa_column=_json_column(nullable=True))
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    sources: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    evidence: list[str] = Field(default_factory=list, sa_column=_json_column())
    confidence: float = 0.0
    # A lead row's public lead object as JSON, rendered whenever its content is written: a
    # replayed stream splices it into its events instead of decoding and encoding each lead.
    public_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Artifact(SQLModel, table=True):
    """A job's deliverable: the CSV, the JSON lead list, and an XLSX rendered on demand."""

    __tablename__ = "artifacts"

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    job_id: str = Field(
        sa_column=Column(
            String(40), ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    rows: int
    bytes: int
    columns: list[str] = Field(default_factory=list, sa_column=_json_column())
    partial: bool = False
    shareable: bool = False
    csv_key: str = Field(max_length=500)
    json_key: str = Field(max_length=500)
    json_bytes: int = 0
    xlsx_key: str | None = Field(default=None, max_length=500)
    xlsx_bytes: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    purge_after: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))
    # When the files were deleted at the end of the retention period; the row stays.
    purged_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class Deletion(SQLModel, table=True):
    """A deleted thread's files still to remove. The rows went with the thread in one
    transaction; the files go through a durable workflow, and a sweep retries any left over."""

    __tablename__ = "deletions"

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id"))
    livemode: bool
    thread_id: str = Field(max_length=40)
    blob_prefixes: list[str] = Field(default_factory=list, sa_column=_json_column())
    # Ids of the thread's objects whose events go too (the thread.deleted event stays).
    object_ids: list[str] = Field(default_factory=list, sa_column=_json_column())
    requested_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    completed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))


class SourcePage(SQLModel, table=True):
    """A retrieved public page, kept for the retention period (30 days) for audit and reuse.

    Shared across organizations: it is a cache of the public web, not tenant data.
    """

    __tablename__ = "source_pages"

    url_hash: str = Field(primary_key=True, max_length=64)
    url: str = Field(sa_column=Column(Text, nullable=False))
    final_url: str = Field(sa_column=Column(Text, nullable=False))
    status: int
    content_type: str = Field(max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    rendered: bool = False
    fetched_at: datetime = Field(sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts(index=True))


class IdempotencyKey(SQLModel, table=True):
    """A write request's outcome under its Idempotency-Key, kept 24 h for replay."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("org_id", "livemode", "key", name="uq_idempotency_tenant_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    key: str = Field(max_length=255)
    # The API key that made the request: a stored response is replayed to it alone.
    api_key_id: str | None = Field(default=None, max_length=40)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    request_hash: str = Field(max_length=64)
    status: str = Field(default="in_progress", max_length=20)  # in_progress | done
    response_status: int | None = None
    response_headers: dict[str, str] = Field(default_factory=dict, sa_column=_json_column())
    response_body: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    locked_until: datetime = Field(sa_column=_ts())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts(index=True))


class RateWindow(SQLModel, table=True):
    """Requests an organization made in one minute; shared by every API process."""

    __tablename__ = "rate_windows"

    org_id: str = Field(sa_column=Column(String(40), primary_key=True))
    minute: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    count: int = 0


class StreamLease(SQLModel, table=True):
    """An open SSE connection, renewed while it lives, so limits hold across processes."""

    __tablename__ = "stream_leases"

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id"))
    expires_at: datetime = Field(sa_column=_ts(index=True))


class CreditEntry(SQLModel, table=True):
    """The credit ledger: holds at approval, then a charge or a refund when the job ends."""

    __tablename__ = "credit_entries"
    __table_args__ = (
        Index("ix_credit_entries_org_created", "org_id", "livemode", "created_at"),
        UniqueConstraint("job_id", "kind", name="uq_credit_entries_job_kind"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    job_id: str | None = Field(default=None, max_length=40, index=True)
    thread_id: str | None = Field(default=None, max_length=40)
    key_id: str | None = Field(default=None, max_length=40)
    kind: str = Field(max_length=20)  # hold | release | charge | refund | grant
    amount: int
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Member(SQLModel, table=True):
    """A person invited to an organization."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("org_id", "email", name="uq_members_org_email"),)

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id"))
    email: str = Field(max_length=320)
    role: str = Field(default="member", max_length=20)  # admin | member
    status: str = Field(default="invited", max_length=20)  # invited | active
    invited_by_key_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Event(SQLModel, table=True):
    """Every domain event, written in the same transaction as the change it records.

    Webhook delivery, the dashboard feed and metrics all read from here.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_tenant_id", "org_id", "livemode", "id"),
        UniqueConstraint("org_id", "dedupe_key", name="uq_events_dedupe_key"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    type: str = Field(max_length=60, index=True)
    object_id: str | None = Field(default=None, max_length=40, index=True)
    dedupe_key: str | None = Field(default=None, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    # The outbox flag: set in the transaction that records the event, cleared once the relay
    # has written the event's webhook deliveries.
    fanout_pending: bool = Field(default=True, index=True)


class Schedule(SQLModel, table=True):
    """A recurring search: one Temporal Schedule (same id) starts each of its runs."""

    __tablename__ = "schedules"
    __table_args__ = (Index("ix_schedules_tenant_id", "org_id", "livemode", "id"),)

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    prompt: str | None = None
    thread_id: str | None = Field(default=None, max_length=40)
    content: str | None = None
    max_rows: int | None = None
    max_credits: int | None = None
    cron: str | None = Field(default=None, max_length=200)
    calendar: dict[str, Any] | None = Field(default=None, sa_column=_json_column(nullable=True))
    timezone: str = Field(default="UTC", max_length=64)
    overlap: str = Field(default="skip", max_length=20)
    exclude_previous: bool = False
    webhook_url: str | None = Field(default=None, max_length=2048)
    meta: dict[str, str] = Field(default_factory=dict, sa_column=_json_column("metadata"))
    paused: bool = False
    note: str | None = Field(default=None, max_length=500)
    created_by_key_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ScheduleRun(SQLModel, table=True):
    """One firing of a schedule: the job it started, or why it was skipped."""

    __tablename__ = "schedule_runs"
    __table_args__ = (
        Index("ix_schedule_runs_schedule_id", "schedule_id", "id"),
        UniqueConstraint("workflow_id", name="uq_schedule_runs_workflow_id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    schedule_id: str = Field(sa_column=_fk("schedules.id", index=False))
    workflow_id: str = Field(max_length=200)
    status: str = Field(max_length=20)  # started | skipped
    reason: str | None = Field(default=None, max_length=1000)
    thread_id: str | None = Field(default=None, max_length=40)
    plan_id: str | None = Field(default=None, max_length=40)
    job_id: str | None = Field(default=None, max_length=40, index=True)
    scheduled_at: datetime = Field(sa_column=_ts())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class WebhookEndpoint(SQLModel, table=True):
    """A URL that receives the organization's events, signed with its own secret."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_tenant_id", "org_id", "livemode", "id"),)

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    url: str = Field(max_length=2048)
    events: list[str] = Field(default_factory=lambda: ["*"], sa_column=_json_column())
    description: str | None = Field(default=None, max_length=500)
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=500)
    # Encrypted at rest (core.secrets); the previous secret also signs until it expires.
    secret_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    previous_secret_encrypted: str | None = Field(default=None, sa_column=Column(Text))
    previous_secret_expires_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    # When the current run of failed attempts began; a success clears it.
    failing_since: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class WebhookDelivery(SQLModel, table=True):
    """One event on its way to one endpoint (or a job's webhook_url); its id is the
    Leadex-Delivery header, the same on every attempt, and its Temporal workflow id."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "target", name="uq_webhook_deliveries_event_target"),
        Index("ix_webhook_deliveries_endpoint_id", "endpoint_id", "id"),
        Index("ix_webhook_deliveries_undispatched", "dispatched", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    event_id: str = Field(max_length=40)
    event_type: str = Field(max_length=60)
    # "whk_…" for an endpoint, "job:job_…" for a job's own webhook_url.
    target: str = Field(max_length=100)
    endpoint_id: str | None = Field(default=None, max_length=40)
    job_id: str | None = Field(default=None, max_length=40)
    url: str = Field(max_length=2048)
    status: str = Field(default="pending", max_length=20)  # pending|succeeded|failed|cancelled
    dispatched: bool = False
    attempts: int = 0
    last_status_code: int | None = None
    next_attempt_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))
    completed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class WebhookAttempt(SQLModel, table=True):
    """One HTTP attempt of a delivery: kept 30 days with its answer."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        UniqueConstraint("delivery_id", "number", name="uq_webhook_attempts_delivery_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(sa_column=_fk("webhook_deliveries.id", index=False))
    number: int
    status_code: int | None = None
    latency_ms: int = 0
    response_excerpt: str | None = Field(default=None, sa_column=Column(Text))
    error: str | None = Field(default=None, max_length=500)
    signed_at: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(index=True))


class Integration(SQLModel, table=True):
    """A CRM connection of one organization and mode; tokens encrypted at rest."""

    __tablename__ = "integrations"
    __table_args__ = (
        UniqueConstraint("org_id", "livemode", "provider", name="uq_integrations_provider"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    provider: str = Field(max_length=40)
    account_id: str | None = Field(default=None, max_length=200)
    access_token_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    refresh_token_encrypted: str | None = Field(default=None, sa_column=Column(Text))
    expires_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    scopes: list[str] = Field(default_factory=list, sa_column=_json_column())
    connected_by_key_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Push(SQLModel, table=True):
    """A push of a job's leads to a CRM. ``push_key`` (job, provider, mode) is unique, so a
    second push returns the first; dry runs have none."""

    __tablename__ = "pushes"

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    job_id: str = Field(sa_column=_fk("jobs.id"))
    provider: str = Field(max_length=40)
    mode: str = Field(max_length=20)
    push_key: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True, unique=True)
    )
    list_id: str | None = Field(default=None, max_length=200)
    list_url: str | None = Field(default=None, max_length=2048)
    mapping: dict[str, str] = Field(default_factory=dict, sa_column=_json_column())
    dry_run: bool = False
    # Runs so far: a failed push may be asked again, under a new workflow id.
    runs: int = 1
    status: str = Field(default="running", max_length=20)  # running|succeeded|failed
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    # A dry run's planned mutations (personal data stays here, out of workflow histories).
    mutations: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    error: dict[str, Any] | None = Field(default=None, sa_column=_json_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    finished_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class PushedRecord(SQLModel, table=True):
    """Which CRM record a lead's contact or company became, so a re-push updates it."""

    __tablename__ = "pushed_records"
    __table_args__ = (
        UniqueConstraint(
            "org_id", "livemode", "provider", "kind", "local_key", name="uq_pushed_records_key"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    provider: str = Field(max_length=40)
    kind: str = Field(max_length=20)  # contact | company
    local_key: str = Field(max_length=400)
    remote_id: str = Field(max_length=200)
    push_id: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Erasure(SQLModel, table=True):
    """A request to erase one person, and its audit entry: the identifier is kept as a hash.

    While the erasure runs, ``sealed_subject`` holds what to look for, encrypted with the
    deployment's key; it is wiped when the erasure completes.
    """

    __tablename__ = "erasures"
    __table_args__ = (Index("ix_erasures_tenant_id", "org_id", "livemode", "id"),)

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    kind: str = Field(max_length=20)  # email | name
    identifier_hash: str = Field(max_length=64, index=True)
    sealed_subject: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="pending", max_length=20)  # pending | succeeded
    counts: dict[str, int] = Field(default_factory=dict, sa_column=_json_column())
    requested_by: str | None = Field(default=None, max_length=80)  # key id or "operator"
    requested_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    completed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True, index=True))


class Suppression(SQLModel, table=True):
    """Someone no job of the organization delivers again, known by a hash only."""

    __tablename__ = "suppressions"
    __table_args__ = (
        Index("ix_suppressions_tenant_id", "org_id", "livemode", "id"),
        UniqueConstraint("org_id", "livemode", "value_hash", name="uq_suppressions_tenant_hash"),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(sa_column=_fk("organizations.id", index=False))
    livemode: bool
    kind: str = Field(max_length=20)  # email | domain | name
    value_hash: str = Field(max_length=64)
    erasure_id: str | None = Field(default=None, max_length=40)
    created_by: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


__all__ = [
    "ApiKey",
    "Artifact",
    "CreditEntry",
    "Deletion",
    "Erasure",
    "Event",
    "IdempotencyKey",
    "Integration",
    "Job",
    "Lead",
    "Member",
    "Message",
    "Organization",
    "Plan",
    "Push",
    "PushedRecord",
    "RateWindow",
    "Schedule",
    "ScheduleRun",
    "SourcePage",
    "StreamLease",
    "Suppression",
    "Thread",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
