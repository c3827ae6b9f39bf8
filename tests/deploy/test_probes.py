"""Liveness and readiness as load balancers and Kubernetes see them, through outages."""

from __future__ import annotations

import contextlib
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from cli import processes
from cli.localstack import temporal_server
from tests.support.proxy import CuttableProxy
from tests.support.stack import running_test_stack


@pytest.mark.backends("sqlite")
async def test_readiness_reports_temporal_down_but_stays_ready_for_reads(
    backend: str, tmp_path: Path
) -> None:
    namespace = "leadex-probes"
    with (
        temporal_server([namespace], tmp_path / "logs") as temporal,
        running_test_stack(
            backend, f"sqlite:///{tmp_path / 'probes.db'}", temporal.address, namespace, tmp_path
        ) as stack,
    ):
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as client:
            live = await client.get("/healthz")
            ready = await client.get("/readyz")
            processes.stop(temporal.process)
            live_without_temporal = await client.get("/healthz")
            ready_without_temporal = await client.get("/readyz")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "temporal": "ok"}}
    assert live_without_temporal.status_code == 200
    # Reads need only the database, so the replica stays in the load balancer.
    assert ready_without_temporal.status_code == 200
    assert ready_without_temporal.json()["checks"] == {
        "database": "ok",
        "temporal": "unavailable",
    }


@pytest.mark.backends("postgres")
async def test_readiness_fails_while_the_database_is_unreachable(
    backend: str, database_url: str, tmp_path: Path
) -> None:
    url = make_url(database_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    namespace = "leadex-probes"
    with (
        contextlib.closing(proxy),
        temporal_server([namespace], tmp_path / "logs") as temporal,
        running_test_stack(backend, through_proxy, temporal.address, namespace, tmp_path) as stack,
    ):
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as client:
            before = await client.get("/readyz")
            proxy.cut()
            during = await client.get("/readyz")
            live_during = await client.get("/healthz")
            proxy.start()
            after = await client.get("/readyz")
    assert before.status_code == 200
    assert during.status_code == 503
    assert during.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "temporal": "ok"},
    }
    # Liveness does not restart a process for an outage that is not its own.
    assert live_during.status_code == 200
    assert after.status_code == 200
