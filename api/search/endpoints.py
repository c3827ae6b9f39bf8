"""/v1/search"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from api.artifacts import service as artifact_service
from api.auth import Principal, run_access
from api.deps import get_blobs, get_database, get_settings, get_temporal
from api.openapi import error_responses
from api.routing import TransactionalRoute
from api.search import service
from api.search.schemas import SearchRequest, SearchResponse
from api.temporal import TemporalGateway
from core.config import Settings
from store.blobs import BlobStore
from store.db import Database
from store.objects import JobObject, LeadObject, PlanObject, artifact_ref, dump

router = APIRouter(tags=["Search"], route_class=TransactionalRoute)


@router.post(
    "/search",
    response_model=SearchResponse,
    summary="Search (one shot)",
    responses={
        200: {
            "description": "Leads inline (format=json) or the file (csv, xlsx).",
            "content": {media: {} for media in artifact_service.CONTENT_TYPES.values()},
        },
        202: {"model": SearchResponse, "description": "Still running (async, or sync timed out)."},
        **error_responses(400, 402, 403, 409, 422, 429, 503),
    },
)
async def search(
    body: SearchRequest,
    principal: Principal = Depends(run_access),
    database: Database = Depends(get_database),
    blobs: BlobStore = Depends(get_blobs),
    temporal: TemporalGateway = Depends(get_temporal),
    settings: Settings = Depends(get_settings),
) -> Response:
    """Plan, auto-approve and run a prompt; returns when done (sync) or at once (async)."""
    job_id, plan_id = await service.start(
        database, principal, body, temporal=temporal, settings=settings
    )
    state = await service.wait(
        database,
        principal,
        job_id,
        plan_id,
        sync=body.wait == "sync",
        temporal=temporal,
        settings=settings,
    )
    done = state.job.status in ("succeeded", "failed", "stopped")
    if done and state.artifact is not None and body.format in ("csv", "xlsx"):
        file = await service.artifact_file(database, blobs, state.artifact.id, body.format)
        return Response(
            content=file.data,
            media_type=file.content_type,
            headers={
                "Content-Disposition": f'attachment; filename="{file.filename}"',
                "Leadex-Job-Id": job_id,
                "Leadex-Job-Status": state.job.status,
                "Leadex-Artifact-Id": state.artifact.id,
            },
        )
    artifact = None
    if state.artifact is not None:
        artifact = await service.artifact_record(database, blobs, settings, state.artifact.id)
    job = JobObject.from_row(state.job, artifact_ref(state.artifact))
    response = SearchResponse(
        id=job_id,
        job_id=job_id,
        thread_id=state.job.thread_id,
        plan_id=plan_id,
        livemode=state.job.livemode,
        status=job.status,
        summary=state.job.summary,
        credits_used=state.job.credits_used,
        error=job.error,
        leads=[LeadObject.from_row(row) for row in state.leads[: body.max_rows]],
        artifact=artifact,
        plan=PlanObject.from_row(state.plan),
        job=job,
    )
    return JSONResponse(dump(response), status_code=200 if done else 202)
