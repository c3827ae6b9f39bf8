"""The FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Response
from fastapi.openapi.utils import get_openapi
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.account.endpoints import router as account_router
from api.artifacts.endpoints import downloads_router
from api.artifacts.endpoints import router as artifacts_router
from api.docs import install_docs
from api.errors import install_error_handlers
from api.health import install_health
from api.integrations.endpoints import callback_router as integrations_callback_router
from api.integrations.endpoints import router as integrations_router
from api.jobs.endpoints import router as jobs_router
from api.messages.endpoints import router as messages_router
from api.middleware import (
    BodyLimitMiddleware,
    HeadMiddleware,
    MetricsMiddleware,
    RequestIdMiddleware,
)
from api.openapi import complete_document, document_yaml
from api.plans.endpoints import router as plans_router
from api.privacy import logs as privacy_logs
from api.privacy.endpoints import router as privacy_router
from api.schedules.endpoints import router as schedules_router
from api.search.endpoints import router as search_router
from api.temporal import TemporalGateway
from api.threads.endpoints import router as threads_router
from api.usage.endpoints import router as usage_router
from api.webhooks.endpoints import router as webhooks_router
from core import metrics
from core.config import Settings, get_settings
from core.temporal import mode_of
from store.blobs import open_blob_store
from store.db import Database
from store.repositories import jobs
from web.app import create_web_app

API_VERSION = "2026-11-28"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; resources open in the lifespan, one set per process."""
    settings = settings or get_settings()
    privacy_logs.install()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.database = Database(settings.resolved_database_url)
        app.state.temporal = TemporalGateway(settings)
        app.state.blobs = open_blob_store(
            settings.resolved_artifact_storage_url, s3_endpoint_url=settings.s3_endpoint_url
        )
        settings.signing_key()
        try:
            yield
        finally:
            await app.state.database.dispose()

    app = FastAPI(
        title="Leadex API",
        version=API_VERSION,
        description=(
            "Describe a target audience in plain English, approve the research plan, and "
            "stream back enriched, deduplicated leads traced to their sources."
        ),
        lifespan=lifespan,
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app, "/v1/openapi.json")
    install_error_handlers(app)
    install_health(app)
    # Added last, so it runs first: every response, 413s included, carries the request id.
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(RequestIdMiddleware, version=API_VERSION, sunset=settings.sunset_http_date())

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_document(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        # Aggregates only (no organization's data): scraped without a key, like any exporter.
        async with app.state.database.transaction() as session:
            counts = await jobs.count_by_status(session)
        metrics.JOBS.clear()
        for status, livemode, count in counts:
            metrics.JOBS.labels(status, mode_of(livemode)).set(count)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/openapi.yaml", include_in_schema=False)
    async def openapi_yaml() -> Response:
        return Response(document_yaml(app.openapi()), media_type="application/yaml")

    v1 = APIRouter(prefix="/v1")
    for router in (
        threads_router,
        messages_router,
        plans_router,
        jobs_router,
        artifacts_router,
        downloads_router,
        search_router,
        schedules_router,
        account_router,
        usage_router,
        webhooks_router,
        integrations_router,
        integrations_callback_router,
        privacy_router,
    ):
        v1.include_router(router)
    app.include_router(v1)
    # The web app: pages that call /v1 over HTTP with the signed-in user's key.
    app.mount("/app", create_web_app(settings))
    return app
