"""Integration operations. The API never calls a CRM: OAuth exchanges and pushes run as
workflows on the delivery queue, and the API waits for them within a bound."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from activities.integrations import make_adapter, oauth_app, push_object, redirect_uri
from api.auth import Principal
from api.integrations.schemas import (
    ConnectObject,
    IntegrationObject,
    PushObject,
    PushRequest,
)
from api.temporal import TemporalGateway, unavailable
from connectors.crm import PROVIDERS, SPEC_PROVIDERS
from core.clock import as_utc
from core.config import Settings
from core.errors import (
    ConflictError,
    IntegrationError,
    InvalidRequestError,
    NotFoundError,
    UnprocessableError,
)
from core.ids import Prefix, new_id
from store.db import Database
from store.models import Integration, Push
from store.repositories import integrations, jobs
from store.tenancy import Tenant
from workflows import names
from workflows.push_types import ConnectInput, ConnectResult, PushInput

logger = logging.getLogger("leadex.integrations")

STATE_TTL_SECONDS = 15 * 60
CONNECT_WAIT_SECONDS = 60.0


def _provider(provider: str, *, param: str = "provider") -> str:
    if provider not in SPEC_PROVIDERS:
        raise NotFoundError(
            f"Unknown provider '{provider[:40]}'; use one of: {', '.join(SPEC_PROVIDERS)}.",
            param=param,
        )
    if provider not in PROVIDERS:
        raise UnprocessableError(
            f"The {provider} integration is not available on this server yet; "
            f"available: {', '.join(PROVIDERS)}.",
            param=param,
        )
    return provider


# OAuth state: who started the connection, signed, so the unauthenticated callback can
# trust it; it expires and names its provider.


def _sign(settings: Settings, body: bytes) -> str:
    key = hmac.new(settings.signing_key(), b"leadex/oauth-state/v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def make_state(settings: Settings, principal: Principal, provider: str, expires: int) -> str:
    """A signed state naming the organization, mode, key and provider."""
    body = json.dumps(
        {
            "o": principal.org_id,
            "m": principal.livemode,
            "k": principal.key_id,
            "p": provider,
            "e": expires,
            "n": secrets.token_hex(8),
        },
        separators=(",", ":"),
    ).encode()
    encoded = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"{encoded}.{_sign(settings, body)}"


def read_state(settings: Settings, state: str, provider: str) -> dict[str, object]:
    """The state's claims, or a 400 saying what is wrong with it."""
    invalid = InvalidRequestError(
        "Invalid OAuth state: start again with POST /v1/integrations/{provider}/connect.",
        param="state",
    )
    encoded, _, signature = state.partition(".")
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        claims = json.loads(body)
    except ValueError:
        raise invalid from None
    if not isinstance(claims, dict) or not hmac.compare_digest(
        signature.encode(), _sign(settings, body).encode()
    ):
        raise invalid
    if claims.get("p") != provider:
        raise InvalidRequestError(
            f"This OAuth state was issued for {claims.get('p')}, not {provider}.", param="state"
        )
    if int(claims.get("e", 0)) < time.time():
        raise InvalidRequestError(
            "The OAuth state has expired; start the connection again.", param="state"
        )
    return claims


def connect(settings: Settings, principal: Principal, provider: str) -> ConnectObject:
    """The authorization URL for the user to grant access."""
    _provider(provider)
    app = oauth_app(settings, provider)
    if app is None:
        raise UnprocessableError(
            f"{provider} is not configured on this server: its OAuth client belongs in "
            "LEADEX_INTEGRATION_CLIENTS.",
            param="provider",
        )
    expires = int(time.time()) + STATE_TTL_SECONDS
    state = make_state(settings, principal, provider, expires)
    # The adapter only builds a URL here; no request leaves the API.
    adapter = make_adapter(settings, provider, http=None)  # type: ignore[arg-type]
    return ConnectObject(
        provider=provider,
        authorization_url=adapter.authorize_url(app, state),
        redirect_uri=redirect_uri(settings, provider),
        expires_at=datetime.fromtimestamp(expires, UTC),
    )


async def callback(
    database: Database,
    temporal: TemporalGateway,
    settings: Settings,
    provider: str,
    *,
    code: str | None,
    state: str,
    error: str | None,
    accounts_server: str | None = None,
) -> IntegrationObject:
    """Finish the connection the state names: exchange the code, store the tokens."""
    _provider(provider)
    claims = read_state(settings, state, provider)
    if error:
        raise IntegrationError(f"{provider} did not grant access: {error[:300]}", param="error")
    if not code:
        raise InvalidRequestError("The callback carries no authorization code.", param="code")
    queues = temporal.queues
    client = await temporal.client()
    request = ConnectInput(
        org_id=str(claims["o"]),
        livemode=bool(claims["m"]),
        provider=provider,
        code=code,
        key_id=str(claims["k"]) if claims.get("k") else None,
        task_queue=queues.delivery,
        accounts_server=accounts_server,
    )
    try:
        handle = await client.start_workflow(
            names.CONNECT_WORKFLOW,
            request,
            id=f"connect-{claims['n']}",
            task_queue=queues.delivery,
            result_type=ConnectResult,
        )
        result = await asyncio.wait_for(handle.result(), CONNECT_WAIT_SECONDS)
    except WorkflowAlreadyStartedError:
        raise ConflictError(
            "This authorization was already used; start the connection again.", param="state"
        ) from None
    except RPCError as failure:
        raise unavailable(failure) from failure
    if result.error or not result.integration_id:
        raise IntegrationError(f"{provider}: {result.error}", param="code")
    tenant = Tenant(org_id=request.org_id, livemode=request.livemode)
    async with database.transaction() as session:
        row = await integrations.get(session, tenant, provider)
    assert row is not None
    return IntegrationObject.from_row(row)


async def list_connected(session: AsyncSession, tenant: Tenant) -> list[Integration]:
    """The tenant's connections."""
    return await integrations.list_connected(session, tenant)


async def disconnect(session: AsyncSession, tenant: Tenant, provider: str) -> Integration:
    """Forget a connection and its tokens."""
    if provider not in SPEC_PROVIDERS:
        _provider(provider)
    row = await integrations.get(session, tenant, provider, for_update=True)
    if row is None:
        raise NotFoundError(f"{provider} is not connected.", param="provider")
    await session.delete(row)
    return row


def render(push: Push) -> PushObject:
    """The push object."""
    shown = push_object(push)
    return PushObject(
        push_id=push.id,
        livemode=push.livemode,
        job_id=push.job_id,
        provider=push.provider,
        mode=push.mode,
        status=push.status,
        dry_run=push.dry_run,
        created=push.created,
        updated=push.updated,
        skipped=push.skipped,
        errors=shown["errors"],
        list_id=push.list_id,
        list_url=push.list_url,
        mutations=list(push.mutations or []) if push.dry_run else None,
        created_at=as_utc(push.created_at),
        finished_at=as_utc(push.finished_at) if push.finished_at else None,
    )


async def push(
    database: Database,
    temporal: TemporalGateway,
    settings: Settings,
    principal: Principal,
    job_id: str,
    body: PushRequest,
) -> PushObject:
    """Push a succeeded job's leads; idempotent on (job, provider, mode)."""
    tenant = principal.tenant
    # Short transactions of its own, none held while the push runs: the workflow's
    # activities write the same rows (and SQLite has one writer).
    async with database.transaction() as session:
        job = await jobs.get(session, tenant, job_id)
        connected = await integrations.get(session, tenant, body.provider)
    if job is None:
        raise NotFoundError(f"Job {job_id} was not found in your organization.", param="job_id")
    provider = _provider(body.provider)
    if connected is None:
        raise UnprocessableError(
            f"{provider} is not connected; connect it with "
            f"POST /v1/integrations/{provider}/connect first.",
            param="provider",
        )
    if job.status != "succeeded":
        raise ConflictError(
            f"Job {job_id} is {job.status}; only succeeded jobs can be pushed.", param="job_id"
        )
    row = await _claim(database, tenant, job_id, provider, body)
    # Started even when the push exists: a crash between its row and its workflow must not
    # leave it running forever (an existing workflow id is simply kept).
    await _start(temporal, row)
    finished = await _wait(temporal, settings, row)
    async with database.transaction() as fresh:
        current = await integrations.get_push(fresh, row.id)
    assert current is not None
    if current.status == "failed" and current.error and not finished.dry_run:
        message = str(current.error.get("message") or "The provider rejected the push.")
        raise IntegrationError(message, param="provider")
    return render(current)


async def _claim(
    database: Database, tenant: Tenant, job_id: str, provider: str, body: PushRequest
) -> Push:
    """The push row to run or wait for. Committed at once: the workflow's activities read
    it."""
    key = None if body.dry_run else f"{job_id}:{provider}:{body.mode}"
    for _ in range(2):
        async with database.transaction() as session:
            existing = await integrations.push_by_key(session, key) if key else None
            if existing is not None:
                if existing.status != "failed":
                    return existing
                # A failed push may be asked again: a new run of the same push.
                locked = await integrations.get_push(session, existing.id, for_update=True)
                assert locked is not None
                if locked.status != "failed":
                    return locked
                locked.status = "running"
                locked.error = None
                locked.runs += 1
                locked.finished_at = None
                if body.list_id:
                    locked.list_id = body.list_id
                session.add(locked)
                return locked
        try:
            async with database.transaction() as session:
                row = Push(
                    id=new_id(Prefix.PUSH),
                    org_id=tenant.org_id,
                    livemode=tenant.livemode,
                    job_id=job_id,
                    provider=provider,
                    mode=body.mode,
                    push_key=key,
                    list_id=body.list_id,
                    mapping=body.mapping,
                    dry_run=body.dry_run,
                )
                session.add(row)
            return row
        except IntegrityError:
            continue  # a concurrent request made it first: wait for that one
    raise ConflictError("A push of this job to this provider is being created; retry.")


def _workflow_id(push_row: Push) -> str:
    return push_row.id if push_row.runs <= 1 else f"{push_row.id}-run{push_row.runs}"


async def _start(temporal: TemporalGateway, push_row: Push) -> None:
    client = await temporal.client()
    try:
        await client.start_workflow(
            names.PUSH_WORKFLOW,
            PushInput(push_id=push_row.id, task_queue=temporal.queues.delivery),
            id=_workflow_id(push_row),
            task_queue=temporal.queues.delivery,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        pass
    except RPCError as failure:
        raise unavailable(failure) from failure


async def _wait(temporal: TemporalGateway, settings: Settings, push_row: Push) -> Push:
    """Wait (within the bound) for the push's run to end; a slow push answers ``running``."""
    client = await temporal.client()
    handle: WorkflowHandle[object, object] = client.get_workflow_handle(_workflow_id(push_row))
    try:
        await asyncio.wait_for(handle.result(), settings.push_wait_seconds)
    except TimeoutError:
        pass
    except RPCError as failure:
        raise unavailable(failure) from failure
    except WorkflowFailureError as failure:  # the push row says how it ended
        logger.warning("push %s run failed: %s", push_row.id, failure)
    return push_row
