"""/v1/integrations and /v1/jobs/{job_id}/push"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, read_access, require
from api.deps import get_database, get_session, get_settings, get_temporal
from api.integrations import service
from api.integrations.schemas import ConnectObject, IntegrationObject, PushObject, PushRequest
from api.openapi import error_responses
from api.pagination import ListResponse
from api.routing import PublicRoute, TransactionalRoute
from api.schemas import DeletedObject
from api.temporal import TemporalGateway
from core.config import Settings
from store.db import Database
from store.repositories.api_keys import Scope

integrations_access = require(Scope.INTEGRATIONS)

router = APIRouter(tags=["Integrations"], route_class=TransactionalRoute)
callback_router = APIRouter(tags=["Integrations"], route_class=PublicRoute)


@router.get(
    "/integrations",
    response_model=ListResponse[IntegrationObject],
    summary="List connected integrations",
    responses=error_responses(403),
)
async def list_integrations(
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[IntegrationObject]:
    """The organization's CRM connections (tokens are never shown)."""
    rows = await service.list_connected(session, principal.tenant)
    return ListResponse[IntegrationObject](
        data=[IntegrationObject.from_row(row) for row in rows],
        has_more=False,
        next_cursor=None,
        total=len(rows),
    )


@router.post(
    "/integrations/{provider}/connect",
    response_model=ConnectObject,
    summary="Start an OAuth connection",
    responses=error_responses(403, 404, 422),
)
async def connect_integration(
    provider: str,
    principal: Principal = Depends(integrations_access),
    settings: Settings = Depends(get_settings),
) -> ConnectObject:
    """The provider's authorization URL; the provider then calls back with a code."""
    return service.connect(settings, principal, provider)


class CallbackServices:
    """What finishing a connection needs (one dependency for both callback forms)."""

    def __init__(
        self,
        database: Annotated[Database, Depends(get_database)],
        temporal: Annotated[TemporalGateway, Depends(get_temporal)],
        settings: Annotated[Settings, Depends(get_settings)],
    ) -> None:
        self.database = database
        self.temporal = temporal
        self.settings = settings


@callback_router.get(
    "/integrations/{provider}/callback",
    response_model=IntegrationObject,
    summary="Complete an OAuth connection",
    responses=error_responses(400, 404, 409, 422, 502, 503),
)
async def integration_callback(
    provider: str,
    state: Annotated[str, Query(max_length=2048)],
    code: Annotated[str | None, Query(max_length=2048)] = None,
    error: Annotated[str | None, Query(max_length=500)] = None,
    accounts_server: Annotated[
        str | None,
        Query(
            alias="accounts-server",
            max_length=200,
            description="Zoho: the data centre's accounts server that issued the code.",
        ),
    ] = None,
    services: CallbackServices = Depends(),
) -> IntegrationObject:
    """Where the provider sends the user back: the signed state says who connects."""
    return await service.callback(
        services.database,
        services.temporal,
        services.settings,
        provider,
        code=code,
        state=state,
        error=error,
        accounts_server=accounts_server,
    )


@callback_router.post(
    "/integrations/{provider}/callback",
    response_model=IntegrationObject,
    summary="Complete an OAuth connection (form post)",
    responses=error_responses(400, 404, 409, 422, 502, 503),
)
async def integration_callback_form(
    provider: str,
    state: Annotated[str, Form(max_length=2048)],
    code: Annotated[str | None, Form(max_length=2048)] = None,
    error: Annotated[str | None, Form(max_length=500)] = None,
    services: CallbackServices = Depends(),
) -> IntegrationObject:
    """The same, for providers that send the user back with a form POST (Copper)."""
    return await integration_callback(provider, state, code, error, None, services)


@router.delete(
    "/integrations/{provider}",
    response_model=DeletedObject,
    summary="Disconnect an integration",
    responses=error_responses(403, 404),
)
async def disconnect_integration(
    provider: str,
    principal: Principal = Depends(integrations_access),
    session: AsyncSession = Depends(get_session),
) -> DeletedObject:
    """Forget the connection and its tokens."""
    row = await service.disconnect(session, principal.tenant, provider)
    return DeletedObject(id=row.id, object="integration", livemode=principal.livemode)


@router.post(
    "/jobs/{job_id}/push",
    response_model=PushObject,
    summary="Push a job's leads to a CRM",
    responses=error_responses(400, 403, 404, 409, 422, 502, 503),
)
async def push_job(
    job_id: str,
    body: PushRequest,
    principal: Principal = Depends(integrations_access),
    database: Database = Depends(get_database),
    temporal: TemporalGateway = Depends(get_temporal),
    settings: Settings = Depends(get_settings),
) -> PushObject:
    """Push the leads of a succeeded job; idempotent on (job, provider, mode)."""
    return await service.push(database, temporal, settings, principal, job_id, body)
