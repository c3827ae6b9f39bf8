"""CRM side effects: finishing an OAuth connection and pushing a job's leads, matched
before they are written so a CRM never gets the same contact twice."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from connectors.crm import PROVIDERS, records_for
from connectors.crm.base import (
    CrmAdapter,
    OAuthApp,
    ProviderError,
    RateLimited,
    Record,
    Tokens,
    Unauthorized,
)
from core.clock import as_utc, utcnow
from core.config import Settings
from core.ids import Prefix, new_id
from core.secrets import SecretBox
from research.fetch.guard import Guard
from research.fetch.transport import guarded_client
from store.db import Database
from store.models import Integration, Job, Push, Thread
from store.objects import LeadObject, dump
from store.repositories import events, integrations, leads
from store.tenancy import Tenant
from workflows import names
from workflows.push_types import (
    BatchResult,
    ConnectInput,
    ConnectResult,
    PrepareResult,
    PushOutcome,
    PushStepRequest,
)

logger = logging.getLogger("leadex.integrations")

HTTP_TIMEOUT = 30.0
REFRESH_MARGIN = timedelta(seconds=60)
MAX_MUTATIONS = 2000


def oauth_app(settings: Settings, provider: str) -> OAuthApp | None:
    """The deployment's OAuth client for a provider, if one is configured."""
    client = settings.integration_clients.get(provider)
    if not client or not client.get("client_id"):
        return None
    return OAuthApp(
        client_id=client["client_id"],
        client_secret=client.get("client_secret", ""),
        redirect_uri=redirect_uri(settings, provider),
    )


def redirect_uri(settings: Settings, provider: str) -> str:
    """Where the provider sends the user back with a code."""
    return f"{settings.public_base_url.rstrip('/')}/v1/integrations/{provider}/callback"


def make_adapter(
    settings: Settings,
    provider: str,
    http: httpx.AsyncClient,
    *,
    access_token: str | None = None,
    account_id: str | None = None,
) -> CrmAdapter:
    """The provider's adapter, pointed at its configured base URL if any."""
    return PROVIDERS[provider](
        http,
        base_url=settings.integration_base_urls.get(provider),
        access_token=access_token,
        account_id=account_id,
    )


def push_object(push: Push) -> dict[str, Any]:
    """The push as the API and the integration.push.* events show it."""
    return {
        "id": push.id,
        "push_id": push.id,
        "object": "push",
        "livemode": push.livemode,
        "job_id": push.job_id,
        "provider": push.provider,
        "mode": push.mode,
        "status": push.status,
        "dry_run": push.dry_run,
        "created": push.created,
        "updated": push.updated,
        "skipped": push.skipped,
        "errors": list(push.errors or []),
        "list_id": push.list_id,
        "list_url": push.list_url,
        "error": push.error,
    }


def _company_plan(properties: dict[str, Any]) -> str:
    """What makes two planned company writes the same one."""
    return json.dumps(properties, sort_keys=True, default=str)


class PushRejected(Exception):
    """The push cannot go on; ``message`` says why (the provider's words when it refused)."""


class IntegrationActivities:
    """Connections and pushes, on the delivery queue's workers."""

    def __init__(self, database: Database, settings: Settings, guard: Callable[[], Guard]) -> None:
        self.database = database
        self.settings = settings
        self.guard = guard
        self.box = SecretBox(settings)

    def _http(self) -> httpx.AsyncClient:
        return guarded_client(self.guard(), timeout=HTTP_TIMEOUT)

    # Connections ------------------------------------------------------------------------------

    @activity.defn(name=names.CONNECT_ACTIVITY)
    async def exchange_code(self, request: ConnectInput) -> ConnectResult:
        """Trade the code for tokens and store them sealed."""
        app = oauth_app(self.settings, request.provider)
        if app is None or request.provider not in PROVIDERS:
            return ConnectResult(error=f"{request.provider} is not configured on this server.")
        async with self._http() as http:
            adapter = make_adapter(self.settings, request.provider, http)
            if request.accounts_server:
                adapter.issuing_server(request.accounts_server)
            try:
                tokens = await adapter.exchange_code(app, request.code)
            except RateLimited as limited:
                raise ApplicationError(
                    str(limited), next_retry_delay=timedelta(seconds=limited.retry_after)
                ) from None
            except ProviderError as refused:
                return ConnectResult(error=refused.message)
        tenant = Tenant(org_id=request.org_id, livemode=request.livemode)
        async with self.database.transaction() as session:
            row = await integrations.get(session, tenant, request.provider, for_update=True)
            if row is None:
                row = Integration(
                    id=new_id(Prefix.INTEGRATION),
                    org_id=request.org_id,
                    livemode=request.livemode,
                    provider=request.provider,
                    access_token_encrypted="",
                )
            self._store_tokens(row, tokens)
            row.connected_by_key_id = request.key_id
            session.add(row)
        return ConnectResult(integration_id=row.id)

    def _store_tokens(self, row: Integration, tokens: Tokens) -> None:
        now = utcnow()
        row.access_token_encrypted = self.box.seal(tokens.access_token)
        if tokens.refresh_token:
            row.refresh_token_encrypted = self.box.seal(tokens.refresh_token)
        row.expires_at = now + timedelta(seconds=tokens.expires_in) if tokens.expires_in else None
        if tokens.account_id:
            row.account_id = tokens.account_id
        if tokens.scopes:
            row.scopes = tokens.scopes
        row.updated_at = now

    async def _adapter(self, push: Push, http: httpx.AsyncClient) -> CrmAdapter:
        """The push's provider adapter with a fresh access token (refreshed when due)."""
        tenant = Tenant(org_id=push.org_id, livemode=push.livemode)
        async with self.database.transaction() as session:
            row = await integrations.get(session, tenant, push.provider, for_update=True)
            if row is None:
                raise PushRejected(
                    f"{push.provider} is not connected; connect it with "
                    f"POST /v1/integrations/{push.provider}/connect."
                )
            due = row.expires_at is not None and as_utc(row.expires_at) - REFRESH_MARGIN < utcnow()
            if due and row.refresh_token_encrypted:
                app = oauth_app(self.settings, push.provider)
                if app is None:
                    raise PushRejected(f"{push.provider} is not configured on this server.")
                # The account id says where a regional provider refreshes (Zoho).
                refresher = make_adapter(
                    self.settings, push.provider, http, account_id=row.account_id
                )
                try:
                    tokens = await refresher.refresh(
                        app, self.box.open(row.refresh_token_encrypted)
                    )
                except RateLimited:
                    raise
                except ProviderError as refused:
                    raise PushRejected(
                        f"{push.provider} refused to refresh the connection: {refused.message}"
                    ) from None
                self._store_tokens(row, tokens)
                session.add(row)
            return make_adapter(
                self.settings,
                push.provider,
                http,
                access_token=self.box.open(row.access_token_encrypted),
                account_id=row.account_id,
            )

    async def _expire_token(self, push: Push) -> None:
        tenant = Tenant(org_id=push.org_id, livemode=push.livemode)
        async with self.database.transaction() as session:
            row = await integrations.get(session, tenant, push.provider, for_update=True)
            if row is not None:
                row.expires_at = utcnow() - REFRESH_MARGIN
                session.add(row)

    # Pushes -----------------------------------------------------------------------------------

    async def _load(self, push_id: str) -> tuple[Push, Job]:
        async with self.database.transaction() as session:
            push = await integrations.get_push(session, push_id)
            job = await session.get(Job, push.job_id) if push is not None else None
        if push is None or job is None:
            raise ApplicationError(f"push {push_id} is gone", type="PushMissing")
        return push, job

    async def _fail(self, push_id: str, message: str) -> None:
        async with self.database.transaction() as session:
            push = await integrations.get_push(session, push_id, for_update=True)
            if push is None or push.status != "running":
                return
            push.status = "failed"
            push.error = {"code": "integration_error", "message": message[:1000]}
            push.finished_at = utcnow()
            session.add(push)
            await self._announce(session, push)

    async def _announce(self, session: Any, push: Push) -> None:
        if push.dry_run:
            return
        kind = "completed" if push.status == "succeeded" else "failed"
        await events.record_once(
            session,
            Tenant(org_id=push.org_id, livemode=push.livemode),
            f"integration.push.{kind}",
            push_object(push),
            dedupe_key=f"{push.id}:{push.runs}:{kind}",
        )

    def _retryable(self, error: Exception) -> ApplicationError:
        if isinstance(error, RateLimited):
            # Temporal waits exactly what the provider asked before the next attempt.
            return ApplicationError(
                str(error),
                type="RateLimited",
                next_retry_delay=timedelta(seconds=max(error.retry_after, 0.1)),
            )
        return ApplicationError(str(error), type="ProviderUnavailable")

    @activity.defn(name=names.PUSH_PREPARE_ACTIVITY)
    async def prepare(self, request: PushStepRequest) -> PrepareResult:
        """Check the connection, create the list if none was given, count the leads."""
        push, job = await self._load(request.push_id)
        if push.status != "running":
            return PrepareResult(ok=False)
        async with self._http() as http:
            try:
                adapter = await self._adapter(push, http)
                list_id, list_url, planned = push.list_id, push.list_url, None
                wants_list = adapter.has_lists and push.mode in ("contacts", "both")
                if list_id is None and wants_list:
                    list_id = await self._earlier_list(push)
                if list_id is None and wants_list:
                    name = await self._list_name(job)
                    if push.dry_run:
                        planned = {
                            "action": "create",
                            "object": "list",
                            "properties": {"name": name},
                        }
                    else:
                        try:
                            list_id = await adapter.create_list(name)
                        except ProviderError as refused:
                            if refused.status >= 500 or isinstance(refused, Unauthorized):
                                raise
                            # Most CRMs refuse a second list of the same name.
                            list_id = await adapter.create_list(f"{name} ({job.id})")
                if list_id is not None:
                    list_url = adapter.list_url(list_id)
            except PushRejected as rejected:
                await self._fail(push.id, str(rejected))
                return PrepareResult(ok=False)
            except (RateLimited, Unauthorized) as error:
                if isinstance(error, Unauthorized):
                    await self._expire_token(push)
                raise self._retryable(error) from None
            except ProviderError as refused:
                if refused.status >= 500:
                    raise self._retryable(refused) from None
                await self._fail(push.id, f"{push.provider}: {refused.message}")
                return PrepareResult(ok=False)
        async with self.database.transaction() as session:
            row = await integrations.get_push(session, push.id, for_update=True)
            assert row is not None
            row.list_id, row.list_url = list_id, list_url
            if planned is not None:
                row.mutations = [planned]
            session.add(row)
            count = await leads.count_published(session, job.id)
        return PrepareResult(ok=True, leads=count)

    async def _earlier_list(self, push: Push) -> str | None:
        """The list an earlier push of the same job to the same CRM made: the job's leads
        stay in one list."""
        async with self.database.transaction() as session:
            return await integrations.earlier_list(session, push)

    async def _list_name(self, job: Job) -> str:
        async with self.database.transaction() as session:
            thread = await session.get(Thread, job.thread_id)
        return (thread.title if thread and thread.title else None) or f"Leadex {job.id}"

    @activity.defn(name=names.PUSH_BATCH_ACTIVITY)
    async def push_batch(self, request: PushStepRequest) -> BatchResult:
        """Write one batch of leads: match each record, then update it or create it."""
        push, job = await self._load(request.push_id)
        async with self.database.transaction() as session:
            rows = (await leads.all_published(session, job.id))[request.start : request.stop]
        lead_objects = [dump(LeadObject.from_row(row)) for row in rows]
        result = BatchResult()
        errors: list[dict[str, Any]] = []
        mutations: list[dict[str, Any]] = []
        # A dry run plans each company once, however many leads share it (earlier batches'
        # plans are in the push row).
        planned = {
            _company_plan(item["properties"])
            for item in push.mutations or []
            if item.get("object") == "company"
        }
        list_members: list[str] = []
        async with self._http() as http:
            try:
                adapter = await self._adapter(push, http)
            except PushRejected as rejected:
                raise ApplicationError(str(rejected), type="PushRejected") from None
            for lead in lead_objects:
                activity.heartbeat(lead["id"])
                company, contact = records_for(adapter, lead, push.mode, push.mapping or {})
                if company is None and contact is None:
                    result.skipped += 1
                    continue
                try:
                    if push.dry_run and company is not None:
                        plan = _company_plan(company.properties)
                        if plan in planned:
                            company = None
                        planned.add(plan)
                    company_id = await self._write(adapter, push, company, result, mutations)
                    if contact is not None:
                        contact.company_id = company_id
                    contact_id = await self._write(adapter, push, contact, result, mutations)
                    if contact_id and not push.dry_run:
                        list_members.append(contact_id)
                        if company_id:
                            await adapter.associate(contact_id, company_id)
                except (RateLimited, Unauthorized) as error:
                    if isinstance(error, Unauthorized):
                        await self._expire_token(push)
                    raise self._retryable(error) from None
                except ProviderError as refused:
                    if refused.status >= 500:
                        raise self._retryable(refused) from None
                    result.errors += 1
                    errors.append(
                        {
                            "lead_id": lead["id"],
                            "status": refused.status,
                            "message": f"{push.provider}: {refused.message}",
                        }
                    )
            if push.list_id and list_members:
                try:
                    await adapter.add_to_list(push.list_id, "contact", list_members)
                except (RateLimited, ProviderError) as error:
                    if isinstance(error, RateLimited) or error.status >= 500:
                        raise self._retryable(error) from None
                    errors.append(
                        {"lead_id": None, "status": error.status, "message": error.message}
                    )
        await self._save_batch(push.id, errors, mutations)
        return result

    async def _write(
        self,
        adapter: CrmAdapter,
        push: Push,
        record: Record | None,
        result: BatchResult,
        mutations: list[dict[str, Any]],
    ) -> str | None:
        if record is None:
            return None
        tenant = Tenant(org_id=push.org_id, livemode=push.livemode)
        async with self.database.transaction() as session:
            known = await integrations.pushed(
                session, tenant, push.provider, record.kind, record.key
            )
        if known is not None and known.push_id == push.id and record.kind == "company":
            return known.remote_id  # this push already wrote this company (another lead's)
        remote_id = known.remote_id if known is not None else None
        if remote_id is None and record.match_value:
            remote_id = await adapter.find(record)
        if push.dry_run:
            if len(mutations) < MAX_MUTATIONS:
                mutations.append(
                    {
                        "action": "update" if remote_id else "create",
                        "object": record.kind,
                        "remote_id": remote_id,
                        "match": {record.match_field: record.match_value}
                        if record.match_field
                        else None,
                        "properties": record.properties,
                    }
                )
            if remote_id:
                result.updated += 1
            else:
                result.created += 1
            return remote_id
        created_by_this_push = known is not None and known.push_id == push.id
        if remote_id is not None:
            try:
                await adapter.update(remote_id, record)
            except ProviderError as refused:
                if refused.status != 404:
                    raise
                # Deleted in the CRM since: match again, else create anew.
                remote_id = await adapter.find(record) if record.match_value else None
                if remote_id is not None:
                    await adapter.update(remote_id, record)
        if remote_id is None:
            remote_id = await adapter.create(record)
            created_by_this_push = True
        if created_by_this_push:
            result.created += 1
        else:
            result.updated += 1
        async with self.database.transaction() as session:
            await integrations.remember(
                session,
                {
                    "org_id": push.org_id,
                    "livemode": push.livemode,
                    "provider": push.provider,
                    "kind": record.kind,
                    "local_key": record.key,
                    "remote_id": remote_id,
                    # The push that created the record; "" for one found in the CRM.
                    "push_id": push.id
                    if created_by_this_push
                    else (known.push_id if known is not None else ""),
                    "created_at": utcnow(),
                },
            )
        return remote_id

    async def _save_batch(
        self, push_id: str, errors: list[dict[str, Any]], mutations: list[dict[str, Any]]
    ) -> None:
        if not errors and not mutations:
            return
        async with self.database.transaction() as session:
            push = await integrations.get_push(session, push_id, for_update=True)
            if push is None:
                return
            seen = {(item.get("lead_id"), item.get("message")) for item in push.errors or []}
            fresh = [e for e in errors if (e.get("lead_id"), e.get("message")) not in seen]
            push.errors = [*(push.errors or []), *fresh]
            if mutations:
                room = MAX_MUTATIONS - len(push.mutations or [])
                push.mutations = [*(push.mutations or []), *mutations[: max(room, 0)]]
            session.add(push)

    @activity.defn(name=names.PUSH_FINISH_ACTIVITY)
    async def finish(self, request: PushStepRequest) -> PushOutcome:
        """Record the totals and announce integration.push.completed or .failed."""
        async with self.database.transaction() as session:
            push = await integrations.get_push(session, request.push_id, for_update=True)
            if push is None:
                raise ApplicationError(f"push {request.push_id} is gone", type="PushMissing")
            if push.status == "running":
                push.created = request.created
                push.updated = request.updated
                push.skipped = request.skipped
                push.finished_at = utcnow()
                if request.failure:
                    push.status = "failed"
                    push.error = {"code": "integration_error", "message": request.failure[:1000]}
                else:
                    push.status = "succeeded"
                session.add(push)
                await self._announce(session, push)
            return PushOutcome(
                status=push.status,
                created=push.created,
                updated=push.updated,
                skipped=push.skipped,
                errors=len(push.errors or []),
            )
