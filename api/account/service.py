"""Account, keys and members."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from api.account.schemas import ApiKeyObject, MemberObject, OrganizationObject
from api.auth import Principal
from core.clock import as_utc, utcnow
from core.errors import ConflictError, NotFoundError
from core.ids import Prefix, new_id
from core.tiers import tier
from store.models import ApiKey, Member, Organization
from store.pagination import Page, PageRequest
from store.repositories import api_keys, events, ledger, members, orgs
from store.tenancy import Tenant


def key_object(key: ApiKey, secret: str | None = None) -> ApiKeyObject:
    """Render a key's metadata (and its secret, right after minting)."""
    return ApiKeyObject(
        id=key.id,
        name=key.name,
        kind=key.kind,
        livemode=key.livemode,
        scopes=list(key.scopes),
        redacted=key.redacted,
        created_at=as_utc(key.created_at),
        expires_at=as_utc(key.expires_at) if key.expires_at else None,
        revoked_at=as_utc(key.revoked_at) if key.revoked_at else None,
        secret=secret,
    )


async def organization(session: AsyncSession, principal: Principal) -> OrganizationObject:
    """The caller's organization with its tier's limits and this period's credits."""
    org = await orgs.get(session, principal.org_id)
    if org is None:
        raise NotFoundError("Your organization no longer exists.")
    limits = tier(org.tier)
    balance = await ledger.balance(session, org)
    return OrganizationObject(
        id=org.id,
        name=org.name,
        plan=limits.name.value,
        limits={
            "requests_per_minute": limits.requests_per_minute,
            "concurrent_jobs": limits.concurrent_jobs,
            "plans_per_day": limits.plans_per_day,
            "sse_connections": limits.sse_connections,
        },
        credits={
            "included": balance.included,
            "rollover": balance.rollover,
            "used": balance.used,
            "held": balance.held,
            "remaining": balance.remaining,
            "budget": balance.budget,
        },
        created_at=as_utc(org.created_at),
    )


async def current_key(session: AsyncSession, principal: Principal) -> ApiKey:
    """The key the request authenticated with."""
    key = await api_keys.get(session, principal.tenant, principal.key_id)
    if key is None:
        raise NotFoundError("This API key no longer exists.")
    return key


async def list_keys(session: AsyncSession, principal: Principal, page: PageRequest) -> Page[ApiKey]:
    """The organization's keys in the caller's mode."""
    return await api_keys.list_page(session, principal.tenant, page)


async def _key(session: AsyncSession, principal: Principal, key_id: str) -> ApiKey:
    key = await api_keys.get(session, principal.tenant, key_id)
    if key is None:
        raise NotFoundError(f"API key {key_id} was not found in your organization.", param="key_id")
    return key


async def create_key(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    scopes: list[str],
    expires_at: datetime | None,
    kind: str,
) -> tuple[ApiKey, str]:
    """Mint a key in the caller's organization and mode."""
    return await api_keys.create(
        session,
        org_id=principal.org_id,
        name=name,
        livemode=principal.livemode,
        scopes=["read"] if kind == "publishable" else scopes,
        kind=kind,
        expires_at=expires_at,
    )


async def revoke_key(session: AsyncSession, principal: Principal, key_id: str) -> ApiKey:
    """Revoke a key at once; its next request is a 401."""
    key = await _key(session, principal, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
    return key


async def rotate_key(
    session: AsyncSession, principal: Principal, key_id: str
) -> tuple[ApiKey, str]:
    """Replace a key with a new secret of the same name and scopes; the old one is revoked.

    Running jobs do not depend on the key that approved them, so they continue.
    """
    old = await _key(session, principal, key_id)
    if old.revoked_at is not None:
        raise ConflictError(f"API key {key_id} is revoked; mint a new key instead.")
    new, secret = await api_keys.create(
        session,
        org_id=old.org_id,
        name=old.name,
        livemode=old.livemode,
        scopes=list(old.scopes),
        kind=old.kind,
        expires_at=old.expires_at,
    )
    old.revoked_at = utcnow()
    session.add(old)
    events.record(
        session,
        Tenant(org_id=old.org_id, livemode=old.livemode),
        "api_key.rotated",
        {**key_object(new).model_dump(mode="json"), "replaces": old.id},
    )
    return new, secret


async def list_members(
    session: AsyncSession, principal: Principal, page: PageRequest
) -> Page[Member]:
    """The organization's members."""
    return await members.list_page(session, principal.org_id, page)


async def invite(session: AsyncSession, principal: Principal, email: str, role: str) -> Member:
    """Invite someone by email; inviting them twice is a 409."""
    normalized = email.strip().lower()
    if await members.get_by_email(session, principal.org_id, normalized) is not None:
        raise ConflictError(f"{normalized} is already a member or invited.", param="email")
    member = Member(
        id=new_id(Prefix.MEMBER),
        org_id=principal.org_id,
        email=normalized,
        role=role,
        invited_by_key_id=principal.key_id,
    )
    session.add(member)
    await session.flush()
    return member


def member_object(member: Member) -> MemberObject:
    """Render a member."""
    return MemberObject(
        id=member.id,
        email=member.email,
        role=member.role,
        status=member.status,
        created_at=as_utc(member.created_at),
    )


async def organization_row(session: AsyncSession, principal: Principal) -> Organization:
    """The caller's organization row, locked for an update."""
    org = await orgs.lock(session, principal.org_id)
    if org is None:
        raise NotFoundError("Your organization no longer exists.")
    return org
