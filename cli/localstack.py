"""A whole Leadex stack on one machine, as child processes: for tests and benchmarks.

A Temporal dev server, then an API and a worker over a migrated database, all on loopback.
"""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import httpx

from cli import processes
from store import migrate


@dataclass
class TemporalServer:
    """A headless dev server on a free port."""

    address: str
    process: Popen[bytes]


@contextmanager
def temporal_server(namespaces: list[str], log_dir: Path) -> Iterator[TemporalServer]:
    """Start a throwaway Temporal dev server (state in memory)."""
    log_dir.mkdir(parents=True, exist_ok=True)
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


@dataclass
class LocalStack:
    """A running API and worker over one database."""

    name: str
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

    def start_worker(self, extra_env: Mapping[str, str] | None = None) -> Popen[bytes]:
        """Start a worker process (tests may kill and restart it)."""
        process = processes.spawn(
            [sys.executable, "-m", "cli.main", "worker"],
            env={**self.env, **(extra_env or {})},
            log=self.log_dir / f"worker-{self.name}.log",
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
    name: str,
    database_url: str,
    temporal_address: str,
    namespace: str,
    work_dir: Path,
    extra_env: Mapping[str, str] | None = None,
    stack_class: type[LocalStack] = LocalStack,
) -> Iterator[LocalStack]:
    """Migrate the database and run an API and a worker against it."""
    data_dir = work_dir / f"data-{name}"
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
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    api = processes.spawn(
        [sys.executable, "-m", "cli.main", "api", "--port", str(port)],
        env=env,
        log=log_dir / f"api-{name}.log",
    )
    stack = stack_class(
        name=name,
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
