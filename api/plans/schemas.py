"""Plan request bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from api.schemas import CONTENT_MAX


class ReplanRequest(BaseModel):
    """POST /v1/plans/{plan_id}/replan."""

    feedback: Annotated[str, StringConstraints(min_length=1, max_length=CONTENT_MAX)] = Field(
        description="What to change, e.g. 'Only VP Eng with Python experience. Skip Crunchbase.'"
    )

    @field_validator("feedback")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("feedback must not be blank")
        return value
