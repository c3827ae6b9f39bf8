"""/v1/privacy: access reports, erasures and the suppression list (admin keys only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal, admin_access
from api.deps import get_blobs, get_session, get_settings, get_temporal
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.privacy import service
from api.privacy.schemas import (
    DOMAIN_MAX,
    EMAIL_MAX,
    NAME_MAX,
    ErasureCreate,
    ErasureObject,
    PersonIdentifier,
    PersonReport,
    SuppressionCreate,
    SuppressionObject,
)
from api.routing import TransactionalRoute
from api.schemas import DeletedObject
from api.temporal import TemporalGateway
from core.config import Settings
from core.sealing import Sealer
from store.blobs import BlobStore

router = APIRouter(prefix="/privacy", tags=["Privacy"], route_class=TransactionalRoute)


def _identifier(email: str | None, name: str | None, domain: str | None) -> PersonIdentifier:
    given = {"email": email, "name": name, "domain": domain}
    return PersonIdentifier(**{key: value for key, value in given.items() if value is not None})


Email = Annotated[str | None, Query(max_length=EMAIL_MAX, description="The person's email.")]
Name = Annotated[str | None, Query(max_length=NAME_MAX, description="The person's name.")]
Domain = Annotated[
    str | None, Query(max_length=DOMAIN_MAX, description="Their company's domain (with name).")
]


@router.get(
    "/people",
    response_model=PersonReport,
    summary="Report what is stored about a person",
    responses=error_responses(400, 403, 422),
)
async def person_report(
    email: Email = None,
    name: Name = None,
    domain: Domain = None,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
    blobs: BlobStore = Depends(get_blobs),
) -> PersonReport:
    """Every lead record, artifact row and cached source of the organization that names the
    person, given an email or a name plus their company's domain (a GDPR access request)."""
    return await service.report(session, blobs, principal.tenant, _identifier(email, name, domain))


@router.post(
    "/erasures",
    response_model=ErasureObject,
    summary="Erase a person",
    responses=error_responses(400, 403, 422),
)
async def create_erasure(
    body: ErasureCreate,
    background: BackgroundTasks,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
    temporal: TemporalGateway = Depends(get_temporal),
) -> ErasureObject:
    """Remove the person from every lead, artifact file and cached source of the
    organization, and keep them out of every future job. Runs as a durable workflow that
    finishes in minutes; poll the erasure until `status` is `succeeded`."""
    erasure = await service.request_erasure(
        session, principal, body, Sealer(settings.signing_key())
    )
    # After the commit: the workflow then always finds the erasure it is asked for.
    background.add_task(temporal.start_erasure, erasure.id)
    return ErasureObject.from_row(erasure)


@router.get(
    "/erasures",
    response_model=ListResponse[ErasureObject],
    summary="List erasures",
    responses=error_responses(400, 403),
)
async def list_erasures(
    principal: Principal = Depends(admin_access),
    page: Pager = pager("erasures"),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[ErasureObject]:
    """The organization's erasures, most recent first: its privacy audit log."""
    request = page.request()
    result = await service.list_erasures(session, principal.tenant, request)
    return page.respond(result, request, ErasureObject.from_row)


@router.get(
    "/erasures/{erasure_id}",
    response_model=ErasureObject,
    summary="Retrieve an erasure",
    responses=error_responses(403, 404),
)
async def get_erasure(
    erasure_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> ErasureObject:
    """The erasure's status and, once it has succeeded, what it removed."""
    return ErasureObject.from_row(await service.get_erasure(session, principal.tenant, erasure_id))


@router.post(
    "/suppressions",
    response_model=SuppressionObject,
    summary="Suppress a person or a domain",
    responses=error_responses(400, 403, 422),
)
async def create_suppression(
    body: SuppressionCreate,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> SuppressionObject:
    """Never deliver this email, this domain, or this name at this domain again. Only a
    hash is kept; adding the same entry twice returns the first."""
    return SuppressionObject.from_row(await service.add_suppression(session, principal, body))


@router.get(
    "/suppressions",
    response_model=ListResponse[SuppressionObject],
    summary="List suppressions",
    responses=error_responses(400, 403, 422),
)
async def list_suppressions(
    email: Email = None,
    name: Name = None,
    domain: Domain = None,
    principal: Principal = Depends(admin_access),
    page: Pager = pager("suppressions"),
    session: AsyncSession = Depends(get_session),
) -> ListResponse[SuppressionObject]:
    """The suppression list, most recent first; pass an email, a domain, or a name with a
    domain to find that one entry."""
    request = page.request()
    result = await service.list_suppressions(
        session, principal.tenant, request, _identifier(email, name, domain)
    )
    return page.respond(result, request, SuppressionObject.from_row)


@router.delete(
    "/suppressions/{suppression_id}",
    response_model=DeletedObject,
    summary="Remove a suppression",
    responses=error_responses(403, 404, 409),
)
async def delete_suppression(
    suppression_id: str,
    principal: Principal = Depends(admin_access),
    session: AsyncSession = Depends(get_session),
) -> DeletedObject:
    """Take an entry off the list (entries an erasure added stay)."""
    await service.delete_suppression(session, principal.tenant, suppression_id)
    return DeletedObject(id=suppression_id, object="suppression", livemode=principal.livemode)
