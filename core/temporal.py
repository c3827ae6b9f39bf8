"""Connecting to Temporal, and the search attributes that make runs findable in its UI."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

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


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """A client for the configured address and namespace, speaking pydantic models; workers
    pass a runtime that exports the SDK's own metrics."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        runtime=runtime,
    )


def prometheus_runtime(bind_address: str) -> Runtime:
    """A Temporal runtime whose SDK metrics (workflow and activity task latencies, poll
    counts, schedule-to-start…) are served for Prometheus at ``bind_address``."""
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))


async def ensure_search_attributes(client: Client) -> list[str]:
    """Register the search attributes the namespace lacks; returns the names added."""
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
