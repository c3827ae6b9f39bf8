"""Bearer-key authentication and scope checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import get_database
from core.clock import as_utc, isoformat, utcnow
from core.errors import AuthenticationError, PermissionDeniedError
from core.tiers import Tier, tier
from store.db import Database
from store.repositories import api_keys, orgs
from store.repositories.api_keys import PUBLISHABLE_PREFIX, SECRET_PREFIXES, Scope
from store.tenancy import Tenant

_bearer = HTTPBearer(auto_error=False, description="An API key: sk_live_…, sk_test_… or pk_pub_…")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a key, its organization, its mode and its scopes."""

    key_id: str
    org_id: str
    livemode: bool
    scopes: frozenset[str]
    kind: str
    tier: Tier

    @property
    def tenant(self) -> Tenant:
        """The organization and mode every query is scoped to."""
        return Tenant(org_id=self.org_id, livemode=self.livemode)

    @property
    def publishable(self) -> bool:
        """Whether this is a client-side ``pk_pub_`` key."""
        return self.kind == "publishable"


def _looks_like_key(secret: str) -> bool:
    return secret.startswith((*SECRET_PREFIXES, PUBLISHABLE_PREFIX))


async def principal_for(database: Database, authorization: str | None) -> Principal:
    """The principal an ``Authorization`` header names, or a 401 that says what is wrong."""
    scheme, _, secret = (authorization or "").partition(" ")
    if not authorization:
        raise AuthenticationError(
            "No API key provided. Send it as 'Authorization: Bearer sk_test_…'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    secret = secret.strip()
    if scheme.lower() != "bearer" or not _looks_like_key(secret):
        raise AuthenticationError(
            "Malformed API key: send 'Authorization: Bearer <key>'; keys start with "
            "sk_live_, sk_test_ or pk_pub_.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # A short transaction of its own: long-running handlers (search, streams) must not hold
    # the request's transaction open just because the key was looked up.
    async with database.transaction() as session:
        key = await api_keys.find_by_secret(session, secret)
        org = await orgs.get(session, key.org_id) if key else None
    if key is None or org is None:
        raise AuthenticationError("Invalid API key.", headers={"WWW-Authenticate": "Bearer"})
    if key.revoked_at is not None:
        raise AuthenticationError(
            f"This API key ({key.redacted}) was revoked.", headers={"WWW-Authenticate": "Bearer"}
        )
    if key.expires_at is not None and as_utc(key.expires_at) <= utcnow():
        raise AuthenticationError(
            f"This API key ({key.redacted}) expired at {isoformat(key.expires_at)}.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Principal(
        key_id=key.id,
        org_id=key.org_id,
        livemode=key.livemode,
        scopes=frozenset(key.scopes),
        kind=key.kind,
        tier=tier(org.tier),
    )


async def resolve_principal(request: Request) -> Principal:
    """The request's principal, looked up once and kept on the request."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        principal = await principal_for(get_database(request), request.headers.get("authorization"))
        request.state.principal = principal
    return principal


async def authenticate(
    request: Request,
    _credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Principal:
    """The caller's principal (the route resolved it already; this declares the scheme)."""
    return await resolve_principal(request)


AccessCheck = Callable[[Principal], None]
_CHECK_ATTRIBUTE = "leadex_access_check"


def _with_check(check: AccessCheck) -> Callable[..., Awaitable[Principal]]:
    """A dependency that runs ``check``; the route runs the same check right after
    authentication, before rate limits and idempotency replay (see ``access_checks``)."""

    async def dependency(principal: Principal = Depends(authenticate)) -> Principal:
        check(principal)
        return principal

    setattr(dependency, _CHECK_ATTRIBUTE, check)
    return dependency


def access_checks(dependant: Dependant) -> list[AccessCheck]:
    """Every scope and key-kind check among a route's dependencies."""
    found: list[AccessCheck] = []
    pending = [dependant]
    while pending:
        current = pending.pop()
        check = getattr(current.call, _CHECK_ATTRIBUTE, None)
        if check is not None and check not in found:
            found.append(check)
        pending.extend(current.dependencies)
    return found


def require(*scopes: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates and demands ``read`` plus ``scopes``."""
    needed = (Scope.READ, *scopes)

    def check(principal: Principal) -> None:
        if principal.publishable and scopes:
            raise PermissionDeniedError(
                "Publishable keys (pk_pub_) are read-only; use a secret key for this request."
            )
        if principal.publishable:
            raise PermissionDeniedError(
                "Publishable keys (pk_pub_) can only read artifacts marked shareable."
            )
        missing = [scope.value for scope in needed if scope.value not in principal.scopes]
        if missing:
            raise PermissionDeniedError(
                f"This API key lacks the '{missing[0]}' scope required for this request."
            )

    return _with_check(check)


def _artifact_check(principal: Principal) -> None:
    if not principal.publishable and Scope.READ.value not in principal.scopes:
        raise PermissionDeniedError(
            "This API key lacks the 'read' scope required for this request."
        )


# Secret keys with ``read``, or publishable keys (which see shareable artifacts only).
artifact_access = _with_check(_artifact_check)
read_access = require()
run_access = require(Scope.RUN)
admin_access = require(Scope.ADMIN)
