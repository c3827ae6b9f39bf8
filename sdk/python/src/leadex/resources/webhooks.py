"""Webhook endpoints: register, update, rotate, test, and read the delivery log."""

from __future__ import annotations

from typing import Any

from leadex._base import NOT_GIVEN, RequestOptions, drop_unset
from leadex._models import Deleted, WebhookDelivery, WebhookEndpoint
from leadex._pagination import AsyncPage, SyncPage
from leadex.resources._resource import AsyncResource, SyncResource, query

_FIELDS = ("url", "events", "description", "enabled")


def _body(values: dict[str, Any]) -> dict[str, Any]:
    return drop_unset({name: values.get(name, NOT_GIVEN) for name in _FIELDS})


def _rotate(webhook_id: str, grace_period_seconds: int | None) -> RequestOptions:
    body = {} if grace_period_seconds is None else {"grace_period_seconds": grace_period_seconds}
    return RequestOptions("POST", f"webhooks/{webhook_id}/rotate", json=body)


class Webhooks(SyncResource):
    """``client.webhooks``: where events are delivered, signed with a secret shown once."""

    def create(self, *, idempotency_key: str | None = None, **fields: Any) -> WebhookEndpoint:
        """Register an endpoint (``url``, ``events``, ``description``, ``enabled``); keep
        the returned ``signing_secret``: it is never shown again."""
        options = RequestOptions(
            "POST", "webhooks", json=_body(fields), idempotency_key=idempotency_key
        )
        return self._client._request(WebhookEndpoint, options)

    def retrieve(self, webhook_id: str) -> WebhookEndpoint:
        """One endpoint."""
        options = RequestOptions("GET", f"webhooks/{webhook_id}")
        return self._client._request(WebhookEndpoint, options)

    def update(self, webhook_id: str, **fields: Any) -> WebhookEndpoint:
        """Change the URL, events, description or enabled state."""
        options = RequestOptions("PATCH", f"webhooks/{webhook_id}", json=_body(fields))
        return self._client._request(WebhookEndpoint, options)

    def delete(self, webhook_id: str) -> Deleted:
        """Delete an endpoint."""
        return self._client._request(Deleted, RequestOptions("DELETE", f"webhooks/{webhook_id}"))

    def rotate(
        self, webhook_id: str, *, grace_period_seconds: int | None = None
    ) -> WebhookEndpoint:
        """A new signing secret; the old one also signs during the grace period."""
        return self._client._request(WebhookEndpoint, _rotate(webhook_id, grace_period_seconds))

    def test(self, webhook_id: str) -> WebhookDelivery:
        """Send a ``webhook.test`` event to the endpoint."""
        options = RequestOptions("POST", f"webhooks/{webhook_id}/test")
        return self._client._request(WebhookDelivery, options)

    def list(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> SyncPage[WebhookEndpoint]:
        """List endpoints."""
        params = query(limit=limit, cursor=cursor)
        return self._client._list(WebhookEndpoint, RequestOptions("GET", "webhooks", params=params))

    def deliveries(
        self, webhook_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> SyncPage[WebhookDelivery]:
        """The endpoint's delivery log (30 days), every attempt included."""
        params = query(limit=limit, cursor=cursor)
        options = RequestOptions("GET", f"webhooks/{webhook_id}/deliveries", params=params)
        return self._client._list(WebhookDelivery, options)


class AsyncWebhooks(AsyncResource):
    """``client.webhooks``: where events are delivered."""

    async def create(self, *, idempotency_key: str | None = None, **fields: Any) -> WebhookEndpoint:
        """Register an endpoint; keep the returned ``signing_secret``."""
        options = RequestOptions(
            "POST", "webhooks", json=_body(fields), idempotency_key=idempotency_key
        )
        return await self._client._request(WebhookEndpoint, options)

    async def retrieve(self, webhook_id: str) -> WebhookEndpoint:
        """One endpoint."""
        options = RequestOptions("GET", f"webhooks/{webhook_id}")
        return await self._client._request(WebhookEndpoint, options)

    async def update(self, webhook_id: str, **fields: Any) -> WebhookEndpoint:
        """Change the URL, events, description or enabled state."""
        options = RequestOptions("PATCH", f"webhooks/{webhook_id}", json=_body(fields))
        return await self._client._request(WebhookEndpoint, options)

    async def delete(self, webhook_id: str) -> Deleted:
        """Delete an endpoint."""
        options = RequestOptions("DELETE", f"webhooks/{webhook_id}")
        return await self._client._request(Deleted, options)

    async def rotate(
        self, webhook_id: str, *, grace_period_seconds: int | None = None
    ) -> WebhookEndpoint:
        """A new signing secret; the old one also signs during the grace period."""
        options = _rotate(webhook_id, grace_period_seconds)
        return await self._client._request(WebhookEndpoint, options)

    async def test(self, webhook_id: str) -> WebhookDelivery:
        """Send a ``webhook.test`` event to the endpoint."""
        options = RequestOptions("POST", f"webhooks/{webhook_id}/test")
        return await self._client._request(WebhookDelivery, options)

    async def list(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[WebhookEndpoint]:
        """List endpoints."""
        params = query(limit=limit, cursor=cursor)
        options = RequestOptions("GET", "webhooks", params=params)
        return await self._client._list(WebhookEndpoint, options)

    async def deliveries(
        self, webhook_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[WebhookDelivery]:
        """The endpoint's delivery log (30 days), every attempt included."""
        params = query(limit=limit, cursor=cursor)
        options = RequestOptions("GET", f"webhooks/{webhook_id}/deliveries", params=params)
        return await self._client._list(WebhookDelivery, options)
