"""Migrations run on SQLite and PostgreSQL, match the models, and go down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import store.models  # noqa: F401
from store import migrate
from store.db import sync_url


def _diff(url: str) -> list[object]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_match_the_models_and_round_trip(database_url: str) -> None:
    migrate.upgrade(database_url)
    assert _diff(database_url) == []
    expected = {
        "organizations",
        "api_keys",
        "threads",
        "messages",
        "plans",
        "jobs",
        "leads",
        "artifacts",
        "events",
    }
    assert expected <= _tables(database_url)

    migrate.downgrade(database_url, "base")
    assert _tables(database_url) & expected == set()
    migrate.upgrade(database_url)
    assert _diff(database_url) == []
