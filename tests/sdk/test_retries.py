"""Failure paths a real server cannot produce on demand, through httpx's MockTransport."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from leadex import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncLeadex,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    Leadex,
    PayloadTooLargeError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)

THREAD = {
    "id": "thr_1",
    "object": "thread",
    "livemode": False,
    "title": "t",
    "created_at": "2026-04-21T10:11:32.200Z",
    "updated_at": "2026-04-21T10:11:32.200Z",
    "message_count": 0,
    "last_job_id": None,
    "metadata": {},
}


def envelope(code: str, param: str | None = None, **extra: str) -> dict[str, object]:
    """The spec's error body."""
    return {
        "error": {
            "code": code,
            "message": f"{code} happened",
            "param": param,
            "request_id": "req_test",
            **extra,
        }
    }


Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*answers: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler that gives the answers in order and records each request."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle, seen


def sync_client(handler: Handler, waits: list[float], **options: object) -> Leadex:
    client = Leadex(
        api_key="sk_test_x",
        base_url="http://leadex.test",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        **options,  # type: ignore[arg-type]
    )
    client._sleep = waits.append  # type: ignore[method-assign,assignment]
    return client


def test_503_with_retry_after_is_waited_out() -> None:
    handler, seen = scripted(
        httpx.Response(503, json=envelope("internal_error"), headers={"Retry-After": "3"}),
        httpx.Response(200, json=THREAD),
    )
    waits: list[float] = []
    thread = sync_client(handler, waits).threads.create(title="t")
    assert thread.id == "thr_1" and waits == [3.0]
    assert seen[0].headers["idempotency-key"] == seen[1].headers["idempotency-key"]
    assert seen[0].url == "http://leadex.test/v1/threads"


def test_retries_run_out_into_the_mapped_error() -> None:
    busy = httpx.Response(503, json=envelope("internal_error"))
    handler, seen = scripted(busy, busy, busy)
    waits: list[float] = []
    with pytest.raises(ServiceUnavailableError) as failed:
        sync_client(handler, waits, max_retries=2).threads.retrieve("thr_1")
    assert len(seen) == 3 and len(waits) == 2
    assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0  # jittered doubling
    assert failed.value.request_id == "req_test" and failed.value.status_code == 503


def test_a_key_in_use_is_retried_and_a_reused_key_is_not() -> None:
    in_use = httpx.Response(
        409, json=envelope("conflict", "Idempotency-Key"), headers={"Retry-After": "1"}
    )
    handler, seen = scripted(in_use, httpx.Response(200, json=THREAD))
    waits: list[float] = []
    sync_client(handler, waits).threads.create(title="t", idempotency_key="mine")
    assert waits == [1.0] and [r.headers["idempotency-key"] for r in seen] == ["mine", "mine"]
    reused = httpx.Response(409, json=envelope("conflict", "Idempotency-Key"))
    handler, seen = scripted(reused)
    with pytest.raises(ConflictError) as conflict:
        sync_client(handler, []).threads.create(title="t", idempotency_key="mine")
    assert len(seen) == 1 and conflict.value.param == "Idempotency-Key"


def test_a_reset_in_the_middle_of_a_body_is_retried() -> None:
    class Broken(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b'{"id": "thr_1", "obj'
            raise httpx.ReadError("connection reset by peer")

    handler, seen = scripted(
        httpx.Response(200, stream=Broken()),
        httpx.Response(200, json=THREAD),
    )
    waits: list[float] = []
    assert sync_client(handler, waits).threads.retrieve("thr_1").title == "t"
    assert len(seen) == 2 and len(waits) == 1


def test_connection_failures_and_timeouts() -> None:
    handler, _ = scripted(*[httpx.ConnectError("refused")] * 3)
    with pytest.raises(APIConnectionError) as refused:
        sync_client(handler, []).threads.list()
    assert not isinstance(refused.value, APITimeoutError) and refused.value.status_code is None
    handler, seen = scripted(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError):
        sync_client(handler, [], max_retries=0).threads.list()
    assert len(seen) == 1


def test_a_long_retry_after_is_not_waited_silently() -> None:
    daily = httpx.Response(429, json=envelope("rate_limit_error"), headers={"Retry-After": "7200"})
    handler, seen = scripted(daily)
    waits: list[float] = []
    with pytest.raises(RateLimitError) as limited:
        sync_client(handler, waits).messages.create("thr_1", content="x")
    assert waits == [] and len(seen) == 1 and limited.value.retry_after == 7200.0


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, envelope("insufficient_credits"), InsufficientCreditsError),
        (413, envelope("invalid_request_error"), PayloadTooLargeError),
        (422, envelope("invalid_request_error", "content"), UnprocessableEntityError),
        (418, {"error": {"type": "teapot", "message": "short and stout"}}, APIStatusError),
        (409, {"error": {"type": "conflict", "message": "m"}}, ConflictError),
        (502, "<html>bad gateway</html>", InternalServerError),
    ],
)
def test_errors_map_by_code_then_status(
    status: int, body: object, expected: type[APIStatusError]
) -> None:
    answer = (
        httpx.Response(status, json=body)
        if isinstance(body, dict)
        else httpx.Response(status, text=str(body), headers={"X-Request-Id": "req_h"})
    )
    handler, _ = scripted(*[answer] * 3)
    with pytest.raises(expected) as raised:
        sync_client(handler, []).threads.list()
    assert type(raised.value) is expected
    assert raised.value.status_code == status and raised.value.message


def test_base_url_gets_its_version() -> None:
    assert Leadex(api_key="k", base_url="http://127.0.0.1:8000").base_url.endswith(":8000/v1")
    assert Leadex(api_key="k", base_url="https://api.leadex.cc/v1/").base_url == (
        "https://api.leadex.cc/v1"
    )


async def test_async_client_retries_the_same_way() -> None:
    handler, seen = scripted(
        httpx.Response(429, json=envelope("rate_limit_error"), headers={"Retry-After": "2"}),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=THREAD),
    )
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    client = AsyncLeadex(
        api_key="sk_test_x",
        base_url="http://leadex.test",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    client._sleep = sleep  # type: ignore[method-assign]
    async with client:
        thread = await client.threads.create(title="t")
    assert thread.id == "thr_1" and len(seen) == 3 and waits[0] == 2.0
    assert len({request.headers["idempotency-key"] for request in seen}) == 1


def test_with_options_shares_the_pool_and_changes_retries() -> None:
    busy = httpx.Response(503, json=envelope("internal_error"))
    handler, seen = scripted(*[busy] * 6)
    waits: list[float] = []
    client = sync_client(handler, waits, max_retries=4)
    patient = client.with_options(max_retries=1)
    patient._sleep = waits.append  # type: ignore[method-assign,assignment]
    with pytest.raises(ServiceUnavailableError):
        patient.threads.list()
    assert len(seen) == 2 and patient._http is client._http
    patient.close()  # a borrowed pool stays open for its owner
    with pytest.raises(ServiceUnavailableError):
        client.with_options(max_retries=0).threads.list()
    assert len(seen) == 3
