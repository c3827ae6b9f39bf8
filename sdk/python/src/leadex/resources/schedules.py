"""Schedules: a search that runs again on a cron expression or calendar, on Temporal Schedules."""

from __future__ import annotations

from typing import Any

from leadex._base import NOT_GIVEN, RequestOptions, drop_unset
from leadex._models import Deleted, Schedule
from leadex._pagination import AsyncPage, SyncPage
from leadex.resources._resource import AsyncResource, SyncResource, query

_FIELDS = (
    "prompt",
    "thread_id",
    "content",
    "cron",
    "calendar",
    "timezone",
    "max_rows",
    "max_credits",
    "overlap",
    "exclude_previous",
    "webhook_url",
    "metadata",
    "paused",
    "note",
)


def _body(values: dict[str, Any]) -> dict[str, Any]:
    return drop_unset({name: values.get(name, NOT_GIVEN) for name in _FIELDS})


def _create(fields: dict[str, Any], idempotency_key: str | None) -> RequestOptions:
    return RequestOptions("POST", "schedules", json=_body(fields), idempotency_key=idempotency_key)


def _update(schedule_id: str, fields: dict[str, Any], key: str | None) -> RequestOptions:
    return RequestOptions(
        "PATCH", f"schedules/{schedule_id}", json=_body(fields), idempotency_key=key
    )


def _action(schedule_id: str, action: str, note: str | None = None) -> RequestOptions:
    body = {} if note is None else {"note": note}
    return RequestOptions("POST", f"schedules/{schedule_id}/{action}", json=body)


class Schedules(SyncResource):
    """``client.schedules``: recurring searches (for example every Monday 09:00 Europe/Paris)."""

    def create(self, *, idempotency_key: str | None = None, **fields: Any) -> Schedule:
        """Create a schedule. Example: ``client.schedules.create(prompt="CTOs of Berlin SaaS",
        cron="0 9 * * MON", timezone="Europe/Paris", exclude_previous=True)``"""
        return self._client._request(Schedule, _create(fields, idempotency_key))

    def retrieve(self, schedule_id: str) -> Schedule:
        """A schedule with its next run times and recent runs."""
        return self._client._request(Schedule, RequestOptions("GET", f"schedules/{schedule_id}"))

    def update(
        self, schedule_id: str, *, idempotency_key: str | None = None, **fields: Any
    ) -> Schedule:
        """Change what a schedule runs or when; only the fields given change."""
        return self._client._request(Schedule, _update(schedule_id, fields, idempotency_key))

    def pause(self, schedule_id: str, *, note: str | None = None) -> Schedule:
        """Stop a schedule's runs until it is resumed."""
        return self._client._request(Schedule, _action(schedule_id, "pause", note))

    def resume(self, schedule_id: str, *, note: str | None = None) -> Schedule:
        """Let a paused schedule run again."""
        return self._client._request(Schedule, _action(schedule_id, "resume", note))

    def trigger(self, schedule_id: str) -> Schedule:
        """Run a schedule now."""
        return self._client._request(Schedule, _action(schedule_id, "trigger"))

    def delete(self, schedule_id: str) -> Deleted:
        """Delete a schedule (its past runs' jobs stay)."""
        options = RequestOptions("DELETE", f"schedules/{schedule_id}")
        return self._client._request(Deleted, options)

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> SyncPage[Schedule]:
        """List schedules; iterate the page to walk them all."""
        params = query(limit=limit, cursor=cursor)
        return self._client._list(Schedule, RequestOptions("GET", "schedules", params=params))


class AsyncSchedules(AsyncResource):
    """``client.schedules``: recurring searches."""

    async def create(self, *, idempotency_key: str | None = None, **fields: Any) -> Schedule:
        """Create a schedule."""
        return await self._client._request(Schedule, _create(fields, idempotency_key))

    async def retrieve(self, schedule_id: str) -> Schedule:
        """A schedule with its next run times and recent runs."""
        options = RequestOptions("GET", f"schedules/{schedule_id}")
        return await self._client._request(Schedule, options)

    async def update(
        self, schedule_id: str, *, idempotency_key: str | None = None, **fields: Any
    ) -> Schedule:
        """Change what a schedule runs or when; only the fields given change."""
        return await self._client._request(Schedule, _update(schedule_id, fields, idempotency_key))

    async def pause(self, schedule_id: str, *, note: str | None = None) -> Schedule:
        """Stop a schedule's runs until it is resumed."""
        return await self._client._request(Schedule, _action(schedule_id, "pause", note))

    async def resume(self, schedule_id: str, *, note: str | None = None) -> Schedule:
        """Let a paused schedule run again."""
        return await self._client._request(Schedule, _action(schedule_id, "resume", note))

    async def trigger(self, schedule_id: str) -> Schedule:
        """Run a schedule now."""
        return await self._client._request(Schedule, _action(schedule_id, "trigger"))

    async def delete(self, schedule_id: str) -> Deleted:
        """Delete a schedule (its past runs' jobs stay)."""
        options = RequestOptions("DELETE", f"schedules/{schedule_id}")
        return await self._client._request(Deleted, options)

    async def list(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[Schedule]:
        """List schedules; ``async for`` over the page walks them all."""
        params = query(limit=limit, cursor=cursor)
        return await self._client._list(Schedule, RequestOptions("GET", "schedules", params=params))
