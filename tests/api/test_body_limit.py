"""Request bodies are bounded: an oversized body is refused with 413 in the envelope, after
authentication, without the API reading (or holding) the rest of it."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from tests.support.asserts import assert_error
from tests.support.stack import Keys, Stack

HUNDRED_MB = 100 * 1024 * 1024
CHUNK = b'{"content": "' + b"x" * (1024 * 1024 - 14)


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _raw_post(stack: Stack, path: str, secret: str, *, declared: bool) -> bytes:
    """POST 100 MB over a raw socket, stopping when the server answers; the response bytes."""
    url = httpx.URL(stack.base_url)
    with socket.create_connection((url.host, url.port or 80), timeout=30) as connection:
        framing = f"Content-Length: {HUNDRED_MB}" if declared else "Transfer-Encoding: chunked"
        connection.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {url.host}\r\nAuthorization: Bearer {secret}\r\n"
                f"Content-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        sent = 0
        connection.settimeout(0.05)
        answer = b""
        while sent < HUNDRED_MB:
            piece = CHUNK if declared else b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK)
            try:
                connection.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(CHUNK)
            try:
                answer += connection.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
            if b"\r\n\r\n" in answer:
                break
        connection.settimeout(10)
        try:
            while chunk := connection.recv(65536):
                answer += chunk
                if b"}}" in answer:
                    break
        except (TimeoutError, ConnectionResetError):
            pass
    assert sent < HUNDRED_MB // 2, "the server read the whole body before answering"
    return answer


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_100_mb_body_is_refused_without_being_read(
    stack: Stack, org: Keys, declared: bool
) -> None:
    async with stack.client(org.test) as client:
        thread = (await client.post("/v1/threads", json={})).json()
    before = _rss_bytes(stack.api.pid)
    answer = _raw_post(stack, f"/v1/threads/{thread['id']}/messages", org.test, declared=declared)
    after = _rss_bytes(stack.api.pid)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"code":"invalid_request_error"' in body and b"1,000,000-byte limit" in body
    assert after - before < 30 * 1024 * 1024, (before, after)
    async with stack.client(org.test) as client:
        messages = (await client.get(f"/v1/threads/{thread['id']}/messages")).json()
    assert messages["data"] == []


@pytest.mark.backends("sqlite")
async def test_authentication_comes_before_the_size_check(stack: Stack, org: Keys) -> None:
    big = b'{"title": "' + b"x" * 2_000_000 + b'"}'
    async with stack.client() as anonymous:
        unauthenticated = await anonymous.post("/v1/threads", content=big)
    async with stack.client(org.test) as client:
        too_large = await client.post(
            "/v1/threads", content=big, headers={"Content-Type": "application/json"}
        )
        just_under = await client.post(
            "/v1/threads",
            content=b'{"metadata": {"k": "' + b"x" * 400 + b'"}}',
            headers={"Content-Type": "application/json"},
        )
    assert_error(unauthenticated, 401, "authentication_error")
    assert_error(too_large, 413, "invalid_request_error")
    assert just_under.status_code == 200
