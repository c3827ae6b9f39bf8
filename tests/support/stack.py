"""A real Leadex stack for tests: Temporal dev server, worker and API as child processes."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

import httpx
import psycopg
from sqlalchemy.sql.dml import UpdateBase

from cli import processes
from cli.accounts import mint_key
from store import migrate
from store.db import Database

POSTGRES_ENV = "LEADEX_TEST_POSTGRES_URL"


@dataclass
class TemporalServer:
    """A headless dev server on a free port."""

    address: str
    process: Popen[bytes]


@contextmanager
def temporal_server(namespaces: list[str], log_dir: Path) -> Iterator[TemporalServer]:
    """Start a Temporal dev server for the test session."""
    port = processes.free_port()
    argv = processes.temporal_dev_server_argv(
        port=port, ui_port=None, db_file=None, namespaces=namespaces
    )
    process = processes.spawn(argv, log=log_dir / "temporal.log")
    try:
        processes.wait_for_port("127.0.0.1", port, timeout=60, process=process)
        yield TemporalServer(address=f"127.0.0.1:{port}", process=process)
    finally:
        processes.stop(process)


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


@dataclass
class Stack:
    """A running API and worker over one database backend."""

    backend: str
    database_url: str
    base_url: str
    env: dict[str, str]
    data_dir: Path
    api: Popen[bytes]
    worker: Popen[bytes] | None
    log_dir: Path

    def client(self, secret: str | None = None, **headers: str) -> httpx.AsyncClient:
        """An HTTP client for the API, authenticated with ``secret`` if given."""
        all_headers = dict(headers)
        if secret:
            all_headers["Authorization"] = f"Bearer {secret}"
        return httpx.AsyncClient(base_url=self.base_url, headers=all_headers, timeout=60)

    async def new_org(self, name: str | None = None) -> Keys:
        """A fresh organization with a test key, a live key and a read-only test key."""
        org = name or f"org-{secrets.token_hex(5)}"
        test = await mint_key(
            self.database_url,
            org_name=org,
            livemode=False,
            scopes=["read", "run", "integrations", "admin"],
            name="test",
        )
        live = await mint_key(
            self.database_url,
            org_name=org,
            livemode=True,
            scopes=["read", "run", "integrations", "admin"],
            name="live",
        )
        read_only = await mint_key(
            self.database_url, org_name=org, livemode=False, scopes=["read"], name="ro"
        )
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

    def start_worker(self, extra_env: dict[str, str] | None = None) -> Popen[bytes]:
        """Start a worker process (tests may kill and restart it)."""
        process = processes.spawn(
            [sys.executable, "-m", "cli.main", "worker"],
            env={**self.env, **(extra_env or {})},
            log=self.log_dir / f"worker-{self.backend}.log",
        )
        self.worker = process
        return process


def _wait_healthy(base_url: str, process: Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"API exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("API did not become healthy")


@contextmanager
def running_stack(
    backend: str,
    database_url: str,
    temporal_address: str,
    namespace: str,
    work_dir: Path,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Migrate the database and run an API and a worker against it."""
    data_dir = work_dir / f"data-{backend}"
    log_dir = work_dir / "logs"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(database_url)
    port = processes.free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        "LEADEX_DATABASE_URL": database_url,
        "LEADEX_DATA_DIR": str(data_dir),
        "LEADEX_TEMPORAL_ADDRESS": temporal_address,
        "LEADEX_TEMPORAL_NAMESPACE": namespace,
        "LEADEX_PUBLIC_BASE_URL": base_url,
        "LEADEX_SECRET_KEY": secrets.token_hex(16),
        "LEADEX_LOG_LEVEL": "WARNING",
        "LEADEX_SYNTHETIC_BATCH_DELAY_SECONDS": "0.05",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    api = processes.spawn(
        [sys.executable, "-m", "cli.main", "api", "--port", str(port)],
        env=env,
        log=log_dir / f"api-{backend}.log",
    )
    stack = Stack(
        backend=backend,
        database_url=database_url,
        base_url=base_url,
        env=env,
        data_dir=data_dir,
        api=api,
        worker=None,
        log_dir=log_dir,
    )
    try:
        stack.start_worker()
        _wait_healthy(base_url, api)
        yield stack
    finally:
        processes.stop(api)
        if stack.worker is not None:
            processes.stop(stack.worker)


def postgres_url() -> str | None:
    """The PostgreSQL URL CI provides, if any."""
    return os.environ.get(POSTGRES_ENV) or None


def run(coro: object) -> object:
    """Run a coroutine from sync fixture code."""
    return asyncio.run(coro)  # type: ignore[arg-type]
