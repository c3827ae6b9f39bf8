"""/v1/webhooks"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, admin_access
from api.deps import get_session, get_settings
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.routing import TransactionalRoute
from api.schemas import DeletedObject
from api.webhooks import service
from api.webhooks.schemas import (
    DeliveryObject,
    RotateRequest,
    WebhookCreate,
    WebhookObject,
    WebhookUpdate,
)
from core.config import Settings

router = APIRouter(prefix="/webhooks", tags=["Webhooks"], route_class=TransactionalRoute)


@router.get(
    "",
    response_model=ListResponse[WebhookObject],
    summary="List webhook endpoints",
    responses=error_responses(400, 403, 422),
)
async def list_webhooks(
    principal: Principal = Depends(admin_access),
    page: Pager = pager("webhooks"),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[WebhookObject]:
    """List configured webhook endpoints (secrets are never listed)."""
    request = page.request()
    result = await service.list_endpoints(session, principal.tenant, request)
    return page.respond(result, request, WebhookObject.from_row)


@router.post(
    "",
    response_model=WebhookObject,
    summary="Create a webhook endpoint",
    responses=error_responses(400, 403, 422),
)
async def create_webhook(
    body: WebhookCreate,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> WebhookObject:
    """Register a new endpoint. Returns the signing_secret exactly once."""
    return await service.create(session, principal.tenant, body, settings)


@router.get(
    "/{webhook_id}",
    response_model=WebhookObject,
    summary="Retrieve a webhook endpoint",
    responses=error_responses(403, 404),
)
async def get_webhook(
    webhook_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> WebhookObject:
    """One endpoint, with why it was disabled if it was."""
    return await service.retrieve(session, principal.tenant, webhook_id)


@router.patch(
    "/{webhook_id}",
    response_model=WebhookObject,
    summary="Update a webhook endpoint",
    responses=error_responses(400, 403, 404, 422),
)
@router.post(
    "/{webhook_id}",
    response_model=WebhookObject,
    summary="Update a webhook endpoint (POST form)",
    operation_id="update_webhook_post",
    responses=error_responses(400, 403, 404, 422),
)
async def update_webhook(
    webhook_id: str,
    body: WebhookUpdate,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> WebhookObject:
    """Update an endpoint's URL, events, description, or enabled state."""
    return await service.update(session, principal.tenant, webhook_id, body, settings)


@router.delete(
    "/{webhook_id}",
    response_model=DeletedObject,
    summary="Delete a webhook endpoint",
    responses=error_responses(403, 404),
)
async def delete_webhook(
    webhook_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> DeletedObject:
    """Delete an endpoint; its pending deliveries are cancelled."""
    await service.delete(session, principal.tenant, webhook_id)
    return DeletedObject(id=webhook_id, object="webhook_endpoint", livemode=principal.livemode)


@router.post(
    "/{webhook_id}/rotate",
    response_model=WebhookObject,
    summary="Rotate a webhook signing secret",
    responses=error_responses(400, 403, 404, 422),
)
async def rotate_webhook(
    webhook_id: str,
    body: RotateRequest | None = None,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> WebhookObject:
    """Rotate the signing secret; deliveries carry both signatures for the grace period."""
    return await service.rotate(
        session, principal.tenant, webhook_id, body or RotateRequest(), settings
    )


@router.post(
    "/{webhook_id}/test",
    response_model=DeliveryObject,
    summary="Send a test payload",
    responses=error_responses(403, 404),
)
async def send_test_webhook(
    webhook_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> DeliveryObject:
    """Send a webhook.test event to this endpoint; follow it in its delivery log."""
    return await service.send_test(session, principal.tenant, webhook_id)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=ListResponse[DeliveryObject],
    summary="List an endpoint's deliveries",
    responses=error_responses(400, 403, 404, 422),
)
async def list_deliveries(
    webhook_id: str,
    principal: Principal = Depends(admin_access),
    page: Pager = pager("webhook_deliveries"),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[DeliveryObject]:
    """The delivery log (30 days): every attempt's status, latency and response excerpt."""
    request = page.request()
    found, attempts = await service.list_deliveries(session, principal.tenant, webhook_id, request)
    return page.respond(
        found,
        request,
        lambda row: DeliveryObject.from_row(row, attempts.get(row.id, [])),  # type: ignore[arg-type]
    )


@router.get(
    "/{webhook_id}/deliveries/{delivery_id}",
    response_model=DeliveryObject,
    summary="Retrieve a delivery",
    responses=error_responses(403, 404),
)
async def get_delivery(
    webhook_id: str,
    delivery_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> DeliveryObject:
    """One delivery with every attempt."""
    return await service.retrieve_delivery(session, principal.tenant, webhook_id, delivery_id)
