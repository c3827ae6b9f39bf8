"""Message request and response bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
)

from api.planning import Drafted
from api.schemas import CONTENT_MAX, MAX_ATTACHMENTS
from store.objects import JobObject, MessageObject, PlanObject

MAX_ROWS = 10_000


class AttachmentIn(BaseModel):
    """A file or page list the planner and engine should use."""

    kind: Literal["csv", "url_list"] = Field(
        description="csv: a seed list to enrich; url_list: pages to crawl."
    )
    url: AnyHttpUrl = Field(description="An http(s) URL the engine fetches through its guard.")

    @field_validator("url")
    @classmethod
    def _bounded(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        if len(str(value)) > 2048:
            raise ValueError("URLs are limited to 2048 characters")
        return value


class HintsIn(BaseModel):
    """Soft constraints."""

    max_rows: StrictInt | None = Field(default=None, ge=1, le=MAX_ROWS)
    preferred_sources: list[Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=list, max_length=20
    )


Content = Annotated[
    str,
    StringConstraints(min_length=1, max_length=CONTENT_MAX),
    Field(description=f"The prompt. 1–{CONTENT_MAX:,} chars."),
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("the prompt must not be blank")
    return value


class MessageCreate(BaseModel):
    """POST /v1/threads/{thread_id}/messages."""

    content: Content
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    hints: HintsIn = Field(default_factory=HintsIn)
    auto_approve: StrictBool = False

    _content_not_blank = field_validator("content")(_not_blank)


class MessageCreateResponse(BaseModel):
    """The user message, the plan drafted for it and the pending job that would run it."""

    message: MessageObject
    plan: PlanObject
    job: JobObject

    @classmethod
    def from_drafted(cls, drafted: Drafted) -> MessageCreateResponse:
        """Render what a planned turn wrote."""
        return cls(
            message=MessageObject.from_row(drafted.message),
            plan=PlanObject.from_row(drafted.plan),
            job=JobObject.from_row(drafted.job),
        )
