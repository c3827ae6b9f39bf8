"""`leadex-server temporal setup` on a real Temporal server: registers the namespace and the
search attributes, and a second run changes nothing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from cli.localstack import TemporalServer
from core.temporal import SEARCH_ATTRIBUTES


def _setup(temporal: TemporalServer, namespace: str, *extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "temporal", "setup", *extra],
        env={
            **os.environ,
            "LEADEX_TEMPORAL_ADDRESS": temporal.address,
            "LEADEX_TEMPORAL_NAMESPACE": namespace,
            "LEADEX_TEMPORAL_NAMESPACE_RETENTION_DAYS": "3",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


async def test_setup_registers_the_namespace_and_attributes_once(
    temporal: TemporalServer,
) -> None:
    namespace = f"leadex-setup-{secrets.token_hex(3)}"
    first = _setup(temporal, namespace)
    second = _setup(temporal, namespace)
    client = await Client.connect(temporal.address, namespace=namespace)
    described = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=namespace)
    )
    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    assert f"Registered namespace '{namespace}' (3 days" in first
    assert first.count("Registered search attribute") == len(SEARCH_ATTRIBUTES)
    assert "Registered" not in second
    assert f"has all {len(SEARCH_ATTRIBUTES)} Leadex search attributes" in second
    retention = described.config.workflow_execution_retention_ttl.ToTimedelta()
    assert retention.days == 3
    assert {key.name for key in SEARCH_ATTRIBUTES} <= set(listing.custom_attributes)


async def test_setup_waits_for_a_server_that_is_not_up_yet_and_then_gives_up() -> None:
    from cli.processes import free_port

    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "temporal", "setup", "--wait", "1"],
        env={**os.environ, "LEADEX_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "is unreachable" in result.stderr
