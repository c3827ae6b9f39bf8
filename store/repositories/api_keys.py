"""API keys: stored only as SHA-256 digests; the secret is shown once at creation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.ids import Prefix, new_id
from store.models import ApiKey
from store.pagination import Page, PageRequest, paginate
from store.tenancy import Tenant


class Scope(StrEnum):
    """What a key may do."""

    READ = "read"
    RUN = "run"
    INTEGRATIONS = "integrations"
    ADMIN = "admin"


ALL_SCOPES: tuple[Scope, ...] = tuple(Scope)
SECRET_PREFIXES = {"sk_live_": ("secret", True), "sk_test_": ("secret", False)}
PUBLISHABLE_PREFIX = "pk_pub_"


def digest(secret: str) -> str:
    """The stored form of a key: keys carry 256 bits of entropy, so a plain hash suffices."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _mint_secret(kind: str, livemode: bool) -> str:
    if kind == "publishable":
        return PUBLISHABLE_PREFIX + secrets.token_urlsafe(32)
    return ("sk_live_" if livemode else "sk_test_") + secrets.token_urlsafe(32)


async def create(
    session: AsyncSession,
    *,
    org_id: str,
    name: str,
    livemode: bool,
    scopes: list[str],
    kind: str = "secret",
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Mint a key; returns the row and the secret, which is never stored."""
    secret = _mint_secret(kind, livemode)
    key = ApiKey(
        id=new_id(Prefix.API_KEY),
        org_id=org_id,
        name=name,
        kind=kind,
        livemode=livemode,
        scopes=[Scope(scope).value for scope in scopes],
        secret_hash=digest(secret),
        redacted=f"{secret[:12]}…{secret[-4:]}",
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    return key, secret


async def find_by_secret(session: AsyncSession, secret: str) -> ApiKey | None:
    """The key whose digest matches, compared in constant time."""
    wanted = digest(secret)
    result = await session.exec(select(ApiKey).where(ApiKey.secret_hash == wanted))
    key = result.first()
    if key is None or not hmac.compare_digest(key.secret_hash, wanted):
        return None
    return key


async def exists_for(session: AsyncSession, org_id: str, livemode: bool) -> bool:
    """Whether the organization has any key in that mode."""
    result = await session.exec(
        select(ApiKey.id).where(ApiKey.org_id == org_id, ApiKey.livemode == livemode).limit(1)
    )
    return result.first() is not None


async def list_page(session: AsyncSession, tenant: Tenant, page: PageRequest) -> Page[ApiKey]:
    """The tenant's keys (in its mode)."""
    statement = select(ApiKey).where(
        col(ApiKey.org_id) == tenant.org_id, col(ApiKey.livemode) == tenant.livemode
    )
    return await paginate(session, statement, col(ApiKey.id), page)


async def get(session: AsyncSession, tenant: Tenant, key_id: str) -> ApiKey | None:
    """The tenant's key with this id, if any."""
    result = await session.exec(
        select(ApiKey).where(
            col(ApiKey.id) == key_id,
            col(ApiKey.org_id) == tenant.org_id,
            col(ApiKey.livemode) == tenant.livemode,
        )
    )
    return result.first()
