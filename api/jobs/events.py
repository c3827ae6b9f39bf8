"""A job's stream events, derived from its workflow history.

Temporal's history is the single record of what a job did: a batch scheduled is a step
starting, a batch completed carries its log lines, a delivery carries the ids of the leads
it published, and the workflow's result is the terminal event. Event ids are positions in
that history (run, event, sub-event), so replaying after any ``Last-Event-ID`` is exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.clock import as_utc, isoformat, utcnow
from store.db import Database
from store.objects import JobObject, artifact_ref, dump
from store.repositories import artifacts, jobs, leads
from store.tenancy import Tenant
from workflows import names
from workflows.job_types import (
    BatchRequest,
    BatchResult,
    DeliverRequest,
    DeliverResult,
    JobOutcome,
    PublishRequest,
    PublishResult,
    ResolveRequest,
    ResolveResult,
)

_EVENT_ID = re.compile(r"^evt_(\d+)-(\d+)-(\d+)$")
PENDING_POLL_SECONDS = 1.0
TERMINAL_TYPES = ("done", "error", "stopped")
TERMINAL_STATUSES = ("succeeded", "failed", "stopped")
# How long a stream waits for a job whose run was cut short to be concluded by its supervisor.
CONCLUDE_WAIT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of a job's stream: its data as a dict, or as the JSON text it was spliced
    into (a result event's leads are their stored JSON, never decoded on the way out)."""

    id: str
    type: str
    at: datetime
    fields: dict[str, Any] | None = None
    text: str | None = None

    @property
    def data(self) -> dict[str, Any]:
        """The event's data."""
        if self.fields is not None:
            return self.fields
        data: dict[str, Any] = json.loads(self.text or "{}")
        return data

    def json(self) -> str:
        """The event's data as JSON, as the stream sends it."""
        if self.text is not None:
            return self.text
        return json.dumps(self.fields, ensure_ascii=False)

    @property
    def position(self) -> tuple[int, int, int]:
        """Where the event sits in the job's history."""
        return parse_event_id(self.id) or (0, 0, 0)


def parse_event_id(value: str | None) -> tuple[int, int, int] | None:
    """The history position an event id names, or None when it is not one of ours."""
    match = _EVENT_ID.match(value or "")
    if match is None:
        return None
    run, event, sub = match.groups()
    return int(run), int(event), int(sub)


CONTINUED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
# Activities whose input the stream reads, by activity name.
REQUEST_TYPES: dict[str, type] = {
    names.JOB_RUN_BATCH_ACTIVITY: BatchRequest,
    names.JOB_RESOLVE_ACTIVITY: ResolveRequest,
    names.JOB_DELIVER_ACTIVITY: DeliverRequest,
    names.JOB_PUBLISH_ACTIVITY: PublishRequest,
}


@dataclass(frozen=True, slots=True)
class _LeadsOf:
    """A result event's leads, read from the database only when the event is sent."""

    ids: Sequence[str]


# A stream event before it is sent: its type, and its data or the leads to read for it.
Translated = tuple[str, "dict[str, Any] | _LeadsOf"]


@dataclass(frozen=True, slots=True)
class _Undecoded:
    """An activity input not decoded yet (skimmed history)."""

    payloads: Any


def _leads_json(leads: Sequence[str]) -> str:
    """A result event's data, ``{"leads": [...]}``, spliced from each lead's stored JSON
    exactly as ``json.dumps`` would write the whole."""
    return '{"leads": [' + ", ".join(leads) + "]}"


def _next_run(page: Sequence[HistoryEvent]) -> str | None:
    """The run a page of history continues as, when it ends its run that way."""
    for event in page:
        if event.event_type == CONTINUED:
            return event.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    return None


def _event_time(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime(tzinfo=UTC)


class JobEventSource:
    """Reads a job's history and turns it into stream events."""

    def __init__(self, client: Client, database: Database, tenant: Tenant, job_id: str) -> None:
        self.client = client
        self.database = database
        self.tenant = tenant
        self.job_id = job_id

    async def _decode(self, payloads: Any, kind: type) -> Any:
        values = await self.client.data_converter.decode(list(payloads.payloads), [kind])
        return values[0] if values else None

    async def _job_payload(self) -> dict[str, Any] | None:
        # A stream's reads finish even when its client leaves halfway: a read cancelled inside
        # its transaction could keep the database locked.
        return await asyncio.shield(self._read_job())

    async def _read_job(self) -> dict[str, Any] | None:
        async with self.database.transaction() as session:
            job = await jobs.get(session, self.tenant, self.job_id)
            if job is None:
                return None
            artifact = await artifacts.for_job(session, job.id)
            return dump(JobObject.from_row(job, artifact_ref(artifact)))

    async def _leads(self, ids: Sequence[str]) -> dict[str, str]:
        """The public JSON of these published leads, by id."""
        if not ids:
            return {}
        return await asyncio.shield(self._read_leads(ids))

    async def _read_leads(self, ids: Sequence[str]) -> dict[str, str]:
        async with self.database.transaction() as session:
            return await leads.published_json(session, self.job_id, ids)

    async def _first_run_id(self) -> str | None:
        handle = self.client.get_workflow_handle(self.job_id)
        try:
            async for event in handle.fetch_history_events(page_size=1):
                attributes = event.workflow_execution_started_event_attributes
                return attributes.first_execution_run_id or attributes.original_execution_run_id
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
        return None

    async def _wait_for_run(self, follow: bool) -> tuple[str | None, StreamEvent | None]:
        """The first run id, waiting while the job is pending; or a terminal event."""
        while True:
            run_id = await self._first_run_id()
            if run_id is not None:
                return run_id, None
            job = await self._job_payload()
            if job is None:
                return None, None
            if job["status"] in ("stopped", "failed", "succeeded"):
                # It ended without a workflow (stopped before approval).
                return None, StreamEvent(
                    id="evt_0-0-0",
                    type="stopped" if job["status"] == "stopped" else "error",
                    fields={"job_id": self.job_id, "summary": job["summary"], "job": job},
                    at=utcnow(),
                )
            if not follow:
                return None, None
            await asyncio.sleep(PENDING_POLL_SECONDS)

    async def events(
        self, *, follow: bool, after: tuple[int, int, int] | None = None
    ) -> AsyncGenerator[StreamEvent, None]:
        """Every event of the job in order (only those past ``after`` when given); with
        ``follow``, wait for new ones until the end.

        History before the resume point is only skimmed: nothing in it is decoded and no lead
        is read from the database, so a reconnect costs what the missed tail costs."""
        run_id, synthetic = await self._wait_for_run(follow)
        if synthetic is not None and (after is None or synthetic.position > after):
            yield synthetic
        run_index = 0
        while run_id is not None:
            scheduled: dict[int, tuple[str, Any]] = {}
            next_run: str | None = None
            async with contextlib.aclosing(self._pages(run_id, follow)) as pages:
                async for page in pages:
                    next_run = _next_run(page) or next_run
                    for event in await self._page_events(page, run_index, after, scheduled):
                        yield event
            run_id = next_run
            run_index += 1

    async def _page_events(
        self,
        page: Sequence[HistoryEvent],
        run_index: int,
        after: tuple[int, int, int] | None,
        scheduled: dict[int, tuple[str, Any]],
    ) -> list[StreamEvent]:
        """The stream events of one page of a run's history past ``after``; the leads of its
        results are read from the database in one query."""
        pending: list[tuple[str, str, dict[str, Any] | _LeadsOf, datetime]] = []
        for event in page:
            if after is not None and (run_index, event.event_id) < after[:2]:
                self._skim(event, scheduled)
                continue
            translated = await self._translate(event, scheduled)
            for sub, (kind, data) in enumerate(translated):
                if after is not None and (run_index, event.event_id, sub) <= after:
                    continue
                event_id = f"evt_{run_index}-{event.event_id}-{sub}"
                pending.append((event_id, kind, data, _event_time(event)))
        leads_by_id = await self._leads(
            [i for _, _, data, _ in pending if isinstance(data, _LeadsOf) for i in data.ids]
        )
        events = []
        for event_id, kind, data, at in pending:
            if isinstance(data, _LeadsOf):
                text = _leads_json([leads_by_id[i] for i in data.ids if i in leads_by_id])
                events.append(StreamEvent(id=event_id, type=kind, text=text, at=at))
            else:
                events.append(StreamEvent(id=event_id, type=kind, fields=data, at=at))
        return events

    async def _pages(self, run_id: str, follow: bool) -> AsyncGenerator[list[HistoryEvent], None]:
        """A run's history, page by page; with ``follow``, waiting for new events until it
        ends. The next page is fetched while the caller works on the current one: the
        history read and the work on it overlap."""
        handle = self.client.get_workflow_handle(self.job_id, run_id=run_id)
        pages = handle.fetch_history_events(wait_new_event=follow)
        fetching = asyncio.ensure_future(pages.fetch_next_page())
        try:
            while True:
                await fetching
                page, more = list(pages.current_page or []), pages.next_page_token is not None
                if more:
                    fetching = asyncio.ensure_future(pages.fetch_next_page())
                yield page
                if not more:
                    return
        finally:
            # A caller gone halfway leaves a fetch (a long poll, when following) behind.
            if not fetching.done():
                fetching.cancel()
            elif not fetching.cancelled():
                fetching.exception()  # seen: a failed read nobody waits for is not an error

    @staticmethod
    def _skim(event: HistoryEvent, scheduled: dict[int, tuple[str, Any]]) -> None:
        """Note an activity scheduled before the resume point, undecoded: its completion
        may come after it."""
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            scheduled[event.event_id] = (
                attributes.activity_type.name,
                _Undecoded(attributes.input),
            )

    async def _request(
        self, scheduled: dict[int, tuple[str, Any]], event_id: int
    ) -> tuple[str, Any]:
        activity, request = scheduled.get(event_id, ("", None))
        if isinstance(request, _Undecoded):
            kind = REQUEST_TYPES.get(activity)
            request = await self._decode(request.payloads, kind) if kind else None
            scheduled[event_id] = (activity, request)
        return activity, request

    async def _translate(
        self, event: HistoryEvent, scheduled: dict[int, tuple[str, Any]]
    ) -> list[Translated]:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            return await self._on_scheduled(event, scheduled)
        if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            attributes = event.activity_task_completed_event_attributes
            activity, request = await self._request(scheduled, attributes.scheduled_event_id)
            return await self._on_completed(activity, request, attributes.result)
        if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
            failed = event.activity_task_failed_event_attributes
            activity, request = await self._request(scheduled, failed.scheduled_event_id)
            if activity == names.JOB_RUN_BATCH_ACTIVITY and isinstance(request, BatchRequest):
                message = failed.failure.message or "the step failed"
                return [
                    (
                        "step",
                        {
                            "step_id": request.step_id,
                            "status": "failed",
                            "title": request.title,
                            "error": message,
                        },
                    )
                ]
            return []
        if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
            canceled = event.activity_task_canceled_event_attributes
            activity, request = await self._request(scheduled, canceled.scheduled_event_id)
            if isinstance(request, BatchRequest):
                return [("log", {"message": f"Stopped during {request.title}"})]
            return []
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            completed = event.workflow_execution_completed_event_attributes
            outcome = await self._decode(completed.result, JobOutcome)
            return await self._terminal(outcome)
        if kind in (
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        ):
            return await self._ended_abnormally()
        return []

    async def _ended_abnormally(self) -> list[Translated]:
        """The terminal event of a run that failed, or was terminated or timed out: the job's
        own record says what happened (its supervisor concludes it in the last case)."""
        job = await self._job_payload()
        deadline = asyncio.get_running_loop().time() + CONCLUDE_WAIT_SECONDS
        while job is not None and job["status"] not in TERMINAL_STATUSES:
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(PENDING_POLL_SECONDS)
            job = await self._job_payload()
        error = (job or {}).get("error") or {}
        artifact = (job or {}).get("artifact") or {}
        if job is not None and job["status"] == "stopped":
            return [
                (
                    "stopped",
                    {
                        "job_id": self.job_id,
                        "artifact_id": artifact.get("id"),
                        "summary": job["summary"],
                        "reason": job.get("stop_reason"),
                        "job": job,
                    },
                )
            ]
        return [
            (
                "error",
                {
                    "job_id": self.job_id,
                    "artifact_id": artifact.get("id"),
                    "summary": (job or {}).get("summary"),
                    "code": error.get("code", "job_halted"),
                    "message": error.get("message", "The job's run ended unexpectedly."),
                    "job": job,
                },
            )
        ]

    async def _on_scheduled(
        self, event: HistoryEvent, scheduled: dict[int, tuple[str, Any]]
    ) -> list[Translated]:
        attributes = event.activity_task_scheduled_event_attributes
        activity = attributes.activity_type.name
        kind = REQUEST_TYPES.get(activity)
        request: Any = await self._decode(attributes.input, kind) if kind else None
        scheduled[event.event_id] = (activity, request)
        if isinstance(request, BatchRequest) and request.batch_no == 0 and not request.after_render:
            return [
                ("step", {"step_id": request.step_id, "status": "started", "title": request.title})
            ]
        if isinstance(request, PublishRequest) and request.wave_no == 0 and request.step_id:
            return [
                ("step", {"step_id": request.step_id, "status": "started", "title": request.title})
            ]
        if isinstance(request, ResolveRequest) and request.step_id:
            return [
                ("step", {"step_id": request.step_id, "status": "started", "title": request.title})
            ]
        return []

    async def _on_completed(self, activity: str, request: Any, result: Any) -> list[Translated]:
        out: list[Translated] = []
        if activity == names.JOB_RUN_BATCH_ACTIVITY:
            batch: BatchResult = await self._decode(result, BatchResult)
            out += [("log", {"message": line}) for line in batch.logs]
            if batch.renders:
                return out
            if batch.done and isinstance(request, BatchRequest):
                out.append(
                    (
                        "step",
                        {"step_id": batch.step_id, "status": "completed", "title": request.title},
                    )
                )
        elif activity == names.JOB_RESOLVE_ACTIVITY:
            resolved: ResolveResult = await self._decode(result, ResolveResult)
            out += [("log", {"message": line}) for line in resolved.logs]
            if resolved.batches == 0 and isinstance(request, ResolveRequest) and request.step_id:
                out.append(
                    (
                        "step",
                        {"step_id": request.step_id, "status": "completed", "title": request.title},
                    )
                )
        elif activity == names.JOB_DELIVER_ACTIVITY:
            delivered: DeliverResult = await self._decode(result, DeliverResult)
            if delivered.lead_ids:
                # Read when sent: a resumed stream skips the results it already has.
                out.append(("result", _LeadsOf(delivered.lead_ids)))
            if delivered.last and isinstance(request, DeliverRequest) and request.step_id:
                out.append(
                    (
                        "step",
                        {"step_id": request.step_id, "status": "completed", "title": request.title},
                    )
                )
        elif activity == names.JOB_PUBLISH_ACTIVITY:
            published: PublishResult = await self._decode(result, PublishResult)
            out += [("log", {"message": line}) for line in published.logs]
            if published.lead_ids:
                out.append(("result", _LeadsOf(published.lead_ids)))
            if published.final and isinstance(request, PublishRequest) and request.step_id:
                out.append(
                    (
                        "step",
                        {"step_id": request.step_id, "status": "completed", "title": request.title},
                    )
                )
        elif activity == names.JOB_FINALIZE_ACTIVITY:
            outcome: JobOutcome = await self._decode(result, JobOutcome)
            if outcome.artifact is not None:
                out.append(("artifact", outcome.artifact.model_dump()))
        return out

    async def _terminal(self, outcome: JobOutcome) -> list[Translated]:
        job = await self._job_payload()
        artifact_id = outcome.artifact.artifact_id if outcome.artifact else None
        base = {"job_id": outcome.job_id, "artifact_id": artifact_id, "summary": outcome.summary}
        if outcome.status == "succeeded":
            return [("done", {**base, "job": job})]
        if outcome.status == "stopped":
            return [("stopped", {**base, "reason": outcome.stop_reason, "job": job})]
        error = outcome.error.model_dump() if outcome.error else {"code": "job_halted"}
        return [("error", {**base, **error, "job": job})]


def entry(event: StreamEvent) -> dict[str, Any]:
    """The JSON form of an event, as GET /logs returns it."""
    return {
        "object": "log_entry",
        "id": event.id,
        "type": event.type,
        "data": event.data,
        "created_at": isoformat(as_utc(event.at)),
    }
