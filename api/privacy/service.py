"""Privacy operations: the access report, erasures and the suppression list."""

from __future__ import annotations

import json
import re
from typing import Literal

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.auth import Principal
from api.privacy.schemas import (
    PersonIdentifier,
    PersonReport,
    ReportArtifact,
    ReportRecord,
    ReportSource,
)
from core.errors import ConflictError, InvalidRequestError, NotFoundError, UnprocessableError
from core.sealing import Sealer
from research.privacy import (
    Subject,
    domain_hash,
    email_hash,
    is_domain,
    name_hash,
    normalize_domain,
    normalize_email,
    normalize_name,
)
from store.blobs import BlobNotFound, BlobStore
from store.models import Erasure, Suppression
from store.pagination import Page, PageRequest
from store.repositories import artifacts
from store.repositories import privacy as repo
from store.repositories.deletions import artifact_folder
from store.tenancy import Tenant

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _email(value: str) -> str:
    email = normalize_email(value)
    if not _EMAIL.match(email) or not is_domain(normalize_domain(email.rsplit("@", 1)[1])):
        raise UnprocessableError(
            "Invalid value for 'email': expected an address such as jane@acme.example.",
            param="email",
        )
    return email


def _domain(value: str) -> str:
    domain = normalize_domain(value)
    if not is_domain(domain):
        raise UnprocessableError(
            "Invalid value for 'domain': expected a company domain such as acme.example.",
            param="domain",
        )
    return domain


def _name(value: str) -> str:
    if not normalize_name(value):
        raise UnprocessableError(
            "Invalid value for 'name': give the person's name in letters, e.g. Jane Doe.",
            param="name",
        )
    return value.strip()


def person_of(identifier: PersonIdentifier) -> Subject:
    """The person an access or erasure request names: an email, or a name at a domain."""
    if identifier.email is not None:
        if identifier.name is not None or identifier.domain is not None:
            extra = "name" if identifier.name is not None else "domain"
            raise UnprocessableError(
                f"Give either 'email', or 'name' with 'domain', not both ('{extra}' was "
                "sent with 'email').",
                param=extra,
            )
        return Subject(email=_email(identifier.email))
    if identifier.name is None and identifier.domain is None:
        raise InvalidRequestError(
            "Missing required parameter 'email' (or 'name' with 'domain').", param="email"
        )
    if identifier.name is None:
        raise InvalidRequestError(
            "Missing required parameter 'name': a domain alone does not name a person.",
            param="name",
        )
    if identifier.domain is None:
        raise InvalidRequestError(
            "Missing required parameter 'domain': a name is looked up at the domain of the "
            "company the person works at.",
            param="domain",
        )
    return Subject(name=_name(identifier.name), domain=_domain(identifier.domain))


SuppressionKind = Literal["email", "domain", "name"]


def suppression_of(identifier: PersonIdentifier) -> tuple[SuppressionKind, str]:
    """What a suppression request names, as a kind and the hash that is kept."""
    if identifier.email is None and identifier.name is None and identifier.domain is not None:
        return "domain", domain_hash(_domain(identifier.domain))
    if identifier.email is None and identifier.name is None:
        raise InvalidRequestError(
            "Missing required parameter 'email' (or 'domain', or 'name' with 'domain').",
            param="email",
        )
    subject = person_of(identifier)
    if subject.email:
        return "email", email_hash(subject.email)
    return "name", name_hash(subject.name or "", subject.domain or "")


async def report(
    session: AsyncSession, blobs: BlobStore, tenant: Tenant, identifier: PersonIdentifier
) -> PersonReport:
    """Every record, artifact row and cached source of the organization naming the person."""
    subject = person_of(identifier)
    rows = await repo.find_person(session, tenant, subject)
    jobs = await repo.jobs_of(session, sorted({row.job_id for row in rows}))
    records = [
        ReportRecord(
            id=row.id,
            job_id=row.job_id,
            thread_id=jobs[row.job_id].thread_id if row.job_id in jobs else None,
            state=row.state,
            role=row.role,
            company=row.company,
            person=row.person,
            fields=row.fields,
            sources=row.sources,
            confidence=row.confidence,
            created_at=row.created_at,
        )
        for row in sorted(rows, key=lambda row: row.id)
    ]
    found_artifacts = []
    for job_id in sorted(jobs):
        artifact = await artifacts.for_job(session, job_id)
        if artifact is None:
            continue
        if artifact.purged_at is not None:
            found_artifacts.append(
                ReportArtifact(
                    artifact_id=artifact.id, job_id=job_id, purged=True, columns=[], rows=[]
                )
            )
            continue
        try:
            table = json.loads(await blobs.get(f"{artifact_folder(artifact)}/table.json"))
        except BlobNotFound:
            continue
        naming = [row for row in table["rows"] if subject.mentioned_in(json.dumps(row))]
        if naming:
            found_artifacts.append(
                ReportArtifact(
                    artifact_id=artifact.id,
                    job_id=job_id,
                    purged=False,
                    columns=table["columns"],
                    rows=naming,
                )
            )
    urls = sorted({str(source.get("url")) for row in rows for source in row.sources})
    pages = await repo.cached_pages(session, urls)
    suppressed = await repo.suppressed_hashes(session, tenant.org_id, tenant.livemode)
    erasures = await session.exec(
        select(Erasure.id).where(
            Erasure.org_id == tenant.org_id,
            Erasure.livemode == tenant.livemode,
            Erasure.identifier_hash == subject.identifier_hash,
        )
    )
    return PersonReport(
        livemode=tenant.livemode,
        identifier_hash=subject.identifier_hash,
        suppressed=bool(subject.targets() & suppressed),
        erasure_ids=sorted(erasures.all()),
        leads=records,
        artifacts=found_artifacts,
        sources=[
            ReportSource(
                url=page.url,
                fetched_at=page.fetched_at,
                expires_at=page.expires_at,
                mentions_person=subject.mentioned_in(page.text),
            )
            for page in sorted(pages, key=lambda page: page.url)
        ],
    )


async def request_erasure(
    session: AsyncSession, principal: Principal, identifier: PersonIdentifier, sealer: Sealer
) -> Erasure:
    """Record an erasure; the caller starts its workflow once this commits."""
    subject = person_of(identifier)
    sealed = sealer.seal(subject.model_dump_json())
    return await repo.record_erasure(
        session, principal.tenant, subject, sealed, requested_by=principal.key_id
    )


async def get_erasure(session: AsyncSession, tenant: Tenant, erasure_id: str) -> Erasure:
    """The erasure, or a 404 that names it."""
    erasure = await repo.get_erasure(session, tenant, erasure_id)
    if erasure is None:
        raise NotFoundError(
            f"Erasure {erasure_id} was not found in your organization.", param="erasure_id"
        )
    return erasure


async def list_erasures(session: AsyncSession, tenant: Tenant, page: PageRequest) -> Page[Erasure]:
    """The organization's erasures, most recent first."""
    return await repo.list_erasures(session, tenant, page)


async def add_suppression(
    session: AsyncSession, principal: Principal, identifier: PersonIdentifier
) -> Suppression:
    """Put an email, a domain or a name at a domain on the suppression list (once)."""
    kind, value_hash = suppression_of(identifier)
    return await repo.add_suppression(
        session, principal.tenant, kind, value_hash, created_by=principal.key_id
    )


async def list_suppressions(
    session: AsyncSession, tenant: Tenant, page: PageRequest, identifier: PersonIdentifier
) -> Page[Suppression]:
    """The suppression list, or the entry for one identifier."""
    fields = identifier.model_fields_set
    value_hash = suppression_of(identifier)[1] if fields else None
    return await repo.list_suppressions(session, tenant, page, value_hash=value_hash)


async def delete_suppression(session: AsyncSession, tenant: Tenant, suppression_id: str) -> None:
    """Take an entry off the suppression list."""
    suppression = await repo.get_suppression(session, tenant, suppression_id)
    if suppression is None:
        raise NotFoundError(
            f"Suppression {suppression_id} was not found in your organization.",
            param="suppression_id",
        )
    if suppression.erasure_id is not None:
        raise ConflictError(
            f"Suppression {suppression_id} was added by erasure {suppression.erasure_id}: an "
            "erased person stays suppressed, so it cannot be removed.",
            param="suppression_id",
        )
    await session.delete(suppression)
