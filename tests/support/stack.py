"""Test stacks: the local stack plus organizations, keys and direct database access."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel.sql.expression import SelectOfScalar

from cli.accounts import mint_key, set_plan
from cli.localstack import LocalStack, running_stack
from cli.processes import free_port
from store.db import Database

POSTGRES_ENV = "LEADEX_TEST_POSTGRES_URL"
TEMPORAL_UI_URL = "http://temporal-ui.test:8233"
WEBHOOK_TEST_SCHEDULE = "0.5,1,1.5,2,2.5,3,3.5"


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards; yields a URL that uses it."""
    schema = f"leadex_test_{secrets.token_hex(4)}"
    plain = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@dataclass
class Keys:
    """The secrets of one test organization."""

    org: str
    org_id: str
    test: str
    live: str
    read_only: str
    extra: dict[str, str] = field(default_factory=dict)


class Stack(LocalStack):
    """A test stack: a local stack plus helpers to make organizations and poke the database."""

    @property
    def backend(self) -> str:
        """sqlite or postgres."""
        return self.name

    async def new_org(
        self, name: str | None = None, *, tier: str = "scale", credits: int = 100_000
    ) -> Keys:
        """A fresh organization with a test key, a live key and a read-only test key.

        Tests default to the Scale tier so limits only bite where a test means them to.
        """
        org = name or f"org-{secrets.token_hex(5)}"
        every = ["read", "run", "integrations", "admin"]
        test = await mint_key(
            self.database_url, org_name=org, livemode=False, scopes=every, name="test"
        )
        live = await mint_key(
            self.database_url, org_name=org, livemode=True, scopes=every, name="live"
        )
        read_only = await mint_key(
            self.database_url, org_name=org, livemode=False, scopes=["read"], name="ro"
        )
        await set_plan(self.database_url, org, tier=tier, credits=credits)
        return Keys(
            org=org,
            org_id=test.org_id,
            test=test.secret,
            live=live.secret,
            read_only=read_only.secret,
        )

    async def execute(self, statement: UpdateBase) -> None:
        """Run a statement directly against the stack's database (test set-up only)."""
        database = Database(self.database_url)
        try:
            async with database.transaction() as session:
                await session.exec(statement)
        finally:
            await database.dispose()

    async def query(self, statement: SelectOfScalar[Any]) -> list[Any]:
        """Read rows directly from the stack's database (assertions only)."""
        database = Database(self.database_url)
        try:
            async with database.transaction() as session:
                return list((await session.exec(statement)).all())
        finally:
            await database.dispose()


@contextmanager
def running_test_stack(
    backend: str,
    database_url: str,
    temporal_address: str,
    namespace: str,
    work_dir: Path,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """A local stack tuned for tests: fast test-mode pacing, loopback fetches allowed."""
    env = {
        "LEADEX_SYNTHETIC_BATCH_DELAY_SECONDS": "0.05",
        # The operator's view: worker metrics, the SDK's metrics and links to the UI.
        "LEADEX_METRICS_PORT": str(free_port()),
        "LEADEX_TEMPORAL_METRICS_PORT": str(free_port()),
        "LEADEX_TEMPORAL_UI_URL": TEMPORAL_UI_URL,
        "LEADEX_SCHEDULE_RUN_POLL_SECONDS": "0.5",
        # Webhook retries on a shortened clock: the same seven waits, in seconds.
        "LEADEX_WEBHOOK_RETRY_SCHEDULE_SECONDS": WEBHOOK_TEST_SCHEDULE,
        # Tests serve attachments and the sandbox web on loopback.
        "LEADEX_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
        # The machine is shared: planning may wait for workers busy with other tests' jobs.
        "LEADEX_PLANNING_TIMEOUT_SECONDS": "120",
        **(extra_env or {}),
    }
    with running_stack(
        backend, database_url, temporal_address, namespace, work_dir, env, stack_class=Stack
    ) as stack:
        assert isinstance(stack, Stack)
        yield stack


def postgres_url() -> str | None:
    """The PostgreSQL URL CI provides, if any."""
    return os.environ.get(POSTGRES_ENV) or None
