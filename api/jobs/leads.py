"""A job's leads and its summary."""

from __future__ import annotations

import re
from collections import Counter

from sqlmodel.ext.asyncio.session import AsyncSession

from api.jobs.schemas import CoverageEntry, JobSummary
from core.errors import UnprocessableError
from store.exports import artifact_columns, lead_row
from store.models import Job, Lead, Plan
from store.objects import LeadObject, dump
from store.pagination import Page, PageRequest
from store.repositories import leads, plans
from store.tenancy import Tenant

_FIELD_PATH = re.compile(
    r"^(company\.(name|domain|linkedin|hq_city)|person(\.(full_name|title|email))?|fields\.[a-z0-9_]{1,64})$"
)


def check_field_paths(paths: list[str]) -> list[str]:
    """Validate has_field values: company.x, person, person.x or fields.x."""
    for path in paths:
        if not _FIELD_PATH.match(path):
            raise UnprocessableError(
                f"Unknown field path '{path[:80]}': use company.name|domain|linkedin|hq_city, "
                "person, person.full_name|title|email, or fields.<column>.",
                param="has_field",
            )
    return paths


async def page(
    session: AsyncSession,
    tenant: Tenant,
    job: Job,
    request: PageRequest,
    *,
    min_confidence: float,
    has_fields: list[str],
) -> Page[Lead]:
    """A page of the job's published leads."""
    return await leads.published_page(
        session,
        tenant,
        job.id,
        request,
        min_confidence=min_confidence,
        has_fields=check_field_paths(has_fields),
    )


async def summary(session: AsyncSession, job: Job) -> JobSummary:
    """Row count, column coverage and caveats for a job."""
    plan = await plans.get_by_id(session, job.plan_id)
    rows = await leads.all_published(session, job.id)
    columns = artifact_columns(plan.steps if plan else [])
    filled: Counter[str] = Counter()
    for row in rows:
        values = lead_row(dump(LeadObject.from_row(row)), row.role, columns)
        filled.update(column for column, value in zip(columns, values, strict=True) if value != "")
    coverage = [
        CoverageEntry(
            column=column,
            filled=filled[column],
            percent=round(100 * filled[column] / len(rows)) if rows else 0,
        )
        for column in columns
    ]
    companies = len({(row.company or {}).get("domain") for row in rows})
    staffed = {(row.company or {}).get("domain") for row in rows if row.person}
    return JobSummary(
        job_id=job.id,
        livemode=job.livemode,
        status=job.status,
        rows=len(rows),
        companies=companies,
        companies_without_people=companies - len(staffed),
        credits_used=job.credits_used,
        summary=job.summary,
        coverage=coverage,
        caveats=_caveats(job, plan, rows, coverage),
    )


def _caveats(
    job: Job, plan: Plan | None, rows: list[Lead], coverage: list[CoverageEntry]
) -> list[str]:
    caveats: list[str] = []
    if not job.livemode:
        caveats.append("Test mode: every lead is synthetic and marked so in its sources.")
    if job.status in ("pending", "running"):
        caveats.append(f"The job is still {job.status}; numbers will change.")
    if job.status == "stopped":
        caveats.append(f"Stopped early ({job.stop_reason}); the artifact is partial.")
    if job.status == "failed":
        caveats.append("The job failed; the artifact holds what was collected before it.")
    if plan is not None and job.status == "succeeded" and len(rows) < plan.target_rows:
        caveats.append(
            f"{len(rows)} of the {plan.target_rows} rows asked for were found and grounded."
        )
    sparse = [entry.column for entry in coverage if rows and entry.percent < 50]
    if sparse:
        caveats.append("Under half the rows have: " + ", ".join(sparse[:8]) + ".")
    return caveats
