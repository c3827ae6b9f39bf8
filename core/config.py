"""The one settings class: every knob is an environment variable with the LEADEX_ prefix."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, PrivateAttr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")

DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5"
"""The model the planner and the extractor call unless LEADEX_ANTHROPIC_MODEL names another."""


class Settings(BaseSettings):
    """Runtime configuration; defaults give the embedded, no-accounts stack."""

    model_config = SettingsConfigDict(
        env_prefix="LEADEX_", env_file=None, extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Where embedded state lives.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty means a SQLite file in the data directory.",
    )

    temporal_address: str = Field(default="127.0.0.1:7233")
    temporal_namespace: str = Field(default="default")
    temporal_tls: bool = Field(
        default=False, description="Speak TLS to Temporal (implied by a client cert or API key)."
    )
    temporal_tls_cert: Path | None = Field(
        default=None, description="PEM client certificate for mTLS (self-hosted or Cloud)."
    )
    temporal_tls_key: Path | None = Field(default=None, description="PEM key of that cert.")
    temporal_tls_ca: Path | None = Field(
        default=None, description="PEM CA that signed the server's certificate (else system's)."
    )
    temporal_tls_server_name: str | None = Field(
        default=None, description="The name the server's certificate is checked against."
    )
    temporal_api_key: str | None = Field(
        default=None, description="A Temporal Cloud API key, sent as a bearer token over TLS."
    )
    temporal_namespace_retention_days: int = Field(
        default=30,
        ge=1,
        description="History retention of a namespace `leadex-server temporal setup` registers.",
    )
    worker_shutdown_grace_seconds: float = Field(
        default=5.0,
        ge=0,
        description="On SIGTERM, how long running activities get to finish before cancellation.",
    )
    task_queue_workflows: str = Field(default="leadex-workflows")
    task_queue_planning: str = Field(default="leadex-planning")
    task_queue_research: str = Field(default="leadex-research")
    task_queue_browser: str = Field(default="leadex-browser")
    task_queue_delivery: str = Field(default="leadex-delivery")
    task_queue_maintenance: str = Field(default="leadex-maintenance")

    artifact_storage_url: str = Field(
        default="",
        description="file:///dir or s3://bucket/prefix. Empty means <data_dir>/artifacts.",
    )
    s3_endpoint_url: str | None = Field(default=None, description="For MinIO or other S3 APIs.")
    public_base_url: str = Field(default="http://127.0.0.1:8000")
    web_api_url: str = Field(
        default="",
        description="Where the web app (/app) calls the API on the user's behalf; empty means "
        "public_base_url.",
    )
    secret_key: str = Field(
        default="",
        description="Signs cursors and download URLs. Empty means a key generated in data_dir.",
    )

    fetch_allow_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CIDR networks outbound fetches may reach despite the SSRF guard.",
    )
    fetch_host_rules: str = Field(default="", description="Chromium-style 'MAP pattern host:port'.")
    fetch_ca_file: Path | None = Field(
        default=None,
        description="PEM bundle of CAs outbound HTTPS trusts besides the default store (a "
        "company's internal CA, a test CA).",
    )
    fetch_respect_robots: bool = True
    fetch_per_host_concurrency: int = Field(default=2, ge=1, le=32)
    fetch_per_host_delay_seconds: float = Field(default=0.5, ge=0)
    fetch_timeout_seconds: float = Field(default=15.0, gt=0)
    fetch_max_bytes: int = Field(default=5_000_000, gt=0)
    max_pages_per_company: int = Field(default=25, ge=1, le=200)
    browser_executable: str = Field(default="/usr/bin/chromium")

    search_provider: Literal["", "searxng", "brave"] = Field(
        default="", description="Live research's search backend; empty means none."
    )
    searxng_url: str | None = Field(default=None, description="e.g. http://searx:8080/search")
    brave_api_key: str | None = None
    brave_endpoint: str = "https://api.search.brave.com/res/v1/web/search"
    search_rate_per_second: float = Field(default=5.0, gt=0)
    search_pages: int = Field(default=5, ge=1, le=20)

    anthropic_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY", "LEADEX_ANTHROPIC_API_KEY")
    )
    anthropic_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_BASE_URL", "LEADEX_ANTHROPIC_BASE_URL"),
    )
    anthropic_model: str = Field(
        default=DEFAULT_ANTHROPIC_MODEL,
        description="A model id the key can use; one the API rejects fails planning visibly.",
    )

    _signing_key: bytes | None = PrivateAttr(default=None)

    starter_credits: int = Field(
        default=500, ge=0, description="Credits a new organization's Starter tier includes."
    )
    sunset_at: datetime | None = Field(
        default=None, description="When /v1 will be retired; announced in a Sunset header."
    )

    planning_timeout_seconds: float = Field(default=30.0, gt=0)
    synthetic_batch_delay_seconds: float = Field(
        default=0.2,
        ge=0,
        description="Test-mode pacing per batch, so streams and stops behave as in live mode.",
    )
    artifact_url_ttl_seconds: int = Field(default=4 * 3600, gt=0)
    artifact_retention_days: int = Field(default=90, gt=0)
    source_retention_days: int = Field(default=30, gt=0)
    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Largest request body accepted (413 beyond)."
    )
    search_sync_timeout_seconds: float = Field(default=300.0, gt=0)
    default_target_rows: int = Field(default=30, ge=1, le=10_000)

    temporal_ui_url: str | None = Field(
        default=None,
        description="The Temporal web UI's base URL, e.g. http://127.0.0.1:8233; jobs link to it.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="json: one JSON object per log line, with request/job ids."
    )
    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Where a worker serves /metrics for Prometheus (None: not served).",
    )
    temporal_metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Where a worker exports the Temporal SDK's own metrics (None: not exported).",
    )
    schedule_run_poll_seconds: float = Field(
        default=10.0, gt=0, description="How often a schedule's run checks on its job."
    )

    webhook_retry_schedule_seconds: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [5.0, 30.0, 120.0, 600.0, 3600.0, 21600.0, 86400.0],
        description="Waits between webhook attempts (the spec's 5s, 30s, 2m, 10m, 1h, 6h, 24h).",
    )
    webhook_disable_after_seconds: float = Field(
        default=3 * 86400,
        gt=0,
        description="An endpoint whose every attempt failed for this long is disabled.",
    )
    webhook_relay_poll_seconds: float = Field(
        default=0.5, gt=0, description="How often the outbox relay looks for new events."
    )
    webhook_log_retention_days: int = Field(default=30, gt=0)
    integration_clients: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description=(
            'OAuth apps per CRM, as JSON: {"hubspot": {"client_id": "…", "client_secret": "…"}}.'
        ),
    )
    integration_base_urls: dict[str, str] = Field(
        default_factory=dict,
        description="Per-CRM base URL overriding its public API host (stand-ins, EU instances).",
    )
    push_wait_seconds: float = Field(
        default=60.0, gt=0, description="How long POST /v1/jobs/{id}/push waits for the result."
    )

    @field_validator("fetch_allow_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("webhook_retry_schedule_seconds", mode="before")
    @classmethod
    def _split_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("fetch_allow_networks")
    @classmethod
    def _check_networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'leadex.db').resolve()}"

    @property
    def resolved_artifact_storage_url(self) -> str:
        """The artifact storage URL, defaulting to a directory inside the data directory."""
        if self.artifact_storage_url:
            return self.artifact_storage_url
        return (self.data_dir / "artifacts").resolve().as_uri()

    def sunset_http_date(self) -> str | None:
        """The Sunset header's value (an HTTP-date), when a retirement is announced."""
        if self.sunset_at is None:
            return None
        moment = self.sunset_at if self.sunset_at.tzinfo else self.sunset_at.replace(tzinfo=UTC)
        return format_datetime(moment.astimezone(UTC), usegmt=True)

    def signing_key(self) -> bytes:
        """The HMAC key for cursors and download URLs, created once per data directory."""
        if self._signing_key is None:
            self._signing_key = self._load_signing_key()
        return self._signing_key

    def _load_signing_key(self) -> bytes:
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_EXCL makes two processes starting together agree on one key.
            try:
                with path.open("x") as handle:
                    handle.write(secrets.token_hex(32))
                path.chmod(0o600)
            except FileExistsError:
                pass
        return path.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
