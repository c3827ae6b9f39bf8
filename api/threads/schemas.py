"""Thread request bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from api.schemas import Metadata, Title


class ThreadCreate(BaseModel):
    """POST /v1/threads."""

    model_config = ConfigDict(extra="ignore")

    title: Title | None = None
    metadata: Metadata | None = None


class ThreadUpdate(BaseModel):
    """PATCH /v1/threads/{thread_id}: only the fields sent change."""

    title: Title | None = None
    metadata: Metadata | None = None
