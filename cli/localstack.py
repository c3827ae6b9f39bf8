"""A whole Leadex stack on one machine, as child processes: for tests and benchmarks.

A Temporal dev server, then an API and a worker over a migrated database, all on loopback.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from cli import processes
from core.config import Settings
from store import migrate
from workflows.queues import TaskQueues


@dataclass
class TemporalServer:
    """A headless dev server on a free port."""

    address: str
    process: Popen[bytes]


@contextmanager
def temporal_server(
    namespaces: list[str], log_dir: Path, dynamic_config: Mapping[str, int] | None = None
) -> Iterator[TemporalServer]:
    """Start a throwaway Temporal dev server (state in memory)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    port = processes.free_port()
    argv = processes.temporal_dev_server_argv(
        port=port, ui_port=None, db_file=None, namespaces=namespaces, dynamic_config=dynamic_config
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


def _wait_polling(
    address: str, namespace: str, process: Popen[bytes], timeout: float = 180
) -> None:
    """Wait until the worker polls its workflow and planning queues: on a busy machine its
    start can take longer than a request is willing to wait for a plan."""
    queues = TaskQueues.from_settings(Settings())

    async def polled() -> None:
        client = await Client.connect(address, namespace=namespace)
        deadline = time.monotonic() + timeout
        workflow = TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
        activity = TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY
        pending = [(queues.workflows, workflow), (queues.planning, activity)]
        while pending:
            if process.poll() is not None:
                raise RuntimeError(f"Worker exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"The worker did not poll {pending[0][0]}")
            described = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=namespace,
                    task_queue=TaskQueue(name=pending[0][0]),
                    task_queue_type=pending[0][1],
                )
            )
            if described.pollers:
                pending.pop(0)
            else:
                await asyncio.sleep(0.2)

    # In a thread of its own: callers may be inside an event loop (the benches are).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, polled()).result()


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
        worker = stack.start_worker()
        _wait_healthy(base_url, api)
        _wait_polling(temporal_address, namespace, worker)
        yield stack
    finally:
        processes.stop(api)
        if stack.worker is not None:
            processes.stop(stack.worker)
