"""Inputs and outputs of an erasure: its id, job ids and counts, never whom it is about."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErasureRequest(BaseModel):
    """Carry out one recorded erasure."""

    erasure_id: str
    task_queue: str = Field(description="Where the erasure's activities run.")


class ErasureSurvey(BaseModel):
    """Where the person was found: the jobs whose records and artifacts name them."""

    erasure_id: str
    found: bool
    job_ids: list[str] = Field(default_factory=list)
    records: int = 0


class JobErasure(BaseModel):
    """Erase the person from one job: its records, its lead JSON and its artifact files."""

    erasure_id: str
    job_id: str


class JobErased(BaseModel):
    """What one job lost."""

    job_id: str
    records: int = 0
    scrubbed: int = 0
    artifact_rewritten: bool = False


class SourcesErased(BaseModel):
    """Cached pages removed because they mention the person."""

    pages: int = 0


class ErasureFinish(BaseModel):
    """Suppress the person, write the audit entry and forget the subject."""

    erasure_id: str
    records: int = 0
    jobs: int = 0
    artifacts: int = 0
    pages: int = 0


class ErasureResult(BaseModel):
    """The erasure's outcome, in counts."""

    erasure_id: str
    found: bool
    records: int = 0
    jobs: int = 0
    artifacts: int = 0
    pages: int = 0
    responses: int = 0
    suppressions: int = 0
