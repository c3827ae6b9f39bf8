"""Blob storage behind one interface: a local directory by default, S3 when configured."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlparse


class BlobNotFound(Exception):
    """No blob under that key."""


class BlobStore(Protocol):
    """Where artifacts live."""

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing what was there."""
        ...

    async def get(self, key: str) -> bytes:
        """The blob under ``key``; ``BlobNotFound`` if absent."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds a blob."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        ...

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every blob under the folder ``prefix``; returns how many went."""
        ...


def _safe_key(key: str) -> str:
    parts = [part for part in key.split("/") if part]
    if not parts or any(part in {".", ".."} for part in parts):
        raise ValueError(f"Invalid blob key {key!r}")
    return "/".join(parts)


class LocalBlobStore:
    """Files under a root directory; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _safe_key(key)

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``."""
        await asyncio.to_thread(self._write, key, data)

    async def get(self, key: str) -> bytes:
        """The blob under ``key``."""
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds a blob."""
        return self._path(key).is_file()

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        self._path(key).unlink(missing_ok=True)

    async def delete_prefix(self, prefix: str) -> int:
        """Remove the folder ``prefix`` and every blob in it."""

        def remove() -> int:
            folder = self._path(prefix)
            if not folder.is_dir():
                return 0
            count = sum(1 for path in folder.rglob("*") if path.is_file())
            shutil.rmtree(folder, ignore_errors=True)
            return count

        return await asyncio.to_thread(remove)


class S3BlobStore:
    """Objects in an S3 (or S3-compatible) bucket under a prefix."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._client: Any = boto3.client("s3", endpoint_url=endpoint_url)

    def _key(self, key: str) -> str:
        safe = _safe_key(key)
        return f"{self.prefix}/{safe}" if self.prefix else safe

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``."""
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        """The blob under ``key``."""
        try:
            response = await asyncio.to_thread(
                self._client.get_object, Bucket=self.bucket, Key=self._key(key)
            )
        except self._client.exceptions.NoSuchKey:
            raise BlobNotFound(key) from None
        body: bytes = await asyncio.to_thread(response["Body"].read)
        return body

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds a blob."""
        from botocore.exceptions import ClientError

        try:
            await asyncio.to_thread(
                self._client.head_object, Bucket=self.bucket, Key=self._key(key)
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        await asyncio.to_thread(self._client.delete_object, Bucket=self.bucket, Key=self._key(key))

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every object under ``prefix/``, a listing page (≤ 1,000) at a time."""

        def remove() -> int:
            removed = 0
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(prefix) + "/"
            )
            for page in pages:
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if keys:
                    self._client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})
                    removed += len(keys)
            return removed

        return await asyncio.to_thread(remove)


def open_blob_store(url: str, *, s3_endpoint_url: str | None = None) -> BlobStore:
    """``file:///dir`` or ``s3://bucket/prefix[?endpoint_url=...]``."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalBlobStore(Path(unquote(parsed.path)))
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError("An s3:// storage URL needs a bucket: s3://bucket/prefix")
        query = parse_qs(parsed.query)
        endpoint = query.get("endpoint_url", [s3_endpoint_url])[0]
        return S3BlobStore(parsed.netloc, parsed.path, endpoint_url=endpoint)
    raise ValueError(f"Unsupported artifact storage URL {url!r}: use file:// or s3://")
