"""Liveness and readiness, for load balancers, compose health checks and Kubernetes probes."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.temporal import TemporalGateway
from store.db import Database

logger = logging.getLogger("leadex.api.health")

CHECK_TIMEOUT_SECONDS = 2.0


async def database_ok(database: Database) -> bool:
    """Whether the database answers a trivial query within the bound."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), database.transaction() as session:
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception as error:  # any driver error means "not now"
        logger.warning("readiness: database unreachable: %s", error)
        return False
    return True


async def temporal_ok(gateway: TemporalGateway) -> bool:
    """Whether Temporal's frontend answers its health check within the bound."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            client = await gateway.client()
            return bool(await client.service_client.check_health())
    except Exception as error:  # unreachable, refused, timed out: all "not now"
        logger.warning("readiness: temporal unreachable: %s", error)
        return False


def install_health(app: FastAPI) -> None:
    """``/healthz``: the process serves. ``/readyz``: it can serve requests now.

    Readiness needs the database only: reads keep working while Temporal is down (writes that
    need it answer 503 with Retry-After), so an outage of Temporal must not take every
    replica out of the load balancer. Its state is reported all the same.
    """

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        database, temporal = await asyncio.gather(
            database_ok(app.state.database), temporal_ok(app.state.temporal)
        )
        body = {
            "status": "ready" if database else "unavailable",
            "checks": {
                "database": "ok" if database else "unavailable",
                "temporal": "ok" if temporal else "unavailable",
            },
        }
        return JSONResponse(body, status_code=200 if database else 503)
