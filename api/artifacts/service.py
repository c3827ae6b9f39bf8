"""Artifacts: records, signed download URLs, and formats rendered on demand."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import as_utc, isoformat
from core.config import Settings
from core.errors import GoneError, NotFoundError, PermissionDeniedError
from store.blobs import BlobNotFound, BlobStore
from store.exports import render_xlsx
from store.models import Artifact
from store.objects import ArtifactFormat, ArtifactObject
from store.pagination import Page, PageRequest
from store.repositories import artifacts
from store.tenancy import Tenant

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True, slots=True)
class Download:
    """A file to send."""

    data: bytes
    content_type: str
    filename: str


def _signature(key: bytes, artifact_id: str, fmt: str, expires: int) -> str:
    mac = hmac.new(key, f"{artifact_id}:{fmt}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def signed_url(
    settings: Settings, artifact_id: str, fmt: str, now: float | None = None
) -> tuple[str, datetime]:
    """A download URL valid for the configured lifetime (4 h by default), and its expiry."""
    expires = int((time.time() if now is None else now) + settings.artifact_url_ttl_seconds)
    signature = _signature(settings.signing_key(), artifact_id, fmt, expires)
    base = settings.public_base_url.rstrip("/")
    url = (
        f"{base}/v1/artifacts/{artifact_id}/download"
        f"?format={fmt}&expires={expires}&signature={signature}"
    )
    return url, datetime.fromtimestamp(expires, UTC)


def check_signature(
    settings: Settings, artifact_id: str, fmt: str, expires: int, signature: str
) -> None:
    """Refuse a tampered or expired download link."""
    expected = _signature(settings.signing_key(), artifact_id, fmt, expires)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise PermissionDeniedError("This download link is invalid.", param="signature")
    if expires < time.time():
        raise PermissionDeniedError(
            f"This download link expired; call GET /v1/artifacts/{artifact_id} for a fresh one.",
            param="expires",
        )


async def get(
    session: AsyncSession, tenant: Tenant, artifact_id: str, *, shareable_only: bool = False
) -> Artifact:
    """The artifact, or a 404 that names it (a private one is a 404 to publishable keys)."""
    artifact = await artifacts.get(session, tenant, artifact_id)
    if artifact is None or (shareable_only and not artifact.shareable):
        raise NotFoundError(
            f"Artifact {artifact_id} was not found in your organization.", param="artifact_id"
        )
    return artifact


def refuse_purged(artifact: Artifact) -> None:
    """A 410 that says when a purged artifact's files went, and where its leads still are."""
    if artifact.purged_at is None:
        return
    raise GoneError(
        f"Artifact {artifact.id} was purged on {isoformat(as_utc(artifact.purged_at))}: "
        "artifact files are kept 90 days after their job finishes. The job's leads remain "
        f"available at GET /v1/jobs/{artifact.job_id}/leads.",
        param="artifact_id",
    )


async def ensure_format(
    session: AsyncSession, blobs: BlobStore, artifact: Artifact, fmt: ArtifactFormat
) -> int:
    """The size of the artifact in ``fmt``, rendering and caching XLSX on first use."""
    refuse_purged(artifact)
    if fmt == "csv":
        return artifact.bytes
    if fmt == "json":
        return artifact.json_bytes
    if artifact.xlsx_key and artifact.xlsx_bytes is not None:
        return artifact.xlsx_bytes
    table = json.loads(await blobs.get(artifact.csv_key.rsplit("/", 1)[0] + "/table.json"))
    data = render_xlsx(table["columns"], table["rows"])
    key = artifact.csv_key.rsplit("/", 1)[0] + "/leads.xlsx"
    await blobs.put(key, data, CONTENT_TYPES["xlsx"])
    artifact.xlsx_key = key
    artifact.xlsx_bytes = len(data)
    session.add(artifact)
    return len(data)


async def record(
    session: AsyncSession,
    blobs: BlobStore,
    settings: Settings,
    artifact: Artifact,
    fmt: ArtifactFormat,
) -> ArtifactObject:
    """The artifact object for ``fmt`` with a freshly signed URL."""
    size = await ensure_format(session, blobs, artifact, fmt)
    url, expires_at = signed_url(settings, artifact.id, fmt)
    return ArtifactObject.from_row(
        artifact, format=fmt, size=size, download_url=url, expires_at=expires_at
    )


async def download(
    session: AsyncSession, blobs: BlobStore, artifact_id: str, fmt: ArtifactFormat
) -> Download:
    """The bytes behind a verified download link."""
    artifact = await artifacts.get_by_id(session, artifact_id)
    if artifact is None:
        raise NotFoundError(f"Artifact {artifact_id} was not found.", param="artifact_id")
    await ensure_format(session, blobs, artifact, fmt)
    key = {"csv": artifact.csv_key, "json": artifact.json_key, "xlsx": artifact.xlsx_key}[fmt]
    try:
        data = await blobs.get(key or "")
    except BlobNotFound:
        raise NotFoundError(
            f"Artifact {artifact_id}'s file is no longer stored (artifacts are kept 90 days).",
            param="artifact_id",
        ) from None
    return Download(data=data, content_type=CONTENT_TYPES[fmt], filename=f"leads.{fmt}")


def signed(settings: Settings, artifact: Artifact) -> ArtifactObject:
    """The CSV artifact object with a fresh link (for lists: no rendering on the way)."""
    if artifact.purged_at is not None:
        return ArtifactObject.from_row(
            artifact, format="csv", size=artifact.bytes, download_url=None, expires_at=None
        )
    url, expires_at = signed_url(settings, artifact.id, "csv")
    return ArtifactObject.from_row(
        artifact, format="csv", size=artifact.bytes, download_url=url, expires_at=expires_at
    )


async def list_page(
    session: AsyncSession, tenant: Tenant, page: PageRequest, shareable: bool | None
) -> Page[Artifact]:
    """A page of the tenant's artifacts."""
    return await artifacts.list_page(session, tenant, page, shareable=shareable)
