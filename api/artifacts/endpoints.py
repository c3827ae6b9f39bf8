"""/v1/artifacts"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from api.artifacts import service
from api.auth import Principal, read_access
from api.deps import get_blobs, get_session, get_settings
from api.openapi import error_responses
from api.routing import TransactionalRoute
from core.config import Settings
from store.blobs import BlobStore
from store.objects import ArtifactFormat, ArtifactObject

router = APIRouter(prefix="/artifacts", tags=["Artifacts"], route_class=TransactionalRoute)


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
    principal: Principal = Depends(read_access),
    session: AsyncSession = Depends(get_session),
    blobs: BlobStore = Depends(get_blobs),
    settings: Settings = Depends(get_settings),
) -> ArtifactObject | Response:
    """The artifact record with a fresh signed URL; other clients are redirected to the file."""
    artifact = await service.get(session, principal.tenant, artifact_id)
    record = await service.record(session, blobs, settings, artifact, format)
    if wants_json(accept):
        return record
    return RedirectResponse(record.download_url, status_code=302)


@router.get(
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
