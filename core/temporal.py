"""Connecting to Temporal, and the search attributes that make runs findable in its UI."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.contrib.pydantic import pydantic_data_converter

from core.config import Settings

ORG_ID = SearchAttributeKey.for_keyword("LeadexOrgId")
THREAD_ID = SearchAttributeKey.for_keyword("LeadexThreadId")
JOB_STATUS = SearchAttributeKey.for_keyword("LeadexJobStatus")
CREDITS_USED = SearchAttributeKey.for_int("LeadexCreditsUsed")
LIVEMODE = SearchAttributeKey.for_bool("LeadexLivemode")

SEARCH_ATTRIBUTES: tuple[SearchAttributeKey, ...] = (
    ORG_ID,
    THREAD_ID,
    JOB_STATUS,
    CREDITS_USED,
    LIVEMODE,
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


def dev_server_search_attribute_flags() -> list[str]:
    """``--search-attribute Name=Type`` flags for ``temporal server start-dev``."""
    flags: list[str] = []
    for key in SEARCH_ATTRIBUTES:
        flags += ["--search-attribute", f"{key.name}={_TYPE_NAMES[key.indexed_value_type.name]}"]
    return flags


async def connect(settings: Settings) -> Client:
    """A client for the configured address and namespace, speaking pydantic models."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
