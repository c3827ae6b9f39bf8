"""Request-body building blocks shared by several endpoints, with the spec's limits."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from core.errors import InvalidRequestError

METADATA_MAX_PAIRS = 50
METADATA_MAX_KEY = 40
METADATA_MAX_VALUE = 500
TITLE_MAX = 200
CONTENT_MAX = 8000
MAX_ATTACHMENTS = 5


def _check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > METADATA_MAX_PAIRS:
        raise ValueError(f"at most {METADATA_MAX_PAIRS} key/value pairs are allowed")
    for key, item in value.items():
        if not key:
            raise ValueError("keys must not be empty")
        if len(key) > METADATA_MAX_KEY:
            raise ValueError(f"key '{key[:50]}' is longer than {METADATA_MAX_KEY} characters")
        if len(item) > METADATA_MAX_VALUE:
            raise ValueError(f"the value of '{key}' is longer than {METADATA_MAX_VALUE} characters")
    return value


Metadata = Annotated[
    dict[str, str],
    AfterValidator(_check_metadata),
    Field(
        description=(
            f"Up to {METADATA_MAX_PAIRS} pairs; keys ≤ {METADATA_MAX_KEY} chars, "
            f"values ≤ {METADATA_MAX_VALUE} chars."
        )
    ),
]
Title = Annotated[str, Field(max_length=TITLE_MAX, description=f"≤ {TITLE_MAX} chars.")]


class DeletedObject(BaseModel):
    """The acknowledgement of a delete."""

    id: str
    object: str
    livemode: bool
    deleted: bool = True


JOB_STATUSES = ("pending", "running", "succeeded", "failed", "stopped")


def parse_job_statuses(raw: str | None, param: str) -> list[str] | None:
    """A comma-separated job-status filter, checked against the job states."""
    if raw is None or not raw.strip():
        return None
    values = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [value for value in values if value not in JOB_STATUSES]
    if unknown:
        raise InvalidRequestError(
            f"Unknown job status '{unknown[0]}'; use one or more of {', '.join(JOB_STATUSES)}.",
            param=param,
        )
    return values
