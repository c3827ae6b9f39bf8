"""Blob storage: a local directory, and S3 against a real S3-protocol server on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from store.blobs import BlobNotFound, BlobStore, LocalBlobStore, open_blob_store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone S3 server, over real HTTP."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


async def _exercise(store: BlobStore) -> None:
    await store.put("org_1/art_1/leads.csv", b"a,b\r\n1,2\r\n", "text/csv")
    assert await store.get("org_1/art_1/leads.csv") == b"a,b\r\n1,2\r\n"
    assert await store.exists("org_1/art_1/leads.csv")
    await store.put("org_1/art_1/leads.csv", b"replaced", "text/csv")
    assert await store.get("org_1/art_1/leads.csv") == b"replaced"
    await store.delete("org_1/art_1/leads.csv")
    assert not await store.exists("org_1/art_1/leads.csv")
    with pytest.raises(BlobNotFound):
        await store.get("org_1/art_1/leads.csv")
    with pytest.raises(ValueError, match="Invalid blob key"):
        await store.put("../escape", b"x", "text/plain")
    # A folder goes whole, and only that folder: its neighbour with a common name prefix stays.
    for name in ("leads.csv", "leads.json", "sub/table.json"):
        await store.put(f"org_1/art_2/{name}", b"x", "text/plain")
    await store.put("org_1/art_20/leads.csv", b"keep", "text/csv")
    assert await store.delete_prefix("org_1/art_2") == 3
    assert not await store.exists("org_1/art_2/leads.json")
    assert await store.get("org_1/art_20/leads.csv") == b"keep"
    assert await store.delete_prefix("org_1/art_2") == 0
    await store.delete("org_1/art_20/leads.csv")


async def test_local_directory(tmp_path: Path) -> None:
    await _exercise(open_blob_store(tmp_path.as_uri()))
    assert isinstance(open_blob_store(tmp_path.as_uri()), LocalBlobStore)


async def test_s3_on_a_loopback_server(s3_endpoint: str, aws_env: None) -> None:
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="leadex-artifacts")
    store = open_blob_store(f"s3://leadex-artifacts/prod?endpoint_url={s3_endpoint}")
    await _exercise(store)
    await store.put("k/v.txt", b"hello", "text/plain")
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket="leadex-artifacts")
    assert [item["Key"] for item in listed["Contents"]] == ["prod/k/v.txt"]


def test_unsupported_urls_are_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported"):
        open_blob_store("ftp://nope")
    with pytest.raises(ValueError, match="bucket"):
        open_blob_store("s3:///prefix")
