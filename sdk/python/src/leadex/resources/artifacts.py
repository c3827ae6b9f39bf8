"""Artifacts: the record with a fresh signed URL, and the file itself."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx

from leadex._base import RequestOptions
from leadex._models import Artifact
from leadex._pagination import AsyncPage, SyncPage
from leadex.resources._resource import AsyncResource, SyncResource, query

PathLike = str | os.PathLike[str]


class ArtifactFile:
    """A downloaded artifact: ``content`` in memory, :meth:`save_to` to write it."""

    def __init__(self, artifact: Artifact, response: httpx.Response) -> None:
        self.artifact = artifact
        self.content = response.content
        self.content_type = response.headers.get("content-type", "application/octet-stream")
        self.filename = _filename(response) or f"{artifact.id}.{artifact.format}"

    @property
    def text(self) -> str:
        """The file as text (CSV and JSON are UTF-8)."""
        return self.content.decode("utf-8")

    def save_to(self, path: PathLike) -> Path:
        """Write the file to ``path`` (a directory gets the server's file name); returns it."""
        target = Path(path)
        if target.is_dir():
            target = target / self.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.part")
        temporary.write_bytes(self.content)
        temporary.replace(target)
        return target

    def __repr__(self) -> str:
        return f"ArtifactFile(id={self.artifact.id!r}, bytes={len(self.content)})"


def _filename(response: httpx.Response) -> str | None:
    match = re.search(r'filename="?([^";]+)"?', response.headers.get("content-disposition", ""))
    return Path(match.group(1)).name if match else None


def _retrieve_options(artifact_id: str, format: str | None) -> RequestOptions:
    return RequestOptions("GET", f"artifacts/{artifact_id}", params=query(format=format))


def _file_options(artifact: Artifact) -> RequestOptions:
    # The signed URL is its own authorization; the API key never goes to the file's host.
    if artifact.download_url is None:
        # The server answers 410 for a purged artifact; a record without a link is one.
        raise ValueError(f"Artifact {artifact.id}'s files were purged on {artifact.purged_at}.")
    return RequestOptions(
        "GET", artifact.download_url, headers={"Accept": "*/*"}, authenticated=False
    )


def _list_params(
    shareable: bool | None, limit: int | None, cursor: str | None
) -> dict[str, object]:
    return query(
        shareable=None if shareable is None else str(shareable).lower(), limit=limit, cursor=cursor
    )


class Artifacts(SyncResource):
    """``client.artifacts``: the files jobs produce."""

    def retrieve(self, artifact_id: str, *, format: str | None = None) -> Artifact:
        """The artifact record with a fresh ``download_url`` (``format``: csv, json, xlsx)."""
        return self._client._request(Artifact, _retrieve_options(artifact_id, format))

    def download(
        self, artifact_id: str, *, to: PathLike | None = None, format: str | None = None
    ) -> ArtifactFile:
        """Download the file; with ``to`` it is also written there.

        Example: ``client.artifacts.download(job.artifact.id, to="./leads.csv")``
        """
        artifact = self.retrieve(artifact_id, format=format)
        file = ArtifactFile(artifact, self._client._send(_file_options(artifact)))
        if to is not None:
            file.save_to(to)
        return file

    def list(
        self,
        *,
        shareable: bool | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> SyncPage[Artifact]:
        """The organization's artifacts, newest first."""
        params = _list_params(shareable, limit, cursor)
        return self._client._list(Artifact, RequestOptions("GET", "artifacts", params=params))

    def update(self, artifact_id: str, *, shareable: bool) -> Artifact:
        """Mark an artifact shareable (publishable keys can read it) or not."""
        options = RequestOptions("POST", f"artifacts/{artifact_id}", json={"shareable": shareable})
        return self._client._request(Artifact, options)


class AsyncArtifacts(AsyncResource):
    """``client.artifacts``: the files jobs produce."""

    async def retrieve(self, artifact_id: str, *, format: str | None = None) -> Artifact:
        """The artifact record with a fresh ``download_url`` (``format``: csv, json, xlsx)."""
        return await self._client._request(Artifact, _retrieve_options(artifact_id, format))

    async def download(
        self, artifact_id: str, *, to: PathLike | None = None, format: str | None = None
    ) -> ArtifactFile:
        """Download the file; with ``to`` it is also written there."""
        artifact = await self.retrieve(artifact_id, format=format)
        file = ArtifactFile(artifact, await self._client._send(_file_options(artifact)))
        if to is not None:
            file.save_to(to)
        return file

    async def list(
        self,
        *,
        shareable: bool | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> AsyncPage[Artifact]:
        """The organization's artifacts, newest first."""
        params = _list_params(shareable, limit, cursor)
        return await self._client._list(Artifact, RequestOptions("GET", "artifacts", params=params))

    async def update(self, artifact_id: str, *, shareable: bool) -> Artifact:
        """Mark an artifact shareable (publishable keys can read it) or not."""
        options = RequestOptions("POST", f"artifacts/{artifact_id}", json={"shareable": shareable})
        return await self._client._request(Artifact, options)
