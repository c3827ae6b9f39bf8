"""The bases of every resource: a handle on its client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leadex._client import AsyncLeadex, Leadex


class SyncResource:
    """A group of endpoints reached through ``client.<name>``."""

    def __init__(self, client: Leadex) -> None:
        self._client = client


class AsyncResource:
    """A group of endpoints reached through ``client.<name>``, awaited."""

    def __init__(self, client: AsyncLeadex) -> None:
        self._client = client


def query(**values: Any) -> dict[str, Any]:
    """Query parameters without the ones left at ``None``."""
    return {key: value for key, value in values.items() if value is not None}
