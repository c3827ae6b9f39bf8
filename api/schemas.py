"""Request-body building blocks shared by several endpoints, with the spec's limits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from core.errors import UnprocessableError

METADATA_MAX_PAIRS = 50
METADATA_MAX_KEY = 40
METADATA_MAX_VALUE = 500
TITLE_MAX = 200
CONTENT_MAX = 8000
MAX_ATTACHMENTS = 5


def _iso_text_only(value: Any) -> Any:
    if value is not None and not isinstance(value, str | datetime):
        raise PydanticCustomError("datetime_type", "Input should be an ISO 8601 date-time string")
    return value


# A date-time given as ISO 8601 text; a number is the wrong type, not a Unix timestamp.
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_text_only)]


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
        raise UnprocessableError(
            f"Unknown job status '{unknown[0]}'; use one or more of {', '.join(JOB_STATUSES)}.",
            param=param,
        )
    return values
