"""Connecting to Temporal, and the search attributes that make runs findable in its UI."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from core.config import Settings

ORG_ID = SearchAttributeKey.for_keyword("LeadexOrgId")
THREAD_ID = SearchAttributeKey.for_keyword("LeadexThreadId")
JOB_STATUS = SearchAttributeKey.for_keyword("LeadexJobStatus")
CREDITS_USED = SearchAttributeKey.for_int("LeadexCreditsUsed")
LIVEMODE = SearchAttributeKey.for_bool("LeadexLivemode")
JOB_ID = SearchAttributeKey.for_keyword("LeadexJobId")
MODE = SearchAttributeKey.for_keyword("LeadexMode")
SCHEDULE_ID = SearchAttributeKey.for_keyword("LeadexScheduleId")

SEARCH_ATTRIBUTES: tuple[SearchAttributeKey, ...] = (
    ORG_ID,
    THREAD_ID,
    JOB_STATUS,
    CREDITS_USED,
    LIVEMODE,
    JOB_ID,
    MODE,
    SCHEDULE_ID,
)

_TYPE_NAMES = {
    "KEYWORD": "Keyword",
    "INT": "Int",
    "BOOL": "Bool",
    "TEXT": "Text",
    "FLOAT": "Double",
    "DATETIME": "Datetime",
    "KEYWORD_LIST": "KeywordList",
}


def indexed_type_name(key: SearchAttributeKey) -> str:
    """The type name the Temporal CLI and UI use for a search attribute (Keyword, Int…)."""
    return _TYPE_NAMES[key.indexed_value_type.name]


def mode_of(livemode: bool) -> str:
    """``live`` or ``test``, as the LeadexMode search attribute holds it."""
    return "live" if livemode else "test"


def dev_server_search_attribute_flags() -> list[str]:
    """``--search-attribute Name=Type`` flags for ``temporal server start-dev``."""
    flags: list[str] = []
    for key in SEARCH_ATTRIBUTES:
        flags += ["--search-attribute", f"{key.name}={indexed_type_name(key)}"]
    return flags


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS towards Temporal: mTLS with a client certificate, TLS alone for an API key or
    ``LEADEX_TEMPORAL_TLS``, plain gRPC otherwise (the dev server)."""
    if settings.temporal_tls_cert is None and settings.temporal_tls_key is not None:
        raise ValueError("LEADEX_TEMPORAL_TLS_KEY is set without LEADEX_TEMPORAL_TLS_CERT.")
    if settings.temporal_tls_cert is not None and settings.temporal_tls_key is None:
        raise ValueError("LEADEX_TEMPORAL_TLS_CERT is set without LEADEX_TEMPORAL_TLS_KEY.")
    wants_tls = (
        settings.temporal_tls
        or settings.temporal_api_key is not None
        or settings.temporal_tls_cert is not None
        or settings.temporal_tls_ca is not None
    )
    if not wants_tls:
        return False
    return TLSConfig(
        server_root_ca_cert=_read(settings.temporal_tls_ca),
        client_cert=_read(settings.temporal_tls_cert),
        client_private_key=_read(settings.temporal_tls_key),
        domain=settings.temporal_tls_server_name,
    )


def _read(path: Path | None) -> bytes | None:
    return path.read_bytes() if path is not None else None


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client for the configured address and namespace, speaking pydantic models; workers
    pass a runtime that exports the SDK's own metrics."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        runtime=runtime,
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
    )


async def ensure_namespace(client: Client, retention: timedelta) -> bool:
    """Register the client's namespace unless it exists; returns whether it was registered.

    Temporal Cloud namespaces are created in Cloud's own console or ``tcld``; there the
    namespace exists already and nothing is registered.
    """
    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=client.namespace)
        )
        return False
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
    period = Duration()
    period.FromTimedelta(retention)
    try:
        await client.workflow_service.register_namespace(
            RegisterNamespaceRequest(
                namespace=client.namespace, workflow_execution_retention_period=period
            )
        )
    except RPCError as error:
        # Another `temporal setup` (a second replica of the one-shot job) got there first.
        if error.status != RPCStatusCode.ALREADY_EXISTS:
            raise
        return False
    return True


def prometheus_runtime(bind_address: str) -> Runtime:
    """A Temporal runtime whose SDK metrics (workflow and activity task latencies, poll
    counts, schedule-to-start…) are served for Prometheus at ``bind_address``."""
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))


async def ensure_search_attributes(client: Client, *, attempts: int = 30) -> list[str]:
    """Register the search attributes the namespace lacks; returns the names added.

    A namespace registered a moment ago reaches every frontend of a cluster only after its
    namespace cache refreshes (seconds), so NOT_FOUND is retried for a while.
    """
    for attempt in range(attempts):
        try:
            return await _add_missing_search_attributes(client)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND or attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
    raise AssertionError("unreachable")


async def _add_missing_search_attributes(client: Client) -> list[str]:
    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    known = set(listing.custom_attributes) | set(listing.system_attributes)
    missing = {
        key.name: key.indexed_value_type for key in SEARCH_ATTRIBUTES if key.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=client.namespace,
                search_attributes={
                    name: IndexedValueType.ValueType(kind) for name, kind in missing.items()
                },
            )
        )
    return sorted(missing)
