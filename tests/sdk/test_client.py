"""The SDK against the running stack: errors, retries, idempotency, streams, pages, files."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from leadex import (
    AsyncLeadex,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InsufficientCreditsError,
    Leadex,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from tests.support.stack import Keys, Stack

pytestmark = pytest.mark.backends("sqlite")

PROMPT = "Find Series A fintechs in France with 20+ engineers. Pull VP Eng and Head of Growth."


class Recorder(httpx.HTTPTransport):
    """A real transport that remembers each request, and can lose or cut chosen answers."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []
        self.lose_answer_to: set[str] = set()  # paths whose first answer is lost after acting
        self.cut_stream_after: int | None = None  # events before the first stream is cut

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = super().handle_request(request)
        path = request.url.path
        if path in self.lose_answer_to:
            self.lose_answer_to.discard(path)
            response.read()  # the server has acted and answered; the answer never arrives
            response.close()
            raise httpx.ReadError("connection reset by peer", request=request)
        if path.endswith("/stream") and self.cut_stream_after is not None:
            after, self.cut_stream_after = self.cut_stream_after, None
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                stream=_Cut(response, after),
                request=request,
            )
        return response


class _Cut(httpx.SyncByteStream):
    """A body that breaks off in the middle of the event after ``after`` whole events."""

    def __init__(self, response: httpx.Response, after: int) -> None:
        self.response = response
        self.after = after

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for chunk in self.response.iter_raw():
            events = chunk.replace(b"\r\n", b"\n").count(b"\n\n")
            if seen + events > self.after:
                yield chunk[: max(1, len(chunk) // 2)]
                break
            seen += events
            yield chunk
        self.response.close()
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message")


def _client(stack: Stack, key: str, transport: httpx.BaseTransport, **options: Any) -> Leadex:
    return Leadex(
        api_key=key,
        base_url=stack.base_url,
        http_client=httpx.Client(transport=transport),
        **options,
    )


def test_errors_map_from_the_envelope(stack: Stack, org: Keys, client: Leadex) -> None:
    with pytest.raises(AuthenticationError) as unauthenticated:
        Leadex(api_key="sk_test_nope", base_url=stack.base_url).threads.list()
    with pytest.raises(PermissionDeniedError) as forbidden:
        Leadex(api_key=org.read_only, base_url=stack.base_url).threads.create(title="x")
    with pytest.raises(NotFoundError) as missing:
        client.jobs.retrieve("job_doesnotexist")
    with pytest.raises(UnprocessableEntityError) as invalid:
        client.threads.create(title="x" * 201)
    with pytest.raises(BadRequestError) as malformed:
        client.threads.list(cursor="not-a-cursor")
    seen = [unauthenticated, forbidden, missing, invalid, malformed]
    assert [error.value.status_code for error in seen] == [401, 403, 404, 422, 400]
    assert [error.value.code for error in seen] == [
        "authentication_error",
        "permission_error",
        "not_found",
        "invalid_request_error",
        "invalid_request_error",
    ]
    assert invalid.value.param == "title" and malformed.value.param == "cursor"
    for error in seen:
        assert error.value.request_id and error.value.request_id.startswith("req_")
        assert error.value.message and error.value.request_id in str(error.value)


def test_illegal_transition_is_a_conflict(client: Leadex) -> None:
    thread = client.threads.create(title="twice")
    created = client.messages.create(thread.id, content=PROMPT)
    client.jobs.approve(created.job.id)
    with pytest.raises(ConflictError) as conflict:
        client.jobs.approve(created.job.id)  # a new write: its own idempotency key
    assert conflict.value.status_code == 409 and conflict.value.code == "conflict"
    client.jobs.stop(created.job.id)


async def test_out_of_credits(stack: Stack) -> None:
    poor = await stack.new_org(credits=0)
    with Leadex(api_key=poor.live, base_url=stack.base_url) as client:
        thread = client.threads.create(title="poor")
        created = client.messages.create(thread.id, content=PROMPT)
        with pytest.raises(InsufficientCreditsError) as refused:
            client.jobs.approve(created.job.id)
    assert refused.value.status_code == 402 and refused.value.code == "insufficient_credits"


def test_a_retried_write_acts_once(stack: Stack, org: Keys) -> None:
    transport = Recorder()
    transport.lose_answer_to.add("/v1/threads")
    with _client(stack, org.test, transport) as client:
        client._sleep = lambda seconds: None  # type: ignore[method-assign]
        thread = client.threads.create(title="exactly once")
        created = client.messages.create(thread.id, content=PROMPT)
        transport.lose_answer_to.add(f"/v1/jobs/{created.job.id}/approve")
        approved = client.jobs.approve(created.job.id)  # the retry is replayed, not a 409
        listed = list(client.threads.list())
    assert [entry.id for entry in listed] == [thread.id]
    assert approved.status in {"running", "succeeded"}
    posts = [r for r in transport.requests if r.method == "POST" and r.url.path == "/v1/threads"]
    approves = [r for r in transport.requests if r.url.path.endswith("/approve")]
    assert len(posts) == 2 and len(approves) == 2
    for pair in (posts, approves):
        keys = {request.headers["idempotency-key"] for request in pair}
        assert len(keys) == 1 and keys != {""}
    # Separate writes get separate keys.
    assert posts[0].headers["idempotency-key"] != approves[0].headers["idempotency-key"]


async def test_rate_limit_waits_for_retry_after(stack: Stack) -> None:
    starter = await stack.new_org(tier="starter")
    refusals: list[httpx.Response] = []
    waits: list[float] = []

    def remember(response: httpx.Response) -> None:
        if response.status_code == 429:
            refusals.append(response)

    with httpx.Client(
        base_url=stack.base_url, headers={"Authorization": f"Bearer {starter.test}"}
    ) as raw:
        for _ in range(200):
            if raw.get("/v1/threads").status_code == 429:
                break
        else:
            pytest.fail("the Starter tier's request limit never answered 429")
    impatient = Leadex(api_key=starter.test, base_url=stack.base_url, max_retries=0)
    with impatient, pytest.raises(RateLimitError) as limited:
        impatient.threads.list()
    assert limited.value.code == "rate_limit_error" and limited.value.retry_after is not None
    http = httpx.Client(event_hooks={"response": [remember]})
    with Leadex(
        api_key=starter.test, base_url=stack.base_url, max_retries=2, http_client=http
    ) as patient:

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            time.sleep(seconds)

        patient._sleep = sleep  # type: ignore[method-assign]
        page = patient.threads.list()
    http.close()
    assert page.data == []
    assert refusals, "the patient client never met the limit"
    assert waits[: len(refusals)] == [float(r.headers["retry-after"]) for r in refusals]


def _events(client: Leadex, job_id: str) -> list[tuple[str | None, str]]:
    return [(event.id, event.type) for event in client.jobs.stream(job_id)]


def test_a_cut_stream_resumes_without_loss_or_repeat(stack: Stack, org: Keys) -> None:
    transport = Recorder()
    with _client(stack, org.test, transport) as client:
        thread = client.threads.create(title="cut")
        created = client.messages.create(thread.id, content=PROMPT, hints={"max_rows": 30})
        client.jobs.approve(created.job.id)
        transport.cut_stream_after = 3
        resumed = _events(client, created.job.id)
        whole = _events(client, created.job.id)  # the job has ended: a full replay
    streams = [r for r in transport.requests if r.url.path.endswith("/stream")]
    assert len(streams) == 3
    assert "last-event-id" not in streams[0].headers
    assert streams[1].headers["last-event-id"] in {event_id for event_id, _ in resumed[:-1]}
    assert resumed == whole
    assert len({event_id for event_id, _ in resumed}) == len(resumed)
    assert resumed[-1][1] == "done"


async def test_async_stream_resumes_and_pages_walk(stack: Stack, org: Keys) -> None:
    with Leadex(api_key=org.test, base_url=stack.base_url) as client:
        finished = client.search(prompt=PROMPT, max_rows=10)
        whole = _events(client, finished.job_id)
    async with AsyncLeadex(api_key=org.test, base_url=stack.base_url) as client:
        after_third = [
            (event.id, event.type)
            async for event in client.jobs.stream(finished.job_id, last_event_id=whole[2][0])
        ]
        for index in range(4):
            await client.threads.create(title=f"paged {index}")
        page = await client.threads.list(limit=2)
        walked = [thread.title async for thread in page]
        pages = [len(each.data) async for each in page.iter_pages()]
        leads = [lead async for lead in await client.jobs.leads(finished.job_id, limit=3)]
    assert after_third == whole[3:]
    assert walked[:4] == [f"paged {index}" for index in (3, 2, 1, 0)]
    assert len(walked) == 5 and pages == [2, 2, 1]
    assert len(leads) == len(finished.leads)
    assert {lead.id for lead in leads} == {lead.id for lead in finished.leads}


def test_sync_pages_walk_every_item(client: Leadex) -> None:
    made = [client.threads.create(title=f"t{index}").id for index in range(5)]
    page = client.threads.list(limit=2)
    assert len(page.data) == 2 and page.has_more and page.next_cursor
    assert [thread.id for thread in page] == made[::-1]
    assert [len(each) for each in page.iter_pages()] == [2, 2, 1]
    assert [thread.id for thread in client.threads.list(limit=2, order="asc")] == made


def test_artifact_download_in_each_format(client: Leadex, tmp_path: Path) -> None:
    result = client.search(prompt=PROMPT, max_rows=5, format="xlsx")
    assert result.artifact is not None and result.file is not None
    saved = result.file.save_to(tmp_path)  # a directory: the server's file name
    assert saved.suffix == ".xlsx" and saved.parent == tmp_path
    sheet = openpyxl.load_workbook(saved).active
    assert sheet is not None and sheet.max_row == result.artifact.rows + 1
    as_json = client.artifacts.download(result.artifact.id, format="json")
    assert len(json.loads(as_json.text)["data"]) == len(result.leads)
    csv_path = tmp_path / "nested" / "leads.csv"
    as_csv = client.artifacts.download(result.artifact.id, to=csv_path)
    assert csv_path.read_bytes() == as_csv.content
    assert len(as_csv.text.strip().splitlines()) == result.artifact.rows + 1
    record = client.artifacts.retrieve(result.artifact.id)
    assert record.download_url is not None
    assert record.download_url.startswith(client.base_url.removesuffix("/v1"))


def test_every_resource_reaches_its_endpoint(client: Leadex) -> None:
    thread = client.threads.create(title="tour", metadata={"crm_campaign_id": "camp_117"})
    assert client.threads.update(thread.id, title="renamed").title == "renamed"
    assert client.threads.retrieve(thread.id).metadata == {"crm_campaign_id": "camp_117"}
    created = client.messages.create(thread.id, content=PROMPT)
    assert client.plans.retrieve(created.plan.id).steps == created.plan.steps
    redone = client.plans.replan(created.plan.id, feedback="Only VP Eng.")
    assert redone.plan.previous_plan_id == created.plan.id and redone.job.status == "pending"
    assert next(m.role for m in client.messages.list(thread.id)) == "user"
    client.jobs.approve(redone.job.id)
    events = _events(client, redone.job.id)
    logs = list(client.jobs.logs(redone.job.id, limit=2))
    assert [(entry.id, entry.type) for entry in logs] == events
    summary = client.jobs.summary(redone.job.id)
    job = client.jobs.retrieve(redone.job.id)
    assert summary.status == job.status == "succeeded"
    assert job.artifact is not None and summary.companies == job.artifact.rows
    assert [a.id for a in client.artifacts.list()] == [job.artifact.id]
    assert client.artifacts.update(job.artifact.id, shareable=True).shareable is True
    me = client.account.me()
    assert me.livemode is False and client.account.organization().id == me.organization.id
    assert client.usage.retrieve(group_by="day").plan == me.organization.plan
    assert client.usage.set_budget(monthly_credits=500).monthly_credits == 500
    assert client.usage.budget().monthly_credits == 500
    minted = client.api_keys.create(name="ci", scopes=["read"])
    assert minted.secret and minted.id in {key.id for key in client.api_keys.list()}
    assert client.api_keys.revoke(minted.id).revoked_at is not None
    invited = client.members.invite(email="ops@example.com")
    assert invited.id in {member.id for member in client.members.list()}
    schedule = client.schedules.create(
        prompt=PROMPT, cron="0 9 * * MON", timezone="Europe/Paris", max_rows=4, paused=True
    )
    assert schedule.paused and schedule.spec.timezone == "Europe/Paris"
    assert client.schedules.update(schedule.id, max_rows=6).max_rows == 6
    resumed = client.schedules.resume(schedule.id, note="back on")
    assert not resumed.paused and resumed.note == "back on"
    assert client.schedules.pause(schedule.id, note="holiday").paused
    assert schedule.id in {item.id for item in client.schedules.list()}
    assert client.schedules.retrieve(schedule.id).id == schedule.id
    assert client.schedules.delete(schedule.id).deleted
    deleted = client.threads.delete(thread.id)
    assert deleted.deleted and deleted.id == thread.id
    with pytest.raises(NotFoundError):
        client.threads.retrieve(thread.id)
