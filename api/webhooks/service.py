"""Webhook endpoint operations. Secrets are sealed at rest and shown once; deliveries are
written by the outbox relay, so the API only reads them (and queues a test one)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlmodel.ext.asyncio.session import AsyncSession

from api.webhooks.schemas import (
    DeliveryObject,
    RotateRequest,
    WebhookCreate,
    WebhookObject,
    WebhookUpdate,
)
from core.clock import utcnow
from core.config import Settings
from core.errors import NotFoundError, UnprocessableError
from core.ids import Prefix, new_id
from core.secrets import SecretBox, new_signing_secret
from research.fetch.guard import BlockedAddress, Guard, HostRules
from research.fetch.types import FetchError
from store.models import Event, WebhookDelivery, WebhookEndpoint
from store.pagination import Page, PageRequest
from store.repositories import webhooks
from store.tenancy import Tenant


async def check_url(url: str, *, livemode: bool, settings: Settings, param: str = "url") -> None:
    """HTTPS in live mode, and a host that resolves only to addresses the SSRF guard allows."""
    parts = urlsplit(url)
    if livemode and parts.scheme != "https":
        raise UnprocessableError("Live-mode webhook URLs must use HTTPS.", param=param)
    if parts.username or parts.password:
        raise UnprocessableError("Webhook URLs must not carry credentials.", param=param)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    guard = Guard(settings.fetch_allow_networks, HostRules.parse(settings.fetch_host_rules))
    try:
        await guard.resolve(host, port)
    except BlockedAddress as blocked:
        raise UnprocessableError(
            f"Webhook URLs must reach a public address: {host} is refused ({blocked.detail}).",
            param=param,
        ) from None
    except FetchError:
        # A name that does not resolve yet is not an SSRF risk; every delivery checks again.
        pass


async def _get(session: AsyncSession, tenant: Tenant, webhook_id: str) -> WebhookEndpoint:
    endpoint = await webhooks.get_endpoint(session, tenant, webhook_id, for_update=True)
    if endpoint is None:
        raise NotFoundError(
            f"Webhook endpoint {webhook_id} was not found in your organization.",
            param="webhook_id",
        )
    return endpoint


async def create(
    session: AsyncSession, tenant: Tenant, body: WebhookCreate, settings: Settings
) -> WebhookObject:
    """Register an endpoint; the response carries its signing secret, once."""
    url = str(body.url)
    await check_url(url, livemode=tenant.livemode, settings=settings)
    secret = new_signing_secret()
    endpoint = WebhookEndpoint(
        id=new_id(Prefix.WEBHOOK),
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        url=url,
        events=body.events,
        description=body.description,
        enabled=body.enabled,
        secret_encrypted=SecretBox(settings).seal(secret),
    )
    session.add(endpoint)
    await session.flush()
    return WebhookObject.from_row(endpoint, signing_secret=secret)


async def list_endpoints(
    session: AsyncSession, tenant: Tenant, page: PageRequest
) -> Page[WebhookEndpoint]:
    """The tenant's endpoints."""
    return await webhooks.list_endpoints(session, tenant, page)


async def retrieve(session: AsyncSession, tenant: Tenant, webhook_id: str) -> WebhookObject:
    """One endpoint (without its secret)."""
    return WebhookObject.from_row(await _get(session, tenant, webhook_id))


async def update(
    session: AsyncSession,
    tenant: Tenant,
    webhook_id: str,
    body: WebhookUpdate,
    settings: Settings,
) -> WebhookObject:
    """Change the URL, events, description or enabled state; re-enabling clears the reason."""
    endpoint = await _get(session, tenant, webhook_id)
    sent = body.model_fields_set
    if "url" in sent:
        if body.url is None:
            raise UnprocessableError("url cannot be null.", param="url")
        await check_url(str(body.url), livemode=tenant.livemode, settings=settings)
        endpoint.url = str(body.url)
    if "events" in sent:
        if body.events is None:
            raise UnprocessableError("events cannot be null.", param="events")
        endpoint.events = body.events
    if "description" in sent:
        endpoint.description = body.description
    if "enabled" in sent:
        if body.enabled is None:
            raise UnprocessableError("enabled cannot be null.", param="enabled")
        if body.enabled and not endpoint.enabled:
            endpoint.disabled_reason = None
            endpoint.failing_since = None
        endpoint.enabled = body.enabled
    endpoint.updated_at = utcnow()
    session.add(endpoint)
    return WebhookObject.from_row(endpoint)


async def delete(session: AsyncSession, tenant: Tenant, webhook_id: str) -> WebhookEndpoint:
    """Remove an endpoint; its pending deliveries are cancelled, its log kept for 30 days."""
    endpoint = await _get(session, tenant, webhook_id)
    await webhooks.cancel_for_endpoint(session, endpoint.id, "The endpoint was deleted.")
    await session.delete(endpoint)
    return endpoint


async def rotate(
    session: AsyncSession,
    tenant: Tenant,
    webhook_id: str,
    body: RotateRequest,
    settings: Settings,
) -> WebhookObject:
    """A new signing secret, shown once; the old one also signs for the grace period."""
    endpoint = await _get(session, tenant, webhook_id)
    box = SecretBox(settings)
    secret = new_signing_secret()
    now = utcnow()
    if body.grace_period_seconds > 0:
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.previous_secret_expires_at = now + timedelta(seconds=body.grace_period_seconds)
    else:
        endpoint.previous_secret_encrypted = None
        endpoint.previous_secret_expires_at = None
    endpoint.secret_encrypted = box.seal(secret)
    endpoint.updated_at = now
    session.add(endpoint)
    return WebhookObject.from_row(endpoint, signing_secret=secret)


async def send_test(session: AsyncSession, tenant: Tenant, webhook_id: str) -> DeliveryObject:
    """Queue a ``webhook.test`` event for this endpoint alone (even if it is disabled)."""
    endpoint = await _get(session, tenant, webhook_id)
    now = utcnow()
    event = Event(
        id=new_id(Prefix.EVENT),
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        type="webhook.test",
        object_id=endpoint.id,
        data={
            "object": {
                "object": "webhook_test",
                "id": endpoint.id,
                "message": "A test delivery from Leadex.",
                "sent_at": now.isoformat(),
            }
        },
        created_at=now,
        # Only this endpoint gets it: the delivery is written here, not by the fan-out.
        fanout_pending=False,
    )
    session.add(event)
    delivery = WebhookDelivery(
        id=new_id(Prefix.DELIVERY),
        org_id=tenant.org_id,
        livemode=tenant.livemode,
        event_id=event.id,
        event_type=event.type,
        target=endpoint.id,
        endpoint_id=endpoint.id,
        url=endpoint.url,
        created_at=now,
    )
    session.add(delivery)
    await session.flush()
    return DeliveryObject.from_row(delivery)


async def list_deliveries(
    session: AsyncSession, tenant: Tenant, webhook_id: str, page: PageRequest
) -> tuple[Page[WebhookDelivery], dict[str, list[object]]]:
    """An endpoint's deliveries (the last 30 days) and their attempts."""
    await _get(session, tenant, webhook_id)
    found = await webhooks.list_deliveries(session, tenant, webhook_id, page)
    attempts: dict[str, list[object]] = {}
    for attempt in await webhooks.attempts_of(session, [row.id for row in found.items]):
        attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return found, attempts


async def retrieve_delivery(
    session: AsyncSession, tenant: Tenant, webhook_id: str, delivery_id: str
) -> DeliveryObject:
    """One delivery with every attempt."""
    delivery = await webhooks.get_tenant_delivery(session, tenant, webhook_id, delivery_id)
    if delivery is None:
        raise NotFoundError(
            f"Delivery {delivery_id} was not found for webhook endpoint {webhook_id}.",
            param="delivery_id",
        )
    return DeliveryObject.from_row(delivery, await webhooks.attempts_of(session, [delivery.id]))
