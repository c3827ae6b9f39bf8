"""Integration and push request bodies and objects."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from connectors.crm import MAPPING_ROOTS, SPEC_PROVIDERS
from core.clock import as_utc
from store.models import Integration
from store.objects import Timestamp

PushMode = Literal["contacts", "companies", "both"]


class PushRequest(BaseModel):
    """POST /v1/jobs/{job_id}/push."""

    model_config = ConfigDict(extra="forbid")

    provider: str = Field(max_length=40, description=f"One of: {', '.join(SPEC_PROVIDERS)}.")
    mode: PushMode = "contacts"
    list_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The provider's list; omitted: a new list named after the thread title.",
    )
    mapping: dict[str, str] = Field(
        default_factory=dict,
        max_length=100,
        description=(
            "Extra or replacement properties: lead path (company.name, person.email, "
            "fields.funding_amount, confidence) → the provider's property name."
        ),
    )
    dry_run: StrictBool = False

    @field_validator("mapping")
    @classmethod
    def _paths(cls, value: dict[str, str]) -> dict[str, str]:
        for source, target in value.items():
            if source != "confidence" and not (
                source.startswith(MAPPING_ROOTS) and len(source.split(".")) == 2
            ):
                raise ValueError(
                    f"mapping key '{source[:80]}' is not a lead path; use company.<field>, "
                    "person.<field>, fields.<name> or confidence"
                )
            if not target or len(target) > 100:
                raise ValueError(f"mapping['{source[:80]}'] must name a property (1–100 chars)")
        return value


class PushObject(BaseModel):
    """A push's outcome, in the spec's shape (plus its status and, for a dry run, the
    planned mutations)."""

    push_id: str
    object: Literal["push"] = "push"
    livemode: bool
    job_id: str
    provider: str
    mode: str
    status: str = Field(description="running, succeeded or failed.")
    dry_run: bool
    created: int
    updated: int
    skipped: int
    errors: list[dict[str, Any]]
    list_id: str | None
    list_url: str | None
    mutations: list[dict[str, Any]] | None = Field(
        default=None, description="A dry run's planned writes; null otherwise."
    )
    created_at: Timestamp
    finished_at: Timestamp | None


class ConnectObject(BaseModel):
    """Where to send the user to grant access."""

    object: Literal["integration_connect"] = "integration_connect"
    provider: str
    authorization_url: str
    redirect_uri: str
    expires_at: Timestamp


class IntegrationObject(BaseModel):
    """A connected CRM (tokens are never shown)."""

    id: str
    object: Literal["integration"] = "integration"
    livemode: bool
    provider: str
    status: Literal["connected"] = "connected"
    account_id: str | None
    scopes: list[str]
    token_expires_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def from_row(cls, row: Integration) -> IntegrationObject:
        """Render a connection row."""
        return cls(
            id=row.id,
            livemode=row.livemode,
            provider=row.provider,
            account_id=row.account_id,
            scopes=list(row.scopes or []),
            token_expires_at=as_utc(row.expires_at) if row.expires_at else None,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
        )
