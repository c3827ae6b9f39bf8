"""Webhook side effects: the outbox relay that turns recorded events into deliveries, and
each delivery attempt (sign, POST through the SSRF guard, record the answer)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.exc import IntegrityError
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from connectors import webhooks as hooks
from core.clock import as_utc, isoformat, utcnow
from core.config import Settings
from core.ids import Prefix, derived_id
from core.secrets import SecretBox
from research.fetch.guard import BlockedAddress, Guard
from research.fetch.transport import guarded_client
from research.fetch.types import FetchError
from store.db import Database
from store.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from store.repositories import webhooks
from workflows import names
from workflows.queues import TaskQueues
from workflows.webhook_types import AttemptRequest, AttemptResult, DeliveryInput

logger = logging.getLogger("leadex.webhooks")

RELAY_BATCH = 200
# An idle relay's wait grows from half the poll interval to twice it.
IDLE_BACKOFF_STEPS = 3
USER_AGENT = "Leadex-Webhooks/1.0"


def job_of(obj: dict[str, Any]) -> str | None:
    """The job an event's object belongs to, if any (its per-job webhook_url gets it too)."""
    if obj.get("object") == "job" and obj.get("id"):
        return str(obj["id"])
    job_id = obj.get("job_id")
    return str(job_id) if job_id else None


def live_secrets(box: SecretBox, endpoint: WebhookEndpoint) -> list[str]:
    """The secrets that sign now: the current one, then a rotated-out one still in grace."""
    found = [box.open(endpoint.secret_encrypted)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires and as_utc(expires) > utcnow():
        found.append(box.open(endpoint.previous_secret_encrypted))
    return found


class OutboxRelay:
    """Fans recorded events out to deliveries and starts one workflow per delivery.

    Events are marked for delivery in the transaction that records them (``fanout_pending``),
    so nothing recorded is ever skipped; a crash between the steps repeats one of them, and
    unique constraints and workflow ids make repeats harmless.
    """

    def __init__(self, database: Database, client: Client, settings: Settings) -> None:
        self.database = database
        self.client = client
        self.settings = settings
        self.queues = TaskQueues.from_settings(settings)

    async def run(self) -> None:
        """Relay until cancelled; an idle relay polls less often (each pass is a short
        transaction, and SQLite has one writer)."""
        idle = 0
        while True:
            try:
                busy = await self.fan_out() + await self.dispatch()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("webhook relay pass failed; retrying")
                busy = 0
            idle = 0 if busy else min(idle + 1, IDLE_BACKOFF_STEPS)
            if not busy:
                await asyncio.sleep(self.settings.webhook_relay_poll_seconds * (1 + idle) / 2)

    async def fan_out(self) -> int:
        """Write the deliveries of pending events; returns how many events it took."""
        async with self.database.transaction() as session:
            pending = await webhooks.pending_events(session, RELAY_BATCH)
            endpoints: dict[tuple[str, bool], list[WebhookEndpoint]] = {}
            for event in pending:
                tenant = (event.org_id, event.livemode)
                if tenant not in endpoints:
                    endpoints[tenant] = await webhooks.enabled_endpoints(session, *tenant)
                for endpoint in endpoints[tenant]:
                    if hooks.matches(endpoint.events, event.type):
                        await webhooks.add_delivery(
                            session, self._delivery(event, endpoint.id, endpoint.url, endpoint.id)
                        )
                obj = event.data.get("object") or {}
                job_id = job_of(obj) if isinstance(obj, dict) else None
                hook = await webhooks.job_hook(session, job_id) if job_id else None
                if job_id and hook:
                    await webhooks.add_delivery(
                        session, self._delivery(event, f"job:{job_id}", hook, None, job_id=job_id)
                    )
            await webhooks.mark_fanned_out(session, [event.id for event in pending])
        return len(pending)

    def _delivery(
        self,
        event: Event,
        target: str,
        url: str,
        endpoint_id: str | None,
        *,
        job_id: str | None = None,
    ) -> dict[str, Any]:
        created = as_utc(event.created_at)
        return {
            # Derived, so a repeated fan-out names the same delivery.
            "id": derived_id(Prefix.DELIVERY, created, event.id, target),
            "org_id": event.org_id,
            "livemode": event.livemode,
            "event_id": event.id,
            "event_type": event.type,
            "target": target,
            "endpoint_id": endpoint_id,
            "job_id": job_id,
            "url": url,
            "status": "pending",
            "dispatched": False,
            "attempts": 0,
            "created_at": utcnow(),
        }

    async def dispatch(self) -> int:
        """Start the workflow of every delivery that has none yet."""
        async with self.database.transaction() as session:
            waiting = await webhooks.undispatched(session, RELAY_BATCH)
        started: list[str] = []
        for delivery in waiting:
            await start_delivery(self.client, self.settings, self.queues, delivery.id)
            started.append(delivery.id)
        async with self.database.transaction() as session:
            await webhooks.mark_dispatched(session, started)
        return len(started)


async def start_delivery(
    client: Client, settings: Settings, queues: TaskQueues, delivery_id: str
) -> None:
    """Start a delivery's workflow (workflow id = delivery id); an existing one is kept."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            names.WEBHOOK_DELIVERY_WORKFLOW,
            DeliveryInput(
                delivery_id=delivery_id,
                retry_schedule_seconds=list(settings.webhook_retry_schedule_seconds),
                task_queue=queues.delivery,
            ),
            id=delivery_id,
            task_queue=queues.delivery,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )


class WebhookActivities:
    """Delivery attempts, on the delivery queue's workers."""

    def __init__(self, database: Database, settings: Settings, guard: Callable[[], Guard]) -> None:
        self.database = database
        self.settings = settings
        self.guard = guard
        self.box = SecretBox(settings)

    @activity.defn(name=names.WEBHOOK_ATTEMPT_ACTIVITY)
    async def attempt(self, request: AttemptRequest) -> AttemptResult:
        """Make one attempt of a delivery and record it."""
        async with self.database.transaction() as session:
            delivery = await webhooks.get_delivery(session, request.delivery_id)
            if delivery is None:
                raise ApplicationError(
                    f"delivery {request.delivery_id} is gone", type="DeliveryMissing"
                )
            if delivery.status != "pending":
                return AttemptResult(done=True, status=delivery.status)
            done = await webhooks.attempt(session, delivery.id, request.number)
            if done is not None:  # this attempt was made and recorded by an earlier try
                return self._result(delivery, done.status_code)
            event = await session.get(Event, delivery.event_id)
            endpoint = (
                await session.get(WebhookEndpoint, delivery.endpoint_id)
                if delivery.endpoint_id
                else None
            )
            refusal = self._refusal(delivery, event, endpoint)
            if refusal is not None or event is None:
                delivery.status = "cancelled"
                delivery.note = refusal
                delivery.completed_at = utcnow()
                session.add(delivery)
                return AttemptResult(done=True, status="cancelled")
            url, secrets = await self._target(session, delivery, endpoint)
            body = hooks.payload(
                event_id=event.id,
                event_type=event.type,
                created_at=isoformat(event.created_at) or "",
                livemode=event.livemode,
                obj=(event.data or {}).get("object") or {},
                base_url=self.settings.public_base_url,
            )
        signed_at = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Leadex-Event": event.type,
            "Leadex-Delivery": delivery.id,
            "Leadex-Timestamp": str(signed_at),
        }
        if secrets:
            headers["Leadex-Signature"] = hooks.signature_header(secrets, signed_at, body)
        status_code, excerpt, error, latency_ms = await self._post(url, body, headers)
        async with self.database.transaction() as session:
            return await self._record(
                session, request, status_code, excerpt, error, latency_ms, signed_at
            )

    def _refusal(
        self, delivery: WebhookDelivery, event: Event | None, endpoint: WebhookEndpoint | None
    ) -> str | None:
        if event is None:
            return "The event was erased before it could be delivered."
        if delivery.endpoint_id is None:
            return None
        if endpoint is None:
            return "The endpoint was deleted."
        # A test may check a disabled endpoint is back before it is enabled again.
        if not endpoint.enabled and delivery.event_type != "webhook.test":
            return "The endpoint is disabled."
        return None

    async def _target(
        self, session: Any, delivery: WebhookDelivery, endpoint: WebhookEndpoint | None
    ) -> tuple[str, list[str]]:
        if endpoint is not None:
            return endpoint.url, live_secrets(self.box, endpoint)
        # A job's own webhook_url is signed with the secrets of the organization's endpoint
        # registered at the same URL, when there is one.
        same = [
            found
            for found in await webhooks.enabled_endpoints(
                session, delivery.org_id, delivery.livemode
            )
            if found.url == delivery.url
        ]
        return delivery.url, live_secrets(self.box, same[0]) if same else []

    async def _post(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int | None, str | None, str | None, int]:
        started = time.monotonic()
        timeout = hooks.ATTEMPT_TIMEOUT_SECONDS
        try:
            async with guarded_client(self.guard(), timeout=timeout) as client:
                response = await client.post(url, content=body, headers=headers)
                text = response.text[: hooks.RESPONSE_EXCERPT_CHARS]
                return response.status_code, text, None, _millis(started)
        except BlockedAddress as blocked:
            return None, None, f"refused by the SSRF guard: {blocked}"[:500], _millis(started)
        except httpx.TimeoutException:
            return None, None, f"no answer within {timeout:g} s", _millis(started)
        except (httpx.HTTPError, FetchError, OSError) as failure:
            return None, None, f"{type(failure).__name__}: {failure}"[:500], _millis(started)

    async def _record(
        self,
        session: Any,
        request: AttemptRequest,
        status_code: int | None,
        excerpt: str | None,
        error: str | None,
        latency_ms: int,
        signed_at: int,
    ) -> AttemptResult:
        delivery = await webhooks.get_delivery(session, request.delivery_id, for_update=True)
        if delivery is None:
            raise ApplicationError("delivery vanished", type="DeliveryMissing")
        now = utcnow()
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                number=request.number,
                status_code=status_code,
                latency_ms=latency_ms,
                response_excerpt=excerpt,
                error=error,
                signed_at=signed_at,
                created_at=now,
            )
        )
        try:
            await session.flush()
        except IntegrityError:  # a concurrent try recorded it: keep that one
            await session.rollback()
            return AttemptResult(done=False, status="pending", status_code=status_code)
        ok = status_code is not None and 200 <= status_code < 300
        delivery.attempts = max(delivery.attempts, request.number)
        delivery.last_status_code = status_code
        endpoint = (
            await session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
            if delivery.endpoint_id
            else None
        )
        if ok:
            delivery.status = "succeeded"
            delivery.completed_at = now
            delivery.next_attempt_at = None
            if endpoint is not None and endpoint.failing_since is not None:
                endpoint.failing_since = None
                session.add(endpoint)
        else:
            if request.retry_in_seconds is None:
                delivery.status = "failed"
                delivery.completed_at = now
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + timedelta(seconds=request.retry_in_seconds)
            if endpoint is not None:
                await self._note_failure(session, endpoint, status_code, error)
                if not endpoint.enabled and delivery.status == "pending":
                    delivery.status = "cancelled"
                    delivery.note = endpoint.disabled_reason
                    delivery.completed_at = now
        session.add(delivery)
        return self._result(delivery, status_code)

    async def _note_failure(
        self,
        session: Any,
        endpoint: WebhookEndpoint,
        status_code: int | None,
        error: str | None,
    ) -> None:
        now = utcnow()
        if endpoint.failing_since is None:
            endpoint.failing_since = now
        elif (now - as_utc(endpoint.failing_since)).total_seconds() >= (
            self.settings.webhook_disable_after_seconds
        ):
            last = f"HTTP {status_code}" if status_code is not None else (error or "no answer")
            days = self.settings.webhook_disable_after_seconds / 86400
            endpoint.enabled = False
            endpoint.disabled_reason = (
                f"Disabled at {isoformat(now)}: every delivery attempt failed for "
                f"{days:g} days (last: {last[:200]})."
            )
            endpoint.updated_at = now
            await webhooks.cancel_for_endpoint(session, endpoint.id, endpoint.disabled_reason)
        session.add(endpoint)

    @staticmethod
    def _result(delivery: WebhookDelivery, status_code: int | None) -> AttemptResult:
        done = delivery.status in ("succeeded", "cancelled", "failed")
        return AttemptResult(done=done, status=delivery.status, status_code=status_code)


def _millis(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
