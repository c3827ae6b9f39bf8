"""/v1/artifacts"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, StrictBool
from sqlmodel.ext.asyncio.session import AsyncSession

from api.artifacts import service
from api.auth import Principal, artifact_access, run_access
from api.deps import get_blobs, get_session, get_settings
from api.openapi import error_responses
from api.pagination import ListResponse, Pager, pager
from api.routing import PublicRoute, TransactionalRoute
from core.config import Settings
from store.blobs import BlobStore
from store.objects import ArtifactFormat, ArtifactObject

router = APIRouter(prefix="/artifacts", tags=["Artifacts"], route_class=TransactionalRoute)
# A signed link is its own authorization: the download route needs no key.
downloads_router = APIRouter(prefix="/artifacts", tags=["Artifacts"], route_class=PublicRoute)


class ShareUpdate(BaseModel):
    """POST /v1/artifacts/{artifact_id}."""

    shareable: StrictBool = Field(
        description="Publishable (pk_pub_) keys may read shareable artifacts."
    )


@router.get(
    "",
    response_model=ListResponse[ArtifactObject],
    summary="List artifacts",
    responses=error_responses(400, 403),
)
async def list_artifacts(
    principal: Principal = Depends(artifact_access),
    page: Pager = pager("artifacts"),
    shareable: Annotated[bool | None, Query(description="Only shareable ones.")] = None,
    session: AsyncSession = Depends(get_session),
    blobs: BlobStore = Depends(get_blobs),
    settings: Settings = Depends(get_settings),
) -> ListResponse[ArtifactObject]:
    """Artifacts of this mode; a publishable key lists only the shareable ones."""
    request = page.request()
    only_shared = True if principal.publishable else shareable
    result = await service.list_page(session, principal.tenant, request, only_shared)
    return page.respond(result, request, lambda row: service.signed(settings, row))


@router.post(
    "/{artifact_id}",
    response_model=ArtifactObject,
    summary="Update an artifact",
    responses=error_responses(400, 403, 404, 422),
)
async def update_artifact(
    artifact_id: str,
    body: ShareUpdate,
    principal: Principal = Depends(run_access),
    session: AsyncSession = Depends(get_session),
    blobs: BlobStore = Depends(get_blobs),
    settings: Settings = Depends(get_settings),
) -> ArtifactObject:
    """Mark an artifact shareable (or not) for publishable keys."""
    artifact = await service.get(session, principal.tenant, artifact_id)
    artifact.shareable = body.shareable
    session.add(artifact)
    return await service.record(session, blobs, settings, artifact, "csv")


def wants_json(accept: str | None) -> bool:
    """SDKs ask for JSON; curl's */* gets the file (the quickstart's `curl -sLo`)."""
    return bool(accept) and "application/json" in (accept or "").lower()


@router.get(
    "/{artifact_id}",
    response_model=ArtifactObject,
    summary="Retrieve an artifact",
    responses={
        302: {"description": "Redirect to the signed download (clients not asking for JSON)."},
        **error_responses(400, 403, 404),
    },
)
async def get_artifact(
    artifact_id: str,
    request: Request,
    format: Annotated[ArtifactFormat, Query(description="csv, json or xlsx.")] = "csv",
    accept: Annotated[str | None, Header()] = None,
    principal: Principal = Depends(artifact_access),
    session: AsyncSession = Depends(get_session),
    blobs: BlobStore = Depends(get_blobs),
    settings: Settings = Depends(get_settings),
) -> ArtifactObject | Response:
    """The artifact record with a fresh signed URL; other clients are redirected to the file."""
    artifact = await service.get(
        session, principal.tenant, artifact_id, shareable_only=principal.publishable
    )
    record = await service.record(session, blobs, settings, artifact, format)
    if wants_json(accept) or record.download_url is None:
        return record
    return RedirectResponse(record.download_url, status_code=302)


@downloads_router.get(
    "/{artifact_id}/download",
    summary="Download an artifact through a signed link",
    response_class=Response,
    responses={
        200: {
            "description": "The file.",
            "content": {media: {} for media in service.CONTENT_TYPES.values()},
        },
        **error_responses(400, 403, 404),
    },
)
async def download_artifact(
    artifact_id: str,
    expires: Annotated[int, Query(description="Unix seconds.")],
    signature: Annotated[str, Query(max_length=128)],
    format: Annotated[ArtifactFormat, Query()] = "csv",
    session: AsyncSession = Depends(get_session),
    blobs: BlobStore = Depends(get_blobs),
    settings: Settings = Depends(get_settings),
) -> Response:
    """The file; the link's signature and expiry are its authorization."""
    service.check_signature(settings, artifact_id, format, expires, signature)
    file = await service.download(session, blobs, artifact_id, format)
    return Response(
        content=file.data,
        media_type=file.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "private, max-age=60",
        },
    )
