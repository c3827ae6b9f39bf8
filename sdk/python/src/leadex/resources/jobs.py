"""Jobs: approve, stop, follow and read what they found."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from leadex._base import NOT_GIVEN, RequestOptions, drop_unset
from leadex._models import Job, JobSummary, Lead, LogEntry, PushResult
from leadex._pagination import AsyncPage, SyncPage
from leadex._streaming import AsyncJobStream, JobStream
from leadex.resources._resource import AsyncResource, SyncResource, query


def _approve_options(
    job_id: str, max_credits: Any, webhook_url: Any, idempotency_key: str | None
) -> RequestOptions:
    return RequestOptions(
        "POST",
        f"jobs/{job_id}/approve",
        json=drop_unset({"max_credits": max_credits, "webhook_url": webhook_url}),
        idempotency_key=idempotency_key,
    )


def _stop_options(job_id: str, reason: Any, idempotency_key: str | None) -> RequestOptions:
    return RequestOptions(
        "POST",
        f"jobs/{job_id}/stop",
        json=drop_unset({"reason": reason}),
        idempotency_key=idempotency_key,
    )


def _list_params(
    status: str | list[str] | None,
    thread_id: str | None,
    created_after: datetime | str | None,
    created_before: datetime | str | None,
    limit: int | None,
    cursor: str | None,
    order: str | None,
) -> dict[str, Any]:
    return query(
        status=",".join(status) if isinstance(status, list) else status,
        thread_id=thread_id,
        created_after=_timestamp(created_after),
        created_before=_timestamp(created_before),
        limit=limit,
        cursor=cursor,
        order=order,
    )


def _timestamp(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def _leads_params(
    min_confidence: float | None, has_field: str | list[str] | None, limit: Any, cursor: Any
) -> dict[str, Any]:
    return query(
        min_confidence=min_confidence,
        has_field=[has_field] if isinstance(has_field, str) else has_field,
        limit=limit,
        cursor=cursor,
    )


def _push_options(job_id: str, body: dict[str, Any], idempotency_key: str | None) -> RequestOptions:
    return RequestOptions(
        "POST", f"jobs/{job_id}/push", json=drop_unset(body), idempotency_key=idempotency_key
    )


class Jobs(SyncResource):
    """``client.jobs``: the execution of approved plans."""

    def approve(
        self,
        job_id: str,
        *,
        max_credits: int | None = NOT_GIVEN,
        webhook_url: str | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Job:
        """Approve a pending job; research starts at once. Example: ``client.jobs.approve(id)``"""
        options = _approve_options(job_id, max_credits, webhook_url, idempotency_key)
        return self._client._request(Job, options)

    def stop(
        self, job_id: str, *, reason: str | None = NOT_GIVEN, idempotency_key: str | None = None
    ) -> Job:
        """Stop a running job; what it collected goes to a partial artifact."""
        return self._client._request(Job, _stop_options(job_id, reason, idempotency_key))

    def retrieve(self, job_id: str) -> Job:
        """Retrieve a job. Safe to poll."""
        return self._client._request(Job, RequestOptions("GET", f"jobs/{job_id}"))

    def list(
        self,
        *,
        status: str | list[str] | None = None,
        thread_id: str | None = None,
        created_after: datetime | str | None = None,
        created_before: datetime | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> SyncPage[Job]:
        """Jobs across every thread; ``status`` may list several (``["running", "pending"]``)."""
        params = _list_params(
            status, thread_id, created_after, created_before, limit, cursor, order
        )
        return self._client._list(Job, RequestOptions("GET", "jobs", params=params))

    def stream(self, job_id: str, *, last_event_id: str | None = None) -> JobStream:
        """The job's events as they happen; ends after ``done``, ``error`` or ``stopped``.

        Example: ``for event in client.jobs.stream(job_id): print(event.type, event.data)``
        """
        return JobStream(self._client, job_id, last_event_id)

    def logs(
        self, job_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> SyncPage[LogEntry]:
        """Every event the stream has sent, oldest first."""
        params = query(limit=limit, cursor=cursor)
        return self._client._list(
            LogEntry, RequestOptions("GET", f"jobs/{job_id}/logs", params=params)
        )

    def leads(
        self,
        job_id: str,
        *,
        min_confidence: float | None = None,
        has_field: str | builtins.list[str] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> SyncPage[Lead]:
        """The job's leads with per-field sources and confidence; iterate to walk them all."""
        params = _leads_params(min_confidence, has_field, limit, cursor)
        return self._client._list(
            Lead, RequestOptions("GET", f"jobs/{job_id}/leads", params=params)
        )

    def summary(self, job_id: str) -> JobSummary:
        """Row count, coverage notes and caveats."""
        return self._client._request(JobSummary, RequestOptions("GET", f"jobs/{job_id}/summary"))

    def push(
        self,
        job_id: str,
        *,
        provider: str,
        mode: str = NOT_GIVEN,
        list_id: str | None = NOT_GIVEN,
        mapping: dict[str, str] | None = NOT_GIVEN,
        dry_run: bool = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> PushResult:
        """Push a succeeded job's leads to a connected CRM."""
        body = {
            "provider": provider,
            "mode": mode,
            "list_id": list_id,
            "mapping": mapping,
            "dry_run": dry_run,
        }
        return self._client._request(PushResult, _push_options(job_id, body, idempotency_key))


class AsyncJobs(AsyncResource):
    """``client.jobs``: the execution of approved plans."""

    async def approve(
        self,
        job_id: str,
        *,
        max_credits: int | None = NOT_GIVEN,
        webhook_url: str | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Job:
        """Approve a pending job; research starts at once."""
        options = _approve_options(job_id, max_credits, webhook_url, idempotency_key)
        return await self._client._request(Job, options)

    async def stop(
        self, job_id: str, *, reason: str | None = NOT_GIVEN, idempotency_key: str | None = None
    ) -> Job:
        """Stop a running job; what it collected goes to a partial artifact."""
        return await self._client._request(Job, _stop_options(job_id, reason, idempotency_key))

    async def retrieve(self, job_id: str) -> Job:
        """Retrieve a job. Safe to poll."""
        return await self._client._request(Job, RequestOptions("GET", f"jobs/{job_id}"))

    async def list(
        self,
        *,
        status: str | list[str] | None = None,
        thread_id: str | None = None,
        created_after: datetime | str | None = None,
        created_before: datetime | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        order: str | None = None,
    ) -> AsyncPage[Job]:
        """Jobs across every thread; ``status`` may list several."""
        params = _list_params(
            status, thread_id, created_after, created_before, limit, cursor, order
        )
        return await self._client._list(Job, RequestOptions("GET", "jobs", params=params))

    def stream(self, job_id: str, *, last_event_id: str | None = None) -> AsyncJobStream:
        """The job's events as they happen: ``async for event in client.jobs.stream(id)``."""
        return AsyncJobStream(self._client, job_id, last_event_id)

    async def logs(
        self, job_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[LogEntry]:
        """Every event the stream has sent, oldest first."""
        params = query(limit=limit, cursor=cursor)
        options = RequestOptions("GET", f"jobs/{job_id}/logs", params=params)
        return await self._client._list(LogEntry, options)

    async def leads(
        self,
        job_id: str,
        *,
        min_confidence: float | None = None,
        has_field: str | builtins.list[str] | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncPage[Lead]:
        """The job's leads with per-field sources and confidence."""
        params = _leads_params(min_confidence, has_field, limit, cursor)
        options = RequestOptions("GET", f"jobs/{job_id}/leads", params=params)
        return await self._client._list(Lead, options)

    async def summary(self, job_id: str) -> JobSummary:
        """Row count, coverage notes and caveats."""
        options = RequestOptions("GET", f"jobs/{job_id}/summary")
        return await self._client._request(JobSummary, options)

    async def push(
        self,
        job_id: str,
        *,
        provider: str,
        mode: str = NOT_GIVEN,
        list_id: str | None = NOT_GIVEN,
        mapping: dict[str, str] | None = NOT_GIVEN,
        dry_run: bool = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> PushResult:
        """Push a succeeded job's leads to a connected CRM."""
        body = {
            "provider": provider,
            "mode": mode,
            "list_id": list_id,
            "mapping": mapping,
            "dry_run": dry_run,
        }
        options = _push_options(job_id, body, idempotency_key)
        return await self._client._request(PushResult, options)
