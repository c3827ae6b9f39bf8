"""Request-scoped resources: the database session and the Temporal gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from core.config import Settings

if TYPE_CHECKING:
    from api.temporal import TemporalGateway
    from store.blobs import BlobStore
    from store.db import Database


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The process's database."""
    database: Database = request.app.state.database
    return database


def get_session(request: Request) -> AsyncSession:
    """This request's session; ``TransactionalRoute`` commits or rolls it back."""
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        session = get_database(request).session()
        request.state.db_session = session
    return session


def get_temporal(request: Request) -> TemporalGateway:
    """The process's Temporal gateway."""
    gateway: TemporalGateway = request.app.state.temporal
    return gateway


def get_blobs(request: Request) -> BlobStore:
    """Where artifacts are stored."""
    blobs: BlobStore = request.app.state.blobs
    return blobs
