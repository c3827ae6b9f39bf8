"""Account, key and member shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, field_validator

from api.schemas import IsoDatetime
from store.objects import Timestamp
from store.repositories.api_keys import Scope


class ApiKeyObject(BaseModel):
    """An API key's metadata; the secret is only ever in ``secret`` of a create or rotate."""

    object: Literal["api_key"] = "api_key"
    id: str
    name: str
    kind: Literal["secret", "publishable"]
    livemode: bool
    scopes: list[str]
    redacted: str
    created_at: Timestamp
    expires_at: Timestamp | None
    revoked_at: Timestamp | None
    secret: str | None = Field(default=None, description="Shown once, at creation or rotation.")


class ApiKeyCreate(BaseModel):
    """POST /v1/api-keys."""

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(default_factory=lambda: [Scope.READ, Scope.RUN], min_length=1)
    expires_at: IsoDatetime | None = None
    kind: Literal["secret", "publishable"] = "secret"

    @field_validator("expires_at")
    @classmethod
    def _future(cls, value: datetime | None) -> datetime | None:
        from core.clock import as_utc, utcnow

        if value is not None and as_utc(value) <= utcnow():
            raise ValueError("must be in the future")
        return value


class OrganizationObject(BaseModel):
    """The key's organization, its tier and limits."""

    object: Literal["organization"] = "organization"
    id: str
    name: str
    plan: str
    limits: dict[str, int | None]
    credits: dict[str, int | None]
    created_at: Timestamp


class MeObject(BaseModel):
    """Who is calling."""

    object: Literal["principal"] = "principal"
    livemode: bool
    key: ApiKeyObject
    organization: OrganizationObject
    user: None = Field(default=None, description="Keys act for the organization, not a user.")


class MemberObject(BaseModel):
    """An organization member."""

    object: Literal["member"] = "member"
    id: str
    email: str
    role: Literal["admin", "member"]
    status: Literal["invited", "active"]
    created_at: Timestamp


class MemberInvite(BaseModel):
    """POST /v1/members."""

    email: EmailStr
    role: Literal["admin", "member"] = "member"
